"""Organisations that lead or partner in proposals."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.enums import LabelledEnum
from tracker.extensions import db
from tracker.sqltypes import UTCDateTime, enum_column
from tracker.timeutil import utcnow


class OrganisationType(LabelledEnum):
    """Innovate UK's organisation types, plus NHS bodies."""

    BUSINESS = ("business", "Business")
    UNIVERSITY = ("university", "University")
    RTO = ("rto", "Research and technology organisation")
    PUBLIC_SECTOR_OR_CHARITY = ("public_sector_or_charity", "Public sector or charity")
    NHS_BODY = ("nhs_body", "NHS body")


class Organisation(db.Model):
    """A business, university, RTO, public body, charity or NHS body."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[OrganisationType] = enum_column(OrganisationType, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"
