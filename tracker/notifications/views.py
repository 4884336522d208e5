"""/notifications, following a proposal, and /profile/notifications: how one hears of each
kind of event by email."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.auth.access import signed_in
from tracker.extensions import db
from tracker.forms import ButtonForm
from tracker.mail import mail_configured
from tracker.notifications.forms import EmailChoicesForm
from tracker.notifications.models import FollowReason, NotificationKind
from tracker.notifications.preferences import DEFAULT_DELIVERY, KIND_HINTS, deliveries_of, save_preferences
from tracker.notifications.queries import notifications_of
from tracker.notifications.services import follow, mark_all_read, unfollow
from tracker.proposals.queries import visible_among
from tracker.proposals.views import get_proposal

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@signed_in
def index():
    """The person's own notifications, newest first; opening the page does not mark them read."""
    page = db.paginate(
        notifications_of(current_user), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    viewable = visible_among(current_user, [note.proposal_id for note in page.items])
    return render_template("notifications/index.html", page=page, viewable=viewable,
                           title="Notifications")


@bp.route("/notifications/read", methods=["POST"])
@signed_in
def mark_read():
    """Mark all of the person's notifications as read."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    mark_all_read(current_user)
    db.session.commit()
    flash("All your notifications are marked as read", "success")
    return redirect(url_for("notifications.index"))


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
    """Stop following a proposal the person may see."""
    proposal = get_proposal(proposal_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    unfollow(current_user, proposal)
    db.session.commit()
    flash(f"You no longer follow {proposal.title}", "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))


@bp.route("/profile/notifications", methods=["GET", "POST"])
@signed_in
def preferences():
    """Choose, for each kind of event, to hear of it by email at once, in a daily or a weekly
    digest, or never; all the choices are saved in one go."""
    user = current_user._get_current_object()
    form = EmailChoicesForm()
    if form.validate_on_submit():
        changed = save_preferences(user, form.choices(), actor=user)
        db.session.commit()
        flash("Your email choices have been saved" if changed else "Your email choices have not changed",
              "success")
        return redirect(url_for("notifications.preferences"))
    if not form.is_submitted():
        form = EmailChoicesForm.showing(deliveries_of(user.id))
    kinds = [(kind, form[EmailChoicesForm.field_of(kind)], KIND_HINTS[kind], DEFAULT_DELIVERY[kind])
             for kind in NotificationKind]
    return render_template("profile/notifications.html", form=form, kinds=kinds,
                           mail_configured=mail_configured(), title="Email notifications")
