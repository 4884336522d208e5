"""Reads of proposals that more than one page needs."""

from sqlalchemy import ColumnElement, Exists, Select, exists, func, or_, select

from tracker.contributions.models import InputRequest, input_request_recipient
from tracker.extensions import db
from tracker.priorities.models import SectorPriority
from tracker.proposals.models import Proposal, ProposalStage
from tracker.sectors.models import Sector

# The proposals list's sector filter for proposals whose priorities leave part of the ask over.
UNALLOCATED = "none"


def visible_proposals(user) -> Select:
    """A SELECT of the proposals `user` may see (the same rule as Proposal.can_view)."""
    query = select(Proposal)
    if user.is_staff or user.is_board:
        return query
    if user.is_expert:
        return query.where(or_(Proposal.stage == ProposalStage.CO_CREATION, asked_about(user.id)))
    return query.where(False)


def asked_about(user_id: int) -> Exists:
    """EXISTS: a request for input on the proposal (correlated to Proposal) went to this person."""
    return exists().where(
        InputRequest.proposal_id == Proposal.id,
        input_request_recipient.c.request_id == InputRequest.id,
        input_request_recipient.c.user_id == user_id,
    )


def visible_among(user, proposal_ids) -> set[int]:
    """Which of these proposals `user` may see, in one query (for lists that link to many)."""
    ids = set(proposal_ids)
    if not ids:
        return set()
    return set(db.session.scalars(
        visible_proposals(user).with_only_columns(Proposal.id).where(Proposal.id.in_(ids))
    ))


def stages_named(values) -> tuple[list[ProposalStage], list[str]]:
    """The stages named by `values` (as in a URL's ?stage=a&stage=b, or ?stage=a,b, which
    survives the pagination links), in the stages' own order, and the values that name no stage."""
    values = [part.strip() for value in values for part in value.split(",") if part.strip()]
    known = {stage.value: stage for stage in ProposalStage}
    named = {known[value] for value in values if value in known}
    unknown = [value for value in values if value not in known]
    return [stage for stage in ProposalStage if stage in named], unknown


def serving_sector(sector_id: int) -> Exists:
    """EXISTS: the proposal (correlated to Proposal) lists this sector or theme as a priority."""
    return exists().where(
        SectorPriority.proposal_id == Proposal.id, SectorPriority.sector_id == sector_id
    )


def partly_unallocated() -> ColumnElement[bool]:
    """The proposal's priorities take less than all of its funding ask (or it has none)."""
    taken = (
        select(func.coalesce(func.sum(SectorPriority.share), 0))
        .where(SectorPriority.proposal_id == Proposal.id)
        .scalar_subquery()
    )
    return taken < 100


def sector_choices() -> list[tuple[int, str]]:
    """(id, name) of every sector and theme, retired ones marked, for a filter's choices."""
    rows = db.session.execute(
        select(Sector.id, Sector.name, Sector.is_retired).order_by(Sector.kind, func.lower(Sector.name))
    )
    return [(id_, f"{name} (retired)" if retired else name) for id_, name, retired in rows]
