"""/programmes/<id>/prioritisation: the programme's weighted criteria, staff and board members'
scores against them, the ranking beside Innovate UK's percentage, and dependencies."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import exists, select

from tracker.auth.access import allow, staff_only
from tracker.auth.models import Role
from tracker.concurrency import EditConflict
from tracker.extensions import db
from tracker.prioritisation import queries, services
from tracker.prioritisation.forms import (
    BLANK_ROWS,
    DependencyForm,
    criteria_form,
    posted_row_count,
    scores_form,
)
from tracker.prioritisation.models import (
    MAX_SCORE,
    SCORABLE_STAGES,
    Criterion,
    CriterionScore,
    can_set_dependencies,
    proposal_dependency,
)
from tracker.programmes.models import Programme
from tracker.proposals.models import Proposal
from tracker.proposals.views import get_proposal

bp = Blueprint("prioritisation", __name__)

# Staff and board members read and score; experts are refused.
READERS = (Role.STAFF, Role.ADMIN, Role.BOARD)


@bp.route("/<int:programme_id>/prioritisation")
@allow(*READERS)
def ranking(programme_id: int):
    """The programme's proposals ranked by weighted score, beside Innovate UK's percentage,
    whether it clears the threshold, and the dependency flag."""
    programme = db.get_or_404(Programme, programme_id)
    criteria = queries.criteria_of(programme.id)
    page = queries.paginate_list(queries.ranking(programme.id, criteria))
    ids = [row.proposal_id for row in page.items]
    threshold = programme.assessment_threshold
    return render_template(
        "prioritisation/ranking.html", programme=programme, criteria=criteria, page=page,
        assessments=queries.assessment_summaries(ids, threshold),
        dependencies=queries.dependencies_of(ids, threshold),
        can_edit_criteria=Criterion.can_edit(current_user), title="Regional prioritisation",
    )


@bp.route("/<int:programme_id>/prioritisation/criteria", methods=["GET", "POST"])
@staff_only
def criteria(programme_id: int):
    """Change the whole set of criteria in one form: weights add up to 100, names unique;
    removing a criterion with scores needs the confirmation that its scores are deleted."""
    programme = db.get_or_404(Programme, programme_id)
    saved = queries.criteria_of(programme.id)
    if request.method == "POST":
        form = criteria_form(posted_row_count(request.form))
    else:
        form = criteria_form(len(saved) + BLANK_ROWS, saved)
        form.set_stamp.data = services.criteria_stamp(saved)
    status = 200
    if form.validate_on_submit():
        try:
            changes = services.set_criteria(
                programme, form.rows(), current_user, delete_scores=form.delete_scores.data,
                seen_stamp=form.set_stamp.data,
            )
        except services.CriteriaRefused as refused:
            db.session.rollback()
            _place_problems(form, refused.problems)
            status = 400
        except EditConflict:
            db.session.rollback()
            saved = queries.criteria_of(programme.id)
            form.set_stamp.data = services.criteria_stamp(saved)
            form.form_errors.append(
                "Someone else changed the criteria while you were editing them, so yours have not "
                "been saved. The criteria as saved now are listed above the form; check your "
                "changes against them and save again."
            )
            status = 409
        else:
            db.session.commit()
            flash("The criteria have been saved" if changes else "Nothing has changed", "success")
            return redirect(url_for(".ranking", programme_id=programme.id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "prioritisation/criteria.html", programme=programme, form=form, saved=saved,
        conflict=status == 409, title="Prioritisation criteria",
    ), status


def _place_problems(form, problems) -> None:
    """Each problem beside its field: a row's name or weight, the confirmation, or the top."""
    for problem in problems:
        name = f"{problem.field}_{problem.row}" if problem.row else problem.field
        field = form[name] if name and name in form else None
        (field.errors if field is not None else form.form_errors).append(problem.message)


@bp.route("/<int:programme_id>/prioritisation/proposals/<int:proposal_id>")
@allow(*READERS)
def proposal(programme_id: int, proposal_id: int):
    """One proposal: every scorer's scores, the averages, the weighted total, the reader's own
    score form and the proposals it depends on."""
    return _render_proposal(_proposal_in(programme_id, proposal_id))


@bp.route("/<int:programme_id>/prioritisation/proposals/<int:proposal_id>/scores",
          methods=["POST"])
