"""What the API's views share: ids read safely, the proposal checked for the reader, and
milestone lists planned for today."""

from datetime import date

from flask import abort, jsonify

from tracker.api import MAX_ID, serializers
from tracker.api.pagination import envelope, page_of_list, paging_from_request
from tracker.milestones.rules import plan
from tracker.proposals.models import Proposal
from tracker.proposals.views import get_proposal


def readable_proposal(proposal_id: int) -> Proposal:
    """The proposal, as its pages load it: 404 when missing, 403 when the reader may not see it."""
    if proposal_id > MAX_ID:
        abort(404)
    return get_proposal(proposal_id)


def id_from(value: str) -> int | None:
    """A query string's id (digits only, within range), or None."""
    value = value.strip()
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def today() -> date:
    """The day milestones are judged by (the one place the API reads the clock)."""
    return date.today()


def milestone_list(found, proposal_titles: dict[int, str]):
    """A page of milestones; the plan is made over the whole set, as the timelines make it."""
    notices: list[str] = []
    planned = plan(found.milestones, found.dependencies, today())
    page = page_of_list(found.milestones, paging_from_request(notices))
    data = [serializers.milestone(m, planned[m.id], found.dependencies.get(m.id, set()), proposal_titles)
            for m in page.items]
    return jsonify(envelope(data, page, notices))
