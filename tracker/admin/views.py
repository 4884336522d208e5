"""/admin: people, organisations, the sector catalogue and the email outbox (admins only)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from tracker.admin.forms import ROLE_HINTS, InviteUserForm, RoleForm
from tracker.auth import services as auth_services
from tracker.auth.access import admin_only
from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.forms import ButtonForm, choices
from tracker.mail import mail_configured
from tracker.organisations import services as organisation_services
from tracker.organisations.forms import OrganisationForm
from tracker.organisations.models import Organisation, OrganisationType
from tracker.outbox.models import OutboxMessage, OutboxPurpose, OutboxStatus
from tracker.outbox.queries import outbox_messages, status_counts
from tracker.outbox.services import CannotRetry, queue_email, retry_now
from tracker.sectors import services as sector_services
from tracker.sectors.forms import SectorForm
from tracker.sectors.models import Sector, SectorKind
from tracker.timeutil import utcnow

bp = Blueprint("admin", __name__)


def _page_size() -> int:
    return current_app.config["PAGE_SIZE"]


def _organisation_choices() -> list:
    names = db.session.execute(select(Organisation.id, Organisation.name).order_by(Organisation.name))
    return choices(names, blank="None")


# People ------------------------------------------------------------------


@bp.route("/users")
@admin_only
def users():
    """Everyone with an account, filtered by role, status or a search."""
    role = request.args.get("role", "")
    status = request.args.get("status", "")
    search = request.args.get("q", "").strip()
    query = select(User).options(joinedload(User.organisation)).order_by(User.name, User.id)
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    if status == "active":
        query = query.where(User.is_active_account.is_(True))
    elif status == "deactivated":
        query = query.where(User.is_active_account.is_(False))
    if search:
        # autoescape: a typed % or _ is looked for as itself, not as a wildcard.
        query = query.where(
            or_(
                func.lower(User.name).contains(search.lower(), autoescape=True),
                User.email.contains(search.lower(), autoescape=True),
            )
        )
    page = db.paginate(query, per_page=_page_size(), error_out=False)
    return render_template(
        "admin/users.html", page=page, roles=list(Role), role=role, status=status, search=search,
        title="People",
    )


@bp.route("/users/invite", methods=["GET", "POST"])
@admin_only
def invite_user():
    """Add a person with a role and show a one-time link to set their password."""
    form = InviteUserForm()
    form.organisation_id.choices = _organisation_choices()
    if form.validate_on_submit():
        user = auth_services.create_user(
            form.email.data, form.name.data, Role(form.role.data), current_user,
            organisation_id=form.organisation_id.data,
        )
        token = auth_services.issue_invitation(user, current_user)
        link, queued = _queue_link(user, token)
        db.session.commit()
        return _show_link(user, link, queued, "invited")
    return render_template(
        "admin/invite.html", form=form, role_hints=ROLE_HINTS, title="Invite a person"
    )


def _queue_link(user: User, token: str) -> tuple[str, bool]:
    """The one-time link, and whether it is queued to email (in this transaction: when mail is
    set up; the outbox's sender sends it)."""
    link = url_for("auth.set_password", token=token, _external=True)
    queued = queue_email(
        user.email,
        "Your Innovation Accelerator tracker account",
        f"Hello {user.name},\n\nUse this link to set your password and sign in:\n{link}\n\n"
        "The link works once and expires in a few days.",
        OutboxPurpose.INVITATION, user_id=user.id, now=utcnow(),
    )
    return link, queued is not None


def _show_link(user: User, link: str, queued: bool, reason: str):
    """The one-time link, shown once to the admin, saying whether it is queued to email."""
    return render_template(
        "admin/link.html", user=user, link=link, emailed=queued, reason=reason,
        mail_configured=mail_configured(), title="Sign-in link created",
    )


def _get_user(user_id: int) -> User:
    # A query, not session.get: get() would hand back the signed-in admin's own User (already
    # in the session, without its organisation) and the page would hit the lazy="raise".
    user = db.session.scalar(
        select(User).where(User.id == user_id).options(joinedload(User.organisation))
    )
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>")
@admin_only
def user_detail(user_id: int):
    """One person: their details, role, and the actions an admin may take."""
    user = _get_user(user_id)
    form = RoleForm(role=user.role.value)
    return render_template(
        "admin/user.html", user=user, form=form, button=ButtonForm(), role_hints=ROLE_HINTS,
        title=user.name,
    )


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_only
def user_role(user_id: int):
    """Change a person's role."""
    user = _get_user(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            auth_services.change_role(user, Role(form.role.data), current_user)
        except auth_services.CannotChangeOwnAccount as error:
            # Said in a banner, as for deactivating: the own-account page has no role field
            # for an error summary to link to.
            flash(str(error), "error")
            return redirect(url_for("admin.user_detail", user_id=user.id))
        else:
            db.session.commit()
            flash(f"{user.name} is now {user.role.label}", "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template(
        "admin/user.html", user=user, form=form, button=ButtonForm(), role_hints=ROLE_HINTS,
        title=user.name,
    )


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@admin_only
def user_deactivate(user_id: int):
    """Deactivate a person; their sessions end at once."""
    return _account_action(user_id, auth_services.deactivate, "{name} has been deactivated")


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@admin_only
def user_reactivate(user_id: int):
    """Let a deactivated person sign in again."""
    return _account_action(user_id, auth_services.reactivate, "{name} can sign in again")


def _account_action(user_id: int, action, message: str):
    user = _get_user(user_id)
    button = ButtonForm()
    if not button.validate_on_submit():
        abort(400)
    try:
        action(user, current_user)
    except auth_services.CannotChangeOwnAccount as error:
        flash(str(error), "error")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    db.session.commit()
    flash(message.format(name=user.name), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/sign-in-link", methods=["POST"])
@admin_only
def user_sign_in_link(user_id: int):
    """A fresh one-time link (to finish an invitation or reset a forgotten password)."""
    user = _get_user(user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not user.is_active:
        flash("Reactivate the account before creating a sign-in link", "error")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    token = auth_services.issue_invitation(user, current_user)
    link, queued = _queue_link(user, token)
    db.session.commit()
    return _show_link(user, link, queued, "renewed")


# The email outbox -----------------------------------------------------------


@bp.route("/outbox")
@admin_only
def outbox():
    """Every email the tracker has queued, newest first, by status: sent, waiting (with its next
    attempt and the last error) or given up on (with the reason); an unknown status is ignored."""
    asked = request.args.get("status", "")
    status = next((each for each in OutboxStatus if each.value == asked), None)
    page = db.paginate(outbox_messages(status), per_page=_page_size(), error_out=False)
    return render_template(
        "admin/outbox.html", page=page, status=status, statuses=list(OutboxStatus), Status=OutboxStatus,
        ignored=asked if asked and status is None else None, counts=status_counts(),
        purpose_label=OutboxPurpose.label_of, mail_configured=mail_configured(), title="Email outbox",
    )


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@admin_only
def outbox_retry(message_id: int):
    """Send a message the sender gave up on round again, at the sender's next run."""
    message = db.get_or_404(OutboxMessage, message_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        retry_now(message, current_user, utcnow())
    except CannotRetry as refused:
        flash(str(refused), "error")
        return redirect(url_for("admin.outbox"))
    db.session.commit()
    flash(f"The email to {message.to_address} will be sent again at the sender's next run", "success")
    return redirect(url_for("admin.outbox", status=OutboxStatus.PENDING.value))


# Organisations -------------------------------------------------------------


@bp.route("/organisations")
@admin_only
def organisations():
    """Organisations, filtered by type."""
    kind = request.args.get("type", "")
    query = select(Organisation).order_by(Organisation.name)
    if kind in {t.value for t in OrganisationType}:
        query = query.where(Organisation.type == OrganisationType(kind))
    page = db.paginate(query, per_page=_page_size(), error_out=False)
    return render_template(
        "admin/organisations.html", page=page, types=list(OrganisationType), type=kind,
        title="Organisations",
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@admin_only
def organisation_new():
    """Add an organisation."""
    form = OrganisationForm()
    if form.validate_on_submit():
        organisation = organisation_services.create_organisation(
            form.name.data, OrganisationType(form.type.data), current_user
        )
        db.session.commit()
        flash(f"{organisation.name} has been added", "success")
        return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form, title="Add an organisation")


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@admin_only
def organisation_edit(organisation_id: int):
    """Rename or retype an organisation."""
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(organisation=organisation)
    if form.validate_on_submit():
        organisation_services.update_organisation(
            organisation, form.name.data, OrganisationType(form.type.data), current_user
        )
        db.session.commit()
        flash(f"{organisation.name} has been saved", "success")
        return redirect(url_for("admin.organisations"))
    return render_template(
        "admin/organisation_form.html", form=form, organisation=organisation,
        title=f"Change {organisation.name}",
    )


# Sectors and themes --------------------------------------------------------


@bp.route("/sectors")
@admin_only
def sectors():
    """The catalogue of sectors and themes, retired ones marked; unused ones may be deleted."""
    return _render_sectors()


def _render_sectors(refused: str | None = None, status: int = 200):
    """One page of the catalogue, with which entries anything uses (one query) and a refusal."""
    kind = request.args.get("kind", "")
    query = select(Sector).order_by(Sector.is_retired, Sector.kind, Sector.name)
    if kind in {k.value for k in SectorKind}:
        query = query.where(Sector.kind == SectorKind(kind))
    page = db.paginate(query, per_page=_page_size(), error_out=False)
    used = sector_services.used_sector_ids([sector.id for sector in page.items])
    return render_template(
        "admin/sectors.html", page=page, kinds=list(SectorKind), kind=kind, button=ButtonForm(),
        used=used, refused=refused, title="Sectors and themes",
    ), status


@bp.route("/sectors/new", methods=["GET", "POST"])
@admin_only
def sector_new():
    """Add a sector or theme."""
    form = SectorForm()
    if form.validate_on_submit():
        sector = sector_services.create_sector(
            form.name.data, SectorKind(form.kind.data), form.description.data or "", current_user
        )
        db.session.commit()
        flash(f"{sector.name} has been added", "success")
        return redirect(url_for("admin.sectors"))
    return render_template("admin/sector_form.html", form=form, title="Add a sector or theme")


@bp.route("/sectors/<int:sector_id>/edit", methods=["GET", "POST"])
@admin_only
def sector_edit(sector_id: int):
    """Rename or redescribe a sector or theme."""
    sector = db.get_or_404(Sector, sector_id)
    form = SectorForm(sector=sector)
    if form.validate_on_submit():
        sector_services.update_sector(
            sector, form.name.data, SectorKind(form.kind.data), form.description.data or "",
            current_user,
        )
        db.session.commit()
        flash(f"{sector.name} has been saved", "success")
        return redirect(url_for("admin.sectors"))
    return render_template(
        "admin/sector_form.html", form=form, sector=sector, title=f"Change {sector.name}"
    )


@bp.route("/sectors/<int:sector_id>/retire", methods=["POST"])
@admin_only
def sector_retire(sector_id: int):
    """Stop offering a sector or theme; it stays on everything that used it."""
    return _sector_retired(sector_id, True, "{name} has been retired")


@bp.route("/sectors/<int:sector_id>/reinstate", methods=["POST"])
@admin_only
def sector_reinstate(sector_id: int):
    """Offer a retired sector or theme again."""
    return _sector_retired(sector_id, False, "{name} has been reinstated")


@bp.route("/sectors/<int:sector_id>/delete", methods=["POST"])
@admin_only
def sector_delete(sector_id: int):
    """Delete a sector or theme nothing uses (added by mistake); a used one is refused with 409
    and what uses it, and can be retired instead."""
    sector = db.get_or_404(Sector, sector_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = sector.name
    try:
        sector_services.delete_sector(sector, current_user)
    except sector_services.SectorInUse as refused:
        db.session.rollback()
        return _render_sectors(str(refused), 409)
    db.session.commit()
    flash(f"{name} has been deleted", "success")
    return redirect(url_for("admin.sectors"))


def _sector_retired(sector_id: int, retired: bool, message: str):
    sector = db.get_or_404(Sector, sector_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    sector_services.set_retired(sector, retired, current_user)
    db.session.commit()
    flash(message.format(name=sector.name), "success")
    return redirect(url_for("admin.sectors"))
