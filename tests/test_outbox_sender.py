"""The outbox's sender against a local fake SMTP server: nothing is lost while the server is down
(attempts counted, back-off, still pending), an address that bounces (550) is given up on at once
with the reason kept, and once the server is up each message is sent and marked, exactly once.
Time is injected; nothing sleeps."""

import socket
import socketserver
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from tracker.database import write_transactions
from tracker.extensions import db
from tracker.mail import PermanentMailFailure, TemporaryMailFailure
from tracker.outbox import services
from tracker.outbox.models import OutboxMessage, OutboxPurpose, OutboxStatus
from tracker.outbox.services import BACKOFF, MAX_ATTEMPTS, claim, queue_email, send_due

T0 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


class FakeSMTPServer:
    """A minimal SMTP server on 127.0.0.1 (any free port), one thread per connection: it takes
    every message, except that RCPT TO an address in `refuse` gets `refuse[address]` (a 550 for
    an address that bounces, a 451 for "try later")."""

    def __init__(self):
        self.received: list = []
        self.refuse: dict[str, str] = {}
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                self.reply("220 fake.example.org ESMTP")
                recipients = []
                while line := self.rfile.readline():
                    command = line.decode("ascii", "replace").strip()
                    verb = command[:4].upper()
                    if verb == "EHLO":
                        self.reply("250-fake.example.org")
                        self.reply("250 8BITMIME")
                    elif verb == "RCPT":
                        address = command.partition(":")[2].strip().strip("<>")
                        if address in server.refuse:
                            self.reply(server.refuse[address])
                        else:
                            recipients.append(address)
                            self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        data = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data += chunk
                        server.received.append((recipients, message_from_bytes(data, policy=policy.default)))
                        recipients = []
                        self.reply("250 OK: queued")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:  # HELO, MAIL, RSET, NOOP
                        self.reply("250 OK")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01},
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_mail(app, monkeypatch, port: int | None = None) -> None:
    """Mail set up for this test: a server on 127.0.0.1 (at `port`, or one that refuses)."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port or closed_port())
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "tracker@example.org")


@pytest.fixture
def fake_smtp():
    with FakeSMTPServer() as server:
        yield server


def queue(to: str, subject: str = "Hello", purpose=OutboxPurpose.NOTIFICATION, now=T0) -> OutboxMessage:
    message = queue_email(to, subject, "The body “quoted”", purpose, now=now)
    db.session.commit()
    return message


def reload(message) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_the_outbox_survives_a_server_that_is_down_then_refuses_one_address_then_is_up(
        app, monkeypatch, fake_smtp):
    use_mail(app, monkeypatch)  # down: connection refused
    good = queue("sam@example.org", "Your input was accepted")
    bouncing = queue("nobody@example.org", "Your input was declined")

    down = send_due(T0)

    assert (down.sent, down.retrying, down.failed) == (0, 2, 0)
    for message in (reload(good), reload(bouncing)):
        assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
        assert message.next_attempt_at == T0 + timedelta(minutes=1)
        assert message.last_error.startswith("Could not reach the mail server")
    assert send_due(T0 + timedelta(seconds=59)).summary() == "0 sent, 0 to retry later, 0 given up on"

    use_mail(app, monkeypatch, fake_smtp.port)  # up, and one address bounces
    fake_smtp.refuse["nobody@example.org"] = "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown"
    up = send_due(T0 + timedelta(minutes=1))

    assert (up.sent, up.retrying, up.failed) == (1, 0, 1)
    good, bouncing = reload(good), reload(bouncing)
    assert (good.status, good.attempts, good.sent_at, good.last_error) == (
        OutboxStatus.SENT, 2, T0 + timedelta(minutes=1), "")
    assert (bouncing.status, bouncing.attempts) == (OutboxStatus.FAILED, 2)
    assert bouncing.last_error == ("The server refused nobody@example.org: 550 5.1.1 <nobody@example.org>: "
                                   "Recipient address rejected: User unknown")
    [(recipients, email)] = fake_smtp.received
    assert recipients == ["sam@example.org"]
    assert (email["To"], email["From"], email["Subject"]) == (
        "sam@example.org", "tracker@example.org", "Your input was accepted")
    assert email["Auto-Submitted"] == "auto-generated"
    assert email.get_content().strip() == "The body “quoted”"

    again = send_due(T0 + timedelta(days=3))
    assert (again.sent, again.failed, len(fake_smtp.received)) == (0, 0, 1)  # sent once, never again


def test_a_4xx_answer_is_temporary(app, monkeypatch, fake_smtp):
    use_mail(app, monkeypatch, fake_smtp.port)
    fake_smtp.refuse["full@example.org"] = "452 4.2.2 Mailbox full, try later"
    message = queue("full@example.org")

    send_due(T0)

    message = reload(message)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.last_error == "The server refused full@example.org: 452 4.2.2 Mailbox full, try later"


def test_temporary_failures_back_off_then_give_up_after_the_last_attempt(app, monkeypatch):
    use_mail(app, monkeypatch)
    message = queue("sam@example.org")

    def down(*envelope):
        raise TemporaryMailFailure("Could not reach the mail server: refused")

    waits, now = [], T0
    for _ in range(MAX_ATTEMPTS - 1):
        send_due(now, send=down)
        message = reload(message)
        assert message.status is OutboxStatus.PENDING
        waits.append(message.next_attempt_at - now)
        assert send_due(message.next_attempt_at - timedelta(seconds=1), send=down).retrying == 0
        now = message.next_attempt_at
    last = send_due(now, send=down)

    assert waits == list(BACKOFF)
    assert [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)] == waits[:3]
    assert last.failed == 1
    message = reload(message)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert message.last_error == "Could not reach the mail server: refused"


def test_two_runs_never_claim_the_same_message(app, monkeypatch):
    use_mail(app, monkeypatch)
    message = queue("sam@example.org")

    first = claim(message.id, T0)
    db.session.commit()
    second = claim(message.id, T0)
    db.session.commit()

    assert first is not None and first.attempts == 1
    assert second is None


def test_two_runs_at_once_send_each_message_once(app, monkeypatch):
    use_mail(app, monkeypatch)
    for n in range(12):
        queue(f"person{n}@example.org")
    sent, runs = [], []

    def sender():
        with app.app_context(), write_transactions():
            runs.append(send_due(T0, send=lambda to, subject, body: sent.append(to)))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(sent) == sorted(f"person{n}@example.org" for n in range(12))
    assert sum(run.sent for run in runs) == 12
    assert {message.status for message in db.session.scalars(select(OutboxMessage))} == {OutboxStatus.SENT}


def test_a_run_skips_a_message_another_run_claimed_meanwhile(app, monkeypatch):
    use_mail(app, monkeypatch)
    message = queue("sam@example.org")
    listed = services.due_messages(T0, 10)
    claim(message.id, T0)  # another run, between this run's listing and its claim
    db.session.commit()
    monkeypatch.setattr(services, "due_messages", lambda now, limit: listed)
    sent = []

    run = send_due(T0, send=lambda *envelope: sent.append(envelope))

    assert (run.sent, run.taken_by_another_run, sent) == (0, 1, [])
    assert run.summary() == "0 sent, 0 to retry later, 0 given up on, 1 taken by another run"


def test_a_message_whose_sender_died_comes_round_after_the_lease(app, monkeypatch):
    use_mail(app, monkeypatch)
    message = queue("sam@example.org")
    claim(message.id, T0)  # then the run died before sending
    db.session.commit()
    sent = []

    assert send_due(T0 + services.CLAIM_LEASE - timedelta(seconds=1), send=lambda *e: sent.append(e)).sent == 0
    assert send_due(T0 + services.CLAIM_LEASE, send=lambda *e: sent.append(e)).sent == 1
    assert reload(message).attempts == 2 and len(sent) == 1


def test_a_permanent_refusal_of_the_message_fails_at_once(app, monkeypatch):
    use_mail(app, monkeypatch)
    message = queue("sam@example.org")

    def refuse(*envelope):
        raise PermanentMailFailure("The server refused the message: 554 5.7.1 Rejected")

    assert send_due(T0, send=refuse).failed == 1
    assert reload(message).status is OutboxStatus.FAILED


def test_a_sign_in_link_leaves_the_database_once_sent(app, monkeypatch, fake_smtp):
    use_mail(app, monkeypatch, fake_smtp.port)
    invitation = queue("new@example.org", "Your account", purpose=OutboxPurpose.INVITATION)
    note = queue("sam@example.org")

    send_due(T0)

    assert reload(invitation).body == services.REDACTED_BODY
    assert reload(note).body == "The body “quoted”"
    assert [email.get_content().strip() for _, email in fake_smtp.received] == ["The body “quoted”"] * 2


def test_nothing_is_queued_without_a_mail_server():
    assert queue_email("sam@example.org", "Hello", "Body", OutboxPurpose.NOTIFICATION, now=T0) is None
    db.session.commit()
    assert db.session.scalars(select(OutboxMessage)).all() == []


# The command ---------------------------------------------------------------------------------


def test_the_command_says_so_without_a_mail_server(app):
    result = app.test_cli_runner().invoke(args=["send-outbox"])

    assert result.exit_code == 0
    assert result.output.strip() == "No mail server configured; nothing sent."


def test_the_command_sends_what_is_due_at_the_time_given(app, monkeypatch, fake_smtp):
    use_mail(app, monkeypatch, fake_smtp.port)
    queue("due@example.org", now=datetime(2026, 3, 16, 8, 0, tzinfo=UTC))
    later = queue("later@example.org", now=datetime(2026, 3, 16, 10, 0, tzinfo=UTC))
    runner = app.test_cli_runner()

    # 9:00 UK time in March is 9:00 UTC.
    result = runner.invoke(args=["send-outbox", "--now", "2026-03-16T09:00"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 sent, 0 to retry later, 0 given up on"
    assert [recipients for recipients, _ in fake_smtp.received] == [["due@example.org"]]
    assert reload(later).status is OutboxStatus.PENDING


def test_the_command_takes_a_limit(app, monkeypatch):
    use_mail(app, monkeypatch)
    for n in range(3):
        queue(f"person{n}@example.org")

    result = app.test_cli_runner().invoke(args=["send-outbox", "--now", "2026-03-16T09:00", "--limit", "2"])

    assert result.output.strip() == "0 sent, 2 to retry later, 0 given up on"


def test_the_admins_retry_puts_a_failed_message_back_in_line(admin_client, app, monkeypatch, fake_smtp):
    use_mail(app, monkeypatch, fake_smtp.port)
    message = queue("sam@example.org")
    message.status, message.attempts, message.last_error = OutboxStatus.FAILED, MAX_ATTEMPTS, "Gave up"
    db.session.commit()

    response = admin_client.post(f"/admin/outbox/{message.id}/retry")

    assert response.status_code == 302
    message = reload(message)
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.PENDING, 0, "Gave up")
    assert send_due(message.next_attempt_at).sent == 1
    assert len(fake_smtp.received) == 1
