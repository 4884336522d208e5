"""/proposals/<id>/submitted and /proposals/<id>/assessment."""

from flask import Blueprint, render_template

from tracker.auth.access import signed_in
from tracker.proposals.views import get_proposal

bp = Blueprint("assessments", __name__)


@bp.route("/<int:proposal_id>/submitted")
@signed_in
def submitted(proposal_id: int):
    """The version submitted to Innovate UK."""
    proposal = get_proposal(proposal_id)
    return render_template("assessments/submitted.html", proposal=proposal, title="Submitted version")


@bp.route("/<int:proposal_id>/assessment")
@signed_in
def assessment(proposal_id: int):
    """Innovate UK's assessment."""
    proposal = get_proposal(proposal_id)
    return render_template("assessments/assessment.html", proposal=proposal, title="Innovate UK assessment")
