"""Who may reach the submitted version and the assessment (the proposal is a draft)."""

from tests.permissions import READ_ONLY_PAGE

ROWS = {
    ("assessments.submitted", "GET"): READ_ONLY_PAGE,
    ("assessments.assessment", "GET"): READ_ONLY_PAGE,
}
