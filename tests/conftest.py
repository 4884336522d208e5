"""The test harness: app and database fixtures, a page-checking client, a client per role."""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text

from tests import factories
from tracker import create_app
from tracker.auth.models import Role
from tracker.extensions import db

ROLES = ("visitor", "admin", "staff", "expert", "board")


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app in testing mode, on a fresh database built by the migrations."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=_database_url(tmp_path_factory),
        UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")),
    )
    app.test_client_class = CheckedClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade(directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def app_context(app) -> Iterator[None]:
    """Each test gets its own app context and leaves an empty database behind."""
    with app.app_context():
        yield
        db.session.rollback()
        _empty_tables()


def _empty_tables() -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        # Most tests fill a handful of tables, and TRUNCATE costs a file swap per table
        # however small: ask which tables have rows (one round trip) and DELETE from those,
        # children first. Ids are not reset, as on SQLite: no test may rely on an id.
        probe = " UNION ALL ".join(
            f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in tables
        )
        filled = set(db.session.scalars(text(probe)))
        for name in tables:
            if name in filled:
                db.session.execute(text(f'DELETE FROM "{name}"'))
    else:
        for name in tables:
            db.session.execute(text(f'DELETE FROM "{name}"'))
    db.session.commit()


class CheckedClient(FlaskClient):
    """A test client that checks every HTML page it gets, as GOV.UK Notify's tests do:
    it parses, has one <h1>, its <title> starts with the <h1> ("Error: " first when a form
    has errors), no id is used twice, and every <script> carries this response's CSP nonce.

    Each request runs in a fresh app context, as in production: its own `g` (CSP nonce,
    signed-in person) and its own database session. The test's own session commits before
    and after, so the request sees what the test made and the test then sees what it did.
    """

    def open(self, *args, **kwargs):
        _end_test_transaction()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _end_test_transaction()
        if response.mimetype == "text/html" and response.status_code != 302:
            check_page(response)
        return response


def _end_test_transaction() -> None:
    from flask import has_app_context

    if has_app_context():
        db.session.commit()


def check_page(response) -> None:
    """The page checks described on CheckedClient."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    headings = soup.find_all("h1")
    assert len(headings) == 1, f"expected one <h1>, found {len(headings)}"
    heading = " ".join(headings[0].get_text().split())
    title = " ".join(soup.title.get_text().split())
    assert title.startswith(heading) or title.startswith(f"Error: {heading}"), (title, heading)
    if soup.select(".govuk-error-summary"):
        assert title.startswith("Error: "), f"a page with errors must say so in its title: {title}"
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    match = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert match, "no script nonce in the CSP"
    for script in soup.find_all("script"):
        assert script.get("nonce") == match.group(1), f"script without the nonce: {script}"


@pytest.fixture
def client(app) -> CheckedClient:
    """A visitor's client."""
    return app.test_client()


def sign_in(client, user) -> None:
    """Mark the client signed in as `user` (the sign-in form itself is tested in test_auth)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True


@pytest.fixture
def client_as(app):
    """client_as(Role.STAFF) -> a client signed in as a new person with that role."""

    def make(role: Role, **user_values):
        user = factories.make_user(role, **user_values)
        client = app.test_client()
        sign_in(client, user)
        client.user = user
        return client

    return make


@pytest.fixture
def admin_client(client_as):
    return client_as(Role.ADMIN)


@pytest.fixture
def staff_client(client_as):
    return client_as(Role.STAFF)


@pytest.fixture
def expert_client(client_as):
    return client_as(Role.EXPERT)


@pytest.fixture
def board_client(client_as):
    return client_as(Role.BOARD)


class Auth:
    """Signs in and out through the real forms, as a person would."""

    def __init__(self, client):
        self.client = client

    def sign_in(self, email, password=factories.PASSWORD, **kwargs):
        return self.client.post(
            "/auth/sign-in", data={"email": email, "password": password}, **kwargs
        )

    def sign_out(self):
        return self.client.post("/auth/sign-out")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


@pytest.fixture
def count_queries():
    """`with count_queries() as counter: ...` then `counter.count` SQL statements run."""

    @contextmanager
    def counting():
        counter = type("Counter", (), {"count": 0, "statements": []})()

        def before(conn, cursor, statement, *args):
            if statement.strip().upper() in {"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"}:
                return
            counter.count += 1
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def csrf_on(app, monkeypatch):
    """CSRF protection as in production, for this test only."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
