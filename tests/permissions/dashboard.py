"""Who may reach the dashboard, the contributions behind its chart, and the board pack: staff,
admins and the board; experts are refused (the dashboard counts input and scores they may not
see); a visitor is sent to sign in."""

from tests.permissions import READ_ONLY_PAGE

ROWS = {
    ("dashboard.index", "GET"): READ_ONLY_PAGE,
    ("dashboard.contributions", "GET"): READ_ONLY_PAGE,
    ("dashboard.board_pack", "GET"): READ_ONLY_PAGE,
    ("dashboard.board_pack_pdf", "GET"): READ_ONLY_PAGE,
}
