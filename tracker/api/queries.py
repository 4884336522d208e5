"""The SELECTs behind the API's lists, each loading what its rows show in a fixed number of
queries (the rest are shared with the pages: listed_proposals, triage_query, proposal_activity)."""

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from tracker.priorities.models import SectorPriority
from tracker.programmes.models import Programme
from tracker.sections.models import Section


def programmes() -> Select:
    """Every programme, oldest first (ids are stable, so pages do not shift as names change)."""
    return select(Programme).order_by(Programme.id)


def sections_of(proposal_id: int) -> Select:
    """A proposal's sections in order, with their assignees."""
    return (
        select(Section)
        .where(Section.proposal_id == proposal_id)
        .options(joinedload(Section.assignee))
        .order_by(Section.position, Section.id)
    )


def priorities_of(proposal_id: int) -> Select:
    """A proposal's sector priorities by rank, with their sectors."""
    return (
        select(SectorPriority)
        .where(SectorPriority.proposal_id == proposal_id)
        .options(joinedload(SectorPriority.sector))
        .order_by(SectorPriority.rank, SectorPriority.id)
    )
