"""Who may reach the staff home's lists in full: input waiting for a response and requests
for input overdue are staff's work (admins too); experts and board members are refused."""

from tests.permissions import STAFF_PAGE

ROWS = {
    ("main.waiting_input", "GET"): STAFF_PAGE,
    ("main.overdue_requests", "GET"): STAFF_PAGE,
}
