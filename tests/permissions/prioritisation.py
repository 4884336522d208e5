"""Who may reach regional prioritisation (the proposal in the URL is a draft, in the programme).

Staff, admins and board members read the ranking and the proposal pages; experts never do.
Only staff change the criteria and dependencies. Nobody scores a draft (403 for everyone),
which tests/test_prioritisation_scoring.py shows for proposals that can be scored."""

from tests import factories
from tests.permissions import STAFF_PAGE, row
from tracker.extensions import db
from tracker.prioritisation.services import add_dependency

READERS_PAGE = row(302, 200, 200, 403, 200)
STAFF_FORM_POST = row(302, 400, 400, 403, 403)

ROWS = {
    ("prioritisation.ranking", "GET"): READERS_PAGE,
    ("prioritisation.criteria", "GET"): STAFF_PAGE,
    # No rows and no stamp: the form again with its errors.
    ("prioritisation.criteria", "POST"): STAFF_FORM_POST,
    ("prioritisation.proposal", "GET"): READERS_PAGE,
    # A draft cannot be scored, by anyone.
    ("prioritisation.score", "POST"): row(302, 403, 403, 403, 403),
    # No proposal chosen: the page again with the error.
    ("prioritisation.add_dependency", "POST"): STAFF_FORM_POST,
    ("prioritisation.remove_dependency", "POST"): row(302, 302, 302, 403, 403),
}


def add_objects(objects):
    """Another proposal of the programme, which the draft depends on."""
    other = factories.make_proposal(programme=objects["programme"])
    add_dependency(objects["proposal"], other, None)
    db.session.commit()
    objects["depends_on_id"] = other.id
