"""The RAG, forecast and critical-path rules of DOMAIN.md, as pure functions: no database, and
no clock (`today` is always given), so they are tested against fixed dates."""

import heapq
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple, Protocol

from tracker.enums import LabelledEnum
from tracker.milestones.models import MilestoneState

# "Due within 14 days": due today up to and including due in 14 days.
AMBER_WINDOW_DAYS = 14


class RAG(LabelledEnum):
    """A milestone's derived status, never stored. Each has a text symbol and a label, so a
    status is never shown by colour alone."""

    DONE = ("done", "Done")
    RED = ("red", "Red")
    AMBER = ("amber", "Amber")
    GREEN = ("green", "Green")

    @property
    def symbol(self) -> str:
        """A text symbol with a distinct shape for each status (put the label beside it)."""
        return _SYMBOLS[self]

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag colour; the label always shows too."""
        return _TAG_COLOURS[self]


_SYMBOLS = {RAG.DONE: "✓", RAG.RED: "!", RAG.AMBER: "▲", RAG.GREEN: "●"}
_TAG_COLOURS = {RAG.DONE: "blue", RAG.RED: "red", RAG.AMBER: "orange", RAG.GREEN: "green"}


def rag(state: MilestoneState, due_on: date, today: date, dependency_late: bool) -> RAG:
    """The RAG status by DOMAIN.md, first rule that applies:

    - done: DONE, however late it was done;
    - RED when overdue (due before today, so a milestone due today is not yet overdue) or blocked;
    - AMBER when due within 14 days (today up to and including today + 14) and not started,
      or when a milestone it depends on is late (see `plan`); in progress within 14 days is
      not amber on that count;
    - GREEN otherwise.
    """
    if state is MilestoneState.DONE:
        return RAG.DONE
    days_left = (due_on - today).days
    if days_left < 0 or state is MilestoneState.BLOCKED:
        return RAG.RED
    if dependency_late or (days_left <= AMBER_WINDOW_DAYS and state is MilestoneState.NOT_STARTED):
        return RAG.AMBER
    return RAG.GREEN


class Dated(Protocol):
    """What the plan needs of a milestone; a Milestone row or a Record both serve."""

    id: int
    title: str
    state: MilestoneState
    starts_on: date | None
    due_on: date
    done_on: date | None


class Record(NamedTuple):
    """A milestone as plain values (for tests, CSV previews, anything not yet saved)."""

    id: int
    title: str
    state: MilestoneState
    starts_on: date | None
    due_on: date
    done_on: date | None = None


@dataclass(frozen=True)
class Planned:
    """What the plan derives for one milestone on a given day."""

    id: int
    forecast: date  # when it will be (or was) done
    slip_days: int  # forecast - due_on: positive late, negative done early
    overdue: bool  # not done and due before today
    late: bool  # forecast after due_on (overdue, pushed out, or done late)
    dependency_late: bool  # a milestone it depends on is late
    rag: RAG
    driver_id: int | None  # the dependency whose slip set this forecast, if one did
    critical: bool  # on the chain that sets the end date


class CycleError(ValueError):
    """Milestones that depend on themselves through a chain; `cycle` names it in order, first
    id repeated last: [1, 2, 3, 1] is "1 depends on 2, 2 on 3, 3 on 1"."""

    def __init__(self, cycle: list[int]):
        super().__init__("milestones depend on each other in a cycle: " + " → ".join(map(str, cycle)))
        self.cycle = cycle


def plan(milestones: Iterable[Dated], dependencies: Mapping[int, Iterable[int]],
         today: date) -> dict[int, Planned]:
    """Forecast, lateness, RAG and critical path for each milestone, keyed by id, in dependency
    order (a milestone after those it depends on; otherwise by due date, then id).

    `dependencies` maps an id to the ids it depends on; every one of them must be among
    `milestones` (load the programme milestones a proposal's depend on too). Forecast:
    - done: the date it was done;
    - otherwise: its due date moved out by the largest positive slip of its dependencies
      (a late dependency moves it by the same amount), and never before today: a milestone
      not done cannot finish in the past. So an overdue milestone with nothing late before it
      is forecast for today. (Moving out from max(due, today) instead would count the same
      lateness twice when a dependency is overdue too.)
    Raises CycleError when the dependencies loop.
    """
    by_id = {milestone.id: milestone for milestone in milestones}
    depends_on = {key: set(dependencies.get(key, ())) for key in by_id}
    for key, ids in depends_on.items():
        unknown = ids - by_id.keys()
        if unknown:
            raise ValueError(f"milestone {key} depends on {sorted(unknown)}, which are not in the plan")
    planned: dict[int, Planned] = {}
    for key in _dependency_order(by_id, depends_on):
        planned[key] = _plan_one(by_id[key], [planned[d] for d in depends_on[key]], today)
    critical = _critical_path(planned, by_id)
    for key in critical:
        planned[key] = replace(planned[key], critical=True)
    return planned


def _plan_one(milestone: Dated, dependencies: list[Planned], today: date) -> Planned:
    done = milestone.state is MilestoneState.DONE
    driver = max(dependencies, key=lambda d: (d.slip_days, d.forecast, -d.id), default=None)
    push = max(driver.slip_days, 0) if driver else 0
    if done:
        forecast, driver_id = milestone.done_on or milestone.due_on, None
    else:
        pushed = milestone.due_on + timedelta(days=push)
        forecast = max(pushed, today)
        driver_id = driver.id if push > 0 and pushed >= today else None
    overdue = not done and milestone.due_on < today
    dependency_late = any(d.late for d in dependencies)
    return Planned(
        id=milestone.id,
        forecast=forecast,
        slip_days=(forecast - milestone.due_on).days,
        overdue=overdue,
        late=forecast > milestone.due_on,  # overdue included: then the forecast is today
        dependency_late=dependency_late,
        rag=rag(milestone.state, milestone.due_on, today, dependency_late),
        driver_id=driver_id,
        critical=False,
    )


def finish(planned: Mapping[int, Planned], milestones: Iterable[Dated]) -> Planned | None:
    """The milestone that sets the end date: the latest forecast (ties: the earliest due date,
    then the lowest id); None for no milestones. Compare its forecast with a deadline to say
    whether a proposal will make it."""
    due = {milestone.id: milestone.due_on for milestone in milestones}
    return min(planned.values(), key=lambda p: (-p.forecast.toordinal(), due[p.id], p.id), default=None)


def _critical_path(planned: dict[int, Planned], by_id: dict[int, Dated]) -> list[int]:
    """From the milestone that sets the end date, back through each dependency whose slip set
    the forecast; the chain stops at a milestone nothing pushed."""
    last = finish(planned, by_id.values())
    chain = []
    key = last.id if last else None
    while key is not None:
        chain.append(key)
        key = planned[key].driver_id
    return chain


def _dependency_order(by_id: Mapping[int, Dated], depends_on: Mapping[int, set[int]]) -> list[int]:
    """Kahn's topological sort, taking the earliest due (then lowest id) ready milestone first."""
    waiting = {key: len(ids) for key, ids in depends_on.items()}
    dependents: dict[int, list[int]] = {key: [] for key in by_id}
    for key, ids in depends_on.items():
        for dependency in ids:
            dependents[dependency].append(key)
    ready = [(by_id[key].due_on, key) for key, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, key = heapq.heappop(ready)
        order.append(key)
        for dependent in dependents[key]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                heapq.heappush(ready, (by_id[dependent].due_on, dependent))
    if len(order) < len(by_id):
        raise CycleError(_a_cycle({key for key, count in waiting.items() if count}, depends_on))
    return order


def _a_cycle(stuck: set[int], depends_on: Mapping[int, set[int]]) -> list[int]:
    """A cycle among milestones the sort could not place: each waits on another stuck one, so
    following those from any of them must come back round."""
    path: list[int] = []
    seen: dict[int, int] = {}
    key = min(stuck)
    while key not in seen:
        seen[key] = len(path)
        path.append(key)
        key = min(depends_on[key] & stuck)
    return path[seen[key]:] + [key]


def find_cycle(edges: Mapping[int, Iterable[int]], new_from: int, new_to: int) -> list[int] | None:
    """The cycle that adding "new_from depends on new_to" to `edges` (id -> ids it depends on)
    would make, as [new_from, new_to, ..., new_from] (shortest such), or None when it makes none.
    Depending on itself is the cycle [new_from, new_from]."""
    if new_from == new_to:
        return [new_from, new_from]
    came_from: dict[int, int | None] = {new_to: None}
    queue = deque([new_to])
    while queue:
        key = queue.popleft()
        if key == new_from:
            path = []
            step: int | None = key
            while step is not None:
                path.append(step)
                step = came_from[step]
            return [new_from, *reversed(path)]
        for dependency in sorted(edges.get(key, ())):
            if dependency not in came_from:
                came_from[dependency] = key
                queue.append(dependency)
    return None
