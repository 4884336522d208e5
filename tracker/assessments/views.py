"""/proposals/<id>/submitted and /proposals/<id>/assessment: the submitted text, Innovate UK's
assessment as staff record it, clarification requests and the outcome."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.assessments import services
from tracker.assessments.forms import AnswerForm, ClarificationForm, OutcomeForm, review_form
from tracker.assessments.models import MAX_SCORE
from tracker.assessments.queries import (
    clarification_of,
    clarifications_page,
    open_clarification,
    outcome_of,
    reviews_of,
    submitted_version_of,
)
from tracker.assessments.services import ASSESSABLE_STAGES, AssessmentRefused
from tracker.auth.access import signed_in, staff_only
from tracker.concurrency import EditConflict
from tracker.extensions import db
from tracker.proposals.models import ProposalStage
from tracker.proposals.stages import StageMoveRefused
from tracker.proposals.views import get_proposal

bp = Blueprint("assessments", __name__)

TITLE = "Innovate UK assessment"


@bp.route("/<int:proposal_id>/submitted")
@signed_in
def submitted(proposal_id: int):
    """The exact revisions submitted to Innovate UK, printable; says so when not submitted yet."""
    proposal = get_proposal(proposal_id)
    return render_template(
        "assessments/submitted.html", proposal=proposal,
        version=submitted_version_of(proposal.id), title="Submitted version",
    )


@bp.route("/<int:proposal_id>/assessment")
@signed_in
def assessment(proposal_id: int):
    """The assessment's figures, each assessor's scores, clarifications and the outcome."""
    return _render_assessment(get_proposal(proposal_id))


@bp.route("/<int:proposal_id>/assessment/reviews", methods=["POST"])
@staff_only
def record_review(proposal_id: int):
    """Record one assessor's scores, recommendation and feedback, or replace them."""
    proposal = _proposal_to_record(proposal_id)
    form = review_form(services.assessed_sections(proposal.id))
    if form.validate_on_submit():
        try:
            services.record_review(
                proposal, form.number(), form.scores(), form.recommends_funding(),
                form.feedback.data or "", current_user, seen_version=form.seen_version(form.number()),
            )
        except AssessmentRefused as refused:
            _show_refusal(form, refused)
        except EditConflict:
            db.session.rollback()
            form.note_seen(reviews_of(proposal.id))
            form.form_errors.append(
                f"Someone else recorded assessor {form.number()}'s review while you were typing, "
                "so yours has not been saved. Their scores are in the table above; save again "
                "to replace them with yours."
            )
            response, _ = _render_assessment(get_proposal(proposal_id), {"review": form})
            return response, 409
        else:
            return _saved(proposal, f"Assessor {form.number()}'s review has been recorded")
    return _render_refused(proposal_id, review=form)


@bp.route("/<int:proposal_id>/assessment/clarifications", methods=["POST"])
@staff_only
def ask_clarification(proposal_id: int):
    """Record Innovate UK's question; the proposal moves to clarification requested."""
    proposal = _proposal_to_record(proposal_id)
    form = ClarificationForm()
    if form.validate_on_submit():
        try:
            services.ask_clarification(proposal, form.question.data, form.asked_on.data, current_user)
        except StageMoveRefused as refused:
            form.form_errors.extend(refused.problems)
        else:
            return _saved(proposal, f"The question has been recorded: {proposal.title} is now at "
                                    f"{proposal.stage.label}")
    return _render_refused(proposal_id, clarification=form)


@bp.route("/<int:proposal_id>/assessment/clarifications/<int:clarification_id>/answer",
          methods=["POST"])
@staff_only
def answer_clarification(proposal_id: int, clarification_id: int):
    """Record the answer sent; the proposal goes back to under assessment."""
    proposal = _proposal_to_record(proposal_id)
    clarification = clarification_of(proposal.id, clarification_id)
    if clarification is None:
        abort(404)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            services.answer_clarification(
                proposal, clarification, form.answer.data, form.answered_on.data, current_user
            )
        except AssessmentRefused as refused:
            _show_refusal(form, refused)
        except StageMoveRefused as refused:
            form.form_errors.extend(refused.problems)
        else:
            return _saved(proposal, f"The answer has been recorded: {proposal.title} is now at "
                                    f"{proposal.stage.label}")
    return _render_refused(proposal_id, answer=form, answering=clarification_id)


