"""Keeping a proposal's ranked sector priorities: add, change, reorder, remove, and take a
priority recommendation in as a priority; each change with its audit entry."""

from decimal import Decimal

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import joinedload

from tracker.activity.services import diff, record_activity
from tracker.concurrency import check_version
from tracker.contributions.models import ContributionKind, ContributionStatus
from tracker.contributions.services import ContributionRefused, respond
from tracker.extensions import db
from tracker.priorities.models import SectorPriority

WHOLE = Decimal(100)


class PriorityRefused(Exception):
    """A change to the priorities that cannot be made; `field` names the form field the message
    belongs to (None: the form as a whole)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class ReorderRefused(Exception):
    """New positions that are not each priority at its own place, 1 to n: {priority id: why}."""

    def __init__(self, problems: dict[int, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class OrderChanged(Exception):
    """The priorities were added, removed or reordered since the person's form was shown."""


def _plain(value: Decimal) -> str:
    """25, 12.5, 100: a percentage without trailing zeros."""
    return f"{Decimal(value).normalize():f}"


def percent_text(value: Decimal) -> str:
    """25%, 12.5% (no trailing zeros)."""
    return f"{_plain(value)}%"


def total_share(proposal_id: int) -> Decimal:
    """The shares of the funding ask the proposal's priorities take, summed in SQL."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(SectorPriority.share), 0)).where(
            SectorPriority.proposal_id == proposal_id
        )
    )
    return Decimal(total).quantize(Decimal("0.01"))


def _check_changeable(proposal) -> None:
    if proposal.stage.is_frozen:
        raise PriorityRefused(
            None, f"{proposal.title} is at {proposal.stage.label}: its priorities can no longer change"
        )


def _check_share(share: Decimal | None, others: Decimal, others_are: str = "the priorities already take") -> None:
    """`share` is a percentage that, with the `others` already taken, keeps the total within 100%."""
    if share is None or share < 0 or share > WHOLE:
        raise PriorityRefused("share", "Share of the funding ask must be between 0 and 100")
    if others + share > WHOLE:
        raise PriorityRefused(
            "share",
            f"Shares would add up to {percent_text(others + share)}, over 100%: {others_are} "
            f"{percent_text(others)}, so at most {percent_text(WHOLE - others)} is left",
        )


def add_priority(proposal, sector, share: Decimal, rationale: str, actor,
                 contribution=None) -> SectorPriority:
    """Add `sector` as the proposal's next-ranked priority (credited to `contribution` when it
    came from one); PriorityRefused, changing nothing, for a frozen proposal, a missing or
    retired sector, a sector already listed, or shares over 100%."""
    _check_changeable(proposal)
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
    _check_share(share, total_share(proposal.id))
    last = db.session.scalar(
        select(func.max(SectorPriority.rank)).where(SectorPriority.proposal_id == proposal.id)
    )
    priority = SectorPriority(
        proposal_id=proposal.id, sector_id=sector.id, rank=(last or 0) + 1, share=share,
        rationale=rationale, contribution_id=contribution.id if contribution is not None else None,
    )
    db.session.add(priority)
    summary = f"Added {sector.name} as priority {priority.rank} ({percent_text(share)} of the ask)"
    changes = {"sector": sector.name, "rank": priority.rank, "share": str(share), "rationale": rationale}
    if contribution is not None:
        summary += f", from input: {contribution.title}"
        changes["from_input"] = contribution.title
    record_activity(actor, "priority.added", priority, summary, changes, proposal_id=proposal.id)
    return priority


def update_priority(proposal, priority: SectorPriority, share: Decimal, rationale: str,
                    started_from: int | None, actor) -> bool:
    """Change a priority's share and rationale (its sector loaded). EditConflict when it changed
    since version `started_from`; PriorityRefused for a bad share or shares over 100%. Returns
    whether anything changed."""
    _check_changeable(proposal)
    check_version(priority, started_from)
    _check_share(share, total_share(proposal.id) - priority.share, "the other priorities take")
    before = {"share": _plain(priority.share), "rationale": priority.rationale}
    changes = diff(before, {"share": _plain(share), "rationale": rationale})
    if not changes:
        return False
    priority.share, priority.rationale = share, rationale
    record_activity(
        actor, "priority.changed", priority,
        f"Changed {priority.sector.name} (priority {priority.rank}, {percent_text(share)} of the ask)",
        changes, proposal_id=proposal.id,
    )
    return True


def remove_priority(proposal, priority: SectorPriority, actor) -> None:
    """Remove a priority (its sector loaded); those ranked below it move up one place."""
    _check_changeable(proposal)
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


def ranked_priorities(proposal_id: int) -> list[SectorPriority]:
    """Every priority of the proposal by rank, with its sector (the order is edited whole)."""
    return list(db.session.scalars(
        select(SectorPriority)
        .where(SectorPriority.proposal_id == proposal_id)
        .order_by(SectorPriority.rank, SectorPriority.id)
        .options(joinedload(SectorPriority.sector))
    ))


def order_key(priorities) -> str:
    """The order a person was shown, as ids ("12,9,15"): a save against another order is stale."""
    return ",".join(str(priority.id) for priority in priorities)


def reorder_priorities(proposal, positions: dict[int, int | None], seen_order: str, actor) -> bool:
    """Put every priority at its new position in one step. `positions` maps each priority's id
    to its position; they must be 1 to n, each used once (ReorderRefused names each problem,
    nothing changes). OrderChanged when the priorities or their order changed since the person
    saw `seen_order`. Returns whether the order changed (one audit entry: old and new order)."""
    _check_changeable(proposal)
    priorities = ranked_priorities(proposal.id)
    if seen_order != order_key(priorities) or set(positions) != {p.id for p in priorities}:
        raise OrderChanged()
    count = len(priorities)
    problems, taken = {}, {}
    for priority in priorities:
        name, position = priority.sector.name, positions[priority.id]
        if position is None:
            problems[priority.id] = f"Choose a position for {name}"
        elif not 1 <= position <= count:
            problems[priority.id] = f"Position of {name} must be a number from 1 to {count}"
        elif position in taken:
            problems[priority.id] = (f"{taken[position]} is already at position {position}: "
                                     f"give {name} a position of its own")
        else:
            taken[position] = name
    if problems:
        raise ReorderRefused(problems)
    before = [priority.sector.name for priority in priorities]
    after = [priority.sector.name for priority in sorted(priorities, key=lambda p: positions[p.id])]
    if before == after:
        return False
    db.session.execute(
        update(SectorPriority)
        .where(SectorPriority.proposal_id == proposal.id)
        .values(rank=case(positions, value=SectorPriority.id))
        .execution_options(synchronize_session=False)
    )
    record_activity(
        actor, "priority.reordered", proposal,
        f"Changed the order of priorities: {', '.join(before)} → {', '.join(after)}",
        {"order": [before, after]}, proposal_id=proposal.id,
    )
    return True


def taken_in_as(contribution_id: int) -> SectorPriority | None:
    """The priority a recommendation became, if it did."""
    return db.session.scalar(
        select(SectorPriority).where(SectorPriority.contribution_id == contribution_id)
    )


def take_in_recommendation(proposal, contribution, sector, share: Decimal, rationale: str,
                           actor) -> SectorPriority:
    """Staff make a priority recommendation a priority, credited to it, in one step: the
    priority is added and, while the input still waits for an answer, it is answered as
    accepted ("Taken in as priority N"; its author is told). PriorityRefused, nothing changed,
    when the proposal is frozen, the input cannot be taken in, or the priority is refused."""
    if contribution.proposal_id != proposal.id:
        raise PriorityRefused(None, "That input belongs to another proposal")
    if contribution.kind is not ContributionKind.PRIORITY_RECOMMENDATION:
        raise PriorityRefused(None, "Only a priority recommendation can become a priority")
    if contribution.status is ContributionStatus.WITHDRAWN:
        raise PriorityRefused(None, "This input was withdrawn by its author: it cannot become a priority")
    existing = taken_in_as(contribution.id)
    if existing is not None:
        raise PriorityRefused(None, f"This input has already become priority {existing.rank}")
    priority = add_priority(proposal, sector, share, rationale, actor, contribution=contribution)
    if contribution.status.is_open:
        try:
            respond(contribution, proposal, outcome=ContributionStatus.ACCEPTED,
                    reason=f"Taken in as priority {priority.rank}", actor=actor)
        except ContributionRefused as refused:
            raise PriorityRefused(None, str(refused)) from refused
    return priority
