"""Milestones as files: calendar feeds at their secret URLs, the CSV and XLSX export of a
proposal's or a programme's milestones, and the CSV import into a proposal (a preview first,
then all or nothing)."""

from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.auth.access import allow, public, staff_only
from tracker.auth.models import Role
from tracker.concurrency import EditConflict
from tracker.exports.table import download, file_routes, uk_today
from tracker.extensions import db
from tracker.milestones import calendar as feeds
from tracker.milestones import csvio
from tracker.milestones.import_forms import ImportConfirmForm, ImportUploadForm
from tracker.milestones.models import Milestone
from tracker.milestones.services import MilestoneRefused
from tracker.milestones.views import bp, timelines
from tracker.programmes.models import Programme
from tracker.proposals.views import get_proposal

# The export names owners by email: staff, admins and the board, as for the co-creation report.
READERS = (Role.STAFF, Role.ADMIN, Role.BOARD)


@bp.route("/calendar/<token>.ics")
@public
def calendar(token: str):
    """A calendar feed, read as the person it belongs to (the token is the secret): their own
    milestones or one proposal's. 404 for a wrong or reset token, and while the feed's owner
    may not see what it lists."""
    feed = feeds.feed_for_token(token)
    found = feeds.feed_milestones(feed) if feed is not None else None
    if found is None:
        abort(404)
    name, milestones = found
    body = feeds.ics(
        name, milestones, feeds.plan_around(milestones, date.today()), _host(),
        lambda milestone: url_for("milestones.view", milestone_id=milestone.id, _external=True),
    )
    return Response(body, content_type=feeds.MEDIA_TYPE, headers={
        "Content-Disposition": 'inline; filename="milestones.ics"', "Cache-Control": "no-store",
    })


def _host() -> str:
    """The host part of the events' UIDs: the configured server name, else the request's host."""
    return (current_app.config.get("SERVER_NAME") or request.host).split(":")[0]


@file_routes(bp, "/proposals/<int:proposal_id>/milestones")
@allow(*READERS)
def proposal_csv(proposal_id: int, file_format: str):
    """The proposal's milestones that its timeline's filters show, as CSV (in the columns the
    import reads) or XLSX (the same columns)."""
    proposal = get_proposal(proposal_id)
    return download(csvio.proposal_table(proposal, request.args, timelines.today()), file_format,
                    f"milestones-proposal-{proposal.id}", uk_today())


@file_routes(bp, "/programmes/<int:programme_id>/milestones")
@allow(*READERS)
def programme_csv(programme_id: int, file_format: str):
    """Every milestone of a programme, its own and its proposals', that its timeline's filters
    show, as CSV or XLSX."""
    programme = db.get_or_404(Programme, programme_id)
    return download(csvio.programme_table(programme.id, request.args, timelines.today()), file_format,
                    f"milestones-programme-{programme.id}", uk_today())


@bp.route("/proposals/<int:proposal_id>/milestones/import", methods=["GET", "POST"])
@staff_only
def import_csv(proposal_id: int):
    """Upload a CSV of milestones and see what it would create and change, or every error by
    row and column; confirming imports all of it in one transaction, or nothing."""
    proposal = get_proposal(proposal_id)
    if not Milestone(programme_id=proposal.programme_id, proposal_id=proposal.id).can_edit(current_user):
        abort(403)
    if "csv_text" in request.form:
        return _confirm(proposal)
    form = ImportUploadForm()
    if form.validate_on_submit():
        return _preview(proposal, csvio.preview_import(proposal, form.text), form.text, form)
    return _render(proposal, form)


def _confirm(proposal):
    """Check the carried file again against what the proposal has now, then apply it."""
    confirm = ImportConfirmForm()
    text = csvio.uncarried(confirm.csv_text.data or "") if confirm.validate_on_submit() else None
    upload = ImportUploadForm(formdata=None)
    if text is None:
        upload.csv_file.errors = ["The import was not confirmed, so nothing was imported: upload the file again"]
        return _render(proposal, upload), 400
    preview = csvio.preview_import(proposal, text)
    if not preview.is_valid:
        return _preview(proposal, preview, text, upload)
    if preview.versions != confirm.versions.data:
        return _preview(proposal, preview, text, upload, changed_meanwhile=True), 409
    if preview.nothing_to_change:
        flash("Nothing to change: the milestones are as the file says", "success")
        return redirect(url_for("milestones.proposal_timeline", proposal_id=proposal.id))
    try:
        created, changed = csvio.apply_import(proposal, preview, current_user)
    except (MilestoneRefused, EditConflict):
        db.session.rollback()
        return _preview(proposal, preview, text, upload, changed_meanwhile=True), 409
    db.session.commit()
    flash(f"Imported the file: {_count(created, 'milestone')} added, {changed} changed", "success")
    return redirect(url_for("milestones.proposal_timeline", proposal_id=proposal.id))


def _preview(proposal, preview: csvio.ImportPreview, text: str, form: ImportUploadForm,
             changed_meanwhile: bool = False):
    """The preview: what will be created and changed, with a button to confirm; or the file's
    problems, each by row and column, and the upload again."""
    if not preview.is_valid:
        count = len(preview.problems) + len(preview.errors)
        form.csv_file.errors = [f"The file has {_count(count, 'problem')}: fix {'it' if count == 1 else 'them'} "
                                "and upload it again. Nothing has been imported"]
    confirm = ImportConfirmForm(formdata=None, csv_text=csvio.carried(text), versions=preview.versions)
    return _render(proposal, form, preview=preview, confirm=confirm, changed_meanwhile=changed_meanwhile)


def _render(proposal, form, **values):
    return render_template(
        "milestones/import.html", proposal=proposal, form=form, headers=csvio.HEADERS,
        required=csvio.REQUIRED, max_rows=csvio.MAX_ROWS, max_kb=csvio.MAX_BYTES // 1000, shown=csvio.shown,
        title="Import milestones", **values,
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"
