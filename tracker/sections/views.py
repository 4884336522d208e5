"""/proposals/<id>/sections/<key>: view, edit, history, compare and restore a section."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.auth.access import signed_in, staff_only
from tracker.concurrency import EditConflict, conflicting_fields
from tracker.contributions.services import input_is_open
from tracker.extensions import db
from tracker.proposals.views import get_proposal
from tracker.sections.forms import CompareForm, RestoreForm, SectionForm
from tracker.sections.queries import revision_history, revisions_by_number, section_by_key
from tracker.sections.services import SectionFrozen, SectionOverLimit, restore_revision, save_section
from tracker.sections.text import changed_words, compare_words, count_words

bp = Blueprint("sections", __name__)

CONFLICT_LABELS = {"assignee": "Assigned to", "state": "State"}


def get_section(proposal_id: int, key: str):
    """The proposal (checked for the reader) and its section with this key, or 404."""
    proposal = get_proposal(proposal_id)
    section = section_by_key(proposal.id, key)
    if section is None:
        abort(404)
    return proposal, section


def get_revision(section, number: int):
    """One of this section's revisions by its number, or 404 (another section's never shows)."""
    revision = revisions_by_number(section.id, [number]).get(number)
    if revision is None:
        abort(404)
    return revision


@bp.route("/<int:proposal_id>/sections/<key>")
@signed_in
def view(proposal_id: int, key: str):
    """A section's text, state, words against the limit, assignee and latest revision."""
    proposal, section = get_section(proposal_id, key)
    return _render_view(proposal, section)


def _render_view(proposal, section, refused: str | None = None, status: int = 200):
    latest = revisions_by_number(section.id, [section.revision_number]).get(section.revision_number)
    return render_template(
        "sections/view.html", proposal=proposal, section=section, latest=latest,
        refused=refused, may_suggest=current_user.is_expert and input_is_open(proposal),
        title=section.title,
    ), status


def _frozen(proposal, section):
    """The section page, saying why it cannot change (its proposal has been submitted)."""
    return _render_view(
        proposal, section, status=403,
        refused=f"{section.title} cannot be changed: {proposal.title} is at "
                f"{proposal.stage.label}, and a proposal's text is read-only from submission on.",
    )


@bp.route("/<int:proposal_id>/sections/<key>/edit", methods=["GET", "POST"])
@staff_only
def edit(proposal_id: int, key: str):
    """Change a section's text, assignee and state; a save on an old version is refused with 409."""
    proposal, section = get_section(proposal_id, key)
    if not proposal.can_edit(current_user):
        return _frozen(proposal, section)
    form = SectionForm(section)
    if form.validate_on_submit():
        try:
            revision = save_section(
                section, **form.values(), started_from=form.started_from(), actor=current_user,
                proposal=proposal,
            )
        except EditConflict:
            db.session.rollback()
            return _conflict(proposal_id, key, form)
        except SectionOverLimit as refused:
            db.session.rollback()
            form.state.errors.append(str(refused))
            proposal, section = get_section(proposal_id, key)
        except SectionFrozen:
            db.session.rollback()
            return _frozen(*get_section(proposal_id, key))
        else:
            db.session.commit()
            if revision is None:
                flash(f"{section.title} has been saved (its text did not change)", "success")
            else:
                flash(f"{section.title} has been saved as revision {revision.number}", "success")
            return redirect(url_for("sections.view", proposal_id=proposal_id, key=key))
    return _render_edit(proposal, section, form)


def _render_edit(proposal, section, form, conflict: dict | None = None, status: int = 200):
    return render_template(
        "sections/edit.html", proposal=proposal, section=section, form=form, conflict=conflict,
        words=count_words(form.text.data), title=f"Edit {section.title}",
    ), status


