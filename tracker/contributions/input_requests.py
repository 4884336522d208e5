"""Requests for input: staff ask named experts, or everyone registered under a sector or theme,
for input on a proposal by a date; the input window's close date; and the reads the request
pages need. A request's status is derived on every read, never stored."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Exists, Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import joinedload

from tracker.activity.services import diff, record_activity
from tracker.auth.models import Role, User
from tracker.contributions.services import input_is_open
from tracker.contributions.models import (
    Contribution,
    ContributionStatus,
    InputRequest,
    InputRequestStatus,
    expert_sector,
    input_request_recipient,
)
from tracker.extensions import db
from tracker.notifications.models import NotificationKind
from tracker.notifications.services import notify_people
from tracker.organisations.models import Organisation
from tracker.proposals.models import Proposal, ProposalStage
from tracker.sectors.models import Sector
from tracker.templating import long_date

recipient = input_request_recipient.c


class RequestRefused(Exception):
    """The request (or the new close date) cannot be taken; the message says why, for people.
    `field` names the form field the message belongs beside, when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# The status rule ---------------------------------------------------------------------------


def request_status(due_on: date, recipients: int, answered: int, today: date) -> InputRequestStatus:
    """Answered once every recipient has answered; overdue after its due date while someone has
    not; open otherwise. For one expert's own view, pass recipients=1 and answered 0 or 1."""
    if answered >= recipients:
        return InputRequestStatus.ANSWERED
    if today > due_on:
        return InputRequestStatus.OVERDUE
    return InputRequestStatus.OPEN


STATUS_TAG_COLOURS = {
    InputRequestStatus.OPEN: "blue",
    InputRequestStatus.ANSWERED: "green",
    InputRequestStatus.OVERDUE: "red",
}


def _has_answered(user_id) -> Exists:
    """EXISTS, correlated to InputRequest: this person gave input (not withdrawn) on the request's
    proposal, on its section if it names one, since the request was made."""
    return exists().where(
        Contribution.author_id == user_id,
        Contribution.proposal_id == InputRequest.proposal_id,
        Contribution.status != ContributionStatus.WITHDRAWN,
        Contribution.created_at >= InputRequest.created_at,
        or_(InputRequest.section_id.is_(None), Contribution.section_id == InputRequest.section_id),
    ).correlate_except(Contribution)  # the request is the enclosing query's, however deep


# Reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRow:
    """One request as a list shows it, with what is derived from it."""

    request: InputRequest
    proposal: Proposal
    sector_name: str | None
    recipients: int
    answered: int
    status: InputRequestStatus
    reader_answered: bool  # whether the person reading (an expert asked) has answered it
    input_open: bool  # whether the proposal takes input today

    @property
    def tag_colour(self) -> str:
        return STATUS_TAG_COLOURS[self.status]


def requests_on(proposal_id: int) -> Select:
    """A SELECT of a proposal's requests, newest first, with their sections (to paginate)."""
    return (
        select(InputRequest)
        .where(InputRequest.proposal_id == proposal_id)
        .options(joinedload(InputRequest.section))
        .order_by(InputRequest.created_at.desc(), InputRequest.id.desc())
    )


def requests_to(user_id: int, proposal_id: int | None = None) -> Select:
    """A SELECT of the requests addressed to one person (on one proposal, if given): those they
    have not answered first, soonest due first (so overdue before open), with their sections."""
    query = (
        select(InputRequest)
        .join(input_request_recipient, recipient.request_id == InputRequest.id)
        .where(recipient.user_id == user_id)
        .options(joinedload(InputRequest.section))
        .order_by(case((_has_answered(user_id), 1), else_=0), InputRequest.due_on, InputRequest.id)
    )
    if proposal_id is not None:
        query = query.where(InputRequest.proposal_id == proposal_id)
    return query


def overdue_requests(today: date) -> Select:
    """A SELECT of the requests overdue on `today`, by request_status's rule in SQL (past its
    due date while someone asked has not answered), longest overdue first, with their sections."""
    someone_has_not_answered = exists().where(
        recipient.request_id == InputRequest.id, ~_has_answered(recipient.user_id)
    )
    return (
        select(InputRequest)
        .where(InputRequest.due_on < today, someone_has_not_answered)
        .options(joinedload(InputRequest.section))
        .order_by(InputRequest.due_on, InputRequest.id)
    )


def request_rows(requests: list[InputRequest], today: date, reader_id: int | None = None) -> list[RequestRow]:
    """The page's requests with their proposals, sector names, recipient and answered counts,
    status and whether input is open, in one query whatever their number. With `reader_id` (an expert asked),
    the status is that person's own: answered once they have answered."""
    if not requests:
        return []
    recipients = (
        select(func.count()).select_from(input_request_recipient)
        .where(recipient.request_id == InputRequest.id).scalar_subquery()
    )
    answered = (
        select(func.count()).select_from(input_request_recipient)
        .where(recipient.request_id == InputRequest.id, _has_answered(recipient.user_id))
        .scalar_subquery()
    )
    reader_answered = _has_answered(reader_id) if reader_id is not None else literal(False)
    rows = db.session.execute(
        select(InputRequest.id, Proposal, Sector.name, recipients, answered, reader_answered)
        .join(Proposal, Proposal.id == InputRequest.proposal_id)
        .outerjoin(Sector, Sector.id == InputRequest.sector_id)
        .where(InputRequest.id.in_([request.id for request in requests]))
    ).all()
    details = {row[0]: row[1:] for row in rows}
    result = []
    for request in requests:
        proposal, sector_name, count, answered_count, own = details[request.id]
        if reader_id is not None:
            status = request_status(request.due_on, 1, int(bool(own)), today)
        else:
            status = request_status(request.due_on, count, answered_count, today)
        result.append(RequestRow(request, proposal, sector_name, count, answered_count, status,
                                 bool(own), input_is_open(proposal, today)))
    return result


