"""/proposals: list, view, create and edit bids."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.auth.access import signed_in, staff_only
from tracker.auth.models import Role, User
from tracker.concurrency import EditConflict, conflicting_fields
from tracker.database import MAX_ID
from tracker.extensions import db
from tracker.programmes.models import Programme
from tracker.programmes.queries import programme_choices
from tracker.proposals import services
from tracker.proposals.forms import ProposalForm
from tracker.contributions.queries import contribution_count
from tracker.contributions.services import input_is_open
from tracker.dashboard import views as dashboard_views
from tracker.dashboard.figures import proposal_readiness
from tracker.proposals.models import Proposal, ProposalStage
from tracker.notifications.services import is_following
from tracker.proposals.forms import StageForm
from tracker.proposals.queries import (
    UNALLOCATED,
    partly_unallocated,
    sector_choices,
    serving_sector,
    stages_named,
    visible_proposals,
)
from tracker.proposals.stages import (
    MOVE_HINTS,
    MOVE_LABELS,
    NoSuchMove,
    StageMoveRefused,
    UnknownStage,
    WithdrawalNeedsReason,
    guard_problems,
    move_stage,
    moves_from,
    stage_named,
)
from tracker.sections.queries import sections_of
from tracker.sectors.models import Sector

bp = Blueprint("proposals", __name__)


def get_proposal(proposal_id: int, check_edit: bool = False) -> Proposal:
    """Load a proposal and check the reader may see it (404 when missing, 403 when not theirs)."""
    proposal = db.session.get(
        Proposal,
        proposal_id,
        options=[
            joinedload(Proposal.programme),
            joinedload(Proposal.lead_organisation),
            joinedload(Proposal.owner),
            selectinload(Proposal.partners),
        ],
    )
    if proposal is None:
        abort(404)
    if not proposal.can_view(current_user):
        abort(403)
    if check_edit and not proposal.can_edit(current_user):
        abort(403)
    return proposal


def _id_arg(name: str, model, ignored: list[str], label: str) -> int | None:
    """The id in ?name=, when it names a row of `model`; anything else is ignored and said."""
    value = request.args.get(name, "")
    if not value:
        return None
    if value.isdigit() and int(value) <= MAX_ID and db.session.get(model, int(value)) is not None:
        return int(value)
    ignored.append(f"{label} “{value[:40]}”")
    return None


def list_filters() -> dict:
    """The proposals list's filters, read from the address. A value that names nothing is
    ignored and named in "ignored" (the list and its CSV and XLSX exports read them here alike)."""
    ignored: list[str] = []
    stages, unknown_stages = stages_named(request.args.getlist("stage"))
    ignored += [f"Stage “{value[:40]}”" for value in unknown_stages]
    sector = request.args.get("sector", "")
    return {
        "programme": _id_arg("programme", Programme, ignored, "Programme"),
        "owner": _id_arg("owner", User, ignored, "Owner"),
        # One value for the stage select, several joined by commas (the portfolio's links).
        "stage": ",".join(stage.value for stage in stages),
        "stages": stages,
        "sector": UNALLOCATED if sector == UNALLOCATED else _id_arg("sector", Sector, ignored, "Sector or theme"),
        "q": request.args.get("q", "").strip(),
        "ignored": ignored,
    }


def listed_proposals(user, filters: dict):
    """A SELECT of the proposals `user` may see that match `filters`, most recently changed
    first, with the programme, lead organisation and owner each row shows."""
    stages = filters["stages"]
    query = visible_proposals(user).options(
        joinedload(Proposal.programme), joinedload(Proposal.lead_organisation),
        joinedload(Proposal.owner),
    )
    if filters["programme"]:
        query = query.where(Proposal.programme_id == filters["programme"])
    if filters["owner"]:
        query = query.where(Proposal.owner_id == filters["owner"])
    if stages:
        query = query.where(Proposal.stage.in_(stages))
    if filters["sector"] == UNALLOCATED:
        query = query.where(partly_unallocated())
    elif filters["sector"]:
        query = query.where(serving_sector(filters["sector"]))
    if filters["q"]:
        # autoescape: a typed % or _ is looked for as itself, not as a wildcard.
        query = query.where(
            func.lower(Proposal.title).contains(filters["q"].lower(), autoescape=True)
        )
    return query.order_by(Proposal.updated_at.desc(), Proposal.id.desc())


@bp.route("/")
@signed_in
def index():
    """The proposals the reader may see, filtered by programme, sector or theme, stages, owner
    or title."""
    filters = list_filters()
    page = db.paginate(listed_proposals(current_user, filters), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    owners = db.session.execute(
        select(User.id, User.name).where(User.role.in_([Role.STAFF, Role.ADMIN])).order_by(User.name)
    ).all()
    return render_template(
        "proposals/index.html", page=page, filters=filters, stages=list(ProposalStage),
        programmes=programme_choices(), owners=owners, sectors=sector_choices(),
        unallocated=UNALLOCATED, title="Proposals",
    )


@bp.route("/<int:proposal_id>")
@signed_in
def detail(proposal_id: int):
    """A proposal: where it stands, who is in it, and its summary."""
    return _render_detail(get_proposal(proposal_id), StageForm())


def _render_detail(proposal: Proposal, stage_form: StageForm, status: int = 200):
    """The proposal page; staff also see the moves open now and what blocks the others."""
    can_move = proposal.can_change_stage(current_user)
    moves = []
    if can_move:
        moves = [
            {"target": target, "label": MOVE_LABELS[target],
             "hint": MOVE_HINTS.get(target, ""), "problems": guard_problems(proposal, target),
             "needs_reason": target is ProposalStage.WITHDRAWN}
            for target in moves_from(proposal.stage)
        ]
    return render_template(
        "proposals/detail.html", proposal=proposal, sections=sections_of(proposal.id),
        can_move=can_move, moves=moves, stage_form=stage_form,
        form=stage_form if stage_form.errors else None,
        following=is_following(current_user, proposal), input_open=input_is_open(proposal),
        contributions=contribution_count(proposal.id) if not current_user.is_expert else None,
        # Readiness counts input experts may not see, so they do not get the checklist.
        readiness=None if current_user.is_expert else proposal_readiness(proposal, dashboard_views.today()),
        title=proposal.title,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@staff_only
def new():
    """Create a proposal; it starts at draft."""
    form = ProposalForm()
    if request.method == "GET":
        form.programme_id.data = _id_arg("programme", Programme, [], "Programme")
        form.owner_id.data = current_user.id
    if form.validate_on_submit():
        proposal = services.create_proposal(form.values(), current_user)
        db.session.commit()
        flash(f"{proposal.title} has been created as a draft", "success")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return render_template("proposals/form.html", form=form, title="Create a proposal")


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@staff_only
def edit(proposal_id: int):
    """Change a proposal; an edit made on an old version is refused with 409."""
    proposal = get_proposal(proposal_id, check_edit=True)
    form = ProposalForm(proposal=proposal)
    if request.method == "GET":
        form.edit_version.data = proposal.version
    if form.validate_on_submit():
        try:
            services.update_proposal(proposal, form.values(), form.started_from(), current_user)
        except EditConflict:
            db.session.rollback()
            return _conflict(proposal_id, form)
        db.session.commit()
        flash(f"{proposal.title} has been saved", "success")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return render_template(
        "proposals/form.html", form=form, proposal=proposal, title=f"Change {proposal.title}"
    )


def _conflict(proposal_id: int, form: ProposalForm):
    """Keep the person's text in the form and show what the other person saved."""
    proposal = get_proposal(proposal_id, check_edit=True)
    names = _display_names(form, proposal)
    saved = {key: names(key, value) for key, value in services.proposal_values(proposal).items()}
    typed = {key: names(key, value) for key, value in form.values().items()}
    form.edit_version.data = proposal.version
    form.form_errors.append(
        "Someone else changed this proposal while you were editing it. Your changes have not "
        "been saved yet: check the differences below, then save again."
    )
    return render_template(
        "proposals/form.html", form=form, proposal=proposal,
        conflicts=conflicting_fields(saved, typed, services.FIELD_LABELS),
        title=f"Change {proposal.title}",
    ), 409


