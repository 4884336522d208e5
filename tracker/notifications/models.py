"""Who follows which proposal, and the notifications they get."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.enums import LabelledEnum
from tracker.extensions import db
from tracker.sqltypes import UTCDateTime, enum_column
from tracker.timeutil import utcnow


class FollowReason(LabelledEnum):
    """Why someone follows a proposal."""

    OWNER = ("owner", "You own it")
    ASSIGNEE = ("assignee", "You are assigned a section")
    BOARD = ("board", "You are on the board")
    CHOSEN = ("chosen", "You chose to follow it")


class NotificationKind(LabelledEnum):
    """The kinds of event a person chooses how to hear about (by email, at once or in a digest)."""

    STAGE = ("stage", "A proposal you follow changes stage")
    BOARD = ("board", "Board decisions on proposals you follow")
    REQUEST = ("request", "Requests for your input")
    RESPONSE = ("response", "Responses to your input")
    PRIORITY = ("priority", "Answers to your challenges on priorities")
    MILESTONE = ("milestone", "Reminders about milestones you own")
    GENERAL = ("general", "Other news on proposals you follow")


class Delivery(LabelledEnum):
    """How a person hears about one kind of event by email."""

    IMMEDIATE = ("immediate", "By email at once")
    DAILY = ("daily", "In a daily email digest")
    WEEKLY = ("weekly", "In a weekly email digest")
    NEVER = ("never", "Never by email (still shown in the tracker)")


class NotificationPreference(db.Model):
    """One person's choice for one kind of event; no row means the kind's default."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[NotificationKind] = enum_column(NotificationKind, primary_key=True)
    delivery: Mapped[Delivery] = enum_column(Delivery)


class Follow(db.Model):
    """A person following a proposal."""

    __tablename__ = "follow"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    reason: Mapped[FollowReason] = enum_column(FollowReason)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notification(db.Model):
    """Something that happened to a proposal a person follows."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="SET NULL"))
    kind: Mapped[NotificationKind] = enum_column(
        NotificationKind, default=NotificationKind.GENERAL, server_default="general"
    )
    message: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set once the notification went into an email (sent at once, or in a digest), so a
    # digest never repeats it; NULL for those still to go and for those never emailed.
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposal = relationship("Proposal", lazy="raise")

    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at"),
        Index("ix_notification_user_created", "user_id", "created_at"),
        Index("ix_notification_emailed_created", "emailed_at", "created_at"),
    )
