"""Section templates (per programme), sections (per proposal) and their revisions."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.enums import LabelledEnum
from tracker.extensions import db
from tracker.sqltypes import UTCDateTime, enum_column
from tracker.timeutil import utcnow

DEFAULT_WORD_LIMIT = 400

# Innovate UK's assessed questions, plus Summary and Co-creation (DOMAIN.md): key, title, assessed.
DEFAULT_SECTIONS = (
    ("summary", "Summary", False),
    ("need", "Need or challenge", True),
    ("approach", "Approach and innovation", True),
    ("team", "Team and resources", True),
    ("market", "Market awareness", True),
    ("outcomes", "Outcomes and route to market", True),
    ("wider_impacts", "Wider impacts", True),
    ("project_management", "Project management", True),
    ("risks", "Risks", True),
    ("additionality", "Additionality", True),
    ("costs", "Costs and value for money", True),
    ("co_creation", "Co-creation", False),
)


class SectionState(LabelledEnum):
    """How far the writing of a section has got."""

    NOT_STARTED = ("not_started", "Not started")
    IN_PROGRESS = ("in_progress", "In progress")
    COMPLETE = ("complete", "Complete")

    @property
    def tag_colour(self) -> str:
        return {"not_started": "grey", "in_progress": "light-blue", "complete": "green"}[self.value]


class SectionOutline:
    """What a template entry and a section share: key, title, order, word limit, and whether
    it is required and assessed."""

    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column()
    word_limit: Mapped[int] = mapped_column(default=DEFAULT_WORD_LIMIT)
    required: Mapped[bool] = mapped_column(default=True)
    assessed: Mapped[bool] = mapped_column(default=True)


class SectionTemplate(SectionOutline, db.Model):
    """One section every new proposal in a programme gets."""

    __tablename__ = "section_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (
        UniqueConstraint("programme_id", "key", name="uq_section_template_programme_key"),
        CheckConstraint("word_limit > 0", name="word_limit_positive"),
    )


class Section(SectionOutline, db.Model):
    """One part of a proposal's text; `text` is its latest revision's text."""

    __tablename__ = "section"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[SectionState] = enum_column(SectionState, default=SectionState.NOT_STARTED)
    text: Mapped[str] = mapped_column(Text, default="")
    word_count: Mapped[int] = mapped_column(default=0)
    revision_number: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    proposal = relationship("Proposal", lazy="raise")
    assignee = relationship("User", lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("proposal_id", "key", name="uq_section_proposal_key"),
        CheckConstraint("word_limit > 0", name="word_limit_positive"),
    )

    @property
    def over_limit(self) -> bool:
        return self.word_count > self.word_limit


class SectionRevision(db.Model):
    """A saved version of a section's text; never changed once written."""

    __tablename__ = "section_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(200), default="")
    restored_from: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    section = relationship("Section", lazy="raise")
    author = relationship("User", lazy="raise")

    __table_args__ = (
        UniqueConstraint("section_id", "number", name="uq_section_revision_section_number"),
    )
