"""Reminders: 7 days before, 1 day before and on the first day overdue, each once however often
the command runs, to the owner in the tracker (and by email when mail is set up); a missed day
sends the most recent reminder only; done milestones and deactivated owners get none."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.milestones import reminders
from tracker.milestones.models import Milestone, MilestoneKind, MilestoneState, ReminderKind, ReminderSent
from tracker.milestones.reminders import due_reminder, record_reminders
from tracker.notifications.models import Notification
from tracker.outbox.models import OutboxMessage

DUE = date(2026, 3, 16)


def run(today: date) -> reminders.ReminderRun:
    """One run, committed as the command commits it."""
    result = record_reminders(today)
    db.session.commit()
    return result


def notifications() -> list[Notification]:
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def sent_kinds(milestone) -> list[ReminderKind]:
    return list(db.session.scalars(
        select(ReminderSent.kind).where(ReminderSent.milestone_id == milestone.id).order_by(ReminderSent.id)))


@pytest.mark.parametrize("days_left,kind", [
    (9, None), (8, None),
    (7, ReminderKind.WEEK_BEFORE), (5, ReminderKind.WEEK_BEFORE), (2, ReminderKind.WEEK_BEFORE),
    (1, ReminderKind.DAY_BEFORE), (0, ReminderKind.DAY_BEFORE),  # missed the day before: the due date
    (-1, ReminderKind.OVERDUE), (-7, ReminderKind.OVERDUE),
    (-8, None), (-30, None),  # long overdue: no catching up on old dates
])
def test_the_reminder_due_is_the_most_recent_whose_day_has_come(days_left, kind):
    assert due_reminder(DUE, DUE - timedelta(days=days_left)) is kind


def test_each_reminder_goes_once_across_two_runs():
    proposal = factories.make_proposal(title="Hydrogen valley")
    milestone = factories.make_milestone(proposal, title="Board sign-off", due_on=DUE)

    first = run(DUE - timedelta(days=7))
    second = run(DUE - timedelta(days=7))

    assert [(r.milestone_id, r.kind) for r in first.sent] == [(milestone.id, ReminderKind.WEEK_BEFORE)]
    assert (second.sent, second.already_sent) == ([], 1)
    [note] = notifications()
    assert (note.user_id, note.proposal_id) == (milestone.owner_id, proposal.id)
    assert note.message == "Reminder: the milestone “Board sign-off” on Hydrogen valley is due in 7 days, on 16 March 2026"
    assert sent_kinds(milestone) == [ReminderKind.WEEK_BEFORE]


@pytest.mark.parametrize("days_left,kind,says", [
    (7, ReminderKind.WEEK_BEFORE, "is due in 7 days, on 16 March 2026"),
    (1, ReminderKind.DAY_BEFORE, "is due tomorrow, 16 March 2026"),
    (-1, ReminderKind.OVERDUE, "is overdue: it was due 1 day ago, on 16 March 2026"),
])
def test_each_of_the_three_days_sends_its_reminder(days_left, kind, says):
    milestone = factories.make_milestone(due_on=DUE)

    result = run(DUE - timedelta(days=days_left))

    assert [r.kind for r in result.sent] == [kind]
    assert notifications()[0].message.endswith(says)
    assert sent_kinds(milestone) == [kind]


def test_running_every_day_sends_exactly_the_three_reminders():
    milestone = factories.make_milestone(due_on=DUE)
    for offset in range(-12, 12):
        run(DUE + timedelta(days=offset))
        run(DUE + timedelta(days=offset))  # twice a day, say
    assert sent_kinds(milestone) == [ReminderKind.WEEK_BEFORE, ReminderKind.DAY_BEFORE, ReminderKind.OVERDUE]
    assert len(notifications()) == 3


def test_missed_days_send_the_most_recent_reminder_only():
    late_start = factories.make_milestone(due_on=DUE)
    run(DUE + timedelta(days=3))  # nothing ran before: only the overdue one
    assert sent_kinds(late_start) == [ReminderKind.OVERDUE]

    moved = factories.make_milestone(due_on=DUE + timedelta(days=30))
    run(DUE + timedelta(days=27))  # 3 days before: the week's reminder, late
    run(DUE + timedelta(days=30))  # the due date itself: the day-before one, late
    assert sent_kinds(moved) == [ReminderKind.WEEK_BEFORE, ReminderKind.DAY_BEFORE]


def test_done_milestones_and_deactivated_owners_get_none():
    factories.make_milestone(due_on=DUE, state=MilestoneState.DONE)
    gone = factories.make_user(Role.STAFF, active=False)
    factories.make_milestone(due_on=DUE, owner=gone)

    result = run(DUE - timedelta(days=1))

    assert (result.sent, result.inactive_owner) == ([], 1)
    assert notifications() == []


def test_a_milestone_moved_to_a_new_date_gets_fresh_reminders():
    milestone = factories.make_milestone(due_on=DUE)
    run(DUE - timedelta(days=1))
    db.session.get(Milestone, milestone.id).due_on = DUE + timedelta(days=14)
    db.session.commit()

    run(DUE + timedelta(days=7))

    assert sent_kinds(milestone) == [ReminderKind.DAY_BEFORE, ReminderKind.WEEK_BEFORE]


def test_a_programme_milestone_reminds_its_owner_without_a_proposal():
    programme = factories.make_programme(name="West Midlands IA")
    factories.make_milestone(programme=programme, title="Selection panel", kind=MilestoneKind.PANEL_DATE, due_on=DUE)
    run(DUE)
    [note] = notifications()
    assert note.proposal_id is None
    assert note.message == "Reminder: the milestone “Selection panel” of West Midlands IA is due today, 16 March 2026"


def test_a_reminder_another_run_recorded_meanwhile_is_skipped():
    """The pre-check missed it (another run committed in between): the unique row refuses the
    second copy, only that reminder's savepoint rolls back, and the run carries on."""
    first = factories.make_milestone(due_on=DUE)
    factories.make_milestone(due_on=DUE)
    original = reminders._record

    def racing(milestone, kind, today):
        if milestone.id == first.id:
            with db.session.begin_nested():
                db.session.add(ReminderSent(milestone_id=milestone.id, kind=kind, due_on=milestone.due_on))
        return original(milestone, kind, today)

    reminders._record = racing
    try:
        result = run(DUE - timedelta(days=7))
    finally:
        reminders._record = original

    assert (len(result.sent), result.already_sent) == (1, 1)
    assert db.session.scalar(select(func.count(ReminderSent.id))) == 2
    assert len(notifications()) == 1


