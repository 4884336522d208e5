"""/profile: see and change one's own name and password, for experts their sectors, one's
calendar feeds of milestones, and one's personal API tokens."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_user

from tracker.api import tokens as api_token_service
from tracker.api.forms import ApiTokenForm, RevokeTokenForm
from tracker.auth import services as auth_services
from tracker.auth.access import allow, signed_in
from tracker.auth.forms import ChangePasswordForm
from tracker.auth.models import Role
from tracker.contributions.queries import sectors_in_use
from tracker.extensions import db
from tracker.forms import ButtonForm
from tracker.milestones import calendar as feeds
from tracker.milestones.models import CalendarFeed
from tracker.profile import services
from tracker.profile.forms import CalendarFeedForm, ExpertSectorsForm, ProfileForm
from tracker.proposals.models import Proposal
from tracker.proposals.queries import visible_among, visible_proposals
from tracker.timeutil import utcnow

bp = Blueprint("profile", __name__)


@bp.route("/", methods=["GET", "POST"])
@signed_in
def index():
    """Show the profile and change one's name."""
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        auth_services.rename_user(user, form.name.data, actor=user)
        db.session.commit()
        flash("Your name has been saved", "success")
        return redirect(url_for("profile.index"))
    return _render(user, name_form=form)


@bp.route("/sectors", methods=["POST"])
@allow(Role.EXPERT)
def sectors():
    """An expert chooses the sectors and themes they work in."""
    user = current_user._get_current_object()
    form = ExpertSectorsForm(sectors_in_use())
    if form.validate_on_submit():
        services.set_expert_sectors(user, form.sector_ids.data or [], actor=user)
        db.session.commit()
        flash("Your sectors and themes have been saved", "success")
        return redirect(url_for("profile.index"))
    return _render(user, sectors_form=form)


@bp.route("/calendar-feeds", methods=["POST"])
@signed_in
def create_calendar_feed():
    """A calendar feed of one's own milestones or of a proposal's one may see; any feed one had
    of the same milestones stops working. Its secret address is shown this once."""
    user = current_user._get_current_object()
    form = CalendarFeedForm(_feed_proposals(user))
    if form.validate_on_submit():
        return _new_feed(user, form.proposal_id())
    return _render(user, feed_form=form)


@bp.route("/calendar-feeds/<int:feed_id>/reset", methods=["POST"])
@signed_in
def reset_calendar_feed(feed_id: int):
    """A new secret address for one of one's feeds: the old address stops working at once."""
    user = current_user._get_current_object()
    return _new_feed(user, _own_feed(feed_id, user).proposal_id)


@bp.route("/calendar-feeds/<int:feed_id>/remove", methods=["POST"])
@signed_in
def remove_calendar_feed(feed_id: int):
    """Remove one of one's feeds: its address stops working."""
    user = current_user._get_current_object()
    feed = _own_feed(feed_id, user)
    feeds.remove_feed(feed, actor=user)
    db.session.commit()
    flash("The calendar feed has been removed: its address no longer works", "success")
    return redirect(url_for("profile.index", _anchor="calendar-feeds"))


def _new_feed(user, proposal_id: int | None):
    """Make the feed (replacing any of the same milestones) and show its address once; 403 for
    a proposal the person may not see."""
    proposal = db.session.get(Proposal, proposal_id) if proposal_id is not None else None
    if proposal is not None and not proposal.can_view(user):
        abort(403)
    token = feeds.create_feed(user, proposal, actor=user)
    db.session.commit()
    return _render(user, new_feed_token=token)


def _own_feed(feed_id: int, user) -> CalendarFeed:
    """One of the person's own feeds (404 for anyone else's), after the button's CSRF check."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    feed = db.session.get(CalendarFeed, feed_id)
    if feed is None or feed.user_id != user.id:
        abort(404)
    return feed


def _feed_proposals(user):
    """(id, title) of the proposals the person may see, for the feed's choice, by title."""
    return db.session.execute(
        visible_proposals(user).with_only_columns(Proposal.id, Proposal.title).order_by(Proposal.title, Proposal.id)
    ).all()


