"""The OpenAPI document tells the truth: it is valid OpenAPI 3.1 (and every schema in it valid
JSON Schema), it lists exactly the API's routes, and schemathesis, generating requests from it
for a staff member and an expert over a seeded database, finds no server error and no answer
whose status, content type or body the document does not describe."""

import re

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.test_api_auth import new_secret
from tests.test_api_reading import TODAY, seed_world
from tracker.api.openapi import PATHS, document
from tracker.api.views import common
from tracker.auth.models import Role
from tracker.extensions import db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 12


def test_the_document_is_valid_openapi_3_1():
    raw = document()

    schemathesis.openapi.from_dict(raw).validate()  # against the OpenAPI 3.1 schema
    for name, schema in raw["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(schema), name
    assert raw["openapi"] == "3.1.0"


def test_the_document_lists_exactly_the_api_routes(app):
    routed = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
    }
    assert routed == set(document()["paths"])
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            assert rule.methods - {"HEAD", "OPTIONS"} == {"GET"}, rule  # read-only


def test_the_served_document_is_the_document(client):
    assert client.get("/api/v1/openapi.json").get_json() == document()


def _isolated(app):
    """The app as schemathesis calls it: each request in its own app context (and so its own
    database session), after the test's own work is committed, as CheckedClient does."""

    def wsgi(environ, start_response):
        db.session.commit()
        with app.app_context():
            return app.wsgi_app(environ, start_response)

    return wsgi


def _run_schemathesis(app, path: str, reader, path_parameters: dict) -> None:
    """Generate requests for GET `path` with `reader`'s token (path parameters fixed when given)
    and check every answer; reproducible (derandomized, no example database)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _isolated(app))
    strategy = schema[path]["GET"].as_strategy(
        headers={"Authorization": f"Bearer {new_secret(reader)}"}, path_parameters=path_parameters,
    )

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    def check(case):
        case.call_and_validate(checks=CHECKS)

    check()


API_PATHS = sorted(set(PATHS) - {"/openapi.json"})


@pytest.mark.parametrize("role", [Role.STAFF, Role.EXPERT])
@pytest.mark.parametrize("path", API_PATHS)
def test_schemathesis_finds_nothing_wrong(app, monkeypatch, path, role):
    """Over the seeded proposal and programme, which both readers may see (but the expert not
    the programme's milestones: 403)."""
    monkeypatch.setattr(common, "today", lambda: TODAY)
    world = seed_world()
    reader = world["staff"] if role is Role.STAFF else world["answered_by"]
    ids = {"proposal_id": world["open"].id, "programme_id": world["programme"].id}
    _run_schemathesis(app, path, reader, {name: ids[name] for name in ids if "{" + name + "}" in path})


@pytest.mark.parametrize("path", [path for path in API_PATHS if "{" in path])
def test_schemathesis_finds_nothing_wrong_at_any_id(app, path):
    """Ids schemathesis makes up: nothing there (404), or a proposal an expert may not see (403)."""
    world = seed_world()
    _run_schemathesis(app, path, world["waiting_by"], {})
