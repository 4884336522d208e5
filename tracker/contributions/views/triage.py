"""Staff triage of a proposal's input: every contribution, filtered and by age, marked as under
review in bulk; board members read it; an expert sees their own input there."""

from datetime import datetime

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.auth.access import signed_in, staff_only
from tracker.contributions import queries
from tracker.contributions.forms import MarkUnderReviewForm, TriageFilterForm
from tracker.contributions.models import ContributionStatus
from tracker.contributions.services import input_is_open, mark_under_review
from tracker.contributions.views import bp
from tracker.extensions import db
from tracker.proposals.models import ProposalStage
from tracker.proposals.views import get_proposal
from tracker.sections.queries import sections_of
from tracker.templating import LONDON, long_date


@bp.route("/proposals/<int:proposal_id>/contributions")
@signed_in
def triage(proposal_id: int):
    """Every contribution on a proposal, filtered and oldest first, with counts by status;
    an expert sees only their own."""
    return _render_triage(get_proposal(proposal_id), MarkUnderReviewForm())


@bp.route("/proposals/<int:proposal_id>/contributions/under-review", methods=["POST"])
@staff_only
def mark_under_review_bulk(proposal_id: int):
    """Mark the selected submitted contributions as under review; back to the filtered page."""
    proposal = get_proposal(proposal_id)
    form = MarkUnderReviewForm()
    if not form.validate_on_submit():
        return _render_triage(proposal, form)
    selected = set(form.contribution_ids.data)
    marked = mark_under_review(proposal, sorted(selected), current_user)
    db.session.commit()
    message = f"{marked} contribution{'s' if marked != 1 else ''} marked as under review"
    skipped = len(selected) - marked
    if skipped:
        message += (f". {skipped} skipped: only submitted input, on this proposal, can be marked "
                    "as under review")
    flash(message, "success" if marked else "info")
    return redirect(url_for("contributions.triage", proposal_id=proposal.id, **_filters_asked()))


def _filters_asked() -> dict[str, str]:
    """The filters in this address, by name only (never url_for's own arguments, such as
    _external): the triage page checks their values itself."""
    return {name: request.args[name] for name in TriageFilterForm.NAMES if request.args.get(name)}


def triage_filters(proposal) -> tuple[TriageFilterForm, int | None]:
    """The filters in the address, as the reader may use them, and whose input they see: None
    for everyone's (staff and board), else their own id (the page and its exports alike)."""
    own_only = None if current_user.is_staff or current_user.is_board else current_user.id
    filters = TriageFilterForm(
        request.args, sections=sections_of(proposal.id),
        sectors=queries.sectors_given_on(proposal.id, own_only),
        authors=queries.authors_on(proposal.id) if own_only is None else None,
    )
    return filters, own_only


def _render_triage(proposal, form: MarkUnderReviewForm):
    """The triage page for the reader: the whole proposal for staff and board, or one's own."""
    filters, own_only = triage_filters(proposal)
    page = db.paginate(queries.triage_query(proposal.id, filters.chosen(), own_only),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    kept = filters.url_args()

    def page_url(number: int) -> str:
        return url_for("contributions.triage", proposal_id=proposal.id, **kept, page=number)

    selectable = set()  # the rows that get a checkbox
    if current_user.is_staff:
        selectable = {row.id for row in page.items if row.status is ContributionStatus.SUBMITTED}
    return render_template(
        "contributions/triage.html", proposal=proposal, page=page, filters=filters, kept=kept,
        page_url=page_url, back_to=page_url(page.page), counts=queries.status_counts(proposal.id, own_only),
        input_open=input_is_open(proposal), input_window=_input_window(proposal),
        selectable=selectable, days_since=_days_since, form=form, everyone=own_only is None,
        title="Contributions" if own_only is None else "Your input on this proposal",
    )


def _input_window(proposal) -> str:
    """Whether input is being taken, and until or since when."""
    closes_on = proposal.input_closes_on
    if proposal.stage is not ProposalStage.CO_CREATION:
        return f"Input is closed: this proposal is at {proposal.stage.label}."
    if closes_on is None:
        return "Input is open."
    if input_is_open(proposal):
        return f"Input is open until {long_date(closes_on)}."
    return f"Input closed on {long_date(closes_on)}."


def _days_since(moment: datetime) -> int:
    """Whole days from a moment to today, both as dates in the UK."""
    return (datetime.now(LONDON).date() - moment.astimezone(LONDON).date()).days
