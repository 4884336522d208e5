"""Staff answering a contribution: accepted, partly accepted, declined or noted, with a reason.
A suggested change taken in becomes a revision of its section; when the section changed since
the suggestion, staff see both changes and merge them, and nothing is overwritten silently."""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from tracker.auth.access import signed_in
from tracker.auth.urls import safe_next
from tracker.concurrency import EditConflict, check_version
from tracker.contributions import queries, services
from tracker.contributions.forms import RespondForm
from tracker.contributions.views import bp
from tracker.contributions.views.expert import render_contribution_page, get_contribution
from tracker.extensions import db
from tracker.sections.text import changed_words, compare_words


@bp.route("/contributions/<int:contribution_id>/respond", methods=["POST"])
@signed_in
def respond(contribution_id: int):
    """Staff's answer to a contribution. Answering input someone answered meanwhile, or that
    changed since the form was opened, or a suggestion whose section changed, gets 409 with
    what staff typed kept on the page."""
    contribution = get_contribution(contribution_id)  # 404 for another expert's unanswered input
    if not current_user.is_staff:
        abort(403)
    form = RespondForm(contribution)
    if not contribution.status.is_open:
        return _too_late(contribution, form)
    if not form.validate_on_submit():
        return _render_form(contribution, form, 400)
    outcome = form.chosen_outcome()
    try:
        check_version(contribution, form.started_from())
        services.respond(
            contribution, contribution.proposal, outcome=outcome, reason=form.reason.data or "",
            actor=current_user, final_text=form.text_to_save(), seen_revision=form.written_against(),
        )
    except EditConflict:
        db.session.rollback()
        return _changed_meanwhile(contribution_id, form)
    except services.SuggestionConflict:
        db.session.rollback()
        return _section_changed(contribution_id, form)
    except services.ContributionRefused as refused:
        db.session.rollback()
        form.form_errors.append(str(refused))
        return _render_form(get_contribution(contribution_id), form, 409)
    db.session.commit()
    flash(f"Response saved: {outcome.label}", "success")
    return redirect(safe_next(request.args.get("next"))
                    or url_for("contributions.view", contribution_id=contribution_id))


def _render_form(contribution, form: RespondForm, status: int):
    """The contribution page with staff's form as they filled it in, and, while they are merging,
    the changes they are merging."""
    conflict = _conflict(contribution, form.seen_section_revision()) if form.merging else None
    return render_contribution_page(contribution, status=status, respond_form=form, conflict=conflict)


def _conflict(contribution, revision_number: int) -> dict:
    """What changed in the section since the suggestion started from it, and what the expert
    suggested, each word by word against that same starting text."""
    base = queries.revision_text(contribution.section_id, contribution.base_revision_number)
    current = queries.revision_text(contribution.section_id, revision_number)
    since, suggested = compare_words(base, current), compare_words(base, contribution.suggested_text or "")
    return {
        "base_revision": contribution.base_revision_number,
        "revision": revision_number,
        "since": {"pieces": since, "changed": changed_words(since)},
        "suggested": {"pieces": suggested, "changed": changed_words(suggested)},
    }


def _section_changed(contribution_id: int, form: RespondForm):
    """The section changed since the text staff gave was written: show both changes, keep their
    choices, and ask them for the text to save over the section as it is now."""
    again = form.merging
    contribution = get_contribution(contribution_id)
    form.merge_against(contribution.section.revision_number)
    form.form_errors.append(
        ("The section changed again while you were merging. " if again else
         "The section has changed since this suggestion was made. ")
        + "Nothing has been saved: compare the changes below, then save the text you want, "
          "or choose another response."
    )
    return _render_form(contribution, form, 409)


def _changed_meanwhile(contribution_id: int, form: RespondForm):
    """The input changed after staff opened the form (edited, or marked under review): keep what
    they typed and let them check it against the input as it is now."""
    contribution = get_contribution(contribution_id)
    if not contribution.status.is_open:
        return _too_late(contribution, form)
    form.edit_version.data = contribution.version
    form.form_errors.append(
        "This input changed while you were answering it. Nothing has been saved: your response "
        "is still in the form. Check it against the input as it is now, then save it again."
    )
    return _render_form(contribution, form, 409)


def _too_late(contribution, form: RespondForm):
    """The input was answered (by someone else, meanwhile) or withdrawn: nothing changes; the
    response already given shows, and what this person typed is kept below it."""
    if contribution.status.is_answered:
        refused = (f"This input has already been answered: {contribution.status.label.lower()}. "
                   "Your response has not been saved; it is shown below the one given.")
    else:
        refused = (f"This input is {contribution.status.label.lower()}: it cannot be answered. "
                   "Your response has not been saved.")
    return render_contribution_page(contribution, refused=refused, status=409, unsaved=form)
