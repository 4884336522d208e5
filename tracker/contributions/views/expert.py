"""Sector experts' input on proposals: give it, read it, change or withdraw it, download its files."""

from datetime import date
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from tracker.auth.access import allow, signed_in
from tracker.auth.models import Role
from tracker.auth.urls import safe_next
from tracker.concurrency import EditConflict
from tracker.contributions import files, input_requests, queries
from tracker.contributions.views import bp
from tracker.contributions.forms import ContributionForm, EditContributionForm, RespondForm
from tracker.contributions.models import Attachment, ContributionKind
from tracker.contributions.services import (
    ContributionRefused,
    attach_files,
    edit_contribution,
    input_is_open,
    submit_contribution,
    withdraw_contribution,
)
from tracker.extensions import db
from tracker.forms import ButtonForm
from tracker.proposals.models import ProposalStage
from tracker.proposals.views import get_proposal
from tracker.sections.queries import sections_of
from tracker.sections.text import compare_words
from tracker.sectors.models import Sector

def upload_directory() -> Path:
    """Where attachments are kept: UPLOAD_FOLDER (instance/uploads unless set)."""
    return Path(current_app.config["UPLOAD_FOLDER"])


def get_contribution(contribution_id: int):
    """A contribution the reader may see, or 404 (never 403: another expert's unanswered input
    must not show that it exists). Its author sees it on any proposal; others only on a
    proposal they may see."""
    contribution = queries.contribution_with_details(contribution_id)
    if contribution is None or not contribution.can_view(current_user):
        abort(404)
    if contribution.author_id != current_user.id and not contribution.proposal.can_view(current_user):
        abort(404)
    return contribution


def get_own_contribution(contribution_id: int):
    """A contribution the reader wrote, or 404."""
    contribution = get_contribution(contribution_id)
    if contribution.author_id != current_user.id:
        abort(404)
    return contribution


@bp.route("/proposals/<int:proposal_id>/contributions/new", methods=["GET", "POST"])
@allow(Role.EXPERT)
def new(proposal_id: int):
    """Give input on a proposal open to the expert; files are checked before anything is saved."""
    proposal = get_proposal(proposal_id)
    if not input_is_open(proposal):
        return _closed(proposal)
    sections = sections_of(proposal.id)
    form = ContributionForm(sections, queries.sectors_in_use())
    if request.method == "GET":
        _prefill(form)
    elif form.validate_on_submit():
        uploads = _checked_uploads(form)
        if uploads is not None:
            contribution = _submit(proposal, form, uploads)
            if contribution is not None:
                flash(f"Thank you: your input “{contribution.title}” has been sent to the team", "success")
                return redirect(url_for("contributions.view", contribution_id=contribution.id))
    return render_template("contributions/new.html", proposal=proposal, form=form,
                           title="Give input on this proposal")


def _prefill(form: ContributionForm) -> None:
    """?kind=suggested_change&section=<key> starts a suggested change from the section's text."""
    form.kind.data = request.args.get("kind")
    section = form.sections.get(request.args.get("section", ""))
    if section is not None:
        form.section.data = section.key
        if form.chosen_kind() is ContributionKind.SUGGESTED_CHANGE:
            form.suggested_text.data = section.text


def _checked_uploads(form: ContributionForm) -> list | None:
    """Each chosen file with its bytes, checked; None (with the errors on the field) if any is refused."""
    chosen = [upload for upload in request.files.getlist(form.attachments.name) if upload.filename]
    checked, errors = [], []
    for index, upload in enumerate(chosen):
        data = upload.read(files.MAX_BYTES + 1)
        try:
            checked.append((files.check_upload(upload.filename, data, index), data))
        except files.AttachmentRefused as refused:
            errors.append(refused.message)
    form.attachments.errors = errors
    return None if errors else checked


def _submit(proposal, form: ContributionForm, uploads: list):
    """Save the input and its files together: files are stored only once every check has passed,
    and removed again (by attach_files) if the input cannot be saved."""
    try:
        contribution = submit_contribution(
            proposal, current_user, kind=form.chosen_kind(), title=form.title.data,
            body=form.body.data, sector=db.session.get(Sector, form.sector_id.data),
            section=form.chosen_section(), suggested_text=form.suggested_text.data,
            declaration=form.declaration.data or "", show_type_only=form.show_type_only.data,
        )
    except ContributionRefused as refused:
        db.session.rollback()
        form.form_errors.append(str(refused))
        return None
    directory, stored = upload_directory(), []
    try:
        stored = [attachment.stored_name for attachment in attach_files(contribution, uploads, directory)]
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for stored_name in stored:
            files.remove(directory, stored_name)
        raise
    return contribution


def _closed(proposal):
    """The refusal when input on this proposal is not being taken."""
    if proposal.input_closes_on is not None and proposal.stage is ProposalStage.CO_CREATION:
        reason = f"Input on this proposal closed on {proposal.input_closes_on.day} {proposal.input_closes_on:%B %Y}."
    else:
        reason = f"This proposal is at {proposal.stage.label}: it is not open for input."
    return render_template("contributions/closed.html", proposal=proposal, reason=reason,
                           title="Input is closed"), 403


