"""Who may read the audit log (nobody may change it: it has no route that does)."""

from tests.permissions import ADMIN_PAGE, READ_ONLY_PAGE

ROWS = {
    # The proposal is a draft: experts see only proposals open for input, so not its activity.
    ("activity.proposal_activity", "GET"): READ_ONLY_PAGE,
    ("activity.index", "GET"): ADMIN_PAGE,
}
