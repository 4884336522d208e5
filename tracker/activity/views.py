"""/proposals/<id>/activity and /activity (admins): the audit log."""

from flask import Blueprint, render_template

from tracker.auth.access import admin_only, signed_in
from tracker.proposals.views import get_proposal

bp = Blueprint("activity", __name__)


@bp.route("/proposals/<int:proposal_id>/activity")
@signed_in
def proposal_activity(proposal_id: int):
    """Everything that happened to one proposal."""
    proposal = get_proposal(proposal_id)
    return render_template("activity/proposal.html", proposal=proposal, title="Activity")


@bp.route("/activity")
@admin_only
def index():
    """The whole audit log, filtered."""
    return render_template("activity/index.html", title="Activity")
