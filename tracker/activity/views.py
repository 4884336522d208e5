"""/proposals/<id>/activity and /activity (admins): the audit log, read-only."""

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from tracker.activity import queries
from tracker.activity.changes import describe_changes, kind_label
from tracker.activity.forms import ActivityFilterForm
from tracker.auth.access import admin_only, signed_in
from tracker.extensions import db
from tracker.forms import choices
from tracker.proposals.views import get_proposal

bp = Blueprint("activity", __name__)


def _page_of(query):
    """One page of entries, newest first, with their changes in words."""
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return page, describe_changes(page.items)


@bp.route("/proposals/<int:proposal_id>/activity")
@signed_in
def proposal_activity(proposal_id: int):
    """Everything that happened to one proposal, for anyone who may see it."""
    proposal = get_proposal(proposal_id)
    page, changes = _page_of(queries.proposal_activity(proposal.id, current_user))
    return render_template(
        "activity/proposal.html", proposal=proposal, page=page, changes=changes,
        kind_label=kind_label, title="Activity",
    )


def log_filters() -> ActivityFilterForm:
    """The audit log's filters read from the address and checked: a value with an error narrows
    nothing (the page and its exports alike)."""
    form = ActivityFilterForm(formdata=request.args)
    form.person.choices = choices(queries.person_choices(), blank="Anyone")
    form.proposal.choices = choices(queries.proposal_choices(), blank="Any proposal")
    form.kind.choices = choices(queries.kind_choices(), blank="Any kind")
    form.validate()
    return form


@bp.route("/activity")
@admin_only
def index():
    """The whole audit log, filtered by person, proposal, kind and date."""
    form = log_filters()
    page, changes = _page_of(queries.activity_log(form.filters()))
    return render_template(
        "activity/index.html", page=page, changes=changes, filter_form=form,
        form=form if form.errors else None, kind_label=kind_label, title="Activity",
    )
