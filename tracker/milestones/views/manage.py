"""Milestone pages: staff add, change and delete them; anyone who may see one reads it, with its
RAG status, forecast and the chain around it; owners see theirs at /me/milestones."""

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.auth.access import is_allowed, signed_in, staff_only
from tracker.concurrency import EditConflict, conflicting_fields
from tracker.extensions import db
from tracker.milestones import queries, rules
from tracker.milestones.forms import DeleteForm, MilestoneForm
from tracker.milestones.models import Milestone, MilestoneState, milestone_dependency
from tracker.milestones.services import (
    FIELD_LABELS,
    MilestoneRefused,
    create_milestone,
    delete_milestone,
    update_milestone,
)
from tracker.milestones.views import bp
from tracker.programmes.models import Programme
from tracker.proposals.queries import visible_among
from tracker.proposals.views import get_proposal
from tracker.templating import long_date

# The fields the edit form has, for the table of what someone else saved meanwhile.
FORM_LABELS = {key: label for key, label in FIELD_LABELS.items() if key not in {"done_on", "dependents"}}


def today() -> date:
    """The day the pages judge lateness by (the one place these views read the clock)."""
    return date.today()


def status_reason(milestone: Milestone, planned: rules.Planned) -> str:
    """Why the milestone has its RAG status, in words (the rules in DOMAIN.md)."""
    if planned.rag is rules.RAG.DONE:
        return f"Done on {long_date(milestone.done_on)}"
    if planned.overdue:
        return f"Overdue: it was due on {long_date(milestone.due_on)}"
    if milestone.state is MilestoneState.BLOCKED:
        return "Blocked"
    if planned.dependency_late:
        return "A milestone it depends on is late"
    if planned.rag is rules.RAG.AMBER:
        return f"Due within {rules.AMBER_WINDOW_DAYS} days and not started"
    return "On track"


def _get_milestone(milestone_id: int, check_edit: bool = False) -> Milestone:
    """A milestone with its programme, proposal and owner: 404 when missing, 403 when the
    reader may not see it (or, with `check_edit`, change it)."""
    milestone = db.session.get(Milestone, milestone_id, options=[
        joinedload(Milestone.programme), joinedload(Milestone.proposal), joinedload(Milestone.owner),
    ])
    if milestone is None:
        abort(404)
    if not milestone.can_view(current_user) or (check_edit and not milestone.can_edit(current_user)):
        abort(403)
    return milestone


def _check_may_add(programme_id: int, proposal_id: int | None) -> None:
    """403 unless the reader may add a milestone here (asked of an unsaved one)."""
    if not Milestone(programme_id=programme_id, proposal_id=proposal_id).can_edit(current_user):
        abort(403)


@bp.route("/proposals/<int:proposal_id>/milestones/new", methods=["GET", "POST"])
@staff_only
def new_for_proposal(proposal_id: int):
    """Add a milestone to a proposal, at any stage."""
    proposal = get_proposal(proposal_id)
    _check_may_add(proposal.programme_id, proposal.id)
    return _new(proposal.programme, proposal)


@bp.route("/programmes/<int:programme_id>/milestones/new", methods=["GET", "POST"])
@staff_only
def new_for_programme(programme_id: int):
    """Add one of the programme's own milestones (a deadline, the panel, the announcement)."""
    programme = db.get_or_404(Programme, programme_id)
    _check_may_add(programme.id, None)
    return _new(programme, None)


def _new(programme: Programme, proposal):
    """The form to add a milestone, and saving it; a refused one is explained beside its field."""
    form = MilestoneForm(programme.id, proposal.id if proposal else None)
    if request.method == "GET":
        form.owner_id.data = current_user.id
    elif form.validate_on_submit():
        try:
            milestone = create_milestone(programme=programme, proposal=proposal, **form.values(),
                                         actor=current_user, today=today())
        except MilestoneRefused as refused:
            db.session.rollback()
            _show_refusal(form, refused)
        else:
            db.session.commit()
            flash(f"{milestone.title} has been added", "success")
            return redirect(url_for("milestones.view", milestone_id=milestone.id))
    status = 200 if request.method == "GET" else 400
    return render_template("milestones/new.html", form=form, programme=programme, proposal=proposal,
                           title="Add a milestone"), status


