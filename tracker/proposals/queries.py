"""Reads of proposals that more than one page needs."""

from sqlalchemy import Exists, Select, exists, or_, select

from tracker.contributions.models import InputRequest, input_request_recipient
from tracker.extensions import db
from tracker.proposals.models import Proposal, ProposalStage


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
