"""/proposals/<id>/priorities: the sectors and themes a proposal serves, ranked, with their
shares; staff keep the list, experts endorse or challenge it, staff answer challenges."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.auth.access import allow, signed_in, staff_only
from tracker.auth.models import Role
from tracker.concurrency import EditConflict, conflicting_fields
from tracker.contributions.models import ContributionKind, ContributionStatus
from tracker.contributions.queries import contribution_with_details
from tracker.extensions import db
from tracker.priorities import queries
from tracker.priorities.forms import (
    EditPriorityForm,
    PriorityForm,
    ReplyForm,
    StanceForm,
    TakeInForm,
    reorder_form,
)
from tracker.priorities.models import StanceKind
from tracker.priorities.services import (
    OrderChanged,
    PriorityRefused,
    ReorderRefused,
    add_priority,
    order_key,
    percent_text,
    ranked_priorities,
    remove_priority,
    reorder_priorities,
    take_in_recommendation,
    taken_in_as,
    total_share,
    update_priority,
)
from tracker.priorities.stances import StanceRefused, answer_challenge, stance_refusal, take_stance
from tracker.proposals.views import get_proposal

bp = Blueprint("priorities", __name__)


def _page_arg() -> int | None:
    """The page of priorities a form was sent from (None for the first), to come back to it."""
    page = request.args.get("page", 1, type=int)
    return page if page > 1 else None


def _get_priority(proposal, priority_id: int):
    """One of the proposal's priorities, with its sector, or 404."""
    priority = queries.priority_of(proposal.id, priority_id)
    if priority is None:
        abort(404)
    return priority


def _back_to(proposal, priority_id: int | None = None):
    """The priorities page (the page a form came from), at one priority when given."""
    anchor = f"priority-{priority_id}" if priority_id else None
    return redirect(url_for("priorities.index", proposal_id=proposal.id, page=_page_arg(), _anchor=anchor))


@bp.route("/<int:proposal_id>/priorities")
@signed_in
def index(proposal_id: int):
    """The proposal's priorities by rank, what experts said of each, and staff's answers; staff
    change them until submission, experts endorse or challenge them while input is open."""
    return _render_index(get_proposal(proposal_id))


@bp.route("/<int:proposal_id>/priorities", methods=["POST"])
@staff_only
def add(proposal_id: int):
    """Add a sector priority at the next rank; a refused one is explained beside its field."""
    proposal = get_proposal(proposal_id, check_edit=True)
    form = PriorityForm()
    if form.validate_on_submit():
        try:
            priority = add_priority(
                proposal, form.sector(), form.share.data, form.rationale.data, current_user
            )
        except PriorityRefused as refused:
            db.session.rollback()
            form[refused.field].errors.append(refused.message)
            proposal = get_proposal(proposal_id, check_edit=True)
        else:
            db.session.commit()
            flash(f"Priority {priority.rank} has been added", "success")
            return redirect(url_for("priorities.index", proposal_id=proposal.id))
    return _render_index(proposal, add_form=form, status=400)


@bp.route("/<int:proposal_id>/priorities/<int:priority_id>/edit", methods=["GET", "POST"])
@staff_only
def edit(proposal_id: int, priority_id: int):
    """Change a priority's share and rationale; a save made on an old version gets 409 with
    what was typed kept."""
    proposal = get_proposal(proposal_id, check_edit=True)
    priority = _get_priority(proposal, priority_id)
    opened = request.method == "GET"
    form = EditPriorityForm(obj=priority if opened else None)
    if opened:
        form.edit_version.data = priority.version
    elif form.validate_on_submit():
        try:
            changed = update_priority(proposal, priority, form.share.data, form.rationale.data,
                                      form.started_from(), current_user)
        except EditConflict:
            db.session.rollback()
            return _edit_conflict(proposal_id, priority_id, form)
        except PriorityRefused as refused:
            db.session.rollback()
            form[refused.field].errors.append(refused.message)
            proposal = get_proposal(proposal_id, check_edit=True)
            return _render_edit(proposal, _get_priority(proposal, priority_id), form, 400)
        message = f"{priority.sector.name} has been saved" if changed else "Nothing was changed"
        db.session.commit()
        flash(message, "success")
        return redirect(url_for("priorities.index", proposal_id=proposal.id))
    return _render_edit(proposal, priority, form, 200 if opened else 400)