def _display_names(form: ProposalForm, proposal: Proposal):
    """Show ids as the names people know, using the choices the form already loaded."""
    def labels(field):
        return {choice.value: choice.label for choice in field.choices}

    lookups = {
        "programme_id": labels(form.programme_id),
        "lead_organisation_id": labels(form.lead_organisation_id),
        "owner_id": labels(form.owner_id),
    }
    organisations = labels(form.partner_ids)

    def name(key, value):
        if key in lookups:
            return lookups[key].get(value, value)
        if key == "partner_ids":
            return ", ".join(organisations.get(i, str(i)) for i in value) or None
        if key == "funding_ask" and value is not None:
            return f"£{value:,}"
        return value

    return name




@bp.route("/<int:proposal_id>/stage", methods=["POST"])
@staff_only
def change_stage(proposal_id: int):
    """Move a proposal to another stage; a refused move says what is missing and changes nothing."""
    proposal = get_proposal(proposal_id)
    if not proposal.can_change_stage(current_user):
        abort(403)
    form = StageForm()
    if form.validate_on_submit():
        try:
            target = stage_named(form.target.data or "")
            move_stage(proposal, target, current_user, form.comment.data or "", form.reason.data or "")
        except WithdrawalNeedsReason as refused:
            form.reason.errors.append(str(refused))
        except (UnknownStage, NoSuchMove) as refused:
            form.target.errors.append(str(refused))
        except StageMoveRefused as refused:
            form.target.errors.append(f"{MOVE_LABELS[target]} is not possible yet. {refused}")
        else:
            db.session.commit()
            flash(f"{proposal.title} is now at {target.label}", "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    db.session.rollback()
    return _render_detail(get_proposal(proposal_id), form, 400)
