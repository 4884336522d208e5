"""Who may reach a proposal's sector priorities (the proposal in the URL is a draft)."""

from decimal import Decimal

from tests.permissions import READ_ONLY_PAGE, row
from tracker.extensions import db
from tracker.priorities.services import add_priority
from tracker.sectors.models import Sector

ROWS = {
    ("priorities.index", "GET"): READ_ONLY_PAGE,
    # No fields sent: the page again with the form's errors (400).
    ("priorities.add", "POST"): row(302, 400, 400, 403, 403),
    # Staff remove the priority and go back to the list.
    ("priorities.remove", "POST"): row(302, 302, 302, 403, 403),
}


def add_objects(objects):
    sector = db.session.get(Sector, objects["sector_id"])
    priority = add_priority(objects["proposal"], sector, Decimal("50"), "Serves the sector.", None)
    db.session.commit()
    objects["priority_id"] = priority.id
