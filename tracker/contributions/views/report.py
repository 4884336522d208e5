"""The "you said, we did" report per proposal, as a printable page and as CSV, for staff and the board.
Experts are refused: the report names the organisations people gave input from."""

from flask import Response, current_app, render_template

from tracker.auth.access import allow
from tracker.auth.models import Role
from tracker.contributions import queries
from tracker.contributions.report import csv_text, report_figures, report_rows, reported_contributions
from tracker.contributions.views import bp
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


@bp.route("/proposals/<int:proposal_id>/co-creation-report.csv")
@allow(*READERS)
def report_csv(proposal_id: int):
    """The report's rows as a CSV download: every contribution but withdrawn ones, unpaginated."""
    proposal = get_proposal(proposal_id)
    return Response(
        csv_text(proposal.id), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="co-creation-report-proposal-{proposal.id}.csv"'},
    )
