"""Reads for the timelines: a proposal's or a programme's milestones, with their owners, and the
dependencies between them, in two queries however many milestones, proposals and owners."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.milestones.models import Milestone, MilestoneState, milestone_dependency
from tracker.proposals.models import Proposal

# "Due this week": today and the six days after it.
WEEK_DAYS = 7


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


def around(milestones: list[Milestone]) -> MilestoneSet:
    """Everything these milestones can depend on (their proposals' and their programmes' own),
    to plan them with rules.plan: two queries however many."""
    return milestone_set(or_(
        Milestone.proposal_id.in_({each.proposal_id for each in milestones} - {None}),
        and_(Milestone.proposal_id.is_(None), Milestone.programme_id.in_({each.programme_id for each in milestones})),
    ))


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


def open_milestones_of(owner_id: int) -> Select:
    """A SELECT of the milestones a person owns that are not done, soonest due first, with their
    proposal and programme (their /me/milestones list, and their home page's)."""
    return (
        select(Milestone)
        .where(Milestone.owner_id == owner_id, Milestone.state != MilestoneState.DONE)
        .options(joinedload(Milestone.proposal), joinedload(Milestone.programme))
        .order_by(Milestone.due_on, Milestone.id)
    )


def end_of_week(day: date) -> date:
    """The last day of the week that starts on `day`: what is due by then is "due this week"."""
    return day + timedelta(days=WEEK_DAYS - 1)


def counts_for_owner(owner_id: int, day: date, week_end: date) -> dict[str, int]:
    """How many of a person's milestones are overdue on `day`, due from `day` to `week_end`,
    due later, and done: one query."""
    done = Milestone.state == MilestoneState.DONE

    def count(condition) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = db.session.execute(select(
        count(and_(~done, Milestone.due_on < day)),
        count(and_(~done, Milestone.due_on >= day, Milestone.due_on <= week_end)),
        count(and_(~done, Milestone.due_on > week_end)),
        count(done),
    ).where(Milestone.owner_id == owner_id)).one()
    return dict(zip(("overdue", "this-week", "later", "done"), (int(n) for n in row), strict=True))
