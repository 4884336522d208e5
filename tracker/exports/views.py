"""CSV and XLSX downloads of the tracker's lists. Each export is the page it mirrors, whole: the
same reader's permission (role and object), the same filters read from the address by the same
function, unpaginated. Its address is the page's with .csv or .xlsx on the end (/proposals/ has
/proposals/export.csv); the milestones and co-creation report files live with their pages."""

from flask import Blueprint, request, url_for
from flask_login import current_user

from tracker.activity import queries as activity_queries
from tracker.activity.views import log_filters
from tracker.auth.access import admin_only, allow, signed_in
from tracker.auth.models import Role
from tracker.contributions.views.triage import triage_filters
from tracker.exports import lists
from tracker.exports.table import FORMATS, export, file_routes, uk_today
from tracker.extensions import db
from tracker.programmes.models import Programme
from tracker.proposals.views import get_proposal, list_filters

bp = Blueprint("exports", __name__)

# Innovate UK's figures across a programme: the readers of the programme's ranking beside them.
ASSESSMENT_READERS = (Role.STAFF, Role.ADMIN, Role.BOARD)


@bp.app_template_global()
def download_urls(endpoint: str, carry_filters: bool = True, **values) -> dict[str, str]:
    """{"csv": address, "xlsx": address} of an export, carrying the filters of the page being
    shown (every argument but its page number, and never url_for's own, such as _external)."""
    kept = _filters_asked(values, "page") if carry_filters else {}
    return {file_format: url_for(endpoint, **values, **kept, file_format=file_format) for file_format in FORMATS}


def _page(endpoint: str, **values) -> str:
    """The page an export mirrors, with the filters asked for: where a refused export goes back to."""
    return url_for(endpoint, **values, **_filters_asked(values))


def _filters_asked(values: dict, *left_out: str) -> dict[str, list[str]]:
    """The address's arguments, each with all its values, but for those in `values`, the
    file format and `left_out`: the page (or export) they apply to checks them itself."""
    return {key: request.args.getlist(key) for key in request.args
            if key not in values and key not in left_out and key != "file_format" and not key.startswith("_")}


@file_routes(bp, "/proposals/export")
@signed_in
def proposals(file_format: str):
    """The proposals list the reader sees, with its filters, as CSV or XLSX."""
    filters = list_filters()
    return export(lambda: lists.proposals_table(current_user, filters), file_format, "proposals", uk_today(),
                  _page("proposals.index"))


@file_routes(bp, "/proposals/<int:proposal_id>/contributions")
@signed_in
def contributions(proposal_id: int, file_format: str):
    """A proposal's contributions as its triage page lists them for the reader, with its filters:
    all of them for staff and board, an expert's own for an expert."""
    proposal = get_proposal(proposal_id)
    filters, own_only = triage_filters(proposal)
    return export(lambda: lists.contributions_table(proposal, filters, own_only), file_format,
                  f"contributions-proposal-{proposal.id}", uk_today(),
                  _page("contributions.triage", proposal_id=proposal.id))


@file_routes(bp, "/programmes/<int:programme_id>/assessments")
@allow(*ASSESSMENT_READERS)
def assessments(programme_id: int, file_format: str):
    """Innovate UK's assessment of each assessed proposal in a programme, summarised: for staff
    and the board, who see the same figures on the ranking; experts are refused."""
    programme = db.get_or_404(Programme, programme_id)
    return export(lambda: lists.assessments_table(current_user, programme), file_format,
                  f"assessments-programme-{programme.id}", uk_today(),
                  _page("prioritisation.ranking", programme_id=programme.id))


@file_routes(bp, "/proposals/<int:proposal_id>/activity")
@signed_in
def proposal_activity(proposal_id: int, file_format: str):
    """A proposal's activity as its page shows it to the reader (an expert does not learn of
    another expert's input before staff have answered it), newest first."""
    proposal = get_proposal(proposal_id)
    query = activity_queries.proposal_activity(proposal.id, current_user)
    return export(lambda: lists.activity_table(query), file_format, f"activity-proposal-{proposal.id}", uk_today(),
                  _page("activity.proposal_activity", proposal_id=proposal.id))


@file_routes(bp, "/activity")
@admin_only
def activity(file_format: str):
    """The whole audit log with its filters (a filter with an error narrows nothing, as on the
    page), newest first, for admins."""
    query = activity_queries.activity_log(log_filters().filters())
    return export(lambda: lists.activity_table(query, with_proposal=True), file_format, "activity", uk_today(),
                  _page("activity.index"))
