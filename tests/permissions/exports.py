"""Who may download the list exports: each has the row of the page it mirrors (the proposal in
the URL is a draft, so experts are refused the proposal's files as they are its pages).
tests/test_exports.py checks the rows against the pages'. The milestone and co-creation report
files keep their rows in milestones_files.py and report.py, under their own endpoints."""

from tests.permissions import ADMIN_PAGE, READ_ONLY_PAGE, SIGNED_IN_PAGE

ROWS = {
    ("exports.proposals", "GET"): SIGNED_IN_PAGE,  # proposals.index
    ("exports.contributions", "GET"): READ_ONLY_PAGE,  # contributions.triage
    ("exports.assessments", "GET"): READ_ONLY_PAGE,  # prioritisation.ranking
    ("exports.proposal_activity", "GET"): READ_ONLY_PAGE,  # activity.proposal_activity
    ("exports.activity", "GET"): ADMIN_PAGE,  # activity.index
}


def add_objects(objects):
    """The file format of every export's address (one view answers both: ask for XLSX here)."""
    objects["file_format"] = "xlsx"
