"""Sign in, sign out, and set a password from an invitation link."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from tracker.auth import services
from tracker.auth.access import public, signed_in
from tracker.auth.forms import SetPasswordForm, SignInForm
from tracker.auth.urls import safe_next
from tracker.extensions import db
from tracker.forms import ButtonForm

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "Enter a correct email address and password"


def start_session(user) -> None:
    """A fresh session for `user`: nothing from before sign-in carries over."""
    session.clear()
    login_user(user)
    session.permanent = True


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    """Sign in with email and password; the same message for every failure."""
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.email.errors.append(SIGN_IN_FAILED)
            return render_template("auth/sign_in.html", form=form, title="Sign in")
        services.record_sign_in(user)
        db.session.commit()
        start_session(user)
        return redirect(next_url or url_for("main.home"))
    return render_template("auth/sign_in.html", form=form, title="Sign in")


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out():
    """End this person's sessions on the server, then forget the cookie."""
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    services.sign_out_everywhere(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    """An invited person chooses a password through their one-time link."""
    invitation = services.find_invitation(token)
    if invitation is None:
        return render_template("auth/link_expired.html", title="This link has expired"), 404
    form = SetPasswordForm()
    form.owner_email = invitation.user.email
    form.owner_name = invitation.user.name
    if form.validate_on_submit():
        user = services.accept_invitation(invitation, form.new_password.data)
        services.record_sign_in(user)
        db.session.commit()
        start_session(user)
        flash("Your password is set and you are signed in", "success")
        return redirect(url_for("main.home"))
    return render_template(
        "auth/set_password.html", form=form, invitation=invitation, title="Set your password"
    )
