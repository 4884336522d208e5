"""Reaching the API: a personal API token in `Authorization: Bearer`, and nothing else. Every
token state (none, malformed, unknown, expired, revoked, its person deactivated) is 401 with
WWW-Authenticate and a problem; the session cookie never authenticates; last use is noted at
most once a minute; a role the endpoint refuses is 403 in JSON. Also the helpers the other API
tests use (api_reader, new_secret)."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from tests import factories
from tests.conftest import sign_in
from tracker.api.models import ApiToken
from tracker.api.tokens import TokenLifetime, create_token, hash_secret, revoke_token
from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.timeutil import utcnow

PROBLEM = "application/problem+json"


def new_secret(user, lifetime=TokenLifetime.DAYS_30, name="Reports", now=None) -> str:
    """A token for `user`, made through the service; its secret."""
    _, secret = create_token(user, name, lifetime, now or utcnow())
    db.session.commit()
    return secret


@dataclass
class Reader:
    """Someone reading the API with their token (and no session)."""

    user: User
    secret: str
    client: object

    def get(self, path: str, **kwargs):
        return self.client.get(path, headers={"Authorization": f"Bearer {self.secret}"}, **kwargs)


def api_reader(role: Role, **user_values) -> Reader:
    user = factories.make_user(role, **user_values)
    return Reader(user, new_secret(user), current_app.test_client())


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def assert_problem(response, status: int, detail_has: str = "") -> dict:
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["type"] == "about:blank" and body["title"]
    assert detail_has in body["detail"]
    return body


# Every way of being refused ----------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer    ", "Basic dXNlcjpwYXNz", "tracker_abc"])
def test_no_usable_authorization_header_is_401_saying_how(client, header):
    headers = {} if header is None else {"Authorization": header}

    response = client.get("/api/v1/programmes", headers=headers)

    assert_problem(response, 401, "Authorization: Bearer")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="tracker API"'


@pytest.mark.parametrize("secret", ["tracker_not-a-real-token", "not-even-the-prefix", "tracker_" + "x" * 300])
def test_an_unknown_token_is_401_invalid_token(client, secret):
    factories.make_user(Role.STAFF)

    response = client.get("/api/v1/programmes", headers=bearer(secret))

    assert_problem(response, 401, "not valid")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="tracker API", error=invalid_token'


def test_a_token_missing_one_character_is_401(client):
    secret = new_secret(factories.make_user(Role.STAFF))

    assert client.get("/api/v1/programmes", headers=bearer(secret[:-1])).status_code == 401
    assert client.get("/api/v1/programmes", headers=bearer(secret)).status_code == 200


def test_the_scheme_is_case_insensitive(client):
    secret = new_secret(factories.make_user(Role.STAFF))

    assert client.get("/api/v1/programmes", headers={"Authorization": f"bearer {secret}"}).status_code == 200


def test_an_expired_token_is_401_saying_when_it_expired(client):
    secret = new_secret(factories.make_user(Role.STAFF), now=utcnow() - timedelta(days=31))

    response = client.get("/api/v1/programmes", headers=bearer(secret))

    assert_problem(response, 401, "expired on")
    assert 'error=invalid_token' in response.headers["WWW-Authenticate"]


def test_a_token_that_never_expires_keeps_working(client):
    secret = new_secret(factories.make_user(Role.STAFF), TokenLifetime.NEVER, now=utcnow() - timedelta(days=3650))

    assert client.get("/api/v1/programmes", headers=bearer(secret)).status_code == 200


def test_a_revoked_token_is_401(client):
    user = factories.make_user(Role.STAFF)
    secret = new_secret(user)
    token = db.session.scalar(select(ApiToken))
    revoke_token(token, user, utcnow())
    db.session.commit()

    assert_problem(client.get("/api/v1/programmes", headers=bearer(secret)), 401, "revoked")


def test_a_deactivated_persons_tokens_stop_working(client):
    user = factories.make_user(Role.STAFF)
    secret = new_secret(user)
    assert client.get("/api/v1/programmes", headers=bearer(secret)).status_code == 200

    user.is_active_account = False
    db.session.commit()

    assert_problem(client.get("/api/v1/programmes", headers=bearer(secret)), 401, "not valid")


@pytest.mark.parametrize("role", list(Role))
def test_the_session_cookie_never_reaches_the_api(client, role):
    """A signed-in browser (or a page on another site riding its cookie) gets 401, not data."""
    sign_in(client, factories.make_user(role))
    assert client.get("/profile/").status_code == 200  # the cookie works on the pages

    response = client.get("/api/v1/proposals")

    assert_problem(response, 401)


def test_a_token_and_a_cookie_together_read_as_the_tokens_person(client):
    """The token decides who is reading, whoever the browser is signed in as."""
    sign_in(client, factories.make_user(Role.STAFF))
    proposal = factories.make_proposal()  # a draft: staff see it, experts do not
    expert_secret = new_secret(factories.make_user(Role.EXPERT))

    response = client.get(f"/api/v1/proposals/{proposal.id}", headers=bearer(expert_secret))

    assert_problem(response, 403)


def test_the_token_never_reaches_the_pages(client):
    """The token opens the API only: on the pages its holder is a visitor, sent to sign in."""
    secret = new_secret(factories.make_user(Role.ADMIN))

    response = client.get("/proposals/", headers=bearer(secret))

    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role,status", [(Role.EXPERT, 403), (Role.BOARD, 200), (Role.STAFF, 200),
                                         (Role.ADMIN, 200)])
def test_a_role_the_endpoint_refuses_is_403_in_json(role, status):
    reader = api_reader(role)
    programme = factories.make_programme()

    response = reader.get(f"/api/v1/programmes/{programme.id}/milestones")

    assert response.status_code == status
    if status == 403:
        assert_problem(response, 403)


# Last use -----------------------------------------------------------------------------------------


def test_last_use_is_noted_at_most_once_a_minute(client):
    user = factories.make_user(Role.STAFF)
    secret = new_secret(user)
    token = db.session.scalar(select(ApiToken))
    assert token.last_used_at is None

    client.get("/api/v1/programmes", headers=bearer(secret))
    first = db.session.scalar(select(ApiToken.last_used_at))
    assert first is not None

    client.get("/api/v1/programmes", headers=bearer(secret))
    assert db.session.scalar(select(ApiToken.last_used_at)) == first  # within the minute: no write

    db.session.execute(ApiToken.__table__.update().values(last_used_at=first - timedelta(minutes=2)))
    db.session.commit()
    client.get("/api/v1/programmes", headers=bearer(secret))
    assert db.session.scalar(select(ApiToken.last_used_at)) > first - timedelta(minutes=2)


def test_a_refused_token_is_not_noted_as_used(client):
    secret = new_secret(factories.make_user(Role.STAFF), now=utcnow() - timedelta(days=31))

    client.get("/api/v1/programmes", headers=bearer(secret))

    assert db.session.scalar(select(ApiToken.last_used_at)) is None


def test_only_the_hash_of_the_secret_is_stored():
    secret = new_secret(factories.make_user(Role.STAFF))
    token = db.session.scalar(select(ApiToken))

    assert secret.startswith("tracker_") and len(secret) == len("tracker_") + 43
    assert token.token_hash == hash_secret(secret) and secret not in token.token_hash
    assert token.prefix == secret[:16]


# The API's answers ----------------------------------------------------------------------------------


def test_api_answers_carry_the_security_headers_and_are_not_cached():
    reader = api_reader(Role.STAFF)

    response = reader.get("/api/v1/programmes")

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_an_address_the_api_does_not_have_is_a_404_problem():
    reader = api_reader(Role.STAFF)

    assert_problem(reader.get("/api/v1/nothing-here"), 404)


def test_the_api_is_read_only_405_with_allow(client):
    secret = new_secret(factories.make_user(Role.STAFF))

    response = client.post("/api/v1/proposals", headers=bearer(secret), data={"title": "Sneaky"})

    assert_problem(response, 405, "read-only")
    assert "GET" in response.headers["Allow"]


def test_the_openapi_document_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.get_json()["openapi"] == "3.1.0"
