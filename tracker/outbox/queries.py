"""Reading the outbox, for the admins' page."""

from sqlalchemy import Select, func, select

from tracker.extensions import db
from tracker.outbox.models import OutboxMessage, OutboxStatus


def outbox_messages(status: OutboxStatus | None = None) -> Select:
    """A SELECT of the outbox's messages, newest first, only those with `status` if given."""
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return query


def status_counts() -> dict[OutboxStatus, int]:
    """How many messages have each status (every status, zero included), in one query."""
    counts = dict(db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
    ).tuples().all())
    return {status: counts.get(status, 0) for status in OutboxStatus}
