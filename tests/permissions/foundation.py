"""Who may reach the foundation's routes (see tests/permissions/__init__.py for the shape)."""

from tests.permissions import ADMIN_PAGE, PUBLIC_PAGE, READ_ONLY_PAGE, SIGNED_IN_PAGE, STAFF_PAGE, row

# (endpoint, method) -> expected status per kind of person.
# POSTs without the form's fields re-show their form with errors (200), or act and redirect.
ROWS = {
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
    # The shared sector is in use (contributions and priorities name it), so deleting it is refused.
    ("admin.sector_delete", "POST"): row(302, 409, 403, 403, 403),
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
    # No stage chosen: the proposal page again, with the error (400).
    ("proposals.change_stage", "POST"): row(302, 400, 400, 403, 403),
}
