"""The "you said, we did" report per proposal, as a printable page and as CSV or XLSX, for staff
and the board. Experts are refused: the report names the organisations people gave input from."""

from flask import current_app, render_template

from tracker.auth.access import allow
from tracker.auth.models import Role
from tracker.contributions import queries
from tracker.contributions.report import report_figures, report_rows, report_table, reported_contributions
from tracker.contributions.views import bp
from tracker.exports.table import download, file_routes, uk_today
from tracker.extensions import db
from tracker.proposals.views import get_proposal

READERS = (Role.STAFF, Role.ADMIN, Role.BOARD)


@bp.route("/proposals/<int:proposal_id>/co-creation-report")
@allow(*READERS)
def report(proposal_id: int):
    """The figures over all of a proposal's input, the sector-by-section grid, then every
    contribution (withdrawn ones left out) with its response, a large page at a time."""
    proposal = get_proposal(proposal_id)
    page = db.paginate(reported_contributions(proposal.id),
                       per_page=current_app.config["REPORT_PAGE_SIZE"], error_out=False)
    responses = queries.responses_to([contribution.id for contribution in page.items])
    return render_template(
        "contributions/report.html", proposal=proposal, figures=report_figures(proposal.id),
        rows=report_rows(page.items, responses), page=page, title="Co-creation report",
    )


@file_routes(bp, "/proposals/<int:proposal_id>/co-creation-report")
@allow(*READERS)
def report_csv(proposal_id: int, file_format: str):
    """The report's rows as a CSV or XLSX download: every contribution but withdrawn ones, unpaginated."""
    proposal = get_proposal(proposal_id)
    return download(report_table(proposal.id), file_format, f"co-creation-report-proposal-{proposal.id}",
                    uk_today())