def _render(user, name_form=None, sectors_form=None, feed_form=None, new_feed_token=None):
    """The profile page; the forms not posted show what is saved."""
    name_form = name_form or ProfileForm(formdata=None, obj=user)
    if user.is_expert and sectors_form is None:
        sectors_form = ExpertSectorsForm(
            sectors_in_use(), formdata=None, data={"sector_ids": services.registered_sector_ids(user.id)}
        )
    feed_form = feed_form or CalendarFeedForm(_feed_proposals(user), formdata=None)
    posted = [form for form in (sectors_form, feed_form) if form is not None and form.errors]
    calendar_feeds = feeds.feeds_of(user)
    return render_template(
        "profile/index.html", form=posted[0] if posted else name_form, name_form=name_form,
        sectors_form=sectors_form, feed_form=feed_form, calendar_feeds=calendar_feeds,
        readable=visible_among(user, [feed.proposal_id for feed, _ in calendar_feeds if feed.proposal_id]),
        new_feed_url=url_for("milestones.calendar", token=new_feed_token, _external=True) if new_feed_token else None,
        user=user, title="Your profile",
    )


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def password():
    """Change one's password; other sessions end, this one carries on."""
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    form.owner_email, form.owner_name = user.email, user.name
    if form.validate_on_submit():
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append("Your current password is not correct")
        else:
            auth_services.change_password(user, form.new_password.data)
            db.session.commit()
            login_user(user)  # the session follows the new token; old sessions end
            flash("Your password has been changed. Other devices have been signed out", "success")
            return redirect(url_for("profile.index"))
    return render_template("profile/password.html", form=form, title="Change your password")


# Personal API tokens (the API itself is tracker/api) ------------------------------------------


@bp.route("/api-tokens", methods=["GET", "POST"])
@signed_in
def api_tokens():
    """One's personal API tokens, and a new one made: its secret is shown this once, and only
    its hash is kept."""
    user = current_user._get_current_object()
    form = ApiTokenForm()
    if form.validate_on_submit():
        _, secret = api_token_service.create_token(user, form.name.data, form.chosen_lifetime(), utcnow())
        db.session.commit()
        return _render_api_tokens(user, ApiTokenForm(formdata=None), new_secret=secret)
    return _render_api_tokens(user, form)


@bp.route("/api-tokens/<int:token_id>/revoke", methods=["POST"])
@signed_in
def revoke_api_token(token_id: int):
    """Revoke one of one's tokens (anyone else's is 404): the first press asks, the second
    (`confirm` = yes) revokes, and the token stops working at once."""
    user = current_user._get_current_object()
    token = api_token_service.own_token(token_id, user.id)
    if token is None:
        abort(404)
    form = RevokeTokenForm()
    if not (form.validate_on_submit() and form.confirm.data == "yes"):
        form.confirm.data = "yes"
        return _render_api_tokens(user, ApiTokenForm(formdata=None), confirming=token, revoke_form=form)
    api_token_service.revoke_token(token, user, utcnow())
    db.session.commit()
    flash(f"The API token “{token.name}” has been revoked: it no longer works", "success")
    return redirect(url_for("profile.api_tokens"))


def _render_api_tokens(user, form, new_secret=None, confirming=None, revoke_form=None):
    """The API tokens page: one's tokens newest first, each with its state now."""
    page = db.paginate(api_token_service.tokens_of(user.id), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    now = utcnow()
    return render_template(
        "profile/api_tokens.html", page=page, token_form=form, form=form if form.errors else None,
        states={token.id: api_token_service.state_of(token, now) for token in page.items},
        new_secret=new_secret, confirming=confirming, revoke_form=revoke_form,
        api_url=url_for("api.proposals", _external=True),
        openapi_url=url_for("api.openapi", _external=True), title="API tokens",
    )
