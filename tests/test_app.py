"""The app as a whole: health check, security headers, error pages, config, front-end pins."""

import json
from importlib.metadata import version
from pathlib import Path

import pytest

from config import BASE_DIR
from tracker import create_app
from tracker.extensions import db

@pytest.fixture
def make_app():
    """create_app for one test; its database connections are closed afterwards."""
    made = []

    def make(*args, **kwargs):
        made.append(create_app(*args, **kwargs))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def test_healthz_reports_a_reachable_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "reachable"}


def test_healthz_answers_503_when_the_database_is_unreachable(make_app):
    """Port 9 on loopback has no database: the check fails fast and says so."""
    broken = make_app(
        "testing",
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2",
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}


def test_security_headers_are_pinned(client):
    response = client.get("/auth/sign-in")
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers[name] == value, name
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["Cache-Control"] == "no-store"


def test_each_response_gets_its_own_nonce(client):
    first = client.get("/auth/sign-in").headers["Content-Security-Policy"]
    second = client.get("/auth/sign-in").headers["Content-Security-Policy"]
    assert first != second


def test_hsts_only_where_cookies_are_secure(client, monkeypatch, make_app):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    monkeypatch.setenv("SECRET_KEY", "a-test-secret-for-production-config")
    production = make_app("production", SQLALCHEMY_DATABASE_URI=db.engine.url.render_as_string(False))
    response = production.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_unknown_page_is_a_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_wrong_method_is_a_405_page(staff_client):
    response = staff_client.post("/programmes/")
    assert response.status_code == 405


def test_unexpected_error_shows_the_500_page_and_rolls_back(make_app):
    app = make_app("testing", TESTING=False)

    @app.route("/_boom")
    def boom():
        raise RuntimeError("boom")

    boom.access_rule = "public"
    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    """No app is made, so there is nothing to clean up."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app("production")


@pytest.mark.parametrize("name", ["development", "testing"])
def test_development_and_testing_start_without_a_secret_key(monkeypatch, name, make_app):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert make_app(name).config["SECRET_KEY"]


def test_database_url_forms(monkeypatch):
    from config import Config

    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal/tracker")
    assert Config.database_url() == "postgresql+psycopg://u:p@db.internal/tracker"
    monkeypatch.delenv("DATABASE_URL")
    assert Config.database_url().endswith("instance/tracker.sqlite")


def test_front_end_pair_is_pinned():
    """govuk-frontend 6.3.0 and govuk-frontend-jinja 4.1.0 are the tested pair: an upgrade of
    either must be a decision, made here as well as in requirements.txt and package.json."""
    assert version("govuk-frontend-jinja") == "4.1.0"
    assert "govuk-frontend-jinja==4.1.0" in (BASE_DIR / "requirements.txt").read_text()
    package = json.loads((BASE_DIR / "package.json").read_text())
    assert package["dependencies"]["govuk-frontend"] == "6.3.0"
    installed = json.loads(
        (BASE_DIR / "node_modules" / "govuk-frontend" / "package.json").read_text()
    )
    assert installed["version"] == "6.3.0"


def test_built_css_has_no_gov_uk_font_or_crown():
    css = (BASE_DIR / "static" / "dist" / "main.css").read_text()
    assert "GDS Transport" not in css
    assert ".govuk-generic-header" in css


def test_pages_use_the_generic_header_without_the_crown(client):
    html = client.get("/auth/sign-in").get_data(as_text=True)
    assert "govuk-generic-header" in html
    assert "govuk-logo" not in html and "Crown copyright" not in html
    assert "Innovation Accelerator tracker" in html
    assert 'href="/accessibility"' in html


def test_requirements_are_pinned():
    for name in ("requirements.txt", "requirements-test.txt"):
        for line in Path(BASE_DIR / name).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                assert "==" in line, f"{name}: {line} is not pinned"
