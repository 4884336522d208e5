"""The timelines' rows, as pure functions of the milestones and their plan: each milestone with
what the plan derived for it, grouped under headings (the programme's dates first, then each
proposal), each group's critical path, a proposal's forecast end against the full proposal
deadline in words, and the filters that hide rows (never changing the plan)."""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.milestones.models import MilestoneKind, MilestoneState
from tracker.milestones.rules import RAG, Planned, finish

PROGRAMME_HEADING = "Programme dates"


@dataclass(frozen=True)
class Entry:
    """One milestone with what the plan derived for it, and whether it is on a critical path."""

    milestone: Any  # a Milestone (owner loaded) or anything with its attributes
    planned: Planned
    critical: bool
    depends_on: tuple  # the milestones it depends on, by due date then id

    @property
    def id(self) -> int:
        return self.milestone.id

    @property
    def rag(self) -> RAG:
        return self.planned.rag

    @property
    def done(self) -> bool:
        return self.milestone.state is MilestoneState.DONE


@dataclass(frozen=True)
class Deadline:
    """The full proposal deadline a proposal's forecast is held against: the due date of the
    programme's "Full proposal deadline" milestone when it has one (the dated, owned step the
    timeline draws), else the date in the programme's key dates."""

    on: date | None
    milestone: Any | None
    programme_date: date | None

    @property
    def differs(self) -> bool:
        """The milestone and the programme's key dates disagree (the page says so)."""
        return self.milestone is not None and self.programme_date not in (None, self.on)


def deadline_of(programme_date: date | None, milestones: Iterable) -> Deadline:
    """The deadline, from the programme's key date and its own milestones among `milestones`
    (the earliest "Full proposal deadline" milestone, should there be two)."""
    milestone = min(
        (m for m in milestones if m.proposal_id is None and m.kind is MilestoneKind.FULL_PROPOSAL_DEADLINE),
        key=lambda m: (m.due_on, m.id), default=None,
    )
    return Deadline(milestone.due_on if milestone else programme_date, milestone, programme_date)


@dataclass(frozen=True)
class Finish:
    """A proposal's forecast end against the full proposal deadline. Delivery milestones come
    after funding, so they are not counted: the question is whether the bid will be ready."""

    milestone: Any | None  # the one that sets the end date (rules.finish); None: nothing counted
    forecast: date | None
    done: bool  # every counted milestone is done
    deadline: date | None

    @property
    def days_after(self) -> int | None:
        """Days from the deadline to the forecast end: positive late, negative early."""
        if self.forecast is None or self.deadline is None:
            return None
        return (self.forecast - self.deadline).days

    @property
    def words(self) -> str:
        """'Forecast to finish 3 days after the deadline', and the like."""
        if self.forecast is None:
            return "No milestones before delivery yet, so no forecast to hold against the deadline"
        if self.deadline is None:
            return "The programme has no full proposal deadline to hold the forecast against"
        verb = "Finished" if self.done else "Forecast to finish"
        days = self.days_after
        if days == 0:
            return f"{verb} on the day of the deadline"
        return f"{verb} {_days(abs(days))} {'after' if days > 0 else 'before'} the deadline"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def finish_of(entries: Iterable[Entry], deadline: date | None) -> Finish:
    """The forecast end of a proposal's entries (all but delivery) against `deadline`."""
    counted = [entry for entry in entries if entry.milestone.kind is not MilestoneKind.DELIVERY]
    last = finish({entry.id: entry.planned for entry in counted}, [entry.milestone for entry in counted])
    if last is None:
        return Finish(None, None, False, deadline)
    milestone = next(entry.milestone for entry in counted if entry.id == last.id)
    done = all(entry.done for entry in counted)
    return Finish(milestone, last.forecast, done, deadline)


@dataclass(frozen=True)
class Group:
    """Rows under one heading: the programme's own dates (proposal None) or one proposal's."""

    proposal: Any | None
    entries: tuple[Entry, ...]
    finish: Finish | None  # a proposal's forecast against the deadline

    @property
    def heading(self) -> str:
        return PROGRAMME_HEADING if self.proposal is None else self.proposal.title


