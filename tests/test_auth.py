"""Signing in and out, sessions, the password rule, invitations, CSRF, the create-user command."""

import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

import config
import tracker.mail
from tests import factories
from tests.pages import (
    csrf_token_from,
    error_summary,
    heading,
    inline_error,
    input_value,
    is_signed_in,
    soup,
    text,
)
from tracker.activity.models import Activity
from tracker.auth import services
from tracker.auth.models import Invitation, Role, User
from tracker.auth.passwords import password_problem
from tracker.auth.urls import safe_next
from tracker.auth.views import SIGN_IN_FAILED
from tracker.extensions import db
from tracker.outbox.services import send_due
from tracker.timeutil import utcnow

SIGN_IN = "/auth/sign-in"
NEW_PASSWORD = "violet tractor lemon"  # 12+ characters, all lower case, not a common password
LONGEST = " ".join(f"word{n}" for n in range(60))[:256]  # the longest password allowed
CSRF_FAILED = "This form had expired or was sent from elsewhere, so nothing was saved."


@pytest.fixture
def outbox(monkeypatch) -> list:
    """Messages handed to SMTP, through a fake server that records instead of sending."""
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout=None):
            self.host = host

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            return False

        def starttls(self):
            pass

        def login(self, username, password):
            pass

        def send_message(self, message):
            sent.append(message)

    monkeypatch.setattr(tracker.mail.smtplib, "SMTP", FakeSMTP)
    return sent


# Signing in ----------------------------------------------------------------


def test_the_sign_in_form_signs_in_and_lands_on_home(client, auth):
    user = factories.make_user(Role.EXPERT, name="Priya Shah")
    form_page = client.get(SIGN_IN)
    assert form_page.status_code == 200
    assert soup(form_page).select_one("input#email[type=email]")
    assert soup(form_page).select_one("input#password[type=password]")

    response = auth.sign_in(user.email)

    assert response.status_code == 302
    assert response.location == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Priya Shah" in text(soup(home).select_one(".tracker-account"))
    db.session.refresh(user)
    assert user.last_signed_in_at is not None


def test_every_failed_sign_in_gets_the_same_answer(app):
    """An unknown email, a wrong password, a deactivated account and an invited person with no
    password yet all get the same status and the same page: none can be told from another."""
    attempts = {
        "unknown email": ("nobody@example.org", factories.PASSWORD),
        "wrong password": (factories.make_user().email, "wrong horse battery"),
        "deactivated account": (factories.make_user(active=False).email, factories.PASSWORD),
        "invited, no password yet": (factories.make_user(password=False).email, factories.PASSWORD),
    }
    answers = {}
    for case, (email, password) in attempts.items():
        client = app.test_client()
        response = client.post(SIGN_IN, data={"email": email, "password": password})
        assert input_value(response, "email") == email, case
        assert password not in response.get_data(as_text=True), case
        assert not is_signed_in(client), case
        answers[case] = (
            response.status_code,
            error_summary(response),
            inline_error(response, "email"),
            text(soup(response).main),
        )

    first = answers["unknown email"]
    assert first[:3] == (200, [(SIGN_IN_FAILED, "#email")], SIGN_IN_FAILED)
    assert answers == dict.fromkeys(attempts, first)


def test_email_is_matched_without_regard_to_case_or_surrounding_space(auth):
    factories.make_user(email="dana.okafor@example.org")

    response = auth.sign_in("  Dana.Okafor@EXAMPLE.org ")

    assert response.status_code == 302
    assert response.location == "/"


def test_empty_fields_show_the_error_summary(client):
    response = client.post(SIGN_IN, data={"email": "", "password": ""})

    assert response.status_code == 200
    assert soup(response).title.get_text().startswith("Error: Sign in")
    assert error_summary(response) == [
        ("Enter your email address", "#email"),
        ("Enter your password", "#password"),
    ]
    assert inline_error(response, "email") == "Enter your email address"
    assert inline_error(response, "password") == "Enter your password"


