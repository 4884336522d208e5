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
    message: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposal = relationship("Proposal", lazy="raise")

    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at"),
        Index("ix_notification_user_created", "user_id", "created_at"),
    )