def _conflict(proposal_id: int, key: str, form: SectionForm):
    """Keep the person's text in the form; show the other person's change word by word."""
    proposal, section = get_section(proposal_id, key)
    typed = form.values()
    people = {choice.value: choice.label for choice in form.assignee_id.choices} | {None: "Nobody"}
    saved_values = {"assignee": people.get(section.assignee_id), "state": section.state.label}
    typed_values = {"assignee": people.get(typed["assignee_id"]), "state": typed["state"].label}
    pieces = compare_words(section.text, typed["text"])
    conflict = {
        "fields": conflicting_fields(saved_values, typed_values, CONFLICT_LABELS),
        "pieces": pieces,
        "changed": changed_words(pieces),
        "latest": revisions_by_number(section.id, [section.revision_number]).get(section.revision_number),
    }
    form.edit_version.data = section.version
    form.form_errors.append(
        "Someone else changed this section while you were editing it. Your changes have not been "
        "saved yet: check the differences below, then save again."
    )
    return _render_edit(proposal, section, form, conflict, status=409)


@bp.route("/<int:proposal_id>/sections/<key>/history")
@signed_in
def history(proposal_id: int, key: str):
    """A section's revisions, newest first, to compare and restore."""
    proposal, section = get_section(proposal_id, key)
    return _render_history(proposal, section, RestoreForm())


def _render_history(proposal, section, restore_form: RestoreForm, status: int = 200):
    page = db.paginate(
        revision_history(section.id), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    compare_form = CompareForm(formdata=None)
    compare_form.from_number.data = max(section.revision_number - 1, 1)
    compare_form.to_number.data = section.revision_number
    return render_template(
        "sections/history.html", proposal=proposal, section=section, page=page,
        compare_form=compare_form, form=restore_form, title=f"History of {section.title}",
    ), status


@bp.route("/<int:proposal_id>/sections/<key>/compare")
@signed_in
def compare(proposal_id: int, key: str):
    """Two revisions of a section side by side, word by word (?from=<number>&to=<number>)."""
    proposal, section = get_section(proposal_id, key)
    form = CompareForm(request.args)
    comparison = None
    if form.validate():
        numbers = (form.from_number.data, form.to_number.data)
        revisions = revisions_by_number(section.id, numbers)
        if not all(number in revisions for number in numbers):
            abort(404)
        before, after = (revisions[number] for number in numbers)
        pieces = compare_words(before.text, after.text)
        comparison = {"before": before, "after": after, "pieces": pieces,
                      "changed": changed_words(pieces)}
    return render_template(
        "sections/compare.html", proposal=proposal, section=section, form=form,
        comparison=comparison, title=f"Compare revisions of {section.title}",
    ), 200 if comparison else 400


@bp.route("/<int:proposal_id>/sections/<key>/revisions/<int:number>/restore", methods=["POST"])
@staff_only
def restore(proposal_id: int, key: str, number: int):
    """Make an old revision's text current again, as a new revision."""
    proposal, section = get_section(proposal_id, key)
    revision = get_revision(section, number)
    if not proposal.can_edit(current_user):
        return _frozen(proposal, section)
    form = RestoreForm()
    if not form.validate_on_submit():
        abort(400)
    if number == section.revision_number:
        flash(f"Revision {number} is already the text of {section.title}: nothing changed")
        return redirect(url_for("sections.history", proposal_id=proposal_id, key=key))
    try:
        new = restore_revision(section, revision, current_user, proposal, form.started_from())
    except EditConflict:
        db.session.rollback()
        proposal, section = get_section(proposal_id, key)
        form.form_errors.append(
            f"Someone else changed {section.title} after you opened its history, so revision "
            f"{number} was not restored. Check the latest revisions below, then restore again."
        )
        return _render_history(proposal, section, form, status=409)
    except SectionFrozen:
        db.session.rollback()
        return _frozen(*get_section(proposal_id, key))
    db.session.commit()
    flash(f"Revision {number} of {section.title} has been restored as revision {new.number}", "success")
    return redirect(url_for("sections.view", proposal_id=proposal_id, key=key))