@allow(*READERS)
def score(programme_id: int, proposal_id: int):
    """Record or replace the signed-in person's scores; a save from an older form (another
    tab) is refused with 409, keeping what they typed."""
    proposal = _proposal_in(programme_id, proposal_id)
    if not CriterionScore.can_score(current_user, proposal):
        abort(403)
    form = scores_form(queries.criteria_of(proposal.programme_id))
    if form.validate_on_submit():
        try:
            services.record_scores(proposal, form.scores(), form.notes(), current_user,
                                   seen=form.seen())
        except services.ScoringRefused as refused:
            db.session.rollback()
            name = f"criterion_{refused.criterion_id}"
            (form[name].errors if name in form else form.form_errors).append(str(refused))
        except EditConflict:
            db.session.rollback()
            form.note_seen(queries.scores_of(proposal_id, current_user.id))
            form.form_errors.append(
                "You saved scores for this proposal in another window or tab after opening this "
                "one, so these have not been saved. Your saved scores are in the table above; "
                "save again to replace them with the ones below."
            )
            return _render_proposal(_proposal_in(programme_id, proposal_id), {"scores": form},
                                    status=409)
        else:
            db.session.commit()
            flash(f"Your scores for {proposal.title} have been saved", "success")
            return redirect(url_for(".proposal", programme_id=programme_id, proposal_id=proposal_id))
    return _render_proposal(_proposal_in(programme_id, proposal_id), {"scores": form}, status=400)


@bp.route("/<int:programme_id>/prioritisation/proposals/<int:proposal_id>/dependencies",
          methods=["POST"])
@staff_only
def add_dependency(programme_id: int, proposal_id: int):
    """Record that the proposal depends on another of the programme (no cycles)."""
    proposal = _proposal_in(programme_id, proposal_id)
    form = DependencyForm()
    if form.validate_on_submit():
        depends_on = db.session.get(Proposal, form.depends_on_id() or 0)
        try:
            services.add_dependency(proposal, depends_on, current_user)
        except services.DependencyRefused as refused:
            db.session.rollback()
            form.depends_on.errors.append(str(refused))
        else:
            db.session.commit()
            flash(f"{proposal.title} now depends on {depends_on.title}", "success")
            return redirect(url_for(".proposal", programme_id=programme_id, proposal_id=proposal_id))
    return _render_proposal(_proposal_in(programme_id, proposal_id), {"dependency": form},
                            status=400)


@bp.route("/<int:programme_id>/prioritisation/proposals/<int:proposal_id>/dependencies/"
          "<int:depends_on_id>/remove", methods=["POST"])
@staff_only
def remove_dependency(programme_id: int, proposal_id: int, depends_on_id: int):
    """The proposal no longer depends on that one."""
    proposal = _proposal_in(programme_id, proposal_id)
    depends_on = db.session.get(Proposal, depends_on_id)
    if depends_on is None or not db.session.scalar(select(exists().where(
        proposal_dependency.c.proposal_id == proposal.id,
        proposal_dependency.c.depends_on_id == depends_on.id,
    ))):
        abort(404)
    services.remove_dependency(proposal, depends_on, current_user)
    db.session.commit()
    flash(f"{proposal.title} no longer depends on {depends_on.title}", "success")
    return redirect(url_for(".proposal", programme_id=programme_id, proposal_id=proposal_id))


def _proposal_in(programme_id: int, proposal_id: int) -> Proposal:
    """The proposal, checked as get_proposal checks it, and 404 unless it is in the programme."""
    proposal = get_proposal(proposal_id)
    if proposal.programme_id != programme_id:
        abort(404)
    return proposal


def _render_proposal(proposal, posted: dict | None = None, status: int = 200):
    """The proposal's prioritisation page; `posted` holds a form sent with errors ("scores" or
    "dependency"), shown instead of a blank one and summarised at the top."""
    posted = posted or {}
    criteria = queries.criteria_of(proposal.programme_id)
    scorers = queries.scorers_page(proposal.id)
    can_score = CriterionScore.can_score(current_user, proposal) and bool(criteria)
    scores = posted.get("scores")
    if scores is None and can_score:
        scores = scores_form(criteria, queries.scores_of(proposal.id, current_user.id), formdata=None)
    can_depend = can_set_dependencies(current_user)
    dependency = posted.get("dependency")
    if dependency is None and can_depend:
        dependency = DependencyForm(formdata=None)
    if dependency is not None:
        dependency.offer(queries.dependency_candidates(proposal))
    threshold = proposal.programme.assessment_threshold
    return render_template(
        "prioritisation/proposal.html", proposal=proposal, criteria=criteria,
        figures=queries.figures_for(proposal.id, criteria), scorers=scorers,
        scores=queries.scores_by_scorer(proposal.id, [user.id for user in scorers.items]),
        assessment=queries.assessment_summaries([proposal.id], threshold)[proposal.id],
        dependencies=queries.dependencies_of([proposal.id], threshold)[proposal.id],
        scores_form=scores if can_score else None, dependency_form=dependency,
        can_depend=can_depend, scorable=proposal.stage in SCORABLE_STAGES, max_score=MAX_SCORE,
        can_edit_criteria=Criterion.can_edit(current_user),
        form=next(iter(posted.values()), None), title="Regional prioritisation scores",
    ), status
