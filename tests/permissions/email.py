"""Who may reach the email pages: one's own email choices (any signed-in person; a post without
the choices shows the form with its errors), and the admins' outbox and its retry button."""

from datetime import UTC, datetime

from tests.permissions import ADMIN_PAGE, SIGNED_IN_PAGE, row
from tracker.extensions import db
from tracker.outbox.models import OutboxMessage, OutboxPurpose, OutboxStatus

ROWS = {
    ("notifications.preferences", "GET"): SIGNED_IN_PAGE,
    ("notifications.preferences", "POST"): SIGNED_IN_PAGE,
    ("admin.outbox", "GET"): ADMIN_PAGE,
    ("admin.outbox_retry", "POST"): row(302, 302, 403, 403, 403),
}


def add_objects(objects):
    """A message the sender gave up on, for the retry button."""
    message = OutboxMessage(to_address="gone@example.org", subject="Hello", body="Body", purpose=OutboxPurpose.NOTIFICATION.value,
                            status=OutboxStatus.FAILED, attempts=7, next_attempt_at=datetime(2026, 3, 16, tzinfo=UTC),
                            last_error="550 User unknown")
    db.session.add(message)
    db.session.commit()
    objects["message_id"] = message.id
