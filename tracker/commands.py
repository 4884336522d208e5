"""Command-line tasks: create-user and seed-demo."""

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app

from tracker.auth.models import Role, user_count
from tracker.auth.passwords import password_problem
from tracker.auth.services import create_user, email_in_use
from tracker.database import write_transactions
from tracker.extensions import db


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


def init_app(app: Flask) -> None:
    """Register the commands with `flask --app wsgi ...`."""
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
