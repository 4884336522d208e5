"""The permission matrix: every route, for a visitor and each role, against one explicit table.

A route missing from the table fails `test_every_route_is_in_the_table`, so nobody can add a
page without deciding who may reach it. Statuses are what each kind of person gets from a
plain request: 200 a page, 302 a redirect (to sign in, for a visitor), 403 refused, 404 when
the object in the URL does not exist or the link is not valid.
"""

import pytest

from tests import factories
from tests.conftest import ROLES, sign_in
from tracker.auth.models import Role
from tracker.extensions import db

V, A, S, E, B = ROLES  # visitor, admin, staff, expert, board


def row(visitor, admin, staff, expert, board):
    return {V: visitor, A: admin, S: staff, E: expert, B: board}


SIGNED_IN_PAGE = row(302, 200, 200, 200, 200)
STAFF_PAGE = row(302, 200, 200, 403, 403)
ADMIN_PAGE = row(302, 200, 403, 403, 403)
READ_ONLY_PAGE = row(302, 200, 200, 403, 200)  # staff and board, not experts (per object)
PUBLIC_PAGE = row(200, 200, 200, 200, 200)

# (endpoint, method) -> expected status per kind of person.
# POSTs without the form's fields re-show their form with errors (200), or act and redirect.
TABLE = {
    ("main.home", "GET"): row(302, 200, 200, 200, 200),
    ("main.accessibility", "GET"): PUBLIC_PAGE,
    ("main.healthz", "GET"): PUBLIC_PAGE,
    ("static", "GET"): PUBLIC_PAGE,
    ("auth.sign_in", "GET"): row(200, 302, 302, 302, 302),
    ("auth.sign_in", "POST"): row(200, 302, 302, 302, 302),
    ("auth.sign_out", "POST"): row(302, 302, 302, 302, 302),
    ("auth.set_password", "GET"): row(404, 404, 404, 404, 404),
    ("auth.set_password", "POST"): row(404, 404, 404, 404, 404),
    ("profile.index", "GET"): SIGNED_IN_PAGE,
    ("profile.index", "POST"): row(302, 302, 302, 302, 302),  # no name sent: nothing changes
    ("profile.password", "GET"): SIGNED_IN_PAGE,
    ("profile.password", "POST"): SIGNED_IN_PAGE,
    ("admin.users", "GET"): ADMIN_PAGE,
    ("admin.invite_user", "GET"): ADMIN_PAGE,
    ("admin.invite_user", "POST"): ADMIN_PAGE,
    ("admin.user_detail", "GET"): ADMIN_PAGE,
    ("admin.user_role", "POST"): ADMIN_PAGE,
    ("admin.user_deactivate", "POST"): row(302, 302, 403, 403, 403),
    ("admin.user_reactivate", "POST"): row(302, 302, 403, 403, 403),
    ("admin.user_sign_in_link", "POST"): ADMIN_PAGE,
    ("admin.organisations", "GET"): ADMIN_PAGE,
    ("admin.organisation_new", "GET"): ADMIN_PAGE,
    ("admin.organisation_new", "POST"): ADMIN_PAGE,
    ("admin.organisation_edit", "GET"): ADMIN_PAGE,
    ("admin.organisation_edit", "POST"): ADMIN_PAGE,
    ("admin.sectors", "GET"): ADMIN_PAGE,
    ("admin.sector_new", "GET"): ADMIN_PAGE,
    ("admin.sector_new", "POST"): ADMIN_PAGE,
    ("admin.sector_edit", "GET"): ADMIN_PAGE,
    ("admin.sector_edit", "POST"): ADMIN_PAGE,
    ("admin.sector_retire", "POST"): row(302, 302, 403, 403, 403),
    ("admin.sector_reinstate", "POST"): row(302, 302, 403, 403, 403),
    ("programmes.index", "GET"): SIGNED_IN_PAGE,
    ("programmes.detail", "GET"): SIGNED_IN_PAGE,
    ("programmes.new", "GET"): STAFF_PAGE,
    ("programmes.new", "POST"): STAFF_PAGE,
    ("programmes.edit", "GET"): STAFF_PAGE,
    ("programmes.edit", "POST"): STAFF_PAGE,
    ("proposals.index", "GET"): SIGNED_IN_PAGE,
    # The proposal in the URL is a draft: experts see only proposals open for input.
    ("proposals.detail", "GET"): READ_ONLY_PAGE,
    ("proposals.new", "GET"): STAFF_PAGE,
    ("proposals.new", "POST"): STAFF_PAGE,
    ("proposals.edit", "GET"): STAFF_PAGE,
    ("proposals.edit", "POST"): STAFF_PAGE,
}


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
    return {
        "programme_id": programme.id,
        "proposal_id": proposal.id,
        "user_id": target.id,
        "organisation_id": factories.make_organisation().id,
        "sector_id": factories.make_sector().id,
        "token": "not-a-real-token",
        "filename": "dist/main.css",
    }


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
