"""Contributions, their edits, staff's responses, attachments and requests for input."""

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.enums import LabelledEnum
from tracker.extensions import db
from tracker.sqltypes import UTCDateTime, enum_column
from tracker.timeutil import utcnow


class ContributionKind(LabelledEnum):
    """What a piece of input is."""

    EVIDENCE = ("evidence", "Evidence")
    SUGGESTED_CHANGE = ("suggested_change", "Suggested change to a section's text")
    COMMENT = ("comment", "Comment")
    RISK = ("risk", "Risk")
    PRIORITY_RECOMMENDATION = ("priority_recommendation", "Priority recommendation")


class ContributionStatus(LabelledEnum):
    """Where a contribution stands; the last four are staff's responses."""

    SUBMITTED = ("submitted", "Submitted")
    UNDER_REVIEW = ("under_review", "Under review")
    ACCEPTED = ("accepted", "Accepted")
    PARTLY_ACCEPTED = ("partly_accepted", "Partly accepted")
    DECLINED = ("declined", "Declined")
    NOTED = ("noted", "Noted")
    WITHDRAWN = ("withdrawn", "Withdrawn")

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag colour; the label always shows too, so colour is never the only signal."""
        return _STATUS_TAG_COLOURS[self]

    @property
    def is_answered(self) -> bool:
        return self in RESPONSE_STATUSES

    @property
    def is_open(self) -> bool:
        """Still waiting for staff: submitted or under review."""
        return self in (ContributionStatus.SUBMITTED, ContributionStatus.UNDER_REVIEW)


RESPONSE_STATUSES = (
    ContributionStatus.ACCEPTED,
    ContributionStatus.PARTLY_ACCEPTED,
    ContributionStatus.DECLINED,
    ContributionStatus.NOTED,
)

_STATUS_TAG_COLOURS = {
    ContributionStatus.SUBMITTED: "blue",
    ContributionStatus.UNDER_REVIEW: "yellow",
    ContributionStatus.ACCEPTED: "green",
    ContributionStatus.PARTLY_ACCEPTED: "turquoise",
    ContributionStatus.DECLINED: "red",
    ContributionStatus.NOTED: "grey",
    ContributionStatus.WITHDRAWN: "grey",
}

expert_sector = Table(
    "expert_sector",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sector.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Contribution(db.Model):
    """One piece of stakeholder input on a proposal."""

    __tablename__ = "contribution"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("section.id", ondelete="SET NULL"), index=True
    )
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id", ondelete="RESTRICT"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[ContributionKind] = enum_column(ContributionKind)
    status: Mapped[ContributionStatus] = enum_column(
        ContributionStatus, default=ContributionStatus.SUBMITTED
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    # A suggested change: the whole section text as the expert would have it, and the
    # revision of the section it started from.
    suggested_text: Mapped[str | None] = mapped_column(Text)
    base_revision_number: Mapped[int | None] = mapped_column()
    declaration_of_interest: Mapped[str] = mapped_column(Text, default="")
    show_organisation_type_only: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    proposal = relationship("Proposal", lazy="raise")
    section = relationship("Section", lazy="raise")
    sector = relationship("Sector", lazy="raise")
    author = relationship("User", lazy="raise")
    organisation = relationship("Organisation", lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_contribution_proposal_status", "proposal_id", "status"),
        Index("ix_contribution_proposal_created", "proposal_id", "created_at"),
    )

    def can_view(self, user) -> bool:
        """Staff and board see all; an author sees their own; other experts once answered."""
        if not user.is_authenticated:
            return False
        if user.is_staff or user.is_board:
            return True
        return self.author_id == user.id or self.status.is_answered

    def can_respond(self, user) -> bool:
        """Staff and admins answer input that is still waiting for a response."""
        return user.is_authenticated and user.is_staff and self.status.is_open

    def can_change(self, user) -> bool:
        """The author edits or withdraws until staff start reviewing it."""
        return (
            user.is_authenticated
            and self.author_id == user.id
            and self.status is ContributionStatus.SUBMITTED
        )


class ContributionEdit(db.Model):
    """An earlier wording of a contribution, kept when its author edits it."""

    __tablename__ = "contribution_edit"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    suggested_text: Mapped[str | None] = mapped_column(Text)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContributionResponse(db.Model):
    """Staff's answer to a contribution: the "you said, we did" record."""

    __tablename__ = "contribution_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), unique=True
    )
    outcome: Mapped[ContributionStatus] = enum_column(ContributionStatus)
    reason: Mapped[str] = mapped_column(Text, default="")
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("section_revision.id", ondelete="SET NULL")
    )
    responder_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    revision = relationship("SectionRevision", lazy="raise")
    responder = relationship("User", lazy="raise")


class Attachment(db.Model):
    """A file attached to a contribution, stored under a name the server made."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InputRequestStatus(LabelledEnum):
    """Derived on every read: answered, overdue or open."""

    OPEN = ("open", "Open")
    ANSWERED = ("answered", "Answered")
    OVERDUE = ("overdue", "Overdue")


input_request_recipient = Table(
    "input_request_recipient",
    db.metadata,
    Column("request_id", ForeignKey("input_request.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class InputRequest(db.Model):
    """Staff asking named experts, or everyone in a sector, for input on a section by a date."""

    __tablename__ = "input_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id", ondelete="SET NULL"))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recipients = relationship("User", secondary=input_request_recipient, lazy="raise")
    section = relationship("Section", lazy="raise")

