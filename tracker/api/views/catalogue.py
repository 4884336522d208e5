"""/api/v1/programmes and /api/v1/proposals: the lists (proposals filtered as on their page)
and one of each, with the same permissions as the pages."""

from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy import select

from tracker.api import MAX_ID, queries, serializers
from tracker.api.pagination import envelope, page_of_query, paging_from_request
from tracker.api.views import bp
from tracker.api.views.common import id_from, milestone_list, readable_proposal
from tracker.auth.access import api_token, api_token_for
from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.milestones import queries as milestone_queries
from tracker.programmes.models import Programme
from tracker.programmes.queries import figures_for
from tracker.proposals.models import ProposalStage
from tracker.proposals.queries import UNALLOCATED, stages_named
from tracker.proposals.views import listed_proposals
from tracker.sectors.models import Sector


@bp.route("/programmes")
@api_token
def programmes():
    """Every programme, with its number of proposals and the funding they ask for, as the
    programmes page shows them."""
    notices: list[str] = []
    page = page_of_query(queries.programmes(), paging_from_request(notices))
    figures = figures_for([item.id for item in page.items])
    data = [serializers.programme(item, figures[item.id]) for item in page.items]
    return jsonify(envelope(data, page, notices))


@bp.route("/programmes/<int:programme_id>")
@api_token
def programme(programme_id: int):
    """One programme."""
    item = _programme_or_404(programme_id)
    return jsonify({"data": serializers.programme(item, figures_for([item.id])[item.id])})


@bp.route("/programmes/<int:programme_id>/milestones")
@api_token_for(Role.ADMIN, Role.STAFF, Role.BOARD)
def programme_milestones(programme_id: int):
    """Every milestone of a programme, its own and its proposals', with RAG status and
    forecast for today: staff, admins and the board, as the programme timeline."""
    item = _programme_or_404(programme_id)
    found = milestone_queries.for_programme(item.id)
    titles = {m.proposal_id: m.proposal.title for m in found.milestones if m.proposal_id is not None}
    return milestone_list(found, titles)


def _programme_or_404(programme_id: int) -> Programme:
    if programme_id > MAX_ID:
        abort(404)
    return db.get_or_404(Programme, programme_id)


@bp.route("/proposals")
@api_token
def proposals():
    """The proposals the reader may see, most recently changed first, filtered as on the
    proposals page: ?programme=, ?stage= (repeatable, or comma-separated), ?sector= (an id, or
    "none" for asks not wholly given to sectors), ?owner= and ?q= (in the title). A value that
    cannot name anything is ignored, and `notices` says so."""
    notices: list[str] = []
    filters, kept = _proposal_filters(notices)
    page = page_of_query(listed_proposals(current_user, filters), paging_from_request(notices))
    return jsonify(envelope([serializers.proposal(item) for item in page.items], page, notices, kept))


def _proposal_filters(notices: list[str]) -> tuple[dict, dict]:
    """The filters in the URL for listed_proposals, and as understood (for the links)."""
    filters = {
        "programme": _known_id("programme", Programme.id, "programme", notices),
        "owner": _known_id("owner", User.id, "person", notices),
        "sector": None,
        "q": request.args.get("q", "").strip()[:200],
    }
    filters["stages"], unknown = stages_named(request.args.getlist("stage"))
    if unknown:
        names = ", ".join(f"“{value[:40]}”" for value in unknown[:5])
        known = ", ".join(stage.value for stage in ProposalStage)
        notices.append(f"Unknown stage ignored: {names}. The stages are {known}.")
    if request.args.get("sector", "").strip() == UNALLOCATED:
        filters["sector"] = UNALLOCATED
    else:
        filters["sector"] = _known_id("sector", Sector.id, f"sector or theme (or “{UNALLOCATED}”)", notices)
    kept = {name: filters[name] for name in ("programme", "owner", "sector", "q") if filters[name]}
    if filters["stages"]:
        kept["stage"] = [stage.value for stage in filters["stages"]]
    return filters, kept


def _known_id(name: str, column, what: str, notices: list[str]) -> int | None:
    """?name= as an id: ignored (with a notice) when it is not one; an id nothing has is kept,
    so nothing matches, and the notice says why."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    found = id_from(value)
    if found is None:
        notices.append(f"{name} must be a {what}'s id: “{value[:40]}” was ignored.")
    elif db.session.scalar(select(column).where(column == found)) is None:
        notices.append(f"There is no {what.split(' (')[0]} {found}: no proposal matches.")
    return found


@bp.route("/proposals/<int:proposal_id>")
@api_token
def proposal(proposal_id: int):
    """One proposal with its summary and partners: 404 when missing, 403 when the reader may
    not see it (as its page)."""
    return jsonify({"data": serializers.proposal(readable_proposal(proposal_id), detail=True)})
