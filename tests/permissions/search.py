"""Who may search: every signed-in person (each finds only what they may see, which
tests/test_search_permissions.py checks); visitors are sent to sign in. A plain request has
no query, so it shows the form."""

from tests.permissions import SIGNED_IN_PAGE

ROWS = {
    ("search.index", "GET"): SIGNED_IN_PAGE,
}