# Where sign-in leads -------------------------------------------------------


def test_next_is_followed_for_a_path_on_this_site(auth):
    user = factories.make_user()

    response = auth.sign_in(user.email, query_string={"next": "/proposals/"})

    assert response.location == "/proposals/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_elsewhere_is_refused(auth, next_url):
    user = factories.make_user()

    response = auth.sign_in(user.email, query_string={"next": next_url})

    assert response.status_code == 302
    assert response.location == "/"


@pytest.mark.parametrize(
    "target,expected",
    [
        ("/proposals/", "/proposals/"),
        ("/proposals/?stage=draft", "/proposals/?stage=draft"),
        (None, None),
        ("", None),
        ("proposals/", None),
        ("https://evil.example/", None),
        ("http:/evil.example", None),
        ("//evil.example", None),
        ("  //evil.example", None),
        ("/\\evil.example", None),
        ("\\\\evil.example", None),
        ("/\t/evil.example", None),
        ("/\n/evil.example", None),
        ("javascript:alert(1)", None),
    ],
)
def test_safe_next_accepts_only_paths_on_this_site(target, expected):
    assert safe_next(target) == expected


def test_a_visitor_is_sent_to_sign_in_and_then_to_the_page_they_asked_for(client, auth):
    user = factories.make_user(Role.STAFF)

    asked = client.get("/proposals/?stage=draft")

    assert asked.status_code == 302
    location = urlsplit(asked.location)
    assert location.path == SIGN_IN
    assert parse_qs(location.query) == {"next": ["/proposals/?stage=draft"]}
    sign_in_page = client.get(asked.location)
    # The form posts back to the address it came from, so `next` travels with it.
    assert not soup(sign_in_page).select_one("form[method=post]").get("action")

    signed_in = auth.sign_in(user.email, query_string=location.query)

    assert signed_in.location == "/proposals/?stage=draft"
    assert client.get(signed_in.location).status_code == 200


@pytest.mark.parametrize(
    "url,next_url",
    [
        ("/profile/", "/profile/"),  # a form page: after signing in, the form is shown again
        ("/auth/sign-out", None),  # POST-only: fetching it after sign-in would answer 405
        ("/admin/users/1/deactivate", None),
    ],
)
def test_a_visitor_posting_is_sent_back_only_to_a_page_that_can_be_fetched(client, url, next_url):
    """A form sent after the session ended leads to sign-in, then to its page, not its action."""
    response = client.post(url)

    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == SIGN_IN
    assert parse_qs(location.query).get("next") == ([next_url] if next_url else None)


# Sessions ------------------------------------------------------------------


def test_signing_in_starts_a_new_session(client, auth):
    """Nothing put in the session before sign-in survives it (no session fixation)."""
    user = factories.make_user()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"

    auth.sign_in(user.email)

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == user.session_token


def test_session_cookie_is_http_only_same_site_and_time_limited(auth):
    user = factories.make_user()

    response = auth.sign_in(user.email)

    cookie = next(
        header for header in response.headers.getlist("Set-Cookie")
        if header.startswith("tracker_session=")
    )
    attributes = [part.strip() for part in cookie.split(";")]
    assert "HttpOnly" in attributes
    assert "SameSite=Lax" in attributes
    assert "Secure" not in attributes  # the testing config runs over plain HTTP
    # A permanent session: it ends after PERMANENT_SESSION_LIFETIME, not when the browser closes.
    assert any(attribute.startswith("Expires=") for attribute in attributes)


def test_production_config_makes_cookies_secure(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-value-for-this-test")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)

    production = config.ProductionConfig()

    assert production.SESSION_COOKIE_SECURE is True
    assert production.SESSION_COOKIE_HTTPONLY is True
    assert production.SESSION_COOKIE_SAMESITE == "Lax"
    assert config.load_config("production").SESSION_COOKIE_SECURE is True


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)

    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        config.load_config("production")


