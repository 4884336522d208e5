"""Who may reach a proposal's triage page and its bulk "mark as under review" (on the shared
draft proposal): staff and board read it, experts are refused by the proposal (not open to
them); only staff mark, and a post with nothing selected comes back with its error (200)."""

from tests.permissions import READ_ONLY_PAGE, STAFF_PAGE

ROWS = {
    ("contributions.triage", "GET"): READ_ONLY_PAGE,
    ("contributions.mark_under_review_bulk", "POST"): STAFF_PAGE,
}
