"""Setting a programme's target shares per sector or theme, as one change with its audit entry."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from tracker.activity.services import record_activity
from tracker.concurrency import EditConflict, check_version
from tracker.extensions import db
from tracker.portfolio.models import ProgrammeTarget
from tracker.priorities.services import WHOLE, percent_text
from tracker.sectors.models import Sector
from tracker.timeutil import utcnow


class TargetsRefused(Exception):
    """A set of targets that cannot be saved; `sector_id` names the row the message belongs
    to (None: the set as a whole)."""

    def __init__(self, message: str, sector_id: int | None = None):
        super().__init__(message)
        self.message = message
        self.sector_id = sector_id


def set_targets(programme, shares: dict[int, Decimal | None], started_from: int | None, actor) -> dict:
    """Make `shares` ({sector id: target %, None for no target}) the programme's whole set of
    targets; a sector left out loses its target. Refused, changing nothing, with EditConflict
    when the programme changed since version `started_from`, or TargetsRefused for a negative
    share, targets adding up to over 100%, or a new or changed target on a retired sector
    (an existing one can be kept or removed). Returns the changes, {sector name: [before,
    after]}; a change moves the programme's version on, so that a form opened before it is stale."""
    check_version(programme, started_from)
    existing = {
        target.sector_id: target
        for target in db.session.scalars(
            select(ProgrammeTarget)
            .where(ProgrammeTarget.programme_id == programme.id)
            .options(joinedload(ProgrammeTarget.sector))
        )
    }
    sectors = {
        sector.id: sector
        for sector in db.session.scalars(select(Sector).where(Sector.id.in_(shares)))
    }
    wanted = {sector_id: share for sector_id, share in shares.items() if share is not None}
    for sector_id, share in wanted.items():
        _check_target(sectors.get(sector_id), sector_id, share, existing.get(sector_id))
    total = sum(wanted.values(), Decimal(0))
    if total > WHOLE:
        raise TargetsRefused(
            f"Targets add up to {percent_text(total)}, over 100%: lower some of them so that "
            "they add up to 100% or less"
        )
    changes = {}
    for sector_id, target in existing.items():
        if sector_id not in wanted:
            changes[target.sector.name] = [percent_text(target.share), None]
            db.session.delete(target)
    for sector_id, share in wanted.items():
        target = existing.get(sector_id)
        if target is None:
            db.session.add(ProgrammeTarget(programme_id=programme.id, sector_id=sector_id, share=share))
            changes[sectors[sector_id].name] = [None, percent_text(share)]
        elif target.share != share:
            changes[target.sector.name] = [percent_text(target.share), percent_text(share)]
            target.share = share
    if not changes:
        return changes
    programme.updated_at = utcnow()  # the programme's row changes: its version moves on
    try:
        record_activity(
            actor, "programme.targets_changed", programme,
            f"Changed the sector and theme targets of {programme.name}", changes,
        )
        db.session.flush()
    except StaleDataError:
        # Someone saved the programme between the version check and this write.
        raise EditConflict(started_from or 0) from None
    return changes


def _check_target(sector: Sector | None, sector_id: int, share: Decimal, target) -> None:
    """One row's rules: a sector that exists, a share from 0 to 100, nothing new if retired."""
    if sector is None:
        raise TargetsRefused("That sector or theme no longer exists: reload the page", sector_id)
    if share < 0:
        raise TargetsRefused(f"The target for {sector.name} cannot be negative", sector_id)
    if share > WHOLE:
        raise TargetsRefused(f"The target for {sector.name} must be 100% or less", sector_id)
    if sector.is_retired and (target is None or target.share != share):
        raise TargetsRefused(
            f"{sector.name} has been retired: its target can be kept or removed, not set or changed",
            sector_id,
        )
