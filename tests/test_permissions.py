"""The permission matrix: every route, for a visitor and each role, against one explicit table.

A route missing from the table fails `test_every_route_is_in_the_table`, so nobody can add a
page without deciding who may reach it. Statuses are what each kind of person gets from a
plain request: 200 a page, 302 a redirect (to sign in, for a visitor), 403 refused, 404 when
the object in the URL does not exist or the link is not valid.
"""

import importlib
import pkgutil

import pytest

from tests import factories, permissions
from tests.conftest import ROLES, sign_in
from tests.permissions import V
from tracker.auth.models import Role
from tracker.extensions import db

TABLE = {}
_OBJECT_MAKERS = []
for _module_info in pkgutil.iter_modules(permissions.__path__):
    _module = importlib.import_module(f"tests.permissions.{_module_info.name}")
    overlap = TABLE.keys() & _module.ROWS.keys()
    assert not overlap, f"routes in two permission modules: {overlap}"
    TABLE.update(_module.ROWS)
    if hasattr(_module, "add_objects"):
        _OBJECT_MAKERS.append(_module.add_objects)


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_is_in_the_table(app):
    routes = {(rule.endpoint, method) for rule, method in _routes(app)}
    missing = routes - TABLE.keys()
    stale = TABLE.keys() - routes
    assert not missing, f"routes with no row in the permission table: {sorted(missing)}"
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


def _url_for_rule(app, rule, objects) -> str:
    values = {}
    for argument in rule.arguments:
        values[argument] = objects[argument]
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


@pytest.fixture
def objects():
    """One of everything a URL can name; the target person is someone other than the caller."""
    programme = factories.make_programme()
    proposal = factories.make_proposal(programme=programme)
    target = factories.make_user(Role.EXPERT)
    objects = {
        "programme_id": programme.id,
        "proposal_id": proposal.id,
        "user_id": target.id,
        "organisation_id": factories.make_organisation().id,
        "sector_id": factories.make_sector().id,
        "token": "not-a-real-token",
        "filename": "dist/main.css",
        "programme": programme,
        "proposal": proposal,
    }
    for add in _OBJECT_MAKERS:
        add(objects)
    return objects


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint,method", sorted(TABLE))
def test_permission_matrix(app, objects, role, endpoint, method):
    rule = next(rule for rule, m in _routes(app) if rule.endpoint == endpoint and m == method)
    client = app.test_client()
    if role != V:
        sign_in(client, factories.make_user(Role(role)))
    url = _url_for_rule(app, rule, objects)
    # A form post with none of the form's fields: forms answer with their errors.
    response = client.open(url, method=method, data={"unrelated": "1"})
    response.close()
    expected = TABLE[(endpoint, method)][role]
    if endpoint == "static" and response.status_code == 404:
        pytest.fail("static/dist/main.css is missing: run `make assets` (make test does)")
    assert response.status_code == expected, f"{role} {method} {url}"
    if expected == 302 and role == V and endpoint not in {"auth.sign_out"}:
        assert "/auth/sign-in" in response.headers["Location"]


def test_unmarked_view_is_refused(app):
    """Deny by default: a view registered without an access rule is refused to everyone."""
    from tracker.auth.access import is_allowed

    app.view_functions["_probe_unmarked"] = lambda: "secret"
    try:
        admin = factories.make_user(Role.ADMIN)
        assert not is_allowed("_probe_unmarked", admin)
    finally:
        del app.view_functions["_probe_unmarked"]
    db.session.rollback()
