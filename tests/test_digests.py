"""Digests: one message per person with news of the kinds they hear of daily (and weekly on
Mondays), grouped by proposal, newest first; never empty; marked emailed with the message, so a
second run sends nothing; only about proposals the person may still see."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.test_outbox_sender import use_mail
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.notifications.models import Delivery, Notification, NotificationKind, NotificationPreference
from tracker.outbox.digests import MAX_AGE, NOT_ABOUT_A_PROPOSAL, is_weekly_run, send_digests
from tracker.outbox.models import OutboxMessage, OutboxPurpose
from tracker.proposals.models import ProposalStage

MONDAY = datetime(2026, 3, 16, 7, 0, tzinfo=UTC)  # 7am UK time
TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture(autouse=True)
def mail(app, monkeypatch):
    use_mail(app, monkeypatch)


def note(user, message, kind=NotificationKind.STAGE, proposal=None, when=MONDAY) -> Notification:
    made = Notification(user_id=user.id, proposal_id=proposal.id if proposal else None, kind=kind,
                        message=message, created_at=when)
    db.session.add(made)
    db.session.commit()
    return made


def choose(user, kind, delivery) -> None:
    db.session.add(NotificationPreference(user_id=user.id, kind=kind, delivery=delivery))
    db.session.commit()


def digests() -> list[OutboxMessage]:
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.purpose == OutboxPurpose.DIGEST.value).order_by(OutboxMessage.id)))


def run(now, weekly=None):
    result = send_digests(now, weekly)
    db.session.commit()
    return result


def emailed_at(made: Notification):
    db.session.expire_all()
    return db.session.get(Notification, made.id).emailed_at


def test_one_digest_grouped_by_proposal_newest_first_and_sent_once():
    reader = factories.make_user(Role.STAFF, name="Sam Staff", email="sam@example.org")
    biochar = factories.make_proposal(title="Biochar")
    hydrogen = factories.make_proposal(title="Hydrogen valley")
    choose(reader, NotificationKind.MILESTONE, Delivery.DAILY)
    hour = timedelta(hours=1)
    first = note(reader, "Biochar moved to Co-creation", proposal=biochar, when=MONDAY + hour)
    note(reader, "Hydrogen valley moved to Board review", proposal=hydrogen, when=MONDAY + 2 * hour)
    note(reader, "Bea recorded “Endorse” on Biochar", NotificationKind.BOARD, biochar, MONDAY + 3 * hour)
    note(reader, "Reminder: the selection panel is due tomorrow", NotificationKind.MILESTONE, when=MONDAY + timedelta(minutes=90))
    note(reader, "Your input was noted", NotificationKind.RESPONSE, biochar, MONDAY + hour)  # at once: not here

    result = run(TUESDAY)

    [digest] = digests()
    assert (digest.to_address, digest.user_id) == ("sam@example.org", reader.id)
    assert digest.subject == "Your daily tracker digest: 4 updates on 2 proposals"
    lines = digest.body.splitlines()
    assert lines[:3] == ["Hello Sam Staff,", "", "Here is what happened since your last digest: 4 updates on 2 proposals."]
    news = [line for line in lines if line.startswith("- ") or line in
            {"Biochar", "Hydrogen valley", NOT_ABOUT_A_PROPOSAL}]
    assert news == [
        "Biochar",
        "- 16 March 2026 at 10:00am: Bea recorded “Endorse” on Biochar",
        "- 16 March 2026 at 8:00am: Biochar moved to Co-creation",
        "Hydrogen valley",
        "- 16 March 2026 at 9:00am: Hydrogen valley moved to Board review",
        NOT_ABOUT_A_PROPOSAL,
        "- 16 March 2026 at 8:30am: Reminder: the selection panel is due tomorrow",
    ]
    assert (result.sent, result.notifications) == (1, 4)
    assert emailed_at(first) == TUESDAY

    again = run(TUESDAY + timedelta(minutes=5))

    assert (again.sent, len(digests())) == (0, 1)


def test_never_empty_and_never_for_never_or_at_once():
    quiet = factories.make_user(Role.STAFF)
    muted = factories.make_user(Role.STAFF)
    choose(muted, NotificationKind.STAGE, Delivery.NEVER)
    note(muted, "Biochar moved", proposal=factories.make_proposal())
    note(quiet, "Asked for input", NotificationKind.REQUEST, factories.make_proposal())  # at once by default

    assert run(TUESDAY).sent == 0
    assert digests() == []


def test_weekly_kinds_wait_for_monday_and_go_with_the_daily_ones():
    reader = factories.make_user(Role.BOARD)
    choose(reader, NotificationKind.BOARD, Delivery.WEEKLY)
    proposal = factories.make_proposal(title="Biochar")
    weekly = note(reader, "A board decision", NotificationKind.BOARD, proposal, when=TUESDAY)

    assert run(TUESDAY + timedelta(days=1)).sent == 0
    assert emailed_at(weekly) is None

    daily = note(reader, "Biochar moved", NotificationKind.STAGE, proposal, when=MONDAY + timedelta(days=6))
    next_monday = MONDAY + timedelta(days=7)
    result = run(next_monday)

    [digest] = digests()
    assert result.weekly and (result.sent, result.notifications) == (1, 2)
    assert digest.subject == "Your weekly tracker digest: 2 updates on 1 proposal"
    assert emailed_at(weekly) == emailed_at(daily) == next_monday


def test_the_weekly_run_can_be_asked_for_on_any_day():
    reader = factories.make_user(Role.STAFF)
    choose(reader, NotificationKind.STAGE, Delivery.WEEKLY)
    note(reader, "Biochar moved", proposal=factories.make_proposal(), when=TUESDAY)

    assert run(TUESDAY + timedelta(hours=1), weekly=True).sent == 1
    assert is_weekly_run(MONDAY) and not is_weekly_run(TUESDAY)
    # Sunday 11:30pm UTC in British Summer Time is already Monday in the UK.
    assert is_weekly_run(datetime(2026, 3, 29, 23, 30, tzinfo=UTC))


def test_only_news_the_person_may_still_see():
    expert = factories.make_user(Role.EXPERT)
    open_one = factories.make_proposal(title="Open for input", stage=ProposalStage.CO_CREATION)
    moved_on = factories.make_proposal(title="In board review", stage=ProposalStage.BOARD_REVIEW)
    seen = note(expert, "Open for input: news", proposal=open_one)
    hidden = note(expert, "In board review: news", proposal=moved_on)

    run(TUESDAY)

    [digest] = digests()
    assert "Open for input: news" in digest.body
    assert "In board review" not in digest.body
    assert emailed_at(seen) == TUESDAY and emailed_at(hidden) is None


def test_nothing_older_than_the_window_later_than_now_or_for_deactivated_people():
    reader = factories.make_user(Role.STAFF)
    gone = factories.make_user(Role.STAFF, active=False)
    proposal = factories.make_proposal()
    note(reader, "Too old", proposal=proposal, when=TUESDAY - MAX_AGE)
    note(reader, "Not yet", proposal=proposal, when=TUESDAY + timedelta(seconds=1))
    note(gone, "For someone gone", proposal=proposal)

    assert run(TUESDAY).sent == 0


def test_without_a_mail_server_nothing_is_marked(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    reader = factories.make_user(Role.STAFF)
    waiting = note(reader, "Biochar moved", proposal=factories.make_proposal())

    assert run(TUESDAY).sent == 0
    assert emailed_at(waiting) is None


def test_the_command_takes_now_and_runs_once(app):
    reader = factories.make_user(Role.STAFF)
    note(reader, "Biochar moved", proposal=factories.make_proposal())
    runner = app.test_cli_runner()

    first = runner.invoke(args=["send-digests", "--now", "2026-03-17T07:00"])
    second = runner.invoke(args=["send-digests", "--now", "2026-03-17T07:05"])
    weekly = runner.invoke(args=["send-digests", "--now", "2026-03-17T07:10", "--weekly"])

    assert first.exit_code == 0, first.output
    assert first.output.strip() == "1 daily digest queued, with 1 notification"
    assert second.output.strip() == "0 daily digests queued, with 0 notifications"
    assert weekly.output.strip() == "0 daily and weekly digests queued, with 0 notifications"
    assert len(digests()) == 1


def test_the_command_says_so_without_a_mail_server(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")

    result = app.test_cli_runner().invoke(args=["send-digests"])

    assert (result.exit_code, result.output.strip()) == (0, "No mail server configured; nothing sent.")