@pytest.mark.parametrize("name", ["development", "testing"])
def test_development_and_testing_start_without_a_secret_key(monkeypatch, name):
    monkeypatch.delenv("SECRET_KEY", raising=False)

    assert config.load_config(name).SECRET_KEY


# Signing out ---------------------------------------------------------------


def test_sign_out_is_post_only(staff_client):
    response = staff_client.get("/auth/sign-out")

    assert response.status_code == 405
    assert is_signed_in(staff_client)


def test_signing_out_ends_the_session_and_any_copy_of_its_cookie(app, client, auth):
    user = factories.make_user()
    auth.sign_in(user.email)
    copy = app.test_client()
    copy.set_cookie("tracker_session", client.get_cookie("tracker_session").value)
    assert is_signed_in(copy)

    response = client.post("/auth/sign-out")

    assert response.status_code == 302
    assert response.location == SIGN_IN
    assert "You have signed out" in text(soup(client.get(SIGN_IN)))
    assert not is_signed_in(client)
    assert not is_signed_in(copy)


def test_deactivation_ends_the_persons_sessions_at_once(admin_client, expert_client):
    expert = expert_client.user
    assert is_signed_in(expert_client)

    response = admin_client.post(f"/admin/users/{expert.id}/deactivate")

    assert response.status_code == 302
    db.session.refresh(expert)
    assert expert.is_active_account is False
    assert not is_signed_in(expert_client)
    # Reactivating the account does not bring the old session back.
    admin_client.post(f"/admin/users/{expert.id}/reactivate")
    assert not is_signed_in(expert_client)


# The password rule ---------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "violet tract",  # exactly 12
        NEW_PASSWORD,  # no digits, capitals or symbols needed
        LONGEST,
    ],
)
def test_password_rule_accepts(password):
    assert password_problem(password, "dana.okafor@example.org", "Dana Okafor") is None


@pytest.mark.parametrize(
    "password,problem",
    [
        ("violet tra1", "Password must be 12 characters or more"),
        ("", "Password must be 12 characters or more"),
        (LONGEST + "x", "Password must be 256 characters or fewer"),
        ("password1234", "Password is too common"),
        ("PASSWORD1234", "Password is too common"),
        ("qwertyuiop123", "Password is too common"),
        ("aaaaaaaaaaaa", "Password is too common"),
        ("abcabcabcabc", "Password is too common"),
        ("monkeymonkey", "Password is too common"),
        ("123456789012", "Password is too common"),
        ("abcdefghijkl", "Password is too common"),
        ("lkjihgfedcba", "Password is too common"),
        ("violet.tractor@example.org", "Password must not be your email address"),
        ("Violet.Tractor", "Password must not be your email address"),
        ("Violet Q Tractorman", "Password must not be your name"),
    ],
)
def test_password_rule_refuses(password, problem):
    found = password_problem(password, "violet.tractor@example.org", "Violet Q Tractorman")

    assert found is not None and found.startswith(problem)


# Invitations ---------------------------------------------------------------


def invite(admin_client, email="new.person@example.org", name="Sam Patel", role="expert"):
    """Invite through the admin page; returns the response and the link's path."""
    response = admin_client.post(
        "/admin/users/invite",
        data={"name": name, "email": email, "role": role, "organisation_id": ""},
    )
    assert response.status_code == 200, error_summary(response)
    link = text(soup(response).select_one("code.tracker-code"))
    return response, urlsplit(link).path


def new_password(password: str) -> dict:
    """The set-password form's fields, with the password typed the same twice."""
    return {"new_password": password, "confirm_password": password}


@pytest.fixture
def invited():
    """An invited person without a password, and the token of their one-time link."""
    user = factories.make_user(Role.EXPERT, name="Sam Patel", password=False)
    token = services.issue_invitation(user, actor=None)
    db.session.commit()
    return user, token


