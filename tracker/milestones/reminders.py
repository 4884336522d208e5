"""Reminding owners of milestones that are not done: 7 days before the due date, 1 day before, and
on the first day overdue, each once, in the tracker and (for owners who hear about milestones
at once, the default) by email through the outbox, in the same transaction.

Run daily (`flask --app wsgi send-reminders`); running it more often changes nothing, as a
ReminderSent row (unique per milestone, kind and due date) marks each reminder that went.

A missed day: when the command did not run on a reminder's exact day, the most recent reminder
whose day has come goes out on the next run, once, and the earlier ones never do (a run two
days before the due date sends the 7-day reminder; a run on the due date the 1-day one). The
overdue reminder is sent up to OVERDUE_CATCH_UP_DAYS after the due date, not later, so a first
run on old data does not remind anyone of long-past dates. A milestone moved to a new due date
gets fresh reminders for it.
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.mail import mail_configured
from tracker.milestones.models import Milestone, MilestoneState, ReminderKind, ReminderSent
from tracker.notifications.models import NotificationKind
from tracker.notifications.services import notify_person
from tracker.outbox.models import OutboxPurpose
from tracker.templating import long_date

OVERDUE_CATCH_UP_DAYS = 7


@dataclass(frozen=True)
class Reminder:
    """One reminder recorded: who gets it, what it says, and whether it is queued to email."""

    milestone_id: int
    kind: ReminderKind
    email: str
    subject: str
    body: str
    queued: bool = False  # to email, through the outbox


@dataclass
class ReminderRun:
    """What one run did: the reminders it recorded, and those it skipped."""

    sent: list[Reminder] = field(default_factory=list)
    already_sent: int = 0
    inactive_owner: int = 0
    emailed: int = 0

    def summary(self) -> str:
        """One line for the command to print."""
        counts = {kind: 0 for kind in ReminderKind}
        for reminder in self.sent:
            counts[reminder.kind] += 1
        line = (f"{len(self.sent)} reminder{'s' if len(self.sent) != 1 else ''} sent ("
                + ", ".join(f"{kind.label.lower()}: {count}" for kind, count in counts.items()) + ")")
        line += f"; {self.emailed} queued to email" if mail_configured() else "; email is not set up (MAIL_SERVER)"
        return line + f"; {self.already_sent} already sent; {self.inactive_owner} skipped (owner's account deactivated)"


def due_reminder(due_on: date, today: date) -> ReminderKind | None:
    """The most recent reminder whose day has come for a milestone due on `due_on`, or None:
    7-day from 7 days before up to 2 days before, 1-day on the day before and the due date,
    overdue from the day after up to OVERDUE_CATCH_UP_DAYS after."""
    days_left = (due_on - today).days
    if days_left < -OVERDUE_CATCH_UP_DAYS or days_left > ReminderKind.WEEK_BEFORE.days_before:
        return None
    # The kinds by their day, latest first: the first whose day has come is the one.
    for kind in sorted(ReminderKind, key=lambda each: each.days_before):
        if days_left <= kind.days_before:
            return kind
    return None


def record_reminders(today: date) -> ReminderRun:
    """Record each reminder due `today` that has not gone before: a ReminderSent row and a
    notification for the owner, flushed together (a unique clash means another run sent it:
    skipped). The caller commits, then sends the emails (`email_reminders`)."""
    run = ReminderRun()
    window = (today - timedelta(days=OVERDUE_CATCH_UP_DAYS), today + timedelta(days=ReminderKind.WEEK_BEFORE.days_before))
    milestones = db.session.scalars(
        select(Milestone)
        .options(joinedload(Milestone.owner), joinedload(Milestone.proposal), joinedload(Milestone.programme))
        .where(Milestone.state != MilestoneState.DONE, Milestone.due_on.between(*window))
        .order_by(Milestone.due_on, Milestone.id)
    ).all()
    sent_before = set(db.session.execute(
        select(ReminderSent.milestone_id, ReminderSent.kind, ReminderSent.due_on)
        .where(ReminderSent.milestone_id.in_([milestone.id for milestone in milestones]))
    ).tuples())
    for milestone in milestones:
        kind = due_reminder(milestone.due_on, today)
        if kind is None:
            continue
        if (milestone.id, kind, milestone.due_on) in sent_before:
            run.already_sent += 1
        elif not milestone.owner.is_active:
            run.inactive_owner += 1
        elif (reminder := _record(milestone, kind, today)) is not None:
            run.sent.append(reminder)
            run.emailed += reminder.queued
        else:
            run.already_sent += 1
    return run


def _record(milestone: Milestone, kind: ReminderKind, today: date) -> Reminder | None:
    """The reminder's row, notification and any outbox message in a savepoint; None when it
    had gone already."""
    reminder = _reminder(milestone, kind, today)
    try:
        with db.session.begin_nested():
            db.session.add(ReminderSent(milestone_id=milestone.id, kind=kind, due_on=milestone.due_on))
            note = notify_person(milestone.owner_id, _message(milestone, kind, today), NotificationKind.MILESTONE,
                                 proposal=milestone.proposal, email=(reminder.subject, reminder.body),
                                 purpose=OutboxPurpose.REMINDER)
    except IntegrityError:
        return None
    return replace(reminder, queued=note.emailed_at is not None)


def _where(milestone: Milestone) -> str:
    if milestone.proposal is not None:
        return f"on {milestone.proposal.title}"
    return f"of {milestone.programme.name}"


def _when(milestone: Milestone, today: date) -> str:
    days = (milestone.due_on - today).days
    if days > 1:
        return f"is due in {days} days, on {long_date(milestone.due_on)}"
    if days == 1:
        return f"is due tomorrow, {long_date(milestone.due_on)}"
    if days == 0:
        return f"is due today, {long_date(milestone.due_on)}"
    late = -days
    return f"is overdue: it was due {late} day{'s' if late != 1 else ''} ago, on {long_date(milestone.due_on)}"


def _message(milestone: Milestone, kind: ReminderKind, today: date) -> str:
    return f"Reminder: the milestone “{milestone.title}” {_where(milestone)} {_when(milestone, today)}"


def _reminder(milestone: Milestone, kind: ReminderKind, today: date) -> Reminder:
    lines = [
        f"Hello {milestone.owner.name},",
        "",
        f"The milestone “{milestone.title}” {_where(milestone)}, which you own, {_when(milestone, today)}.",
        f"Its state is {milestone.state.label.lower()}.",
    ]
    if current_app.config.get("SERVER_NAME"):
        lines += ["", "See it and mark it done here:", url_for("milestones.view", milestone_id=milestone.id, _external=True)]
    else:
        lines += ["", "Sign in to the tracker to see it and mark it done."]
    subject = f"Milestone {'overdue' if kind is ReminderKind.OVERDUE else 'due soon'}: {milestone.title}"
    return Reminder(milestone.id, kind, milestone.owner.email, subject[:200], "\n".join(lines))

