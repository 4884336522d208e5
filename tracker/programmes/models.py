"""A programme: one funding call, with its pot, threshold, quorum and key dates."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db
from tracker.sqltypes import UTCDateTime
from tracker.timeutil import utcnow


class Programme(db.Model):
    """A funding call such as "West Midlands Innovation Accelerator 2022"."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    funder: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    total_pot: Mapped[int] = mapped_column(BigInteger)
    assessment_threshold: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    board_quorum: Mapped[int] = mapped_column()
    opens_on: Mapped[date | None] = mapped_column()
    eoi_deadline: Mapped[date | None] = mapped_column()
    full_proposal_deadline: Mapped[date | None] = mapped_column()
    panel_date: Mapped[date | None] = mapped_column()
    announcement_date: Mapped[date | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("total_pot >= 0", name="total_pot_not_negative"),
        CheckConstraint(
            "assessment_threshold >= 0 AND assessment_threshold <= 100", name="threshold_percent"
        ),
        CheckConstraint("board_quorum >= 1", name="quorum_positive"),
    )

    # The fields people edit, with their labels (the form, the audit diff and conflicts use it).
    FIELD_LABELS = {
        "name": "Name",
        "funder": "Funder",
        "region": "Region",
        "description": "Description",
        "total_pot": "Total pot",
        "assessment_threshold": "Assessment threshold",
        "board_quorum": "Board quorum",
        "opens_on": "Call opens",
        "eoi_deadline": "Expression of interest deadline",
        "full_proposal_deadline": "Full proposal deadline",
        "panel_date": "Selection panel",
        "announcement_date": "Announcement",
    }

    KEY_DATES = (
        ("opens_on", "Call opens"),
        ("eoi_deadline", "Expression of interest deadline"),
        ("full_proposal_deadline", "Full proposal deadline"),
        ("panel_date", "Selection panel"),
        ("announcement_date", "Announcement"),
    )

    def __repr__(self) -> str:
        return f"<Programme {self.name}>"

    def key_dates(self) -> list[tuple[str, date | None]]:
        """(label, date) for each key date, in the order they happen."""
        return [(label, getattr(self, field)) for field, label in self.KEY_DATES]

    def can_edit(self, user) -> bool:
        """Staff and admins edit programmes."""
        return user.is_authenticated and user.is_staff
