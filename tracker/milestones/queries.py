"""Reads for the timelines: a proposal's or a programme's milestones, with their owners, and the
dependencies between them, in two queries however many milestones, proposals and owners."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.milestones.models import Milestone, milestone_dependency
from tracker.proposals.models import Proposal


@dataclass(frozen=True)
class MilestoneSet:
    """Milestones (owner loaded; proposal too on a programme's set), by due date then id, and
    `dependencies`: id -> the ids it depends on, every one of them in the set, as rules.plan
    wants them."""

    milestones: list[Milestone]
    dependencies: dict[int, set[int]]


def for_proposal(proposal: Proposal) -> MilestoneSet:
    """The proposal's own milestones and every milestone of its programme: those are the only
    ones the proposal's may depend on (Milestone.can_depend_on), and a programme's milestones
    depend only on each other, so the set holds every dependency, and the deadlines besides."""
    return milestone_set(
        Milestone.programme_id == proposal.programme_id,
        or_(Milestone.proposal_id == proposal.id, Milestone.proposal_id.is_(None)),
    )


def for_programme(programme_id: int) -> MilestoneSet:
    """Every milestone of the programme: its own and all its proposals'."""
    return milestone_set(Milestone.programme_id == programme_id, with_proposal=True)


def milestone_set(*where: ColumnElement[bool], with_proposal: bool = False) -> MilestoneSet:
    options = [joinedload(Milestone.owner)]
    if with_proposal:
        options.append(joinedload(Milestone.proposal))
    milestones = list(db.session.scalars(
        select(Milestone).options(*options).where(*where).order_by(Milestone.due_on, Milestone.id)
    ))
    ids = {milestone.id for milestone in milestones}
    dependencies: dict[int, set[int]] = {}
    edges = db.session.execute(
        select(milestone_dependency.c.milestone_id, milestone_dependency.c.depends_on_id)
        .join(Milestone, Milestone.id == milestone_dependency.c.milestone_id)
        .where(*where)
    )
    for milestone_id, depends_on_id in edges:
        # The services only link milestones a set holds together; keep the plan whole regardless.
        if depends_on_id in ids:
            dependencies.setdefault(milestone_id, set()).add(depends_on_id)
    return MilestoneSet(milestones, dependencies)
