"""A proposal, its stages and its partner organisations."""

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, String, Table, Text, exists, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.contributions.models import InputRequest, input_request_recipient
from tracker.enums import LabelledEnum
from tracker.extensions import db
from tracker.sqltypes import UTCDateTime, enum_column
from tracker.timeutil import utcnow


class ProposalStage(LabelledEnum):
    """Where a proposal stands; the moves between stages are drawn in DOMAIN.md."""

    DRAFT = ("draft", "Draft")
    CO_CREATION = ("co_creation", "Co-creation")
    BOARD_REVIEW = ("board_review", "Board review")
    SUBMITTED = ("submitted", "Submitted")
    UNDER_ASSESSMENT = ("under_assessment", "Under assessment")
    CLARIFICATION_REQUESTED = ("clarification_requested", "Clarification requested")
    FUNDED = ("funded", "Funded")
    NOT_FUNDED = ("not_funded", "Not funded")
    WITHDRAWN = ("withdrawn", "Withdrawn")

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag colour; the label always shows too, so colour is never the only signal."""
        return _STAGE_TAG_COLOURS[self]

    @property
    def is_closed(self) -> bool:
        """Funded, not funded and withdrawn proposals are finished."""
        return self in (ProposalStage.FUNDED, ProposalStage.NOT_FUNDED, ProposalStage.WITHDRAWN)

    @property
    def is_frozen(self) -> bool:
        """From submission on, the proposal's text no longer changes."""
        return self not in (
            ProposalStage.DRAFT,
            ProposalStage.CO_CREATION,
            ProposalStage.BOARD_REVIEW,
        )


_STAGE_TAG_COLOURS = {
    ProposalStage.DRAFT: "grey",
    ProposalStage.CO_CREATION: "light-blue",
    ProposalStage.BOARD_REVIEW: "purple",
    ProposalStage.SUBMITTED: "blue",
    ProposalStage.UNDER_ASSESSMENT: "turquoise",
    ProposalStage.CLARIFICATION_REQUESTED: "orange",
    ProposalStage.FUNDED: "green",
    ProposalStage.NOT_FUNDED: "red",
    ProposalStage.WITHDRAWN: "grey",
}

proposal_partner = Table(
    "proposal_partner",
    db.metadata,
    Column("proposal_id", ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "organisation_id",
        ForeignKey("organisation.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


class Proposal(db.Model):
    """A bid within a programme."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    lead_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    funding_ask: Mapped[int] = mapped_column(BigInteger)
    summary: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[ProposalStage] = enum_column(
        ProposalStage, index=True, default=ProposalStage.DRAFT
    )
    input_closes_on: Mapped[date | None] = mapped_column()
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    programme = relationship("Programme", lazy="raise")
    lead_organisation = relationship("Organisation", lazy="raise")
    owner = relationship("User", lazy="raise")
    partners = relationship(
        "Organisation", secondary=proposal_partner, lazy="raise", order_by="Organisation.name"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint("funding_ask >= 0", name="funding_ask_not_negative"),)

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.title!r}>"

    def can_view(self, user) -> bool:
        """Staff, admins and board see every proposal; experts those open for their input, and
        (read-only, at any stage) those they have been asked for input on."""
        if not user.is_authenticated:
            return False
        if user.is_staff or user.is_board:
            return True
        if not user.is_expert:
            return False
        return self.stage is ProposalStage.CO_CREATION or self.was_asked_about(user)

    def was_asked_about(self, user) -> bool:
        """Whether any request for input on this proposal was addressed to `user` (one query)."""
        return bool(db.session.scalar(select(exists().where(
            InputRequest.proposal_id == self.id,
            input_request_recipient.c.request_id == InputRequest.id,
            input_request_recipient.c.user_id == user.id,
        ))))

    def can_manage_input(self, user) -> bool:
        """Staff and admins ask experts for input and set the date input closes."""
        return user.is_authenticated and user.is_staff

    def can_change_stage(self, user) -> bool:
        """Staff and admins move proposals between stages."""
        return user.is_authenticated and user.is_staff

    def can_record_assessment(self, user) -> bool:
        """Staff and admins record what Innovate UK's assessors said."""
        return user.is_authenticated and user.is_staff

    def can_edit(self, user) -> bool:
        """Staff and admins edit a proposal until its text is frozen at submission."""
        return user.is_authenticated and user.is_staff and not self.stage.is_frozen
