"""Who may reach a programme's portfolio balance and its targets."""

from tests.permissions import READ_ONLY_PAGE, STAFF_PAGE, row

ROWS = {
    ("portfolio.index", "GET"): READ_ONLY_PAGE,
    ("portfolio.targets", "GET"): STAFF_PAGE,
    # No version sent: the form is taken as opened on an old version (409, nothing saved).
    ("portfolio.targets", "POST"): row(302, 409, 409, 403, 403),
}
