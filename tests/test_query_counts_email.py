"""Query-count guards for email: the admins' outbox page costs the same for 30 messages as for
1, and a digest run the same for one person's 30 notifications as for 1."""

from datetime import UTC, datetime, timedelta

from tests import factories
from tests.test_outbox_sender import use_mail
from tests.test_query_counts import assert_one_row_costs_what_thirty_cost
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.notifications.models import Notification, NotificationKind
from tracker.outbox.digests import send_digests
from tracker.outbox.models import OutboxMessage, OutboxPurpose, OutboxStatus

T0 = datetime(2026, 3, 17, 7, 0, tzinfo=UTC)


def test_the_outbox_page_does_not_query_per_message(app, admin_client, count_queries):
    statuses = list(OutboxStatus)

    def add(name):
        n = int(name[-2:])
        db.session.add(OutboxMessage(
            to_address=f"person{n}@example.org", subject=name, body="Body", purpose=OutboxPurpose.DIGEST.value,
            status=statuses[n % len(statuses)], attempts=n % 4, next_attempt_at=T0, last_error=f"Error {n}",
            created_at=T0 + timedelta(minutes=n), user_id=factories.make_user(Role.EXPERT).id,
        ))
        db.session.commit()

    assert_one_row_costs_what_thirty_cost(admin_client, "/admin/outbox", count_queries, add, app.config["PAGE_SIZE"])


def test_a_digest_run_does_not_query_per_notification(app, monkeypatch, count_queries):
    use_mail(app, monkeypatch)
    counts = []
    for how_many in (1, 30):
        reader = factories.make_user(Role.STAFF)
        for n in range(how_many):
            proposal = factories.make_proposal(title=f"Proposal {n}")
            db.session.add(Notification(user_id=reader.id, proposal_id=proposal.id, kind=NotificationKind.STAGE,
                                        message=f"News {n}", created_at=T0 - timedelta(hours=1)))
        db.session.commit()
        with count_queries() as counter:
            run = send_digests(T0, weekly=False)
            db.session.commit()
        assert (run.sent, run.notifications) == (1, how_many)
        counts.append(counter.count)

    assert counts[0] == counts[1]
