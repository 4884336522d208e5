"""Who may reach the co-creation report and its CSV: staff, admins and the board. Experts are
refused by role, even on a proposal open to them (test_contributions_report.py checks that),
because the report names the organisations people gave input from."""

from tests.permissions import READ_ONLY_PAGE

ROWS = {
    ("contributions.report", "GET"): READ_ONLY_PAGE,
    ("contributions.report_csv", "GET"): READ_ONLY_PAGE,
}