def build_groups(milestones: list, dependencies: Mapping[int, Collection[int]],
                 planned: Mapping[int, Planned], proposals: Mapping[int, Any],
                 deadline: date | None) -> list[Group]:
    """The programme's own milestones, then each proposal's (by title, then id), each in the
    order given (by due date, then id). A milestone is critical when it is on the chain that sets
    the end of its group, or of a group it holds up (a programme date a proposal waits on)."""
    by_id = {milestone.id: milestone for milestone in milestones}
    by_group: dict[int | None, list] = {}
    for milestone in milestones:
        by_group.setdefault(milestone.proposal_id, []).append(milestone)
    critical = set().union(*(_chain(planned, _end_of(key, members)) for key, members in by_group.items()))

    def entry(milestone) -> Entry:
        depends_on = sorted((by_id[key] for key in dependencies.get(milestone.id, ())),
                            key=lambda m: (m.due_on, m.id))
        return Entry(milestone, planned[milestone.id], milestone.id in critical, tuple(depends_on))

    order = sorted((key for key in by_group if key is not None),
                   key=lambda key: (proposals[key].title, key))
    groups = []
    if None in by_group:
        groups.append(Group(None, tuple(entry(m) for m in by_group[None]), None))
    for key in order:
        entries = tuple(entry(m) for m in by_group[key])
        groups.append(Group(proposals[key], entries, finish_of(entries, deadline)))
    return groups


def _end_of(proposal_id: int | None, milestones: list) -> list:
    """The milestones whose end the critical path leads to: a proposal's before delivery (the
    end its forecast is held against) until those are all done, then all of them; all of a
    programme's own."""
    before = [m for m in milestones if m.kind is not MilestoneKind.DELIVERY]
    if proposal_id is not None and any(m.state is not MilestoneState.DONE for m in before):
        return before
    return milestones


def _chain(planned: Mapping[int, Planned], milestones: list) -> set[int]:
    """The chain that sets the end date of `milestones`: from the one that ends last, back
    through each dependency whose slip set the forecast (which may lie outside `milestones`)."""
    last = finish({milestone.id: planned[milestone.id] for milestone in milestones}, milestones)
    chain = set()
    key = last.id if last else None
    while key is not None:
        chain.add(key)
        key = planned[key].driver_id
    return chain


@dataclass(frozen=True)
class TimelineFilter:
    """Which rows to show, from ?kind=&owner=&rag=. Values that name nothing are left out and
    listed in `unknown` for the page to say so. Filters only hide rows: the plan is made over
    every milestone first."""

    kind: MilestoneKind | None = None
    owner_id: int | None = None
    rag: RAG | None = None
    unknown: tuple[str, ...] = ()

    @classmethod
    def from_args(cls, args: Mapping[str, str], owner_ids: Collection[int]) -> "TimelineFilter":
        """Read the filters from the query string; an owner must own one of the milestones."""
        unknown = []
        kind = _member(MilestoneKind, args.get("kind", ""), "kind", unknown)
        rag = _member(RAG, args.get("rag", ""), "RAG status", unknown)
        owner = args.get("owner", "").strip()
        owner_id = int(owner) if owner.isdigit() and int(owner) in owner_ids else None
        if owner and owner_id is None:
            unknown.append(f"owner “{owner}”")
        return cls(kind, owner_id, rag, tuple(unknown))

    @property
    def active(self) -> bool:
        return any(value is not None for value in (self.kind, self.owner_id, self.rag))

    def shows(self, entry: Entry) -> bool:
        """Whether `entry` passes every filter set."""
        return (
            (self.kind is None or entry.milestone.kind is self.kind)
            and (self.owner_id is None or entry.milestone.owner_id == self.owner_id)
            and (self.rag is None or entry.rag is self.rag)
        )

    def apply(self, groups: Iterable[Group]) -> list[Group]:
        """The groups with only the rows shown; groups left empty are dropped."""
        shown = [Group(g.proposal, tuple(e for e in g.entries if self.shows(e)), g.finish) for g in groups]
        return [group for group in shown if group.entries]


def _member(enum, value: str, name: str, unknown: list[str]):
    value = value.strip()
    if not value:
        return None
    try:
        return enum(value)
    except ValueError:
        unknown.append(f"{name} “{value}”")
        return None
