"""Who may reach board review pages (the proposal in the URL is a draft)."""

from tests.permissions import READ_ONLY_PAGE

ROWS = {
    ("board.review", "GET"): READ_ONLY_PAGE,
}
