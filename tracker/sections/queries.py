"""Reads of sections that more than one page needs."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.sections.models import Section


def sections_of(proposal_id: int) -> list[Section]:
    """A proposal's sections in order, with their assignees, in one query."""
    return list(
        db.session.scalars(
            select(Section)
            .where(Section.proposal_id == proposal_id)
            .options(joinedload(Section.assignee))
            .order_by(Section.position)
        )
    )
