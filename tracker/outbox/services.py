"""Writing email to the outbox (in the caller's transaction) and sending what is due: each
message claimed by one sender only, marked sent, or retried with back-off, or given up on."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from tracker.activity.services import record_activity
from tracker.extensions import db
from tracker.mail import MailNotSent, deliver, mail_configured
from tracker.outbox.models import OutboxMessage, OutboxPurpose, OutboxStatus

# The wait after each failed attempt that may succeed later: 1 minute after the first, ...,
# a day after the sixth. The seventh failure gives up (about 39 hours after the first try).
BACKOFF = (
    timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
    timedelta(hours=2), timedelta(hours=12), timedelta(hours=24),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A claimed message is not due again for this long: if its sender dies mid-send, another run
# picks it up after the lease (well beyond MAIL_TIMEOUT).
CLAIM_LEASE = timedelta(minutes=15)
# Sign-in links must not outlive their sending in the database.
REDACTED_WHEN_SENT = {OutboxPurpose.INVITATION.value}
REDACTED_BODY = "(Removed once sent: this message held a one-time sign-in link.)"


def queue_email(to_address: str, subject: str, body: str, purpose: OutboxPurpose, *,
                user_id: int | None = None, now: datetime) -> OutboxMessage | None:
    """Add a message to the outbox in the current transaction, due at `now`; None (and nothing
    added) when no mail server is configured, so the outbox never fills with mail that cannot go."""
    if not mail_configured():
        return None
    message = OutboxMessage(
        user_id=user_id, to_address=to_address, subject=subject[:200], body=body,
        purpose=purpose.value, status=OutboxStatus.PENDING, attempts=0,
        next_attempt_at=now, created_at=now, last_error="",
    )
    db.session.add(message)
    return message


@dataclass
class SendRun:
    """What one run of the sender did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    taken_by_another_run: int = 0

    def summary(self) -> str:
        """One line for the command to print."""
        return (f"{self.sent} sent, {self.retrying} to retry later, {self.failed} given up on"
                + (f", {self.taken_by_another_run} taken by another run" if self.taken_by_another_run else ""))


def due_messages(now: datetime, limit: int) -> list[int]:
    """The ids of pending messages due by `now`, oldest due first, at most `limit`."""
    return list(db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ))


def claim(message_id: int, now: datetime) -> OutboxMessage | None:
    """Take one due message for this run, or None when another run took it first.

    One conditional UPDATE is the claim: it counts the attempt and moves the message's next
    attempt a lease away, only while the message is still pending and due. Of two runs racing
    for it, the database lets exactly one UPDATE match; the other sees no row changed."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING,
               OutboxMessage.next_attempt_at <= now)
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return None
    return db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.id == message_id).execution_options(populate_existing=True)
    )


def record_sent(message: OutboxMessage, now: datetime) -> None:
    """The server took it."""
    message.status, message.sent_at, message.last_error = OutboxStatus.SENT, now, ""
    if message.purpose in REDACTED_WHEN_SENT:
        message.body = REDACTED_BODY


def record_failure(message: OutboxMessage, failure: MailNotSent, now: datetime) -> None:
    """Keep the reason; give up at once on a permanent refusal or after MAX_ATTEMPTS, or wait
    the back-off for this attempt before the next."""
    message.last_error = failure.reason[:500]
    if failure.permanent or message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
        return
    message.next_attempt_at = now + BACKOFF[message.attempts - 1]


def send_due(now: datetime, limit: int = 100, send=deliver) -> SendRun:
    """Send up to `limit` due messages, one at a time, committing the claim before talking to
    the server and the outcome after, so no lock is held while SMTP runs and a crash loses
    nothing (a claimed message comes round again after CLAIM_LEASE). Commits; for commands."""
    run = SendRun()
    ids = due_messages(now, limit)
    db.session.commit()
    for message_id in ids:
        message = claim(message_id, now)
        if message is None:
            db.session.commit()
            run.taken_by_another_run += 1
            continue
        # Read before the commit ends the transaction: none may be open while SMTP runs.
        envelope = (message.to_address, message.subject, message.body)
        db.session.commit()
        try:
            send(*envelope)
        except MailNotSent as failure:
            record_failure(message, failure, now)
            if message.status is OutboxStatus.FAILED:
                run.failed += 1
            else:
                run.retrying += 1
        else:
            record_sent(message, now)
            run.sent += 1
        db.session.commit()
    return run


class CannotRetry(Exception):
    """Only a message the sender gave up on can be tried again."""


def retry_now(message: OutboxMessage, actor, now: datetime) -> None:
    """An admin sends a failed message round again: pending, due now, with a fresh set of
    attempts; the last error stays until the next attempt replaces it."""
    if message.status is not OutboxStatus.FAILED:
        raise CannotRetry(f"Only a message that was not sent can be retried: this one is {message.status.label.lower()}")
    message.status, message.attempts, message.next_attempt_at = OutboxStatus.PENDING, 0, now
    record_activity(actor, "outbox.retried", message,
                    f"Asked for the email “{message.subject}” to {message.to_address} to be sent again")
    db.session.flush()