def _render_edit(proposal, priority, form: EditPriorityForm, status: int, conflicts=None):
    """The form to change a priority, with what someone else saved meanwhile (`conflicts`)."""
    return render_template(
        "priorities/edit.html", proposal=proposal, priority=priority, form=form,
        others=total_share(proposal.id) - priority.share, percent_text=percent_text,
        conflicts=conflicts, title=f"Change {priority.sector.name}",
    ), status


def _edit_conflict(proposal_id: int, priority_id: int, form: EditPriorityForm):
    """Someone saved the priority since the form was opened: keep what was typed, show both."""
    proposal = get_proposal(proposal_id, check_edit=True)
    priority = _get_priority(proposal, priority_id)
    labels = {"share": "Share of the funding ask", "rationale": "Rationale"}
    saved = {"share": percent_text(priority.share), "rationale": priority.rationale}
    typed = {"share": f"{form.share.raw}%" if form.share.raw else "", "rationale": form.rationale.data}
    form.edit_version.data = priority.version
    form.form_errors.append(
        "Someone else changed this priority while you were editing it. Your changes have not "
        "been saved yet: check the differences below, then save again."
    )
    return _render_edit(proposal, priority, form, 409, conflicting_fields(saved, typed, labels))


@bp.route("/<int:proposal_id>/priorities/<int:priority_id>/remove", methods=["POST"])
@staff_only
def remove(proposal_id: int, priority_id: int):
    """Remove one of the proposal's priorities; the ones below move up."""
    proposal = get_proposal(proposal_id, check_edit=True)
    priority = _get_priority(proposal, priority_id)
    name = priority.sector.name
    remove_priority(proposal, priority, current_user)
    db.session.commit()
    flash(f"{name} is no longer a priority", "success")
    return redirect(url_for("priorities.index", proposal_id=proposal.id))


@bp.route("/<int:proposal_id>/priorities/order", methods=["GET", "POST"])
@staff_only
def reorder(proposal_id: int):
    """Put the priorities in a new order in one save: a position for each, 1 to n, each once.
    Works without JavaScript; with it, rows also move by drag and drop or Move up/down."""
    proposal = get_proposal(proposal_id, check_edit=True)
    priorities = ranked_priorities(proposal.id)
    form = reorder_form(priorities)
    if request.method == "GET":
        form.seen_order.data = order_key(priorities)
        return _render_order(proposal, priorities, form)
    if not form.validate_on_submit():
        return _render_order(proposal, priorities, form, 400)
    try:
        changed = reorder_priorities(proposal, form.positions(), form.seen_order.data or "", current_user)
    except ReorderRefused as refused:
        db.session.rollback()
        for priority_id, message in refused.problems.items():
            form[f"position_{priority_id}"].errors.append(message)
        return _render_order(get_proposal(proposal_id), ranked_priorities(proposal_id), form, 400)
    except OrderChanged:
        db.session.rollback()
        return _order_changed(proposal_id)
    db.session.commit()
    flash("The new order has been saved" if changed else "The order was not changed", "success")
    return redirect(url_for("priorities.index", proposal_id=proposal.id))


def _order_changed(proposal_id: int):
    """Priorities were added, removed or reordered meanwhile: show them as they are now, with
    the positions this person chose for those still there."""
    proposal = get_proposal(proposal_id, check_edit=True)
    priorities = ranked_priorities(proposal.id)
    form = reorder_form(priorities)  # the positions sent, for the priorities still there
    form.seen_order.data = order_key(priorities)
    form.form_errors.append(
        "The priorities changed while you were ordering them: someone added, removed or "
        "reordered one. Nothing has been saved: check the order below, then save it again."
    )
    return _render_order(proposal, priorities, form, 409)


