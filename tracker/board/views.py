"""/proposals/<id>/board: the board's review rounds, decisions and tally."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.auth.access import allow, signed_in
from tracker.auth.models import Role
from tracker.board.forms import DECISION_HINTS, DecisionForm
from tracker.board.services import (
    DecisionRefused,
    record_decision,
    round_open_to,
    rounds_with_decisions,
    tallies,
    tally_sentence,
)
from tracker.extensions import db
from tracker.forms import ButtonForm
from tracker.proposals.views import get_proposal

bp = Blueprint("board", __name__)


@bp.route("/<int:proposal_id>/board")
@signed_in
def review(proposal_id: int):
    """The proposal's review rounds, newest first: tally, decisions, and the member's own form."""
    return _render_review(get_proposal(proposal_id), DecisionForm())


@bp.route("/<int:proposal_id>/board", methods=["POST"])
@allow(Role.BOARD)
def decide(proposal_id: int):
    """Record or change the signed-in board member's decision in the open round."""
    proposal = get_proposal(proposal_id)
    form = DecisionForm()
    try:
        round_open_to(proposal, current_user)  # a closed round is refused whatever was typed
        if not form.validate_on_submit():
            return _render_review(proposal, form, status=400)
        record_decision(proposal, current_user, form.kind(), form.comment.data or "")
    except DecisionRefused as refused:
        db.session.rollback()
        refusal = ButtonForm()
        refusal.form_errors.append(str(refused))
        return _render_review(get_proposal(proposal_id), form, refusal=refusal, status=400)
    db.session.commit()
    flash(f"Your decision on {proposal.title} has been recorded: {form.kind().label}", "success")
    return redirect(url_for("board.review", proposal_id=proposal.id))


def _render_review(proposal, form: DecisionForm, refusal: ButtonForm | None = None, status: int = 200):
    """The board page; the member's current decision fills the form until they type their own."""
    rounds = db.paginate(
        rounds_with_decisions(proposal.id), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    results = tallies([review_round.id for review_round in rounds.items], proposal.programme.board_quorum)
    current = rounds.items[0] if rounds.page == 1 and rounds.items else None
    can_decide = current is not None and current.can_decide(current_user, proposal)
    if can_decide and not form.is_submitted():
        mine = next((d for d in current.decisions if d.member_id == current_user.id), None)
        if mine is not None:
            form.decision.data, form.comment.data = mine.decision.value, mine.comment
    return render_template(
        "board/review.html", proposal=proposal, rounds=rounds, current=current, results=results,
        tally_sentence=tally_sentence, can_decide=can_decide, decision_form=form,
        decision_hints=DECISION_HINTS, form=refusal or form, title="Board review",
    ), status
