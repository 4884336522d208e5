"""Activity entries: written once, never edited, never deleted."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from tracker.extensions import db
from tracker.sqltypes import UTCDateTime
from tracker.timeutil import utcnow


class Activity(db.Model):
    """One entry in the audit log."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    verb: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int] = mapped_column()
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="SET NULL"), index=True
    )
    summary: Mapped[str] = mapped_column(String(500))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor = relationship("User", lazy="raise")
    proposal = relationship("Proposal", lazy="raise")

    __table_args__ = (db.Index("ix_activity_subject", "subject_type", "subject_id"),)


class ActivityIsImmutable(Exception):
    """Raised when code tries to change or remove an activity entry."""


@event.listens_for(Activity, "before_update")
def _refuse_update(_mapper, _connection, target: Activity) -> None:
    raise ActivityIsImmutable(f"activity {target.id} cannot be edited")


@event.listens_for(Activity, "before_delete")
def _refuse_delete(_mapper, _connection, target: Activity) -> None:
    raise ActivityIsImmutable(f"activity {target.id} cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """update(Activity) and delete(Activity) skip the per-row hooks above, so refuse them here."""
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ is Activity:
        raise ActivityIsImmutable("activity entries cannot be edited or deleted")
