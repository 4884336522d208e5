"""Who may reach a proposal's sections (the proposal in the URL is a draft; its "risks"
section has one revision, so the history, compare and restore URLs name real things)."""

from tests import factories
from tests.permissions import READ_ONLY_PAGE, STAFF_PAGE, row
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.sections.models import SectionState
from tracker.sections.queries import section_by_key
from tracker.sections.services import save_section

ROWS = {
    ("sections.view", "GET"): READ_ONLY_PAGE,
    ("sections.edit", "GET"): STAFF_PAGE,
    # The plain post has no state chosen: the form answers with its errors.
    ("sections.edit", "POST"): STAFF_PAGE,
    ("sections.history", "GET"): READ_ONLY_PAGE,
    # No ?from=&to=: the revisions to compare are asked for, with a 400.
    ("sections.compare", "GET"): row(302, 400, 400, 403, 400),
    # No edit_version: a restore that does not say what it started from is a bad request.
    ("sections.restore", "POST"): row(302, 400, 400, 403, 403),
}


def add_objects(objects):
    section = section_by_key(objects["proposal_id"], "risks")
    save_section(
        section, text="Supply chain delays.", note="", assignee_id=None,
        state=SectionState.IN_PROGRESS, started_from=section.version,
        actor=factories.make_user(Role.STAFF), proposal=objects["proposal"],
    )
    db.session.commit()
    objects["key"] = "risks"
    objects["number"] = 1
