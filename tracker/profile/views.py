"""/profile: see and change one's own name and password, and, for experts, their sectors."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_user

from tracker.auth import services as auth_services
from tracker.auth.access import allow, signed_in
from tracker.auth.forms import ChangePasswordForm
from tracker.auth.models import Role
from tracker.contributions.queries import sectors_in_use
from tracker.extensions import db
from tracker.profile import services
from tracker.profile.forms import ExpertSectorsForm, ProfileForm

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


def _render(user, name_form=None, sectors_form=None):
    """The profile page; the form not posted shows what is saved."""
    name_form = name_form or ProfileForm(formdata=None, obj=user)
    if user.is_expert and sectors_form is None:
        sectors_form = ExpertSectorsForm(
            sectors_in_use(), formdata=None, data={"sector_ids": services.registered_sector_ids(user.id)}
        )
    shown_form = sectors_form if sectors_form is not None and sectors_form.errors else name_form
    return render_template("profile/index.html", form=shown_form, name_form=name_form,
                           sectors_form=sectors_form, user=user, title="Your profile")


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
