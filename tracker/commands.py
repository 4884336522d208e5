"""Command-line tasks: create-user, seed-demo, send-reminders, send-outbox and send-digests."""

from datetime import UTC, date

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app

from tracker.auth.models import Role, user_count
from tracker.auth.passwords import password_problem
from tracker.auth.services import create_user, email_in_use
from tracker.database import write_transactions
from tracker.extensions import db
from tracker.mail import mail_configured
from tracker.timeutil import utcnow

NO_MAIL_SERVER = "No mail server configured; nothing sent."


@click.command("create-user")
@click.option("--email", required=True, help="The person's email address")
@click.option("--name", required=True, help="The person's full name")
@click.option(
    "--role", required=True, type=click.Choice([role.value for role in Role]), help="Their role"
)
@click.password_option(help="Prompted for when not given")
def create_user_command(email: str, name: str, role: str, password: str) -> None:
    """Create a person with a password (for the first admin, say)."""
    email, name = email.strip(), name.strip()
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise click.ClickException(
            "Enter an email address in the correct format, like name@example.org"
        ) from None
    if not name or len(name) > 120:
        raise click.ClickException("Enter a full name of 120 characters or fewer")
    problem = password_problem(password, email, name)
    if problem:
        raise click.ClickException(problem)
    with write_transactions():
        if email_in_use(email):
            raise click.ClickException(f"Someone already has an account with {email}")
        user = create_user(email, name, Role(role), actor=None)
        user.set_password(password)
        db.session.commit()
    click.echo(f"Created {user.email} ({user.role.label})")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed when nobody has an account yet")
def seed_demo_command(if_empty: bool) -> None:
    """Load the West Midlands demo programme, people and proposals (idempotent)."""
    from tracker.demo.seed import DemoPasswordRefused, seed_demo

    with write_transactions():
        if if_empty and user_count() > 0:
            click.echo("The database already has people in it; demo data not loaded.")
            return
        try:
            result = seed_demo(current_app.config.get("DEMO_PASSWORD") or None)
        except DemoPasswordRefused as error:
            raise click.ClickException(str(error)) from None
        db.session.commit()
    click.echo(result.report())


@click.command("send-reminders")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as if it were this day, like 2026-03-27 (for testing); default: today")
def send_reminders_command(today) -> None:
    """Remind owners of milestones due in 7 days, due tomorrow, or overdue since yesterday (each
    reminder once, however often it runs), in the tracker, and into the outbox for those who
    hear about milestones by email at once (send-outbox sends them)."""
    from tracker.milestones.reminders import record_reminders

    with write_transactions():
        run = record_reminders(today.date() if today else date.today())
        db.session.commit()
    click.echo(run.summary())


def _moment(value):
    """A --now given in UK time, as an aware UTC datetime; now when not given."""
    from tracker.templating import LONDON

    return value.replace(tzinfo=LONDON).astimezone(UTC) if value else utcnow()


NOW_OPTION = click.option(
    "--now", type=click.DateTime(formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]), default=None,
    help="Act as if it were this moment, UK time, like 2026-03-27T07:00 (for testing); default: now",
)


@click.command("send-outbox")
@NOW_OPTION
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True,
              help="Send at most this many messages in this run")
def send_outbox_command(now, limit: int) -> None:
    """Send the email waiting in the outbox: each due message once (runs at the same time never
    send the same one), retried with back-off while the server is down. Safe to run every minute."""
    from tracker.outbox.services import send_due

    if not mail_configured():
        click.echo(NO_MAIL_SERVER)
        return
    with write_transactions():
        run = send_due(_moment(now), limit)
    click.echo(run.summary())


@click.command("send-digests")
@NOW_OPTION
@click.option("--weekly/--no-weekly", default=None,
              help="Send the weekly digests too (default: only on Mondays, UK time)")
def send_digests_command(now, weekly: bool | None) -> None:
    """Queue each person's daily (and on Mondays weekly) digest of notifications not emailed
    yet, grouped by proposal, newest first; nothing for anyone with nothing new. Run daily."""
    from tracker.outbox.digests import send_digests

    if not mail_configured():
        click.echo(NO_MAIL_SERVER)
        return
    with write_transactions():
        run = send_digests(_moment(now), weekly)
        db.session.commit()
    click.echo(run.summary())


def init_app(app: Flask) -> None:
    """Register the commands with `flask --app wsgi ...`."""
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(send_outbox_command)
    app.cli.add_command(send_digests_command)
