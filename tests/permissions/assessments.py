"""Who may reach the submitted version and the assessment (the proposal is a draft).

The POST routes answer a staff member's empty form with its errors (400); the board and
experts are refused (403) before any form is read."""

from datetime import date

from tests.permissions import READ_ONLY_PAGE, row
from tracker.assessments.models import Clarification
from tracker.extensions import db

STAFF_FORM_POST = row(302, 400, 400, 403, 403)

ROWS = {
    ("assessments.submitted", "GET"): READ_ONLY_PAGE,
    ("assessments.assessment", "GET"): READ_ONLY_PAGE,
    ("assessments.record_review", "POST"): STAFF_FORM_POST,
    ("assessments.ask_clarification", "POST"): STAFF_FORM_POST,
    ("assessments.answer_clarification", "POST"): STAFF_FORM_POST,
    ("assessments.record_outcome", "POST"): STAFF_FORM_POST,
}


def add_objects(objects):
    """A clarification request on the proposal, for the answer route."""
    clarification = Clarification(
        proposal_id=objects["proposal_id"], question="Please explain the costs.",
        asked_on=date(2023, 1, 10),
    )
    db.session.add(clarification)
    db.session.commit()
    objects["clarification_id"] = clarification.id
