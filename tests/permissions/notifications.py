"""Who may read notifications and follow proposals (the proposal is a draft)."""

from tests.permissions import SIGNED_IN_PAGE, row

ROWS = {
    ("notifications.index", "GET"): SIGNED_IN_PAGE,
    # Marks the caller's own notifications read, then back to the list.
    ("notifications.mark_read", "POST"): row(302, 302, 302, 302, 302),
    # Experts cannot see a draft, so they cannot follow it either.
    ("notifications.follow_proposal", "POST"): row(302, 302, 302, 403, 302),
    ("notifications.unfollow_proposal", "POST"): row(302, 302, 302, 403, 302),
}
