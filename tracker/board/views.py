"""/proposals/<id>/board: the board's review rounds, decisions and tally."""

from flask import Blueprint, render_template

from tracker.auth.access import signed_in
from tracker.proposals.views import get_proposal

bp = Blueprint("board", __name__)


@bp.route("/<int:proposal_id>/board")
@signed_in
def review(proposal_id: int):
    """Board review of one proposal."""
    proposal = get_proposal(proposal_id)
    return render_template("board/review.html", proposal=proposal, title="Board review")
