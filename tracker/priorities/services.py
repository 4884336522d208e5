"""Adding and removing a proposal's sector priorities, each change with its audit entry."""

from decimal import Decimal

from sqlalchemy import func, select, update

from tracker.activity.services import record_activity
from tracker.extensions import db
from tracker.priorities.models import SectorPriority

WHOLE = Decimal(100)


class PriorityRefused(Exception):
    """A priority that cannot be added; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def percent_text(value: Decimal) -> str:
    """25%, 12.5% (no trailing zeros)."""
    return f"{Decimal(value).normalize():f}%"


def total_share(proposal_id: int) -> Decimal:
    """The shares of the funding ask the proposal's priorities take, summed in SQL."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(SectorPriority.share), 0)).where(
            SectorPriority.proposal_id == proposal_id
        )
    )
    return Decimal(total).quantize(Decimal("0.01"))


def add_priority(proposal, sector, share: Decimal, rationale: str, actor) -> SectorPriority:
    """Add `sector` as the proposal's next-ranked priority; PriorityRefused, changing nothing,
    for a missing or retired sector, a sector already listed, or shares over 100%."""
    if sector is None:
        raise PriorityRefused("sector_id", "Select a sector or theme")
    if sector.is_retired:
        raise PriorityRefused(
            "sector_id", f"{sector.name} has been retired: select a sector or theme still in use"
        )
    listed = db.session.scalar(
        select(func.count(SectorPriority.id)).where(
            SectorPriority.proposal_id == proposal.id, SectorPriority.sector_id == sector.id
        )
    )
    if listed:
        raise PriorityRefused("sector_id", f"{sector.name} is already one of this proposal's priorities")
    if share is None or share < 0 or share > WHOLE:
        raise PriorityRefused("share", "Share of the funding ask must be between 0 and 100")
    taken = total_share(proposal.id)
    if taken + share > WHOLE:
        raise PriorityRefused(
            "share",
            f"Shares would add up to {percent_text(taken + share)}, over 100%: the priorities "
            f"already take {percent_text(taken)}, so at most {percent_text(WHOLE - taken)} is left",
        )
    last = db.session.scalar(
        select(func.max(SectorPriority.rank)).where(SectorPriority.proposal_id == proposal.id)
    )
    priority = SectorPriority(
        proposal_id=proposal.id, sector_id=sector.id, rank=(last or 0) + 1, share=share,
        rationale=rationale,
    )
    db.session.add(priority)
    record_activity(
        actor, "priority.added", priority,
        f"Added {sector.name} as priority {priority.rank} ({percent_text(share)} of the ask)",
        {"sector": sector.name, "rank": priority.rank, "share": str(share), "rationale": rationale},
        proposal_id=proposal.id,
    )
    return priority


def remove_priority(proposal, priority: SectorPriority, actor) -> None:
    """Remove a priority (its sector loaded); those ranked below it move up one place."""
    sector_name = priority.sector.name
    record_activity(
        actor, "priority.removed", priority,
        f"Removed {sector_name} (priority {priority.rank}, {percent_text(priority.share)} of the ask)",
        {"sector": sector_name, "rank": priority.rank, "share": str(priority.share)},
        proposal_id=proposal.id,
    )
    rank = priority.rank
    db.session.delete(priority)
    db.session.flush()
    db.session.execute(
        update(SectorPriority)
        .where(SectorPriority.proposal_id == proposal.id, SectorPriority.rank > rank)
        .values(rank=SectorPriority.rank - 1)
    )
