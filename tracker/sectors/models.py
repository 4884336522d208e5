"""Sectors and cross-sector themes that proposals serve."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.enums import LabelledEnum
from tracker.extensions import db
from tracker.sqltypes import UTCDateTime, enum_column
from tracker.timeutil import utcnow


class SectorKind(LabelledEnum):
    """A sector (health tech, clean tech, ...) or a theme that cuts across them."""

    SECTOR = ("sector", "Sector")
    THEME = ("theme", "Cross-sector theme")


class Sector(db.Model):
    """One entry in the catalogue; retired entries stay for history but are not offered."""

    __tablename__ = "sector"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[SectorKind] = enum_column(SectorKind, index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    is_retired: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Sector {self.name}>"
