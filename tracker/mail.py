"""Handing one email to the SMTP server set by MAIL_*; a refusal is raised, classified as
temporary (try again later) or permanent (this address will never take it)."""

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, has_request_context, url_for


class MailNotSent(Exception):
    """The server did not take the message; `permanent` when trying again cannot help."""

    permanent = False

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class TemporaryMailFailure(MailNotSent):
    """The server was unreachable or said "not now" (4xx): try again later."""


class PermanentMailFailure(MailNotSent):
    """The server refused the message for good (5xx for the recipient or the message): the
    address bounces, so trying again would only bounce again."""

    permanent = True


def mail_configured() -> bool:
    """Whether a mail server is configured (MAIL_SERVER); without one the tracker emails nobody."""
    return bool(current_app.config.get("MAIL_SERVER"))


def email_link(endpoint: str, **values) -> str | None:
    """A full address for an email to link to: the request's host, or SERVER_NAME outside a
    request (the commands); None when neither is known, and the email says to sign in instead."""
    if not (has_request_context() or current_app.config.get("SERVER_NAME")):
        return None
    return url_for(endpoint, _external=True, **values)


def compose(to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from the tracker's sender, marked as sent automatically."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=_sender_domain())
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office replies stay away
    message.set_content(body)
    return message


def _sender_domain() -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    return sender.rpartition("@")[2].strip("> ") or "localhost"


def deliver(to: str, subject: str, body: str) -> None:
    """Hand one message to the server; returns when it accepted it. Raises TemporaryMailFailure
    (connection refused or lost, a timeout, a 4xx answer, a login or TLS problem: the server's
    side) or PermanentMailFailure (a 5xx refusal of the recipient or of the message itself)."""
    config = current_app.config
    if not mail_configured():
        raise TemporaryMailFailure("No mail server is configured (MAIL_SERVER)")
    message = compose(to, subject, body)
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        code, answer = next(iter(error.recipients.values()))
        raise _classified(code, answer, f"The server refused {to}") from None
    except smtplib.SMTPDataError as error:
        raise _classified(error.smtp_code, error.smtp_error, "The server refused the message") from None
    except smtplib.SMTPResponseException as error:
        # Sender refused, login failed, HELO refused: the server's or our set-up, not the address.
        raise TemporaryMailFailure(_reason(error.smtp_code, error.smtp_error, "The server said")) from None
    except (OSError, smtplib.SMTPException) as error:
        raise TemporaryMailFailure(f"Could not reach the mail server: {error}"[:500]) from None


def _classified(code: int, answer, what: str) -> MailNotSent:
    failure = PermanentMailFailure if 500 <= code < 600 else TemporaryMailFailure
    return failure(_reason(code, answer, what))


def _reason(code: int, answer, what: str) -> str:
    text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
    return f"{what}: {code} {text}"[:500]
