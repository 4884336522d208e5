"""Reads of proposals that more than one page needs."""

from sqlalchemy import Select, select

from tracker.proposals.models import Proposal, ProposalStage


def visible_proposals(user) -> Select:
    """A SELECT of the proposals `user` may see (the same rule as Proposal.can_view)."""
    query = select(Proposal)
    if user.is_staff or user.is_board:
        return query
    if user.is_expert:
        return query.where(Proposal.stage == ProposalStage.CO_CREATION)
    return query.where(False)
