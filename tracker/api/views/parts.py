"""The parts of a proposal: /api/v1/proposals/<id>/sections, contributions, priorities,
milestones and activity. Each checks the proposal as its page does (404 missing, 403 not
the reader's to see) and shows what that page shows the reader."""

from flask import jsonify
from flask_login import current_user

from tracker.activity.changes import describe_changes, kind_label
from tracker.activity import queries as activity_queries
from tracker.api import queries, serializers
from tracker.api.pagination import envelope, page_of_query, paging_from_request
from tracker.api.views import bp
from tracker.api.views.common import milestone_list, readable_proposal
from tracker.auth.access import api_token
from tracker.contributions.queries import TriageFilters, responses_to, triage_query
from tracker.milestones import queries as milestone_queries
from tracker.priorities.queries import stance_counts, stances_on


def _page(query):
    """The page the URL asks for of `query`, and the notices about how it was read."""
    notices: list[str] = []
    return page_of_query(query, paging_from_request(notices)), notices


@bp.route("/proposals/<int:proposal_id>/sections")
@api_token
def proposal_sections(proposal_id: int):
    """The proposal's sections in order, with their text (Markdown), state and words."""
    proposal = readable_proposal(proposal_id)
    page, notices = _page(queries.sections_of(proposal.id))
    return jsonify(envelope([serializers.section(item) for item in page.items], page, notices))


@bp.route("/proposals/<int:proposal_id>/contributions")
@api_token
def proposal_contributions(proposal_id: int):
    """The input on the proposal, oldest first, with staff's responses: all of it for staff
    and the board; an expert gets only their own (as on the contributions page), so never
    another expert's input."""
    proposal = readable_proposal(proposal_id)
    own_only = None if current_user.is_staff or current_user.is_board else current_user.id
    page, notices = _page(triage_query(proposal.id, TriageFilters(), own_only))
    responses = responses_to([item.id for item in page.items])
    data = [serializers.contribution(item, responses.get(item.id)) for item in page.items]
    return jsonify(envelope(data, page, notices))


@bp.route("/proposals/<int:proposal_id>/priorities")
@api_token
def proposal_priorities(proposal_id: int):
    """The proposal's sector priorities by rank, with what experts said of each and the answers."""
    proposal = readable_proposal(proposal_id)
    page, notices = _page(queries.priorities_of(proposal.id))
    ids = [item.id for item in page.items]
    counts, stances = stance_counts(ids), stances_on(ids)
    data = [serializers.priority(item, counts[item.id], stances.get(item.id, [])) for item in page.items]
    return jsonify(envelope(data, page, notices))


@bp.route("/proposals/<int:proposal_id>/milestones")
@api_token
def proposal_milestones(proposal_id: int):
    """The proposal's milestones and its programme's dates, by due date, with RAG status and
    forecast for today, as the proposal's timeline."""
    proposal = readable_proposal(proposal_id)
    return milestone_list(milestone_queries.for_proposal(proposal), {proposal.id: proposal.title})


@bp.route("/proposals/<int:proposal_id>/activity")
@api_token
def proposal_activity(proposal_id: int):
    """What happened to the proposal, newest first, as its activity page shows the reader: an
    expert does not learn of another expert's input before staff have answered it."""
    proposal = readable_proposal(proposal_id)
    page, notices = _page(activity_queries.proposal_activity(proposal.id, current_user))
    changes = describe_changes(page.items)
    data = [serializers.activity(item, changes[item.id], kind_label(item.verb)) for item in page.items]
    return jsonify(envelope(data, page, notices))
