"""Who may reach the timelines: a proposal's for anyone who may see the proposal (the one in the
URL is a draft, so not experts), a programme's for staff, admins and board only."""

from tests.permissions import READ_ONLY_PAGE

ROWS = {
    ("milestones.proposal_timeline", "GET"): READ_ONLY_PAGE,
    ("milestones.programme_timeline", "GET"): READ_ONLY_PAGE,
}
