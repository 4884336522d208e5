"""A proposal's ranked sector priorities, and experts endorsing or challenging them."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.enums import LabelledEnum
from tracker.extensions import db
from tracker.sqltypes import UTCDateTime, enum_column
from tracker.timeutil import utcnow


class SectorPriority(db.Model):
    """One sector or theme a proposal serves: its rank, share of the ask and rationale."""

    __tablename__ = "sector_priority"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id", ondelete="RESTRICT"), index=True)
    rank: Mapped[int] = mapped_column()
    share: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    rationale: Mapped[str] = mapped_column(Text, default="")
    # The priority recommendation (a contribution) it was taken from, if any.
    contribution_id: Mapped[int | None] = mapped_column(
        ForeignKey("contribution.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    sector = relationship("Sector", lazy="raise")
    contribution = relationship("Contribution", lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("proposal_id", "sector_id", name="uq_sector_priority_proposal_sector"),
        CheckConstraint("share >= 0 AND share <= 100", name="share_percent"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )


class StanceKind(LabelledEnum):
    """What an expert says about a priority."""

    ENDORSE = ("endorse", "Endorse")
    CHALLENGE = ("challenge", "Challenge")

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag colour; the label always shows too."""
        return "green" if self is StanceKind.ENDORSE else "orange"


class PriorityStance(db.Model):
    """One expert's endorsement or challenge of one priority (one each, changeable), with a
    comment; staff may answer a challenge."""

    __tablename__ = "priority_stance"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("sector_priority.id", ondelete="CASCADE"))
    expert_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[StanceKind] = enum_column(StanceKind)
    comment: Mapped[str] = mapped_column(Text, default="")
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    expert = relationship("User", foreign_keys=[expert_id], lazy="raise")
    replied_by = relationship("User", foreign_keys=[replied_by_id], lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("priority_id", "expert_id", name="uq_priority_stance_priority_expert"),
    )

    def can_answer(self, user) -> bool:
        """Staff and admins answer a challenge (an endorsement needs no answer)."""
        return user.is_authenticated and user.is_staff and self.kind is StanceKind.CHALLENGE

    @property
    def reply_is_to_earlier_stance(self) -> bool:
        """The expert changed their stance after staff replied: the reply answers what they
        said before (replying sets both times to the same instant)."""
        return self.replied_at is not None and self.updated_at > self.replied_at