@bp.route("/<int:proposal_id>/assessment/outcome", methods=["POST"])
@staff_only
def record_outcome(proposal_id: int):
    """Record Innovate UK's decision; the proposal closes as funded or not funded."""
    proposal = _proposal_to_record(proposal_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            services.record_outcome(
                proposal, form.outcome(), form.decided_on.data, form.conditions.data or "",
                current_user,
            )
        except StageMoveRefused as refused:
            form.result.errors.append(
                f"{form.outcome().label} cannot be recorded yet: " + "; ".join(refused.problems)
            )
        else:
            return _saved(proposal, f"{proposal.title} is now at {proposal.stage.label}")
    return _render_refused(proposal_id, outcome=form)


def _proposal_to_record(proposal_id: int):
    """The proposal, if the person may record its assessment (staff), else 403."""
    proposal = get_proposal(proposal_id)
    if not proposal.can_record_assessment(current_user):
        abort(403)
    return proposal


def _saved(proposal, message: str):
    """Commit the change, say so, and go back to the assessment page."""
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".assessment", proposal_id=proposal.id))


def _show_refusal(form, refused: AssessmentRefused) -> None:
    """Put a service's refusal beside the input at fault, or at the top of the form."""
    field = form[refused.field] if refused.field else None
    (field.errors if field is not None else form.form_errors).append(str(refused))


def _render_refused(proposal_id: int, answering: int | None = None, **posted):
    """Nothing was saved: show the page again with the posted form and its errors in place."""
    db.session.rollback()
    proposal = get_proposal(proposal_id)
    answering_clarification = clarification_of(proposal.id, answering) if answering else None
    return _render_assessment(proposal, posted, answering_clarification, status=400)


def _render_assessment(proposal, posted: dict | None = None, answering=None, status: int = 200):
    """The assessment page; `posted` holds a form sent with errors, shown instead of a blank one."""
    sections = services.assessed_sections(proposal.id)
    reviews = reviews_of(proposal.id)
    answering = answering or open_clarification(proposal.id)
    forms = _blank_forms(proposal, sections, reviews, answering) | (posted or {})
    if "review" in forms:
        forms["review"].offer_assessors(frozenset(review.assessor_number for review in reviews))
    return render_template(
        "assessments/assessment.html", proposal=proposal,
        summary=services.summarise(proposal), sections=sections, reviews=reviews,
        scores={review.assessor_number: review.score_by_section() for review in reviews},
        clarifications=clarifications_page(proposal.id), answering=answering,
        outcome=outcome_of(proposal.id), forms=forms,
        form=next(iter(posted.values())) if posted else None,
        max_score=MAX_SCORE, show_pages=request.method == "GET", title=TITLE,
    ), status


def _blank_forms(proposal, sections, reviews, answering) -> dict:
    """The forms the person may use at the proposal's stage, empty (or filled to change a review)."""
    if not proposal.can_record_assessment(current_user):
        return {}
    forms = {}
    if proposal.stage in ASSESSABLE_STAGES:
        changing = request.args.get("assessor", type=int)
        review = next((r for r in reviews if r.assessor_number == changing), None)
        forms["review"] = review_form(sections, review, formdata=None)
        forms["review"].note_seen(reviews)
    if proposal.stage is ProposalStage.UNDER_ASSESSMENT:
        forms["clarification"] = ClarificationForm(formdata=None)
        forms["outcome"] = OutcomeForm(formdata=None)
    if proposal.stage is ProposalStage.CLARIFICATION_REQUESTED and answering is not None:
        forms["answer"] = AnswerForm(formdata=None)
    return forms
