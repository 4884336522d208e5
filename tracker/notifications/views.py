"""/notifications, and following a proposal."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.auth.access import signed_in
from tracker.extensions import db
from tracker.forms import ButtonForm
from tracker.notifications.models import FollowReason
from tracker.notifications.services import follow, unfollow
from tracker.proposals.views import get_proposal

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@signed_in
def index():
    """The person's notifications."""
    return render_template("notifications/index.html", title="Notifications")


@bp.route("/proposals/<int:proposal_id>/follow", methods=["POST"])
@signed_in
def follow_proposal(proposal_id: int):
    """Follow a proposal the person may see."""
    proposal = get_proposal(proposal_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    follow(current_user, proposal, FollowReason.CHOSEN)
    db.session.commit()
    flash(f"You now follow {proposal.title}", "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))


@bp.route("/proposals/<int:proposal_id>/unfollow", methods=["POST"])
@signed_in
def unfollow_proposal(proposal_id: int):
    """Stop following a proposal."""
    proposal = get_proposal(proposal_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    unfollow(current_user, proposal)
    db.session.commit()
    flash(f"You no longer follow {proposal.title}", "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))
