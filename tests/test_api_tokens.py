"""Personal API tokens on the profile: made with a name and an expiry, the secret shown once
and stored only as its hash, listed with prefix and dates, revoked (asked twice) by their owner
only; the revoked token stops working at once."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.pages import activities, error_summary, inline_error, input_value, soup, text
from tests.test_api_auth import bearer, new_secret
from tracker.api.models import ApiToken
from tracker.api.tokens import TokenLifetime, hash_secret
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.timeutil import utcnow

PAGE = "/profile/api-tokens"


def make_token(client, name="Quarterly report", lifetime="90"):
    return client.post(PAGE, data={"name": name, "lifetime": lifetime})


def rows(response) -> list[dict[str, str]]:
    table = soup(response).select_one("table.govuk-table")
    if table is None:
        return []
    headers = [text(th) for th in table.select("thead th")]
    return [dict(zip(headers, [text(cell) for cell in row.find_all(["th", "td"])], strict=True))
            for row in table.select("tbody tr")]


def test_the_profile_links_to_the_api_tokens_page(staff_client):
    page = soup(staff_client.get("/profile/"))

    assert page.select_one(f'a[href="{PAGE}"]') is not None
    assert text(page.select_one("#api-tokens")) == "API tokens"


@pytest.mark.parametrize("role", list(Role))
def test_anyone_signed_in_makes_a_token_and_sees_it_once(client_as, role):
    client = client_as(role)

    response = make_token(client)

    assert response.status_code == 200
    secret = input_value(response, "new-token-value")
    assert secret.startswith("tracker_")
    assert f"Authorization: Bearer {secret}" in text(soup(response))
    token = db.session.scalar(select(ApiToken))
    assert token.user_id == client.user.id and token.name == "Quarterly report"
    assert token.token_hash == hash_secret(secret) and token.prefix == secret[:16]
    assert timedelta(days=89) < token.expires_at - token.created_at <= timedelta(days=90)
    assert secret not in client.get(PAGE).get_data(as_text=True)  # never shown again
    assert client.get("/api/v1/programmes", headers=bearer(secret)).status_code == 200
    assert activities("api_token.created")[0].subject_id == client.user.id


def test_a_token_that_does_not_expire(staff_client):
    make_token(staff_client, lifetime="never")

    assert db.session.scalar(select(ApiToken.expires_at)) is None
    [row] = rows(staff_client.get(PAGE))
    assert row["Expires"] == "Does not expire" and row["Status"] == "Active"


@pytest.mark.parametrize("data,field,message", [
    ({"name": "", "lifetime": "30"}, "name", "Enter a name for the token"),
    ({"name": "x" * 101, "lifetime": "30"}, "name", "Token name must be 100 characters or fewer"),
    ({"name": "Reports"}, "lifetime", "Select when the token expires"),
    ({"name": "Reports", "lifetime": "forever"}, "lifetime", "Not a valid choice."),
])
def test_a_token_needs_a_name_and_an_expiry(staff_client, data, field, message):
    response = staff_client.post(PAGE, data=data)

    assert response.status_code == 200
    assert (message, f"#{field}") in error_summary(response)
    assert inline_error(response, field) == message
    assert db.session.scalar(select(ApiToken)) is None


def test_the_list_shows_each_token_with_its_state(staff_client):
    user = staff_client.user
    new_secret(user, name="Old", now=utcnow() - timedelta(days=40))
    secret = new_secret(user, name="Spreadsheet", lifetime=TokenLifetime.DAYS_365)
    staff_client.get("/api/v1/programmes", headers=bearer(secret))
    new_secret(factories.make_user(Role.STAFF), name="Someone else's")

    listed = rows(staff_client.get(PAGE))

    assert [row["Name"] for row in listed] == ["Spreadsheet", "Old"]  # only one's own, newest first
    spreadsheet, old = listed
    assert spreadsheet["Starts with"] == secret[:16] + "…" and spreadsheet["Status"] == "Active"
    assert spreadsheet["Last used"] != "Never" and old["Last used"] == "Never"
    assert old["Status"] == "Expired"
    assert "Revoke" in spreadsheet["Actions"] and old["Actions"] == ""  # only a working token can be revoked


def test_revoking_asks_first_then_the_token_stops_working(staff_client, client):
    secret = new_secret(staff_client.user, name="Spreadsheet")
    token = db.session.scalar(select(ApiToken))
    url = f"{PAGE}/{token.id}/revoke"

    asked = staff_client.post(url)

    assert asked.status_code == 200
    assert "Are you sure you want to revoke the API token “Spreadsheet”?" in text(soup(asked))
    assert db.session.get(ApiToken, token.id).revoked_at is None
    assert client.get("/api/v1/programmes", headers=bearer(secret)).status_code == 200

    done = staff_client.post(url, data={"confirm": "yes"})

    assert done.status_code == 302 and done.headers["Location"].endswith(PAGE)
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert client.get("/api/v1/programmes", headers=bearer(secret)).status_code == 401
    assert rows(staff_client.get(PAGE))[0]["Status"].startswith("Revoked")
    assert activities("api_token.revoked")[0].subject_id == staff_client.user.id


@pytest.mark.parametrize("confirm", [None, "yes"])
def test_nobody_revokes_or_learns_of_another_persons_token(client_as, client, confirm):
    owner = factories.make_user(Role.STAFF)
    secret = new_secret(owner, name="Theirs")
    token = db.session.scalar(select(ApiToken))
    admin = client_as(Role.ADMIN)

    response = admin.post(f"{PAGE}/{token.id}/revoke", data={"confirm": confirm} if confirm else {})

    assert response.status_code == 404
    assert "Theirs" not in response.get_data(as_text=True)
    assert db.session.get(ApiToken, token.id).revoked_at is None
    assert client.get("/api/v1/programmes", headers=bearer(secret)).status_code == 200


def test_revoking_needs_the_forms_csrf_token(staff_client, csrf_on):
    new_secret(staff_client.user)
    token = db.session.scalar(select(ApiToken))

    response = staff_client.post(f"{PAGE}/{token.id}/revoke", data={"confirm": "yes"})

    assert response.status_code == 400
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_making_a_token_needs_the_forms_csrf_token(staff_client, csrf_on):
    response = staff_client.post(PAGE, data={"name": "Reports", "lifetime": "30"})

    assert response.status_code == 400
    assert db.session.scalar(select(ApiToken)) is None


def test_the_list_is_paginated(staff_client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(3):
        new_secret(staff_client.user, name=f"Token {n}")

    assert len(rows(staff_client.get(PAGE))) == 2
    assert [row["Name"] for row in rows(staff_client.get(f"{PAGE}?page=2"))] == ["Token 0"]
