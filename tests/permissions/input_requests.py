"""Who may reach the requests-for-input pages and choose their sectors. The proposal in the shared
URLs is a draft that nobody asked the expert about: experts are refused by the proposal, and
neither requests nor a new close date are taken on a draft, so staff posting get 403 as well
(the pages on a proposal in co-creation are tested by role in test_input_requests_views.py)."""

from tests.permissions import row

ROWS = {
    ("contributions.requests", "GET"): row(302, 200, 200, 403, 200),
    ("contributions.requests", "POST"): row(302, 403, 403, 403, 403),
    ("contributions.extend_input", "POST"): row(302, 403, 403, 403, 403),
    # No sectors chosen is a valid answer for an expert (it clears them); nobody else has sectors.
    ("profile.sectors", "POST"): row(302, 403, 403, 302, 403),
}
