"""A proposal's ranked sector priorities."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.sqltypes import UTCDateTime
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sector = relationship("Sector", lazy="raise")

    __table_args__ = (
        UniqueConstraint("proposal_id", "sector_id", name="uq_sector_priority_proposal_sector"),
        CheckConstraint("share >= 0 AND share <= 100", name="share_percent"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )
