"""What each role's home page shows, each list bounded, in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, lazyload

from tracker.auth.models import Role, User
from tracker.contributions.input_requests import overdue_requests, request_rows, requests_to
from tracker.contributions.models import Contribution, ContributionResponse, ContributionStatus
from tracker.contributions.queries import contributions_by, visible_contributions
from tracker.extensions import db
from tracker.milestones import queries as milestones
from tracker.milestones import rules
from tracker.milestones.models import Milestone
from tracker.programmes.models import Programme
from tracker.proposals.models import Proposal, ProposalStage
from tracker.proposals.queries import visible_proposals
from tracker.templating import LONDON

HOME_LIST_SIZE = 10
WAITING_STATUSES = (ContributionStatus.SUBMITTED, ContributionStatus.UNDER_REVIEW)


def first(query: Select) -> list:
    """The first HOME_LIST_SIZE rows a query gives."""
    return list(db.session.scalars(query.limit(HOME_LIST_SIZE)))


def counts(**queries: Select) -> dict[str, int]:
    """How many rows each query gives, by name, in one statement."""
    columns = [
        select(func.count()).select_from(query.options(lazyload("*")).order_by(None).subquery())
        .scalar_subquery().label(name)
        for name, query in queries.items()
    ]
    return dict(db.session.execute(select(*columns)).one()._mapping)


def days_since(moment: datetime, today: date) -> int:
    """Whole days from a moment to `today`, both as days in the UK."""
    return (today - moment.astimezone(LONDON).date()).days


@dataclass(frozen=True)
class Waiting:
    """A contribution waiting for a response, and for how many days."""

    contribution: Contribution
    days: int


def waiting_rows(contributions: list[Contribution], today: date) -> list[Waiting]:
    """Each contribution with the days it has waited since it was given."""
    return [Waiting(each, days_since(each.created_at, today)) for each in contributions]


# Staff ---------------------------------------------------------------------------------------


def owned_by(user: User) -> Select:
    """The person's own proposals, most recently changed first."""
    return (
        select(Proposal)
        .where(Proposal.owner_id == user.id)
        .options(joinedload(Proposal.programme), joinedload(Proposal.lead_organisation))
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
    )


def waiting_for_response(user: User) -> Select:
    """The input the reader may see that waits for staff's response (submitted or under
    review), oldest first, with its proposal."""
    return (
        visible_contributions(user)
        .where(Contribution.status.in_(WAITING_STATUSES))
        .options(joinedload(Contribution.proposal))
        .order_by(Contribution.created_at, Contribution.id)
    )


def staff_home(user: User, today: date) -> dict:
    """What a member of staff (or an admin) sees first: input waiting for a response, requests
    for input overdue, their milestones overdue and due this week, and the proposals they own;
    each list bounded, with how many there are in all."""
    week_end = milestones.end_of_week(today)
    own_milestones = first(milestones.open_milestones_of(user.id).where(
        Milestone.due_on <= week_end))
    scope = milestones.around(own_milestones)
    overdue = first(overdue_requests(today))
    return {
        "today": today,
        "waiting": waiting_rows(first(waiting_for_response(user)), today),
        "overdue_requests": request_rows(overdue, today),
        "milestone_groups": [
            ("overdue", "Overdue", [each for each in own_milestones if each.due_on < today]),
            ("this-week", "Due this week", [each for each in own_milestones if each.due_on >= today]),
        ],
        "milestone_counts": milestones.counts_for_owner(user.id, today, week_end),
        "plan": rules.plan(scope.milestones, scope.dependencies, today),
        "owned": first(owned_by(user)),
        "totals": counts(
            waiting=waiting_for_response(user), overdue_requests=overdue_requests(today),
            owned=owned_by(user),
        ),
    }


# Experts -------------------------------------------------------------------------------------


def open_for_input(user: User, today: date) -> Select:
    """Proposals this person may see that take input today (in co-creation and not past the
    date input closes), closing soonest first, those with no close date last."""
    closes = Proposal.input_closes_on
    return (
        visible_proposals(user)
        .where(Proposal.stage == ProposalStage.CO_CREATION, (closes.is_(None)) | (closes >= today))
        .options(joinedload(Proposal.programme), joinedload(Proposal.lead_organisation))
        .order_by(closes.is_(None), closes, Proposal.title, Proposal.id)
    )


def latest_responses_to(user: User) -> Select:
    """Staff's responses to this person's input, newest first, each with its contribution and
    that contribution's proposal."""
    return (
        select(ContributionResponse, Contribution)
        .join(Contribution, Contribution.id == ContributionResponse.contribution_id)
        .where(Contribution.author_id == user.id)
        .options(joinedload(Contribution.proposal))
        .order_by(ContributionResponse.responded_at.desc(), ContributionResponse.id.desc())
    )


def expert_home(user: User, today: date) -> dict:
    """What a sector expert sees first: proposals open for their input and when input closes,
    the requests addressed to them, their latest input and the latest responses to it."""
    requests = first(requests_to(user.id))
    return {
        "open_for_input": first(open_for_input(user, today)),
        "requests": request_rows(requests, today, reader_id=user.id),
        "contributions": first(contributions_by(user.id)),
        "responses": db.session.execute(latest_responses_to(user).limit(HOME_LIST_SIZE)).all(),
        "totals": counts(
            open_for_input=open_for_input(user, today), requests=requests_to(user.id),
            contributions=contributions_by(user.id),
        ),
    }


# Everyone who sees every programme -----------------------------------------------------------


def stage_counts_by_programme() -> list[dict]:
    """For each programme: its proposals counted by stage, and the total funding asked."""
    rows = db.session.execute(
        select(
            Programme.id,
            Programme.name,
            Programme.total_pot,
            Proposal.stage,
            func.count(Proposal.id),
            func.coalesce(func.sum(Proposal.funding_ask), 0),
        )
        .join(Proposal, Proposal.programme_id == Programme.id, isouter=True)
        .group_by(Programme.id, Programme.name, Programme.total_pot, Proposal.stage)
        .order_by(Programme.name)
    ).all()
    programmes: dict[int, dict] = {}
    for programme_id, name, pot, stage, count, asked in rows:
        entry = programmes.setdefault(
            programme_id,
            {"id": programme_id, "name": name, "pot": pot, "asked": 0, "total": 0, "stages": {}},
        )
        if stage is not None:
            entry["stages"][stage] = count
            entry["total"] += count
            entry["asked"] += int(asked)
    return list(programmes.values())


def people_by_role() -> dict[Role, int]:
    """How many active people hold each role."""
    rows = db.session.execute(
        select(User.role, func.count(User.id))
        .where(User.is_active_account.is_(True))
        .group_by(User.role)
    ).all()
    by_role = dict.fromkeys(Role, 0)
    by_role.update({role: count for role, count in rows})
    return by_role
