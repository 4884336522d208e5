"""Setting a programme's weighted criteria, recording scores against them, and the proposals a
proposal depends on: each change checked whole, written with its audit entry, flushed, never
committed."""

import hashlib
import json
from collections import deque
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select

from tracker.activity.services import record_activity
from tracker.concurrency import EditConflict
from tracker.extensions import db
from tracker.prioritisation.models import (
    MAX_SCORE,
    SCORABLE_STAGES,
    Criterion,
    CriterionScore,
    proposal_dependency,
)
from tracker.prioritisation.queries import criteria_of, dependency_edges, scores_of
from tracker.proposals.models import Proposal

MAX_CRITERIA = 12
MAX_NAME = 120
WHOLE = 100
ANY = object()  # "don't check": the caller did not start from a form


@dataclass(frozen=True)
class CriterionRow:
    """One row of the criteria form: an existing criterion (`id`) to keep, change or remove, or
    a new one (no `id`). A row with no id and nothing typed is a blank row, and is skipped."""

    name: str
    weight: int | None
    guidance: str = ""
    position: int | None = None
    id: int | None = None
    remove: bool = False

    @property
    def is_blank(self) -> bool:
        return self.id is None and not self.name.strip() and self.weight is None and not self.guidance


# The demo programme's criteria, as the West Midlands weighted them.
DEMO_CRITERIA = (
    CriterionRow("Regional economy", 40,
                 "Jobs, productivity and growth the project brings to the West Midlands itself."),
    CriterionRow("National economy", 10, "Benefit to the wider UK economy beyond the region."),
    CriterionRow("Sector priority fit", 20,
                 "How squarely it serves the region's priorities: HealthTech & MedTech and CleanTech."),
    CriterionRow("Co-investment", 15, "Private and public money committed alongside the grant."),
    CriterionRow("Inclusive growth", 15,
                 "Good jobs and skills for the region's more deprived places and people."),
)


@dataclass(frozen=True)
class Problem:
    """What is wrong with a set of criteria: `row` is the 1-based row it is about (None: the
    whole set) and `field` the row's field (name, weight) or a form field (delete_scores)."""

    row: int | None
    field: str | None
    message: str


