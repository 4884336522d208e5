"""Who may reach a proposal's sector priorities (the proposal in the URL is a draft, so
experts cannot see it), and deleting a sector in admin (the sector in the URL is used by the
priority made here, so even an admin is refused with 409). The contribution in the shared URLs
(tests/permissions/contributions.py) is on another proposal: taking it in here is 404."""

from decimal import Decimal

from tests import factories
from tests.permissions import READ_ONLY_PAGE, STAFF_PAGE, row
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.priorities.models import PriorityStance, StanceKind
from tracker.priorities.services import add_priority
from tracker.sectors.models import Sector

# Staff and admins posting no fields get the form again with its errors (400).
STAFF_FORM = row(302, 400, 400, 403, 403)

ROWS = {
    ("priorities.index", "GET"): READ_ONLY_PAGE,
    ("priorities.add", "POST"): STAFF_FORM,
    ("priorities.edit", "GET"): STAFF_PAGE,
    ("priorities.edit", "POST"): STAFF_FORM,
    # Staff remove the priority and go back to the list.
    ("priorities.remove", "POST"): row(302, 302, 302, 403, 403),
    ("priorities.reorder", "GET"): STAFF_PAGE,
    # No order seen and no positions: the form is stale, shown again as the list is now (409).
    ("priorities.reorder", "POST"): row(302, 409, 409, 403, 403),
    # Experts only, and only on a proposal open to them: this draft is not.
    ("priorities.stance", "POST"): row(302, 403, 403, 403, 403),
    ("priorities.reply", "POST"): STAFF_FORM,
    ("priorities.from_contribution", "POST"): row(302, 404, 404, 403, 403),
}


def add_objects(objects):
    proposal = objects["proposal"]
    sector = db.session.get(Sector, objects["sector_id"])
    priority = add_priority(proposal, sector, Decimal("50"), "Serves the sector.", None)
    expert = factories.make_user(Role.EXPERT)
    challenge = PriorityStance(priority_id=priority.id, expert_id=expert.id, kind=StanceKind.CHALLENGE,
                               comment="The evidence is thin.")
    db.session.add(challenge)
    db.session.commit()
    objects["priority_id"] = priority.id
    objects["stance_id"] = challenge.id
