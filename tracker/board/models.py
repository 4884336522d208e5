"""Review rounds and board decisions."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.enums import LabelledEnum
from tracker.extensions import db
from tracker.proposals.models import ProposalStage
from tracker.sqltypes import UTCDateTime, enum_column
from tracker.timeutil import utcnow


class BoardDecisionKind(LabelledEnum):
    """What a board member says about a proposal in review."""

    ENDORSE = ("endorse", "Endorse")
    ENDORSE_WITH_CONDITIONS = ("endorse_with_conditions", "Endorse with conditions")
    REQUEST_CHANGES = ("request_changes", "Request changes")

    @property
    def is_endorsement(self) -> bool:
        return self is not BoardDecisionKind.REQUEST_CHANGES

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag colour; the label always shows too."""
        return _DECISION_TAG_COLOURS[self]

    @property
    def needs_comment(self) -> bool:
        """Conditions and requested changes must be spelled out."""
        return self is not BoardDecisionKind.ENDORSE


_DECISION_TAG_COLOURS = {
    BoardDecisionKind.ENDORSE: "green",
    BoardDecisionKind.ENDORSE_WITH_CONDITIONS: "yellow",
    BoardDecisionKind.REQUEST_CHANGES: "orange",
}


class RoundOutcome(LabelledEnum):
    """What became of the proposal when its review round closed."""

    ENDORSED = ("endorsed", "Endorsed and submitted to Innovate UK")
    RETURNED = ("returned", "Changes requested: back to co-creation")
    WITHDRAWN = ("withdrawn", "Withdrawn")


class ReviewRound(db.Model):
    """One spell of a proposal in board review; closed when it leaves the stage."""

    __tablename__ = "review_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(40), default="")

    decisions = relationship(
        "BoardDecision", lazy="raise", order_by="BoardDecision.created_at",
        back_populates="review_round",
    )

    __table_args__ = (
        UniqueConstraint("proposal_id", "number", name="uq_review_round_proposal_number"),
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def result(self) -> RoundOutcome | None:
        """The outcome as an enum (stored by value); None while the round is open."""
        return RoundOutcome(self.outcome) if self.outcome else None

    def can_decide(self, user, proposal) -> bool:
        """Board members record and change their decisions while the proposal is in this open round."""
        return (
            user.is_authenticated and user.is_board and self.is_open
            and proposal.id == self.proposal_id and proposal.stage is ProposalStage.BOARD_REVIEW
        )


class BoardDecision(db.Model):
    """A board member's decision in one round; changeable while the round is open."""

    __tablename__ = "board_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_round.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    decision: Mapped[BoardDecisionKind] = enum_column(BoardDecisionKind)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    review_round = relationship("ReviewRound", lazy="raise", back_populates="decisions")
    member = relationship("User", lazy="raise")

    @property
    def was_changed(self) -> bool:
        """The member changed their decision or comment after first recording it."""
        return self.updated_at > self.created_at

    __table_args__ = (
        UniqueConstraint("round_id", "member_id", name="uq_board_decision_round_member"),
    )
