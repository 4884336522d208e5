"""Who may reach board review pages (the proposal in the URL is a draft)."""

from tests.permissions import READ_ONLY_PAGE, row

ROWS = {
    ("board.review", "GET"): READ_ONLY_PAGE,
    # Only board members decide; on a draft the decision is refused in place (400).
    ("board.decide", "POST"): row(302, 403, 403, 403, 400),
}
