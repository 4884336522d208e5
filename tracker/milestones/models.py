"""Milestones of programmes and proposals, their dependencies, calendar feeds and reminders sent."""

import secrets
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import hash_token
from tracker.enums import LabelledEnum
from tracker.extensions import db
from tracker.proposals.models import Proposal
from tracker.sqltypes import UTCDateTime, enum_column
from tracker.timeutil import utcnow


class MilestoneKind(LabelledEnum):
    """What a milestone marks: the first five belong to a programme, the rest to a proposal."""

    EOI_DEADLINE = ("eoi_deadline", "Expression of interest deadline")
    FULL_PROPOSAL_DEADLINE = ("full_proposal_deadline", "Full proposal deadline")
    ASSESSMENT_CLOSES = ("assessment_closes", "Assessment closes")
    PANEL_DATE = ("panel_date", "Selection panel")
    ANNOUNCEMENT = ("announcement", "Announcement")
    INTERNAL = ("internal", "Internal")
    BOARD = ("board", "Board")
    GATEWAY = ("gateway", "Innovate UK gateway")
    DELIVERY = ("delivery", "Delivery")

    @property
    def for_programme(self) -> bool:
        """Whether this kind of milestone belongs to a programme (else to a proposal)."""
        return self in _PROGRAMME_KINDS

    @classmethod
    def programme_kinds(cls) -> list["MilestoneKind"]:
        """The kinds a programme's own milestones may have, in the order they happen."""
        return [kind for kind in cls if kind.for_programme]

    @classmethod
    def proposal_kinds(cls) -> list["MilestoneKind"]:
        """The kinds a proposal's milestones may have."""
        return [kind for kind in cls if not kind.for_programme]


_PROGRAMME_KINDS = frozenset({
    MilestoneKind.EOI_DEADLINE,
    MilestoneKind.FULL_PROPOSAL_DEADLINE,
    MilestoneKind.ASSESSMENT_CLOSES,
    MilestoneKind.PANEL_DATE,
    MilestoneKind.ANNOUNCEMENT,
})


class MilestoneState(LabelledEnum):
    """Where a milestone stands, as its owner says; the RAG status is derived (see rules.py)."""

    NOT_STARTED = ("not_started", "Not started")
    IN_PROGRESS = ("in_progress", "In progress")
    DONE = ("done", "Done")
    BLOCKED = ("blocked", "Blocked")


def _quoted(kinds) -> str:
    return ", ".join(f"'{kind.value}'" for kind in sorted(kinds, key=lambda kind: kind.value))


# "Milestone A depends on milestone B": A cannot finish before B. Both belong to the same
# programme, and B is a programme milestone or on A's own proposal (Milestone.can_depend_on).
milestone_dependency = Table(
    "milestone_dependency",
    db.metadata,
    Column("milestone_id", ForeignKey("milestone.id", ondelete="CASCADE"), primary_key=True),
    Column("depends_on_id", ForeignKey("milestone.id", ondelete="CASCADE"), primary_key=True, index=True),
    CheckConstraint("milestone_id <> depends_on_id", name="not_itself"),
)


