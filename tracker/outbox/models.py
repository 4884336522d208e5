"""The outbox: every email the tracker means to send, written in the same transaction as the
event that caused it, then sent (and retried with back-off) by `flask send-outbox`."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.enums import LabelledEnum
from tracker.extensions import db
from tracker.sqltypes import UTCDateTime, enum_column
from tracker.timeutil import utcnow


class OutboxStatus(LabelledEnum):
    """Where a message is on its way out."""

    PENDING = ("pending", "Waiting to be sent")
    SENT = ("sent", "Sent")
    FAILED = ("failed", "Not sent: gave up")


class OutboxPurpose(LabelledEnum):
    """What made a message (stored by value in OutboxMessage.purpose)."""

    NOTIFICATION = ("notification", "A notification, at once")
    DIGEST = ("digest", "A digest of notifications")
    REMINDER = ("reminder", "A milestone reminder")
    INVITATION = ("invitation", "A sign-in link")

    @classmethod
    def label_of(cls, value: str) -> str:
        """The label of a stored purpose; the value itself when no member has it."""
        try:
            return cls(value).label
        except ValueError:
            return value


class OutboxMessage(db.Model):
    """One email to one address."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # What made it: an OutboxPurpose's value.
    purpose: Mapped[str] = mapped_column(String(32))
    status: Mapped[OutboxStatus] = enum_column(OutboxStatus, default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(String(500), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", lazy="raise")

    __table_args__ = (Index("ix_outbox_message_status_next", "status", "next_attempt_at"),)
