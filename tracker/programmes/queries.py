"""Reads of programmes with their proposal figures, aggregated in SQL."""

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.programmes.models import Programme
from tracker.proposals.models import Proposal


def all_programmes():
    """A SELECT of every programme by name."""
    return select(Programme).order_by(Programme.name, Programme.id)


def figures_for(programme_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{programme id: (proposal count, funding asked)} in one grouped query."""
    if not programme_ids:
        return {}
    rows = db.session.execute(
        select(
            Proposal.programme_id,
            func.count(Proposal.id),
            func.coalesce(func.sum(Proposal.funding_ask), 0),
        )
        .where(Proposal.programme_id.in_(programme_ids))
        .group_by(Proposal.programme_id)
    )
    figures = {programme_id: (0, 0) for programme_id in programme_ids}
    figures.update({pid: (int(count), int(asked)) for pid, count, asked in rows})
    return figures


def programme_choices() -> list[tuple[int, str]]:
    """(id, name) of every programme, for a form's choices."""
    return list(db.session.execute(select(Programme.id, Programme.name).order_by(Programme.name)))