def test_reminders_are_queued_to_email_when_mail_is_set_up(app, monkeypatch):
    owner = factories.make_user(Role.EXPERT, email="owner@example.org", name="Olu Owner")
    factories.make_milestone(owner=owner, title="Board sign-off", due_on=DUE)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setitem(app.config, "SERVER_NAME", "tracker.example.org")

    with app.app_context():  # as the command runs: its context knows the server's name
        result = run(DUE + timedelta(days=1))
        summary = result.summary()

    [(to, subject, body)] = db.session.execute(
        select(OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.body)).all()
    assert (to, subject) == ("owner@example.org", "Milestone overdue: Board sign-off")
    assert body.startswith("Hello Olu Owner,")
    assert "is overdue: it was due 1 day ago, on 16 March 2026" in body
    assert "http://tracker.example.org/milestones/" in body
    assert "1 queued to email" in summary


def test_no_email_without_a_mail_server():
    factories.make_milestone(due_on=DUE)
    result = run(DUE)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert "email is not set up" in result.summary()


def test_the_command_takes_today_and_prints_a_summary(app):
    milestone = factories.make_milestone(due_on=DUE)
    runner = app.test_cli_runner()

    first = runner.invoke(args=["send-reminders", "--today", "2026-03-09"])
    second = runner.invoke(args=["send-reminders", "--today", "2026-03-09"])

    assert first.exit_code == 0, first.output
    assert first.output.strip().startswith("1 reminder sent (7 days before: 1, 1 day before: 0, first day overdue: 0)")
    assert second.output.strip().startswith("0 reminders sent")
    assert "1 already sent" in second.output
    db.session.commit()
    assert sent_kinds(milestone) == [ReminderKind.WEEK_BEFORE]
    assert db.session.get(User, milestone.owner_id) is not None


def test_the_command_refuses_a_day_that_is_not_a_date(app):
    result = app.test_cli_runner().invoke(args=["send-reminders", "--today", "27/03/2026"])
    assert result.exit_code != 0 and "27/03/2026" in result.output
