"""The admins' outbox page: newest first, paginated, filtered by status (an unknown status
ignored with a notice), each message's status in words with its attempts, next attempt and last
error; a failed message can be retried; nobody else may look or retry."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.pages import activities, soup, table_column, text
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.outbox.models import OutboxMessage, OutboxPurpose, OutboxStatus

T0 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
QUEUED, TO, SUBJECT, PURPOSE, STATUS, ATTEMPTS, NEXT, ERROR = range(8)


def message(to="sam@example.org", subject="Hello", status=OutboxStatus.PENDING, when=T0, **values) -> OutboxMessage:
    made = OutboxMessage(to_address=to, subject=subject, body="Body", status=status, created_at=when,
                         next_attempt_at=values.pop("next_attempt_at", when),
                         purpose=values.pop("purpose", OutboxPurpose.NOTIFICATION).value, **values)
    db.session.add(made)
    db.session.commit()
    return made


def test_the_outbox_lists_messages_newest_first_with_what_became_of_them(admin_client):
    message("old@example.org", "Your account", OutboxStatus.SENT, T0, purpose=OutboxPurpose.INVITATION,
            attempts=1, sent_at=T0)
    message("down@example.org", "Biochar moved", OutboxStatus.PENDING, T0 + timedelta(hours=1), attempts=2,
            next_attempt_at=T0 + timedelta(hours=1, minutes=5), last_error="Could not reach the mail server")
    message("gone@example.org", "Your daily tracker digest", OutboxStatus.FAILED, T0 + timedelta(hours=2),
            purpose=OutboxPurpose.DIGEST, attempts=1, last_error="The server refused gone@example.org: 550 User unknown")

    page = admin_client.get("/admin/outbox")

    assert page.status_code == 200
    assert table_column(page, TO) == ["gone@example.org", "down@example.org", "old@example.org"]
    assert table_column(page, SUBJECT) == ["Your daily tracker digest", "Biochar moved", "Your account"]
    assert table_column(page, PURPOSE) == ["A digest of notifications", "A notification, at once", "A sign-in link"]
    assert table_column(page, STATUS) == ["Not sent: gave up", "Waiting to be sent", "Sent 16 March 2026 at 9:00am"]
    assert table_column(page, ATTEMPTS) == ["1", "2", "1"]
    assert table_column(page, NEXT) == ["None", "16 March 2026 at 10:05am", "None"]
    assert table_column(page, ERROR) == [
        "The server refused gone@example.org: 550 User unknown", "Could not reach the mail server", "None"]
    buttons = [text(button) for button in soup(page).select("table button")]
    assert buttons == ["Retry now the email to gone@example.org: Your daily tracker digest"]
    assert "Email is not set up for this tracker" in text(soup(page))


@pytest.mark.parametrize("status,shown", [
    ("failed", ["gone@example.org"]),
    ("pending", ["down@example.org"]),
    ("sent", []),
])
def test_the_outbox_filters_by_status(admin_client, status, shown):
    message("down@example.org")
    message("gone@example.org", status=OutboxStatus.FAILED)

    page = admin_client.get(f"/admin/outbox?status={status}")

    assert table_column(page, TO) == shown
    assert soup(page).select_one("#status option[selected]")["value"] == status
    if not shown:
        assert "No messages have been sent yet." in text(soup(page))


def test_an_unknown_status_is_ignored_with_a_notice(admin_client):
    message("down@example.org")

    page = admin_client.get("/admin/outbox?status=bounced")

    assert page.status_code == 200
    assert text(soup(page).select_one("#ignored-filters")) == (
        "The status “bounced” in the address was not recognised, so it has been ignored.")
    assert table_column(page, TO) == ["down@example.org"]


@pytest.mark.parametrize("asked", ["99", "-1", "many"])
def test_a_page_past_the_end_says_so(admin_client, asked):
    message("down@example.org")

    page = admin_client.get(f"/admin/outbox?page={asked}")

    assert page.status_code == 200
    if asked == "99":
        assert text(soup(page).select_one("#past-the-end")).startswith("There is nothing on page 99: the list has 1 page.")
    else:  # not a page number: the first page
        assert table_column(page, TO) == ["down@example.org"]


def test_an_empty_outbox_says_so(admin_client):
    assert "The outbox is empty." in text(soup(admin_client.get("/admin/outbox")))


def test_admins_reach_it_from_the_navigation(admin_client, staff_client):
    def navigation(client):
        return [text(link) for link in soup(client.get("/")).select(".govuk-service-navigation__list a")]

    assert "Email outbox" in navigation(admin_client)
    assert "Email outbox" not in navigation(staff_client)


def test_retry_puts_a_failed_message_back_in_line_and_records_who(admin_client):
    failed = message("gone@example.org", "Biochar moved", OutboxStatus.FAILED, attempts=7, last_error="550 User unknown")

    response = admin_client.post(f"/admin/outbox/{failed.id}/retry")

    assert response.status_code == 302 and response.location == "/admin/outbox?status=pending"
    db.session.expire_all()
    again = db.session.get(OutboxMessage, failed.id)
    assert (again.status, again.attempts) == (OutboxStatus.PENDING, 0)
    [entry] = activities("outbox.retried")
    assert entry.actor_id == admin_client.user.id
    assert "gone@example.org" in entry.summary
    assert "will be sent again" in text(soup(admin_client.get(response.location)))


def test_only_a_failed_message_can_be_retried(admin_client):
    sent = message(status=OutboxStatus.SENT, attempts=1)

    response = admin_client.post(f"/admin/outbox/{sent.id}/retry")

    assert response.status_code == 302
    assert "Only a message that was not sent can be retried" in text(soup(admin_client.get(response.location)))
    assert db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == sent.id)) is OutboxStatus.SENT


def test_retrying_a_message_that_does_not_exist_is_404_for_admins(admin_client):
    assert admin_client.post("/admin/outbox/999999/retry").status_code == 404


@pytest.mark.parametrize("role", [Role.STAFF, Role.EXPERT, Role.BOARD])
def test_others_learn_nothing_from_guessing_message_ids(client_as, role):
    """Refused alike for a message that exists and one that does not; nothing changes."""
    client = client_as(role)
    failed = message("gone@example.org", status=OutboxStatus.FAILED)

    answers = {client.post(f"/admin/outbox/{failed.id}/retry").status_code,
               client.post("/admin/outbox/999999/retry").status_code}

    assert answers == {403}
    assert client.get("/admin/outbox").status_code == 403
    assert db.session.scalar(select(OutboxMessage.status)) is OutboxStatus.FAILED


def test_retry_needs_the_forms_token(admin_client, csrf_on):
    failed = message(status=OutboxStatus.FAILED)

    assert admin_client.post(f"/admin/outbox/{failed.id}/retry").status_code == 400
