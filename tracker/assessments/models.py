"""Submitted versions, assessor reviews and scores, clarifications and outcomes."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.enums import LabelledEnum
from tracker.extensions import db
from tracker.sqltypes import UTCDateTime, enum_column
from tracker.timeutil import utcnow

MAX_ASSESSORS = 5
MAX_SCORE = 10


class SubmittedVersion(db.Model):
    """The text as submitted to Innovate UK: which revision of each section went."""

    __tablename__ = "submitted_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), unique=True
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    sections = relationship(
        "SubmittedSection", lazy="raise", order_by="SubmittedSection.position"
    )
    submitted_by = relationship("User", lazy="raise")


class SubmittedSection(db.Model):
    """One section of a submitted version, pinned to the exact revision submitted."""

    __tablename__ = "submitted_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    submitted_version_id: Mapped[int] = mapped_column(
        ForeignKey("submitted_version.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"))
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("section_revision.id", ondelete="RESTRICT")
    )
    title: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column()

    revision = relationship("SectionRevision", lazy="raise")


class AssessorReview(db.Model):
    """One numbered (never named) Innovate UK assessor's scores, recommendation and feedback."""

    __tablename__ = "assessor_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    assessor_number: Mapped[int] = mapped_column()
    fund: Mapped[bool] = mapped_column()
    feedback: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    scores = relationship(
        "AssessorScore", lazy="raise", cascade="all, delete-orphan", back_populates="review"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("proposal_id", "assessor_number", name="uq_assessor_review_proposal_number"),
        CheckConstraint(
            f"assessor_number >= 1 AND assessor_number <= {MAX_ASSESSORS}", name="assessor_number"
        ),
    )

    def score_by_section(self) -> dict[str, int]:
        """{section key: score}; the scores must have been loaded with the review."""
        return {score.section_key: score.score for score in self.scores}


class AssessorScore(db.Model):
    """An assessor's score, 0 to 10, for one assessed section."""

    __tablename__ = "assessor_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("assessor_review.id", ondelete="CASCADE"), index=True
    )
    section_key: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column()

    review = relationship("AssessorReview", lazy="raise", back_populates="scores")

    __table_args__ = (
        UniqueConstraint("review_id", "section_key", name="uq_assessor_score_review_section"),
        CheckConstraint(f"score >= 0 AND score <= {MAX_SCORE}", name="score_range"),
    )


class Clarification(db.Model):
    """A question Innovate UK asked during assessment, and the answer sent."""

    __tablename__ = "clarification"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = mapped_column(Text)
    asked_on: Mapped[date] = mapped_column()
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column()
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_answered(self) -> bool:
        return self.answered_on is not None


class OutcomeResult(LabelledEnum):
    """Innovate UK's decision."""

    FUNDED = ("funded", "Funded")
    NOT_FUNDED = ("not_funded", "Not funded")


class Outcome(db.Model):
    """The decision that closes a proposal."""

    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), unique=True
    )
    result: Mapped[OutcomeResult] = enum_column(OutcomeResult)
    decided_on: Mapped[date] = mapped_column()
    conditions: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
