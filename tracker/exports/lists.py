"""The tables behind the list exports: each loads the whole filtered list its page shows (one
page at a time there), for the same reader, in a fixed number of queries."""

from sqlalchemy import exists, or_, select

from tracker.activity.changes import Change, describe_changes, kind_label
from tracker.assessments.models import AssessorReview, Outcome
from tracker.contributions.forms import TriageFilterForm
from tracker.contributions.queries import triage_query
from tracker.exports import table
from tracker.exports.table import Column, Kind, Table, capped
from tracker.extensions import db
from tracker.prioritisation.queries import assessment_summaries
from tracker.programmes.models import Programme
from tracker.proposals.models import Proposal
from tracker.proposals.queries import visible_proposals
from tracker.proposals.views import listed_proposals

NO_SECTION = "No particular section"
SYSTEM = "System"  # an entry no person made, as the activity pages say


def _all(query) -> list:
    """Every row of a SELECT of one entity, refused past the cap (asking for one row more to know)."""
    return capped(db.session.scalars(query.limit(table.MAX_ROWS + 1)))


# Proposals ---------------------------------------------------------------------------------------

PROPOSAL_COLUMNS = (
    Column("Proposal id", Kind.NUMBER), Column("Title"), Column("Lead organisation"), Column("Programme"),
    Column("Owner"), Column("Stage"), Column("Funding ask", Kind.MONEY), Column("Input closes on", Kind.DATE),
    Column("Last changed (UK time)", Kind.TIME),
)


def proposals_table(user, filters: dict) -> Table:
    """The proposals list as `user` sees it with `filters` (proposals.views.list_filters), most
    recently changed first."""
    return Table("Proposals", PROPOSAL_COLUMNS, [
        (proposal.id, proposal.title, proposal.lead_organisation.name, proposal.programme.name,
         proposal.owner.name, proposal.stage.label, proposal.funding_ask, proposal.input_closes_on,
         proposal.updated_at)
        for proposal in _all(listed_proposals(user, filters))
    ])


# Contributions -----------------------------------------------------------------------------------

CONTRIBUTION_COLUMNS = (
    Column("Contribution id", Kind.NUMBER), Column("Title"), Column("Kind"), Column("Sector or theme"),
    Column("Section"),
)
AUTHOR_COLUMNS = (Column("Author"), Column("Organisation"), Column("Organisation type"))
GIVEN_COLUMNS = (Column("Given (UK time)", Kind.TIME), Column("Status"))


def contributions_table(proposal: Proposal, filters: TriageFilterForm, own_only: int | None) -> Table:
    """The triage list with its filters: every contribution on the proposal for staff and the
    board (who gave each, as the page names them), or only the reader's own (`own_only`)."""
    everyone = own_only is None
    rows = []
    for contribution in _all(triage_query(proposal.id, filters.chosen(), own_only)):
        organisation = contribution.organisation
        who = (contribution.author.name, organisation.name if organisation else None,
               organisation.type.label if organisation else None) if everyone else ()
        rows.append((
            contribution.id, contribution.title, contribution.kind.label, contribution.sector.name,
            contribution.section.title if contribution.section is not None else NO_SECTION,
            *who, contribution.created_at, contribution.status.label,
        ))
    columns = CONTRIBUTION_COLUMNS + (AUTHOR_COLUMNS if everyone else ()) + GIVEN_COLUMNS
    return Table("Contributions", columns, rows)


# Assessments -------------------------------------------------------------------------------------

ASSESSMENT_COLUMNS = (
    Column("Proposal id", Kind.NUMBER), Column("Proposal"), Column("Stage"), Column("Funding ask", Kind.MONEY),
    Column("Assessors", Kind.NUMBER), Column("Assessors who said fund", Kind.NUMBER),
    Column("A majority said fund"), Column("Average score (%)", Kind.PERCENT), Column("Threshold (%)", Kind.PERCENT),
    Column("Meets the threshold"), Column("Outcome"), Column("Decided on", Kind.DATE),
)


def assessments_table(user, programme: Programme) -> Table:
    """One row per proposal of the programme with an assessment recorded (an assessor's review
    or the outcome), by title: Innovate UK's figures as the assessment page gives them (the
    average compared unrounded with the threshold), and the outcome."""
    assessed = or_(
        exists().where(AssessorReview.proposal_id == Proposal.id),
        exists().where(Outcome.proposal_id == Proposal.id),
    )
    proposals = _all(visible_proposals(user).where(Proposal.programme_id == programme.id, assessed)
                     .order_by(Proposal.title, Proposal.id))
    summaries = assessment_summaries([proposal.id for proposal in proposals], programme.assessment_threshold)
    outcomes = {outcome.proposal_id: outcome for outcome in db.session.scalars(
        select(Outcome).join(Proposal, Proposal.id == Outcome.proposal_id)
        .where(Proposal.programme_id == programme.id)
    )}
    rows = []
    for proposal in proposals:
        summary, outcome = summaries[proposal.id], outcomes.get(proposal.id)
        rows.append((
            proposal.id, proposal.title, proposal.stage.label, proposal.funding_ask,
            summary.assessors, summary.fund_votes, summary.majority_fund, summary.average_percent,
            summary.threshold, summary.meets_threshold,
            outcome.result.label if outcome is not None else None,
            outcome.decided_on if outcome is not None else None,
        ))
    return Table("Assessments", ASSESSMENT_COLUMNS, rows)


# Activity ----------------------------------------------------------------------------------------

ACTIVITY_COLUMNS = (
    Column("When (UK time)", Kind.TIME), Column("Who"), Column("Kind"), Column("What"), Column("Changes"),
)


def activity_table(query, with_proposal: bool = False) -> Table:
    """Audit entries from an activity query (tracker/activity/queries.py, newest first), each
    with its changes in words, as the activity pages show them."""
    entries = _all(query)
    changes = describe_changes(entries)
    rows = []
    for entry in entries:
        row = (entry.created_at, entry.actor.name if entry.actor else SYSTEM, kind_label(entry.verb),
               entry.summary, "; ".join(_change_text(change) for change in changes[entry.id]))
        if with_proposal:
            row += (entry.proposal.title if entry.proposal is not None else None,)
        rows.append(row)
    columns = ACTIVITY_COLUMNS + ((Column("Proposal"),) if with_proposal else ())
    return Table("Activity", columns, rows)


def _change_text(change: Change) -> str:
    """"Stage: Draft → Co-creation", or "Comment: Looks good" when there is no before."""
    if change.before is None:
        return f"{change.label}: {change.after}"
    return f"{change.label}: {change.before} → {change.after}"