class Milestone(db.Model):
    """A dated, owned step of a programme (proposal_id NULL) or of one of its proposals."""

    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A proposal's milestones carry its programme too, so a programme's timeline is one query.
    # Services set it from the proposal; nothing else may differ from it.
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[MilestoneKind] = enum_column(MilestoneKind)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    starts_on: Mapped[date | None] = mapped_column()
    due_on: Mapped[date] = mapped_column()
    state: Mapped[MilestoneState] = enum_column(MilestoneState, default=MilestoneState.NOT_STARTED)
    done_on: Mapped[date | None] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    programme = relationship("Programme", lazy="raise")
    proposal = relationship("Proposal", lazy="raise")
    owner = relationship("User", lazy="raise")
    depends_on = relationship(
        "Milestone",
        secondary=milestone_dependency,
        primaryjoin=lambda: Milestone.id == milestone_dependency.c.milestone_id,
        secondaryjoin=lambda: Milestone.id == milestone_dependency.c.depends_on_id,
        back_populates="dependents",
        lazy="raise",
        order_by=lambda: (Milestone.due_on, Milestone.id),
    )
    dependents = relationship(
        "Milestone",
        secondary=milestone_dependency,
        primaryjoin=lambda: Milestone.id == milestone_dependency.c.depends_on_id,
        secondaryjoin=lambda: Milestone.id == milestone_dependency.c.milestone_id,
        back_populates="depends_on",
        lazy="raise",
        order_by=lambda: (Milestone.due_on, Milestone.id),
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("starts_on IS NULL OR starts_on <= due_on", name="start_before_due"),
        # Done exactly when it has the date it was done (portable: no boolean comparison).
        CheckConstraint(
            f"(state = '{MilestoneState.DONE.value}' AND done_on IS NOT NULL)"
            f" OR (state <> '{MilestoneState.DONE.value}' AND done_on IS NULL)",
            name="done_has_date",
        ),
        # Programme kinds on programme milestones, proposal kinds on proposal milestones.
        CheckConstraint(
            f"(proposal_id IS NULL AND kind IN ({_quoted(_PROGRAMME_KINDS)}))"
            f" OR (proposal_id IS NOT NULL AND kind NOT IN ({_quoted(_PROGRAMME_KINDS)}))",
            name="kind_fits_level",
        ),
        Index("ix_milestone_proposal_due", "proposal_id", "due_on"),
        Index("ix_milestone_programme_due", "programme_id", "due_on"),
    )

    def __repr__(self) -> str:
        return f"<Milestone {self.id} {self.title!r}>"

    @property
    def is_programme_milestone(self) -> bool:
        """A programme's own milestone (a deadline, the panel), not one of a proposal's."""
        return self.proposal_id is None

    def can_depend_on(self, other: "Milestone") -> bool:
        """Whether `other` may be one this milestone depends on: not itself, in the same
        programme, and either a programme milestone or one on this milestone's own proposal.
        (Cycles are checked separately, with rules.find_cycle.)"""
        return (
            other.id != self.id
            and other.programme_id == self.programme_id
            and (other.proposal_id is None or other.proposal_id == self.proposal_id)
        )

    def can_view(self, user) -> bool:
        """Staff, admins and board see every milestone; any signed-in person sees a programme's
        own milestones (its key dates are on the programme page too); an expert sees milestones
        they own and those on proposals they may see (Proposal.can_view)."""
        if not user.is_authenticated:
            return False
        if user.is_staff or user.is_board or self.owner_id == user.id or self.is_programme_milestone:
            return True
        # The identity map answers when the page loaded the proposal; else one query.
        return db.session.get(Proposal, self.proposal_id).can_view(user)

    def can_edit(self, user) -> bool:
        """Staff and admins create, edit and delete milestones, at any stage of the proposal
        (delivery milestones outlive the frozen text). Owners who are experts read only."""
        return user.is_authenticated and user.is_staff


class CalendarFeed(db.Model):
    """A secret iCalendar URL: one proposal's milestones, or (proposal_id NULL) the ones a person
    owns. Only the token's SHA-256 is kept, so a database leak does not reveal the URLs."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @classmethod
    def with_new_token(cls, user_id: int, proposal_id: int | None = None) -> tuple["CalendarFeed", str]:
        """A new (unsaved) feed and its secret token, which is shown once and never stored."""
        token = secrets.token_urlsafe(32)
        return cls(user_id=user_id, proposal_id=proposal_id, token_hash=hash_token(token)), token

    @staticmethod
    def hash_of(token: str) -> str:
        """What a feed's token_hash holds for `token` (look feeds up by it)."""
        return hash_token(token)


class ReminderKind(LabelledEnum):
    """When an owner is reminded of a milestone that is not done."""

    WEEK_BEFORE = ("week_before", "7 days before")
    DAY_BEFORE = ("day_before", "1 day before")
    OVERDUE = ("overdue", "First day overdue")

    @property
    def days_before(self) -> int:
        """due_on minus the day it is sent: 7, 1, and -1 (the first day overdue)."""
        return _DAYS_BEFORE[self]


_DAYS_BEFORE = {ReminderKind.WEEK_BEFORE: 7, ReminderKind.DAY_BEFORE: 1, ReminderKind.OVERDUE: -1}


class ReminderSent(db.Model):
    """A reminder that has gone out. Unique per milestone, kind and due date, so each goes once
    even when runs overlap, and a milestone moved to a new date gets fresh reminders."""

    __tablename__ = "reminder_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"))
    kind: Mapped[ReminderKind] = enum_column(ReminderKind)
    due_on: Mapped[date] = mapped_column()
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("milestone_id", "kind", "due_on", name="uq_reminder_sent_milestone_kind_due"),
    )
