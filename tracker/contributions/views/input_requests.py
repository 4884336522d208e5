"""Requests for input on a proposal: staff make them and follow which are answered, board
members read them, experts see those addressed to them; staff set or extend the date input closes."""

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker.auth.access import signed_in, staff_only
from tracker.auth.models import User
from tracker.contributions import input_requests as requests_service
from tracker.contributions.forms import InputRequestForm, InputWindowForm
from tracker.contributions.input_requests import RequestRefused
from tracker.contributions.services import input_is_open
from tracker.contributions.views import bp
from tracker.extensions import db
from tracker.proposals.models import ProposalStage
from tracker.proposals.views import get_proposal
from tracker.sections.queries import sections_of
from tracker.sectors.models import Sector
from tracker.templating import long_date


@bp.route("/proposals/<int:proposal_id>/requests", methods=["GET", "POST"])
@signed_in
def requests(proposal_id: int):
    """A proposal's requests for input. Staff see them all and ask for more; board members read
    them; an expert sees those addressed to them, with a link to give input while it is open."""
    proposal = get_proposal(proposal_id)
    if request.method == "GET":
        return _render(proposal)
    if not proposal.can_manage_input(current_user):
        abort(403)
    if proposal.stage is not ProposalStage.CO_CREATION:
        return _not_in_co_creation(proposal, "Requests for input can be made")
    form = _request_form(proposal)
    if form.validate_on_submit():
        try:
            made = requests_service.ask_for_input(
                proposal, current_user, message=form.message.data, due_on=form.due_on.data,
                today=date.today(), experts=_chosen_experts(form.expert_ids.data),
                sector=db.session.get(Sector, form.sector_id.data) if form.sector_id.data else None,
                section=form.chosen_section(),
            )
            asked = len(made.recipients)
            db.session.commit()
        except RequestRefused as refused:
            db.session.rollback()
            _show_refusal(form, refused)
        else:
            flash(f"Your request for input has gone to {asked} expert{'s' if asked != 1 else ''}", "success")
            return redirect(url_for("contributions.requests", proposal_id=proposal.id))
    return _render(proposal, request_form=form)


@bp.route("/proposals/<int:proposal_id>/input-closes", methods=["POST"])
@staff_only
def extend_input(proposal_id: int):
    """Set or extend the date input on a proposal closes, while it is in co-creation."""
    proposal = get_proposal(proposal_id)
    if not proposal.can_manage_input(current_user):
        abort(403)
    if proposal.stage is not ProposalStage.CO_CREATION:
        return _not_in_co_creation(proposal, "The date input closes can be changed")
    form = InputWindowForm()
    if form.validate_on_submit():
        closes_on = form.input_closes_on.data
        try:
            changed = requests_service.set_input_close_date(proposal, closes_on, current_user, date.today())
            db.session.commit()
        except RequestRefused as refused:
            db.session.rollback()
            _show_refusal(form, refused)
        else:
            flash(f"Input now closes on {long_date(closes_on)}" if changed
                  else f"Input already closes on {long_date(closes_on)}: nothing changed", "success")
            return redirect(url_for("contributions.requests", proposal_id=proposal.id))
    return _render(proposal, window_form=form)


def _request_form(proposal) -> InputRequestForm:
    """The form to ask for input, offering the proposal's sections, active experts and sectors."""
    return InputRequestForm(sections_of(proposal.id), requests_service.expert_choices(),
                            requests_service.sector_choices())


def _chosen_experts(ids: list[int]) -> list[User]:
    """The people ticked (the service checks each is an active expert)."""
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids))))


def _show_refusal(form, refused: RequestRefused) -> None:
    """Put the service's refusal beside the field it is about, or at the top of the form."""
    field = getattr(form, refused.field, None) if refused.field else None
    if field is not None:
        field.errors = [*field.errors, str(refused)]
    else:
        form.form_errors.append(str(refused))


def _not_in_co_creation(proposal, doing: str):
    """The page, refused with the reason: neither requests nor close dates outside co-creation."""
    reason = f"{doing} only while the proposal is in co-creation: it is at {proposal.stage.label}."
    return _render(proposal, refused=reason, status=403)


def _render(proposal, *, request_form=None, window_form=None, refused: str | None = None,
            status: int = 200):
    """The page for the reader: an expert gets only the requests addressed to them (with their own
    status); staff also get the forms to ask for input and to move the close date."""
    today = date.today()
    reader_id = current_user.id if current_user.is_expert else None
    query = (requests_service.requests_to(reader_id, proposal.id) if reader_id is not None
             else requests_service.requests_on(proposal.id))
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    manages = (proposal.can_manage_input(current_user)
               and proposal.stage is ProposalStage.CO_CREATION and refused is None)
    if manages:
        request_form = request_form or _request_form(proposal)
        window_form = window_form or InputWindowForm(input_closes_on=proposal.input_closes_on)
    else:
        request_form = window_form = None
    shown_form = request_form if request_form is not None and request_form.errors else window_form
    return render_template(
        "contributions/requests.html", proposal=proposal, page=page,
        rows=requests_service.request_rows(page.items, today, reader_id=reader_id),
        input_open=input_is_open(proposal, today),
        in_co_creation=proposal.stage is ProposalStage.CO_CREATION, request_form=request_form,
        window_form=window_form, form=shown_form, refused=refused, title="Requests for input",
    ), status