@bp.route("/milestones/<int:milestone_id>")
@signed_in
def view(milestone_id: int):
    """One milestone: every field, its RAG status and forecast, what it depends on and what
    depends on it."""
    return _render_view(_get_milestone(milestone_id))


def _render_view(milestone: Milestone, delete_form: DeleteForm | None = None):
    """The milestone page, planned with the milestones it can depend on (a proposal's: its
    proposal's and its programme's; a programme's: the whole programme, for what depends on
    it) in a fixed number of queries. `delete_form` asks to confirm a delete."""
    if milestone.proposal is not None:
        scope = queries.for_proposal(milestone.proposal)
    else:
        scope = queries.for_programme(milestone.programme_id)
    plan = rules.plan(scope.milestones, scope.dependencies, today())
    by_id = {each.id: each for each in scope.milestones}
    depends_on = [by_id[key] for key in scope.dependencies.get(milestone.id, ())]
    dependents = [each for each in scope.milestones if milestone.id in scope.dependencies.get(each.id, ())]
    depends_on.sort(key=lambda each: (each.due_on, each.id))
    # Only what the reader may see is named: a programme milestone's dependents may be on any proposal.
    visible = visible_among(current_user, {each.proposal_id for each in [milestone, *depends_on, *dependents]} - {None})
    related = {
        "depends_on": [each for each in depends_on if each.proposal_id is None or each.proposal_id in visible],
        "dependents": [each for each in dependents if each.proposal_id is None or each.proposal_id in visible],
    }
    hidden = len(depends_on) + len(dependents) - len(related["depends_on"]) - len(related["dependents"])
    planned = plan[milestone.id]
    driver = next((each for each in related["depends_on"] if each.id == planned.driver_id), None)
    return render_template(
        "milestones/view.html", milestone=milestone, planned=planned, plan=plan, related=related,
        reason=status_reason(milestone, planned),
        programme_timeline=is_allowed("milestones.programme_timeline", current_user),
        hidden=hidden, driver=driver, can_edit=milestone.can_edit(current_user),
        proposal_visible=milestone.proposal_id in visible,
        delete_form=delete_form, confirming=delete_form is not None, title=milestone.title,
    )


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@staff_only
def edit(milestone_id: int):
    """Change a milestone; a save made on an old version gets 409 with what was typed kept and
    what changed meanwhile shown."""
    milestone = _get_milestone(milestone_id, check_edit=True)
    form = MilestoneForm(milestone.programme_id, milestone.proposal_id, milestone)
    if request.method == "GET":
        form.start_from(milestone, sorted(_dependency_ids(milestone)))
        return _render_edit(milestone, form)
    if not form.validate_on_submit():
        return _render_edit(milestone, form, 400)
    try:
        changes = update_milestone(milestone, **form.values(), started_from=form.started_from(),
                                   actor=current_user, today=today())
    except EditConflict:
        db.session.rollback()
        return _edit_conflict(milestone_id, form)
    except MilestoneRefused as refused:
        db.session.rollback()
        _show_refusal(form, refused)
        return _render_edit(_get_milestone(milestone_id, check_edit=True), form, 400)
    message = f"{milestone.title} has been saved" if changes else "Nothing was changed"
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("milestones.view", milestone_id=milestone_id))


def _dependency_ids(milestone: Milestone) -> set[int]:
    """The ids the milestone depends on now."""
    return set(db.session.scalars(
        select(milestone_dependency.c.depends_on_id).where(milestone_dependency.c.milestone_id == milestone.id)
    ))