def _render_order(proposal, priorities, form, status: int = 200):
    """The form that orders every priority."""
    return render_template(
        "priorities/order.html", proposal=proposal, priorities=priorities, form=form,
        percent_text=percent_text, title="Change the order of priorities",
    ), status


@bp.route("/<int:proposal_id>/priorities/<int:priority_id>/stance", methods=["POST"])
@allow(Role.EXPERT)
def stance(proposal_id: int, priority_id: int):
    """An expert endorses or challenges a priority, or changes what they said, while the
    proposal is open for input; a challenge needs a comment."""
    proposal = get_proposal(proposal_id)
    priority = _get_priority(proposal, priority_id)
    refusal = stance_refusal(proposal, current_user)
    if refusal:
        return _render_index(proposal, refused=refusal, status=403)
    form = StanceForm(priority)
    if form.validate_on_submit():
        try:
            taken = take_stance(proposal, priority, current_user, form.chosen_kind(), form.comment.data or "")
        except StanceRefused as refused:
            db.session.rollback()
            (form[refused.field].errors if refused.field else form.form_errors).append(refused.message)
            return _render_index(get_proposal(proposal_id), failed=form, status=400)
        if taken is None:
            message = "Your stance was not changed"
        else:
            message = f"You {'endorsed' if taken.kind is StanceKind.ENDORSE else 'challenged'} {priority.sector.name}"
        db.session.commit()
        flash(message, "success")
        return _back_to(proposal, priority_id)
    return _render_index(proposal, failed=form, status=400)


@bp.route("/<int:proposal_id>/priorities/<int:priority_id>/stances/<int:stance_id>/reply",
          methods=["POST"])
@staff_only
def reply(proposal_id: int, priority_id: int, stance_id: int):
    """Staff answer an expert's challenge; the expert is told. A reply to a challenge the
    expert changed meanwhile gets 409, with the reply kept."""
    proposal = get_proposal(proposal_id)
    priority = _get_priority(proposal, priority_id)
    challenge = queries.stance_on(priority.id, stance_id)
    if challenge is None:
        abort(404)
    form = ReplyForm(challenge)
    if form.validate_on_submit():
        try:
            answer_challenge(proposal, priority, challenge, form.reply.data or "", form.started_from(),
                             current_user)
        except EditConflict:
            db.session.rollback()
            form.edit_version.data = queries.stance_on(priority_id, stance_id).version
            form.form_errors.append(
                "The expert changed what they said while you were replying. Your reply has not "
                "been saved yet: read their stance again below, then send your reply."
            )
            return _render_index(get_proposal(proposal_id), failed=form, status=409)
        except StanceRefused as refused:
            db.session.rollback()
            (form[refused.field].errors if refused.field else form.form_errors).append(refused.message)
            return _render_index(get_proposal(proposal_id), failed=form, status=400)
        message = f"Your reply to {challenge.expert.name} has been sent"
        db.session.commit()
        flash(message, "success")
        return _back_to(proposal, priority_id)
    return _render_index(proposal, failed=form, status=400)


def _render_index(proposal, *, add_form: PriorityForm | None = None, failed=None,
                  refused: str | None = None, status: int = 200):
    """The priorities page, one page of priorities at a time, each with what experts said.
    `failed` is an expert's or staff's form that was refused, shown again as it was filled in."""
    page = queries.priorities_page(proposal.id)
    ids = [priority.id for priority in page.items]
    stances = queries.stances_on(ids)
    can_edit = proposal.can_edit(current_user)
    add_form = add_form or (PriorityForm(formdata=None) if can_edit else None)
    stance_forms = {}
    closed = stance_refusal(proposal, current_user) if current_user.is_expert else None
    if current_user.is_expert and not closed:
        stance_forms = {priority.id: _stance_form(priority, stances[priority.id], failed)
                        for priority in page.items}
    reply_forms = {}
    for stance in (stance for priority_id in ids for stance in stances[priority_id]):
        unanswered = not stance.reply or stance.reply_is_to_earlier_stance
        was_sent = isinstance(failed, ReplyForm) and failed.stance_id == stance.id
        if was_sent or (stance.can_answer(current_user) and unanswered):
            reply_forms[stance.id] = _reply_form(stance, failed)
    return render_template(
        "priorities/index.html", proposal=proposal, page=page, total=total_share(proposal.id),
        percent_text=percent_text, can_edit=can_edit, add_form=add_form,
        counts=queries.stance_counts(ids), stances=stances, stance_forms=stance_forms,
        reply_forms=reply_forms, closed=closed, refused=refused, page_arg=_page_arg(),
        kinds=StanceKind, form=failed or add_form, title="Sector priorities",
    ), status