@bp.route("/contributions/<int:contribution_id>")
@signed_in
def view(contribution_id: int):
    """One contribution: its words, suggested change word by word, status, response and files."""
    return render_contribution_page(get_contribution(contribution_id))


def render_contribution_page(contribution, refused: str | None = None, status: int = 200, *,
                 respond_form: RespondForm | None = None, conflict: dict | None = None,
                 unsaved: RespondForm | None = None):
    """The contribution page. Staff also get the form to respond while the input waits for an
    answer (`respond_form` as they filled it in, with the section `conflict` they must merge);
    `unsaved` is a response that came too late, kept on the page for its author to copy."""
    pieces = None
    if contribution.suggested_text is not None and contribution.section is not None:
        base = queries.revision_text(contribution.section_id, contribution.base_revision_number)
        pieces = compare_words(base, contribution.suggested_text)
    may_change = contribution.can_change(current_user) and input_is_open(contribution.proposal)
    may_respond = contribution.can_respond(current_user)
    if may_respond and respond_form is None:
        respond_form = RespondForm(contribution, formdata=None).start()
    return render_template(
        "contributions/view.html", contribution=contribution, proposal=contribution.proposal,
        pieces=pieces, response=queries.response_to(contribution.id),
        attachments=queries.attachments_of(contribution.id), edits=queries.edit_count(contribution.id),
        may_change=may_change, refused=refused, title=contribution.title,
        may_respond=may_respond, respond_form=respond_form, conflict=conflict, unsaved=unsaved,
        next_url=safe_next(request.args.get("next")),
        form=respond_form if may_respond else ButtonForm(),
    ), status


def _cannot_change(contribution):
    """The author's refusal: the input is under review or answered, or input has closed."""
    if not contribution.can_change(current_user):
        reason = (f"Your input is {contribution.status.label.lower()}: it can no longer be changed "
                  "or withdrawn.")
    else:
        reason = "Input on this proposal has closed: your input can no longer be changed or withdrawn."
    return render_contribution_page(contribution, refused=reason, status=403)


@bp.route("/contributions/<int:contribution_id>/edit", methods=["GET", "POST"])
@allow(Role.EXPERT)
def edit(contribution_id: int):
    """The author changes their input before staff review it; a save on an old version gets 409."""
    contribution = get_own_contribution(contribution_id)
    if not (contribution.can_change(current_user) and input_is_open(contribution.proposal)):
        return _cannot_change(contribution)
    opened = request.method == "GET"
    form = EditContributionForm(contribution, obj=contribution if opened else None)
    if opened:
        form.edit_version.data = contribution.version
    elif form.validate_on_submit():
        try:
            edit_contribution(
                contribution, current_user, contribution.proposal, title=form.title.data,
                body=form.body.data, suggested_text=form.suggested_text.data,
                started_from=form.started_from(),
            )
            db.session.commit()
        except EditConflict:
            db.session.rollback()
            contribution = get_own_contribution(contribution_id)
            form.edit_version.data = contribution.version
            form.form_errors.append(
                "You changed this input somewhere else while editing it here. What you typed is "
                "still below: check it against the saved input, then save again."
            )
            return _render_edit(contribution, form, 409)
        flash("Your input has been changed", "success")
        return redirect(url_for("contributions.view", contribution_id=contribution_id))
    return _render_edit(contribution, form)


def _render_edit(contribution, form, status: int = 200):
    return render_template("contributions/edit.html", contribution=contribution,
                           proposal=contribution.proposal, form=form,
                           title=f"Change your input: {contribution.title}"), status


@bp.route("/contributions/<int:contribution_id>/withdraw", methods=["POST"])
@allow(Role.EXPERT)
def withdraw(contribution_id: int):
    """The author takes their input back before staff review it."""
    contribution = get_own_contribution(contribution_id)
    if not (contribution.can_change(current_user) and input_is_open(contribution.proposal)):
        return _cannot_change(contribution)
    if not ButtonForm().validate_on_submit():
        abort(400)
    withdraw_contribution(contribution, current_user, contribution.proposal)
    db.session.commit()
    flash("Your input has been withdrawn", "success")
    return redirect(url_for("contributions.view", contribution_id=contribution_id))


@bp.route("/contributions/<int:contribution_id>/attachments/<int:attachment_id>")
@signed_in
def download(contribution_id: int, attachment_id: int):
    """A contribution's file, always as a download, for people who may see the contribution."""
    contribution = get_contribution(contribution_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.contribution_id != contribution.id:
        abort(404)
    path = files.path_for(upload_directory(), attachment.stored_name)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=attachment.media_type, as_attachment=True,
                     download_name=attachment.display_name)


@bp.route("/me/contributions")
@allow(Role.EXPERT)
def mine():
    """Everything the expert gave, newest first, with its status and staff's response; and the
    requests for input addressed to them, those still to answer first (paged on their own)."""
    page = db.paginate(queries.contributions_by(current_user.id),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    responses = queries.responses_to([contribution.id for contribution in page.items])
    requests_page = db.paginate(input_requests.requests_to(current_user.id),
                                page=request.args.get("requests_page", 1, type=int),
                                per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template(
        "contributions/mine.html", page=page, responses=responses, requests_page=requests_page,
        request_rows=input_requests.request_rows(requests_page.items, date.today(),
                                                 reader_id=current_user.id),
        title="Your input",
    )