def expert_choices() -> list[tuple[int, str]]:
    """Active experts by name, each labelled with their organisation when they have one."""
    rows = db.session.execute(
        select(User.id, User.name, Organisation.name)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == Role.EXPERT, User.is_active_account.is_(True))
        .order_by(User.name, User.id)
    )
    return [(user_id, f"{name}, {organisation}" if organisation else name)
            for user_id, name, organisation in rows]


def sector_choices() -> list[tuple[int, str]]:
    """Sectors and themes in use by name, each with how many active experts are registered."""
    active_expert = and_(
        User.id == expert_sector.c.user_id, User.role == Role.EXPERT, User.is_active_account.is_(True)
    )
    rows = db.session.execute(
        select(Sector.id, Sector.name, func.count(User.id))
        .outerjoin(expert_sector, expert_sector.c.sector_id == Sector.id)
        .outerjoin(User, active_expert)
        .where(Sector.is_retired.is_(False))
        .group_by(Sector.id, Sector.name)
        .order_by(Sector.name)
    )
    return [(sector_id, f"{name} ({count} expert{'s' if count != 1 else ''})")
            for sector_id, name, count in rows]


def experts_under(sector_id: int) -> list[User]:
    """The active experts registered under a sector or theme now."""
    return list(db.session.scalars(
        select(User)
        .join(expert_sector, expert_sector.c.user_id == User.id)
        .where(expert_sector.c.sector_id == sector_id, User.role == Role.EXPERT,
               User.is_active_account.is_(True))
        .order_by(User.id)
    ))


# Services ----------------------------------------------------------------------------------


def _check_co_creation(proposal, actor, doing: str) -> None:
    if not proposal.can_manage_input(actor):
        raise RequestRefused("Only programme staff can do this")
    if proposal.stage is not ProposalStage.CO_CREATION:
        raise RequestRefused(
            f"{doing} only while the proposal is in co-creation: it is at {proposal.stage.label}"
        )


def ask_for_input(proposal, actor, *, message: str, due_on: date, today: date, experts=(),
                  sector: Sector | None = None, section=None) -> InputRequest:
    """Staff ask named experts and/or everyone registered under a sector or theme (as it is now)
    for input by a date, on a section or on the whole proposal; each recipient is notified.
    Refused outside co-creation, for a due date past or after input closes, and with nobody to ask."""
    _check_co_creation(proposal, actor, "Requests for input can be made")
    if not message.strip():
        raise RequestRefused("Say what you would like input on", field="message")
    if section is not None and section.proposal_id != proposal.id:
        raise RequestRefused("Choose a section of this proposal", field="section")
    if due_on < today:
        raise RequestRefused("The due date must be today or later", field="due_on")
    closes = proposal.input_closes_on
    if closes is not None and due_on > closes:
        raise RequestRefused(
            f"The due date must be on or before {long_date(closes)}, when input closes. "
            "To ask for a later date, extend the input window first", field="due_on")
    recipients = _recipients(experts, sector)
    request = InputRequest(
        proposal_id=proposal.id, section_id=section.id if section is not None else None,
        sector_id=sector.id if sector is not None else None, message=message.strip(),
        due_on=due_on, created_by_id=actor.id,
    )
    request.recipients = recipients
    db.session.add(request)
    about = f" on {section.title}" if section is not None else ""
    entry = record_activity(
        actor, "input_request.made", request,
        f"Asked {len(recipients)} expert{'s' if len(recipients) != 1 else ''} for input{about} "
        f"by {long_date(due_on)}",
        {"recipients": len(recipients)}, proposal_id=proposal.id,
    )
    db.session.flush()  # the notifications point at the entry
    notify_people(
        [user.id for user in recipients],
        f"{actor.name} asked you for input{about} {'in' if about else 'on'} “{proposal.title}” "
        f"by {long_date(due_on)}", NotificationKind.REQUEST, proposal=proposal, activity=entry,
    )
    db.session.flush()
    return request


def _recipients(experts, sector: Sector | None) -> list[User]:
    """The named experts and everyone registered under the sector, each once."""
    chosen: dict[int, User] = {}
    for user in experts:
        if not (user.is_expert and user.is_active_account):
            raise RequestRefused(f"{user.name} is not an active sector expert", field="expert_ids")
        chosen[user.id] = user
    if sector is not None:
        if sector.is_retired:
            raise RequestRefused("Choose a sector or theme that is in use", field="sector_id")
        registered = experts_under(sector.id)
        if not registered:
            raise RequestRefused(f"No experts are registered under {sector.name}", field="sector_id")
        chosen.update((user.id, user) for user in registered)
    if not chosen:
        raise RequestRefused("Choose at least one expert, or a sector or theme", field="expert_ids")
    return sorted(chosen.values(), key=lambda user: user.id)


def set_input_close_date(proposal, closes_on: date, actor, today: date) -> bool:
    """Set or extend the date input closes, while the proposal is in co-creation; recorded as a
    change to the proposal, as editing it would record it. Returns whether anything changed."""
    _check_co_creation(proposal, actor, "The date input closes can be changed")
    if closes_on < today:
        raise RequestRefused("The date input closes must be today or later", field="input_closes_on")
    changes = diff({"input_closes_on": proposal.input_closes_on}, {"input_closes_on": closes_on})
    if not changes:
        return False
    proposal.input_closes_on = closes_on
    record_activity(actor, "proposal.updated", proposal,
                    f"Input on {proposal.title} now closes on {long_date(closes_on)}", changes,
                    proposal_id=proposal.id)
    return True