def _stance_form(priority, stances, failed) -> StanceForm:
    """The expert's form for one priority: as they sent it when it was refused, else what they
    said before (if anything)."""
    if isinstance(failed, StanceForm) and failed.priority_id == priority.id:
        return failed
    form = StanceForm(priority, formdata=None)
    own = next((stance for stance in stances if stance.expert_id == current_user.id), None)
    if own is not None:
        form.kind.data, form.comment.data = own.kind.value, own.comment
    return form


def _reply_form(stance, failed) -> ReplyForm:
    """Staff's reply form under one challenge (as sent, when it was refused)."""
    if isinstance(failed, ReplyForm) and failed.stance_id == stance.id:
        return failed
    form = ReplyForm(stance, formdata=None)
    form.edit_version.data = stance.version
    return form


@bp.route("/<int:proposal_id>/priorities/from-input/<int:contribution_id>", methods=["POST"])
@staff_only
def from_contribution(proposal_id: int, contribution_id: int):
    """Make a priority recommendation a priority, credited to it, in one step; input still
    waiting for an answer is answered as accepted. Refusals are shown with the form."""
    proposal = get_proposal(proposal_id)
    contribution = _get_contribution(proposal, contribution_id)
    form = TakeInForm()
    if form.validate_on_submit():
        sector = form.sector()
        try:
            priority = take_in_recommendation(proposal, contribution, sector, form.share.data,
                                              form.rationale.data, current_user)
        except PriorityRefused as refused:
            db.session.rollback()
            (form[refused.field].errors if refused.field else form.form_errors).append(refused.message)
            proposal = get_proposal(proposal_id)
            return _render_take_in(proposal, _get_contribution(proposal, contribution_id), form,
                                   409 if refused.field is None else 400)
        message = f"{sector.name} is now priority {priority.rank}, from input “{contribution.title}”"
        anchor = f"priority-{priority.id}"
        db.session.commit()
        flash(message, "success")
        return redirect(url_for("priorities.index", proposal_id=proposal_id, _anchor=anchor))
    return _render_take_in(proposal, contribution, form, 400)


def _get_contribution(proposal, contribution_id: int):
    """A contribution on this proposal, with its details, or 404."""
    contribution = contribution_with_details(contribution_id)
    if contribution is None or contribution.proposal_id != proposal.id:
        abort(404)
    return contribution


def _render_take_in(proposal, contribution, form: TakeInForm, status: int):
    """The form to make input a priority, on its own, with why it was refused."""
    return render_template(
        "priorities/from_contribution.html", proposal=proposal, contribution=contribution,
        take_in={"form": form, "priority": None}, form=form, title="Make this input a priority",
    ), status


@bp.app_template_global("priority_take_in")
def priority_take_in(contribution) -> dict | None:
    """For the contribution page: staff's form to make a priority recommendation a priority,
    or the priority it became; None when neither applies."""
    if not (current_user.is_authenticated and current_user.is_staff):
        return None
    if contribution.kind is not ContributionKind.PRIORITY_RECOMMENDATION:
        return None
    priority = taken_in_as(contribution.id)
    if priority is not None:
        return {"form": None, "priority": priority}
    if contribution.status is ContributionStatus.WITHDRAWN or not contribution.proposal.can_edit(current_user):
        return None
    return {"form": TakeInForm(formdata=None).start_from(contribution), "priority": None}

