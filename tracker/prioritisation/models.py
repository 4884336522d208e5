"""A programme's weighted criteria, people's scores against them, and proposals that depend on others."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.proposals.models import ProposalStage
from tracker.sqltypes import UTCDateTime
from tracker.timeutil import utcnow

MAX_SCORE = 10
# Proposals that can be scored (and are ranked): every stage but draft and withdrawn.
SCORABLE_STAGES = frozenset(ProposalStage) - {ProposalStage.DRAFT, ProposalStage.WITHDRAWN}


class Criterion(db.Model):
    """One of the programme's own criteria, with its weight in whole percent (a set adds to 100)."""

    __tablename__ = "criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    weight: Mapped[int] = mapped_column()
    guidance: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("programme_id", "name", name="uq_criterion_programme_name"),
        CheckConstraint("weight >= 0 AND weight <= 100", name="weight_percent"),
    )

    @staticmethod
    def can_edit(user) -> bool:
        """Staff and admins set a programme's criteria; board members read them."""
        return user.is_authenticated and user.is_staff


class CriterionScore(db.Model):
    """One person's score (0-10) of one proposal against one criterion, with a note."""

    __tablename__ = "criterion_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criterion.id", ondelete="CASCADE"), index=True
    )
    scorer_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    score: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    scorer = relationship("User", lazy="raise")
    criterion = relationship("Criterion", lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("proposal_id", "criterion_id", "scorer_id",
                         name="uq_criterion_score_proposal_criterion_scorer"),
        CheckConstraint(f"score >= 0 AND score <= {MAX_SCORE}", name="score_range"),
    )

    @staticmethod
    def can_score(user, proposal) -> bool:
        """Staff and board members (not experts) score proposals that are neither drafts nor
        withdrawn."""
        return (user.is_authenticated and (user.is_staff or user.is_board)
                and proposal.stage in SCORABLE_STAGES)


# A proposal that depends on another: if that one fails Innovate UK's threshold, this one is
# ineligible (as the real programme ruled).
proposal_dependency = Table(
    "proposal_dependency",
    db.metadata,
    Column("proposal_id", ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True),
    Column("depends_on_id", ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True, index=True),
    CheckConstraint("proposal_id <> depends_on_id", name="not_itself"),
)


def can_set_dependencies(user) -> bool:
    """Staff and admins say which proposals a proposal depends on."""
    return user.is_authenticated and user.is_staff
