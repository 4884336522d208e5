"""A programme's target share of its funding for each sector or theme it prioritises."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.sqltypes import UTCDateTime
from tracker.timeutil import utcnow


class ProgrammeTarget(db.Model):
    """The share of a programme's funding it aims to put into one sector or theme."""

    __tablename__ = "programme_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id", ondelete="RESTRICT"), index=True)
    share: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    sector = relationship("Sector", lazy="raise")

    __table_args__ = (
        UniqueConstraint("programme_id", "sector_id", name="uq_programme_target_programme_sector"),
        CheckConstraint("share >= 0 AND share <= 100", name="share_percent"),
    )
