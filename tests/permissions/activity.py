"""Who may read the audit log."""

from tests.permissions import ADMIN_PAGE, READ_ONLY_PAGE

ROWS = {
    ("activity.proposal_activity", "GET"): READ_ONLY_PAGE,
    ("activity.index", "GET"): ADMIN_PAGE,
}