class CriteriaRefused(Exception):
    """A set of criteria that cannot be saved; nothing was changed."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


class ScoringRefused(Exception):
    """Scores that cannot be recorded; `criterion_id` names the one at fault, if one is."""

    def __init__(self, message: str, criterion_id: int | None = None):
        super().__init__(message)
        self.criterion_id = criterion_id


class DependencyRefused(Exception):
    """A dependency that cannot be added."""


def criteria_stamp(criteria) -> str:
    """A fingerprint of the set as saved: it changes whenever anyone changes a criterion, so a
    form started from an older set is noticed (the set has no version column of its own)."""
    rows = sorted([c.id, c.name, c.weight, c.guidance, c.position] for c in criteria)
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:20]


def _label(name: str, weight: int) -> str:
    return f"{name} ({weight}%)"


def _scores(count: int) -> str:
    return f"{count} score{'s' if count != 1 else ''}"


def set_criteria(programme, rows, actor, delete_scores: bool = False, seen_stamp=ANY) -> list[str]:
    """Make the programme's criteria what `rows` say (CriterionRow each); existing criteria the
    rows don't mention stay as they are. Names are required and unique, weights whole percents
    adding up to exactly 100. Removing a criterion that has scores deletes its scores, and only
    when `delete_scores` confirms it. CriteriaRefused (nothing changed) lists every problem;
    EditConflict when the set changed since `seen_stamp`. Returns what changed, in words."""
    existing = {criterion.id: criterion for criterion in criteria_of(programme.id)}
    if seen_stamp is not ANY and seen_stamp != criteria_stamp(existing.values()):
        raise EditConflict(0)
    if any(row.id is not None and row.id not in existing for row in rows):
        raise EditConflict(0)
    mentioned = {row.id for row in rows if row.id is not None}
    kept = [(number, row) for number, row in enumerate(rows, start=1)
            if not row.remove and not row.is_blank]
    kept += [(None, CriterionRow(c.name, c.weight, c.guidance, c.position, c.id))
             for c in existing.values() if c.id not in mentioned]
    removed = [existing[row.id] for row in rows if row.id is not None and row.remove]
    problems = _problems(kept) + _removal_problems(removed, delete_scores)
    if problems:
        raise CriteriaRefused(problems)
    before = [_label(c.name, c.weight) for c in existing.values()]
    changes = _apply(programme, kept, removed, existing)
    if changes:
        after = [_label(c.name, c.weight) for c in criteria_of(programme.id)]
        record_activity(
            actor, "criteria.changed", programme,
            "Changed the prioritisation criteria: " + "; ".join(changes),
            {"criteria": [before, after]},
        )
    return changes


def _problems(kept: list[tuple[int | None, CriterionRow]]) -> list[Problem]:
    """Everything wrong with the set that would be saved, row by row, then the total."""
    problems, seen_names = [], set()
    for number, row in kept:
        name = row.name.strip()
        if not name:
            problems.append(Problem(number, "name", f"Enter a name for criterion {number}"))
        elif len(name) > MAX_NAME:
            problems.append(Problem(number, "name", f"Name of criterion {number} must be "
                                                    f"{MAX_NAME} characters or fewer"))
        elif name.casefold() in seen_names:
            problems.append(Problem(number, "name", f"{name} is the name of another criterion: "
                                                    "each criterion needs its own name"))
        seen_names.add(name.casefold())
        if row.weight is None:
            problems.append(Problem(number, "weight", f"Enter a weight for criterion {number}"))
        elif not 0 <= row.weight <= WHOLE:
            problems.append(Problem(number, "weight", f"Weight of criterion {number} must be a "
                                                      "whole number from 0 to 100"))
    if len(kept) > MAX_CRITERIA:
        problems.append(Problem(None, None, f"A programme can have at most {MAX_CRITERIA} criteria"))
    if not any(problem.field == "weight" for problem in problems):
        total = sum(row.weight for _, row in kept)
        if total != WHOLE:
            problems.append(Problem(
                None, None, f"Weights add up to {total}%: they must add up to 100%"
            ))
    return problems


def _score_counts(criterion_ids) -> dict[int, int]:
    return dict(db.session.execute(
        select(CriterionScore.criterion_id, func.count(CriterionScore.id))
        .where(CriterionScore.criterion_id.in_(criterion_ids))
        .group_by(CriterionScore.criterion_id)
    ).tuples().all()) if criterion_ids else {}


def _removal_problems(removed: list[Criterion], delete_scores: bool) -> list[Problem]:
    """Removing a criterion that has scores needs the confirmation: its scores go with it."""
    if delete_scores:
        return []
    counts = _score_counts([criterion.id for criterion in removed])
    return [
        Problem(None, "delete_scores",
                f"{criterion.name} has {_scores(counts[criterion.id])}: to remove it, confirm "
                "that its scores are deleted too, or keep it")
        for criterion in removed if counts.get(criterion.id)
    ]


def _apply(programme, kept, removed, existing) -> list[str]:
    """Write the checked set: removals first, then renames (in two steps, so that two criteria
    can swap names), then the new rows; positions follow the order given."""
    changes = []
    old = {c.id: (c.name, c.weight, c.guidance) for c in existing.values()}
    if removed:
        counts = _score_counts([criterion.id for criterion in removed])
        db.session.execute(delete(CriterionScore).where(
            CriterionScore.criterion_id.in_([criterion.id for criterion in removed])
        ))
        for criterion in removed:
            scores = counts.get(criterion.id, 0)
            changes.append(f"removed {criterion.name}" + (f" and its {_scores(scores)}" if scores else ""))
            db.session.delete(criterion)
        db.session.flush()
    ordered = [row for _, (_, row) in sorted(enumerate(kept), key=lambda pair: (
        pair[1][1].position is None, pair[1][1].position or 0, pair[0]
    ))]
    for row in ordered:
        if row.id is not None and old[row.id][0] != row.name.strip():
            existing[row.id].name = f"(renaming {row.id})"
    db.session.flush()
    for position, row in enumerate(ordered, start=1):
        name, guidance = row.name.strip(), row.guidance.strip()
        if row.id is None:
            db.session.add(Criterion(programme_id=programme.id, name=name, weight=row.weight,
                                     guidance=guidance, position=position))
            changes.append(f"added {_label(name, row.weight)}")
            continue
        old_name, old_weight, old_guidance = old[row.id]
        if old_name != name:
            changes.append(f"renamed {old_name} to {name}")
        if old_weight != row.weight:
            changes.append(f"{name} from {old_weight}% to {row.weight}%")
        if old_guidance != guidance:
            changes.append(f"new guidance for {name}")
        criterion = existing[row.id]
        criterion.name, criterion.weight, criterion.guidance = name, row.weight, guidance
        criterion.position = position
    gone = {criterion.id for criterion in removed}
    if [i for i in old if i not in gone] != [row.id for row in ordered if row.id is not None]:
        changes.append("changed the order")
    db.session.flush()
    return changes


def record_scores(proposal, scores: dict[int, int], notes: dict[int, str], actor,
                  seen=ANY) -> list[CriterionScore]:
    """Record `actor`'s scores of the proposal, one per criterion of its programme (criterion
    id: whole number 0-10, with optional notes), replacing the ones they gave before.

    `seen` is {criterion id: version} of the actor's scores when their form was made ({} for
    none); when those changed since (the same person in another tab), EditConflict is raised
    and nothing changes, so that nobody's scores are replaced unseen.
    """
    if proposal.stage not in SCORABLE_STAGES:
        raise ScoringRefused(
            f"{proposal.stage.label} proposals cannot be scored: only proposals that have left "
            "draft and are not withdrawn"
        )
    criteria = criteria_of(proposal.programme_id)
    if not criteria:
        raise ScoringRefused("The programme has no criteria to score against yet")
    if set(scores) != {criterion.id for criterion in criteria}:
        raise ScoringRefused("Give a score for every criterion, and only those")
    for criterion in criteria:
        score = scores[criterion.id]
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= MAX_SCORE:
            raise ScoringRefused(
                f"The score for {criterion.name} must be a whole number from 0 to {MAX_SCORE}",
                criterion.id,
            )
    mine = scores_of(proposal.id, actor.id)
    if seen is not ANY and seen != {criterion_id: s.version for criterion_id, s in mine.items()}:
        raise EditConflict(0)
    changes, recorded = {}, []
    for criterion in criteria:
        score, note = scores[criterion.id], (notes.get(criterion.id) or "").strip()
        given = mine.get(criterion.id)
        if given is None:
            given = CriterionScore(proposal_id=proposal.id, criterion_id=criterion.id,
                                   scorer_id=actor.id, score=score, note=note)
            db.session.add(given)
            changes[criterion.name] = score
        else:
            if given.score != score:
                changes[criterion.name] = [given.score, score]
            given.score, given.note = score, note
        recorded.append(given)
    record_activity(
        actor, "scores.recorded", proposal,
        "Scored against the regional criteria: "
        + ", ".join(f"{criterion.name} {scores[criterion.id]}" for criterion in criteria),
        changes, proposal_id=proposal.id,
    )
    return recorded


def add_dependency(proposal, depends_on, actor) -> None:
    """Record that `proposal` depends on `depends_on`, another proposal of its programme;
    DependencyRefused for itself, another programme's proposal, a repeat, or a cycle."""
    if depends_on is None:
        raise DependencyRefused("Choose the proposal it depends on")
    if depends_on.id == proposal.id:
        raise DependencyRefused("A proposal cannot depend on itself")
    if depends_on.programme_id != proposal.programme_id:
        raise DependencyRefused(
            f"{depends_on.title} is in another programme: a proposal can depend only on "
            "proposals in its own programme"
        )
    edges = dependency_edges(proposal.programme_id)
    if depends_on.id in edges.get(proposal.id, ()):
        raise DependencyRefused(f"{proposal.title} already depends on {depends_on.title}")
    path = _path(edges, depends_on.id, proposal.id)
    if path:
        titles = dict(db.session.execute(
            select(Proposal.id, Proposal.title).where(Proposal.id.in_(path))
        ).tuples().all())
        chain = ", which depends on ".join(titles[step] for step in path)
        raise DependencyRefused(
            f"That would make a cycle: {proposal.title} would depend on {chain}"
        )
    db.session.execute(
        insert(proposal_dependency).values(proposal_id=proposal.id, depends_on_id=depends_on.id)
    )
    record_activity(
        actor, "dependency.added", proposal, f"Now depends on {depends_on.title}",
        {"depends_on": depends_on.title}, proposal_id=proposal.id,
    )


def _path(edges: dict[int, set[int]], start: int, goal: int) -> list[int]:
    """The shortest chain of dependencies from `start` to `goal` (both included), or []."""
    came_from = {start: None}
    queue = deque([start])
    while queue:
        step = queue.popleft()
        if step == goal:
            path = []
            while step is not None:
                path.append(step)
                step = came_from[step]
            return path[::-1]
        for following in sorted(edges.get(step, ())):
            if following not in came_from:
                came_from[following] = step
                queue.append(following)
    return []


def remove_dependency(proposal, depends_on, actor) -> None:
    """`proposal` no longer depends on `depends_on`."""
    db.session.execute(delete(proposal_dependency).where(
        proposal_dependency.c.proposal_id == proposal.id,
        proposal_dependency.c.depends_on_id == depends_on.id,
    ))
    record_activity(
        actor, "dependency.removed", proposal, f"No longer depends on {depends_on.title}",
        {"depends_on": depends_on.title}, proposal_id=proposal.id,
    )