def test_admin_invites_a_person_and_is_shown_a_one_time_link(admin_client, outbox):
    response, path = invite(admin_client, email="Sam.Patel@Example.org")

    assert path.startswith("/auth/set-password/")
    token = path.rsplit("/", 1)[1]
    user = db.session.scalar(select(User).where(User.email == "sam.patel@example.org"))
    assert user.role is Role.EXPERT
    assert user.password_hash is None
    invitation = db.session.scalar(select(Invitation).where(Invitation.user_id == user.id))
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(value) for value in db.session.execute(select(Invitation.__table__)).one()]
    assert not any(token in value for value in stored)
    verbs = db.session.scalars(select(Activity.verb).where(Activity.subject_id == user.id))
    assert set(verbs) == {"user.created", "user.invited"}
    assert "Email is not set up for this tracker" in text(soup(response))
    assert outbox == []


def test_the_link_is_emailed_when_mail_is_set_up(app, admin_client, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")

    response, path = invite(admin_client, email="sam.patel@example.org")

    assert "The link is queued to be emailed to sam.patel@example.org" in text(soup(response))
    assert outbox == []  # queued in the request's transaction; the outbox's sender sends it
    assert send_due(utcnow()).sent == 1
    [message] = outbox
    assert message["To"] == "sam.patel@example.org"
    assert f"http://localhost{path}" in message.get_content()


def test_a_mail_server_that_is_down_does_not_hold_up_the_invitation(app, admin_client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setattr(tracker.mail.smtplib, "SMTP", refuse)

    response, path = invite(admin_client)

    assert "if it cannot be sent, give the person this link yourself" in text(soup(response))
    assert path.startswith("/auth/set-password/")
    assert send_due(utcnow()).retrying == 1  # the outbox keeps it and tries again later


def test_the_link_sets_a_password_and_signs_the_person_in(app, client, invited):
    user, token = invited
    link = f"/auth/set-password/{token}"
    form_page = client.get(link)
    assert form_page.status_code == 200
    assert user.email in text(soup(form_page))
    assert soup(form_page).select_one("input#new_password[type=password]")
    assert soup(form_page).select_one("input#confirm_password[type=password]")

    response = client.post(link, data=new_password(NEW_PASSWORD))

    assert response.status_code == 302
    assert response.location == "/"
    assert is_signed_in(client)
    db.session.refresh(user)
    assert user.password_hash.startswith("scrypt:131072:8:1$")  # n = 2**17
    # The new password works on the sign-in form.
    other = app.test_client()
    assert other.post(SIGN_IN, data={"email": user.email, "password": NEW_PASSWORD}).location == "/"


def test_the_link_works_only_once(app, client, invited):
    _, token = invited
    link = f"/auth/set-password/{token}"
    client.post(link, data=new_password(NEW_PASSWORD))
    stranger = app.test_client()

    again = stranger.get(link)
    posted_again = stranger.post(link, data=new_password("another lemon tractor"))

    assert again.status_code == 404
    assert heading(again) == "This link has expired"
    assert posted_again.status_code == 404
    assert not is_signed_in(stranger)


@pytest.mark.parametrize(
    "new,confirm,field,message",
    [
        ("", "", "new_password", "Enter a new password"),
        ("violet tra1", "violet tra1", "new_password", "Password must be 12 characters or more"),
        ("password1234", "password1234", "new_password", "Password is too common"),
        ("sam.patel@example.org", "sam.patel@example.org", "new_password",
         "Password must not be your email address"),
        (NEW_PASSWORD, "violet tractor lemons", "confirm_password", "The passwords do not match"),
    ],
)
def test_the_link_form_refuses_a_poor_password_in_place(client, new, confirm, field, message):
    user = factories.make_user(Role.EXPERT, email="sam.patel@example.org", password=False)
    token = services.issue_invitation(user, actor=None)
    db.session.commit()

    response = client.post(
        f"/auth/set-password/{token}", data={"new_password": new, "confirm_password": confirm}
    )

    assert response.status_code == 200
    assert inline_error(response, field).startswith(message)
    assert error_summary(response)[0][1] == f"#{field}"
    db.session.refresh(user)
    assert user.password_hash is None
    assert not is_signed_in(client)


def test_an_expired_link_is_refused(client, invited):
    user, token = invited
    invitation = db.session.scalar(select(Invitation).where(Invitation.user_id == user.id))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    link = f"/auth/set-password/{token}"

    shown = client.get(link)
    posted = client.post(link, data=new_password(NEW_PASSWORD))

    assert shown.status_code == posted.status_code == 404
    assert heading(shown) == "This link has expired"
    db.session.refresh(user)
    assert user.password_hash is None


def test_a_link_for_a_deactivated_person_is_refused(client, invited):
    user, token = invited
    user.is_active_account = False
    db.session.commit()

    response = client.get(f"/auth/set-password/{token}")

    assert response.status_code == 404
    assert heading(response) == "This link has expired"


def test_a_new_link_makes_older_links_stop_working(admin_client, client):
    _, first = invite(admin_client)
    user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert client.get(first).status_code == 200

    renewed = admin_client.post(f"/admin/users/{user.id}/sign-in-link")

    assert renewed.status_code == 200
    second = urlsplit(text(soup(renewed).select_one("code.tracker-code"))).path
    assert second != first
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


# CSRF ----------------------------------------------------------------------


def test_sign_in_without_a_csrf_token_is_refused_and_shows_the_form_again(client, csrf_on):
    user = factories.make_user()

    response = client.post(SIGN_IN, data={"email": user.email, "password": factories.PASSWORD})

    assert response.status_code == 400
    assert heading(response) == "Sign in"
    assert input_value(response, "email") == user.email
    [(message, href)] = error_summary(response)
    assert message.startswith(CSRF_FAILED) and href == "#email"
    assert not is_signed_in(client)


def test_sign_in_with_the_pages_csrf_token_works(client, csrf_on):
    user = factories.make_user()
    token = csrf_token_from(client.get(SIGN_IN))

    response = client.post(
        SIGN_IN, data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 302
    assert response.location == "/"


def test_sign_out_without_a_csrf_token_is_refused(staff_client, csrf_on):
    refused = staff_client.post("/auth/sign-out")

    assert refused.status_code == 400
    assert is_signed_in(staff_client)
    token = csrf_token_from(staff_client.get("/profile/"))  # the header's sign-out button
    assert staff_client.post("/auth/sign-out", data={"csrf_token": token}).status_code == 302
    assert not is_signed_in(staff_client)


# The create-user command ---------------------------------------------------


def test_create_user_makes_someone_who_can_sign_in(app, auth):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "First.Admin@example.org", "--name", "First Admin",
              "--role", "admin", "--password", NEW_PASSWORD]
    )

    assert result.exit_code == 0, result.output
    assert "Created first.admin@example.org (Administrator)" in result.output
    response = auth.sign_in("first.admin@example.org", NEW_PASSWORD)
    assert response.location == "/"


@pytest.mark.parametrize(
    "email,password,message",
    [
        ("Taken@example.org", NEW_PASSWORD, "Someone already has an account with Taken@"),
        ("someone.new@example.org", "password1234", "Password is too common"),
        ("someone.new@example.org", "short pass", "Password must be 12 characters or more"),
        ("not-an-email", NEW_PASSWORD, "Enter an email address in the correct format"),
    ],
)
def test_create_user_refuses_a_taken_email_or_a_poor_password(app, email, password, message):
    factories.make_user(email="taken@example.org")

    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", email, "--name", "Someone", "--role", "staff",
              "--password", password]
    )

    assert result.exit_code == 1
    assert f"Error: {message}" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.scalar(select(func.count(Activity.id))) == 0