def _render_edit(milestone: Milestone, form: MilestoneForm, status: int = 200, conflicts=None):
    """The form to change a milestone, with what someone else saved meanwhile (`conflicts`)."""
    return render_template("milestones/edit.html", form=form, milestone=milestone, conflicts=conflicts,
                           title=f"Change {milestone.title}"), status


def _edit_conflict(milestone_id: int, form: MilestoneForm):
    """Someone saved the milestone since the form was opened: keep what was typed, show both."""
    milestone = _get_milestone(milestone_id, check_edit=True)
    saved_ids = _dependency_ids(milestone)
    titles = dict(db.session.execute(select(Milestone.id, Milestone.title).where(Milestone.id.in_(saved_ids))).all())
    values = form.values()
    saved = {
        "title": milestone.title, "milestone_kind": milestone.kind, "owner_id": milestone.owner_id,
        "starts_on": milestone.starts_on, "due_on": milestone.due_on, "milestone_state": milestone.state,
        "notes": milestone.notes, "depends_on": sorted(titles.values()),
    }
    typed = {
        "title": values["title"], "milestone_kind": values["kind"], "owner_id": form.owner_id.data,
        "starts_on": values["starts_on"], "due_on": values["due_on"], "milestone_state": values["state"],
        "notes": values["notes"], "depends_on": sorted(each.title for each in values["depends_on"]),
    }
    shown = {key: form.shown(key, value) for key, value in saved.items()}
    typed_shown = {key: form.shown(key, value) for key, value in typed.items()}
    form.edit_version.data = milestone.version
    form.form_errors.append(
        "Someone else changed this milestone while you were editing it. Your changes have not "
        "been saved yet: check the differences below, then save again."
    )
    return _render_edit(milestone, form, 409, conflicting_fields(shown, typed_shown, FORM_LABELS))


@bp.route("/milestones/<int:milestone_id>/delete", methods=["POST"])
@staff_only
def delete(milestone_id: int):
    """Delete a milestone, once confirmed: the first press shows what depends on it and asks
    again; what depended on it no longer does."""
    milestone = _get_milestone(milestone_id, check_edit=True)
    form = DeleteForm()
    if not (form.validate_on_submit() and form.confirm.data == "yes"):
        form.confirm.data = "yes"
        return _render_view(milestone, delete_form=form)
    title, proposal_id, programme_id = milestone.title, milestone.proposal_id, milestone.programme_id
    delete_milestone(milestone, current_user)
    db.session.commit()
    flash(f"{title} has been deleted", "success")
    if proposal_id is not None:
        return redirect(url_for("milestones.proposal_timeline", proposal_id=proposal_id))
    return redirect(url_for("milestones.programme_timeline", programme_id=programme_id))


@bp.route("/me/milestones")
@signed_in
def mine():
    """The milestones the reader owns that are not done, soonest first, under Overdue, Due this
    week (today and the next six days) and Later, each with its RAG status and forecast."""
    day = today()
    week_end = queries.end_of_week(day)
    page = db.paginate(queries.open_milestones_of(current_user.id),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    counts = queries.counts_for_owner(current_user.id, day, week_end)
    proposal_ids = {each.proposal_id for each in page.items} - {None}
    scope = queries.around(page.items)
    plan = rules.plan(scope.milestones, scope.dependencies, day)
    groups = [
        ("overdue", "Overdue", [each for each in page.items if each.due_on < day]),
        ("this-week", "Due this week", [each for each in page.items if day <= each.due_on <= week_end]),
        ("later", "Later", [each for each in page.items if each.due_on > week_end]),
    ]
    return render_template(
        "milestones/mine.html", page=page, groups=groups, counts=counts, plan=plan,
        visible=visible_among(current_user, proposal_ids),
        title="Your milestones",
    )


def _show_refusal(form: MilestoneForm, refused: MilestoneRefused) -> None:
    """Put the service's refusal beside its field (or at the top, for the form as a whole)."""
    (form[refused.field].errors if refused.field in form else form.form_errors).append(refused.message)
