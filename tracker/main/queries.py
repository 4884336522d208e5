"""What each role's home page shows, in a fixed number of queries."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.programmes.models import Programme
from tracker.proposals.models import Proposal, ProposalStage
from tracker.proposals.queries import visible_proposals

HOME_LIST_SIZE = 10


def proposals_owned_by(user: User) -> list[Proposal]:
    """The person's own proposals, most recently changed first."""
    query = (
        select(Proposal)
        .where(Proposal.owner_id == user.id)
        .options(joinedload(Proposal.programme), joinedload(Proposal.lead_organisation))
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
        .limit(HOME_LIST_SIZE)
    )
    return list(db.session.scalars(query))


def proposals_open_for_input(user: User) -> list[Proposal]:
    """Proposals in co-creation that this person may see."""
    query = (
        visible_proposals(user)
        .where(Proposal.stage == ProposalStage.CO_CREATION)
        .options(joinedload(Proposal.programme), joinedload(Proposal.lead_organisation))
        .order_by(Proposal.title)
        .limit(HOME_LIST_SIZE)
    )
    return list(db.session.scalars(query))


def stage_counts_by_programme() -> list[dict]:
    """For each programme: its proposals counted by stage, and the total funding asked."""
    rows = db.session.execute(
        select(
            Programme.id,
            Programme.name,
            Programme.total_pot,
            Proposal.stage,
            func.count(Proposal.id),
            func.coalesce(func.sum(Proposal.funding_ask), 0),
        )
        .join(Proposal, Proposal.programme_id == Programme.id, isouter=True)
        .group_by(Programme.id, Programme.name, Programme.total_pot, Proposal.stage)
        .order_by(Programme.name)
    ).all()
    programmes: dict[int, dict] = {}
    for programme_id, name, pot, stage, count, asked in rows:
        entry = programmes.setdefault(
            programme_id,
            {"id": programme_id, "name": name, "pot": pot, "asked": 0, "total": 0, "stages": {}},
        )
        if stage is not None:
            entry["stages"][stage] = count
            entry["total"] += count
            entry["asked"] += int(asked)
    return list(programmes.values())


def people_by_role() -> dict[Role, int]:
    """How many active people hold each role."""
    rows = db.session.execute(
        select(User.role, func.count(User.id))
        .where(User.is_active_account.is_(True))
        .group_by(User.role)
    ).all()
    counts = {role: 0 for role in Role}
    counts.update({role: count for role, count in rows})
    return counts
