"""Reading a person's notifications."""

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from tracker.notifications.models import Notification


def notifications_of(user) -> Select:
    """A SELECT of the person's own notifications, newest first, with their proposals."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .options(joinedload(Notification.proposal))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
