"""/proposals/<id>/priorities: the sectors and themes a proposal serves, ranked, with their shares."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.auth.access import signed_in, staff_only
from tracker.extensions import db
from tracker.priorities.forms import PriorityForm
from tracker.priorities.models import SectorPriority
from tracker.priorities.services import (
    PriorityRefused,
    add_priority,
    percent_text,
    remove_priority,
    total_share,
)
from tracker.proposals.views import get_proposal

bp = Blueprint("priorities", __name__)


@bp.route("/<int:proposal_id>/priorities")
@signed_in
def index(proposal_id: int):
    """The proposal's priorities by rank; staff may add and remove them until submission."""
    return _render_index(get_proposal(proposal_id), PriorityForm())


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
    return _render_index(proposal, form, status=400)


@bp.route("/<int:proposal_id>/priorities/<int:priority_id>/remove", methods=["POST"])
@staff_only
def remove(proposal_id: int, priority_id: int):
    """Remove one of the proposal's priorities; the ones below move up."""
    proposal = get_proposal(proposal_id, check_edit=True)
    priority = db.session.get(SectorPriority, priority_id, options=[joinedload(SectorPriority.sector)])
    if priority is None or priority.proposal_id != proposal.id:
        abort(404)
    remove_priority(proposal, priority, current_user)
    db.session.commit()
    flash(f"{priority.sector.name} is no longer a priority", "success")
    return redirect(url_for("priorities.index", proposal_id=proposal.id))


def _render_index(proposal, form: PriorityForm, status: int = 200):
    """The priorities page, one page of priorities at a time."""
    page = db.paginate(
        select(SectorPriority)
        .where(SectorPriority.proposal_id == proposal.id)
        .order_by(SectorPriority.rank)
        .options(joinedload(SectorPriority.sector)),
        per_page=current_app.config["PAGE_SIZE"], error_out=False,
    )
    return render_template(
        "priorities/index.html", proposal=proposal, page=page, total=total_share(proposal.id),
        percent_text=percent_text, form=form, can_edit=proposal.can_edit(current_user),
        title="Sector priorities",
    ), status
