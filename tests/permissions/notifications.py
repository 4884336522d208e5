"""Who may read notifications and follow proposals (the proposal is a draft)."""

from tests.permissions import SIGNED_IN_PAGE, row

ROWS = {
    ("notifications.index", "GET"): SIGNED_IN_PAGE,
    ("notifications.follow_proposal", "POST"): row(302, 302, 302, 403, 302),
    ("notifications.unfollow_proposal", "POST"): row(302, 302, 302, 403, 302),
}
