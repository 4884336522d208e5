"""Changes to one's own profile that belong to no other domain: an expert's sectors and themes."""

from sqlalchemy import delete, insert, select

from tracker.activity.services import diff, record_activity
from tracker.contributions.models import expert_sector
from tracker.extensions import db
from tracker.sectors.models import Sector


def registered_sector_ids(user_id: int) -> list[int]:
    """The sectors and themes a person is registered under (retired ones too)."""
    return list(db.session.scalars(
        select(expert_sector.c.sector_id).where(expert_sector.c.user_id == user_id)
    ))


def set_expert_sectors(user, sector_ids: list[int], actor) -> bool:
    """Register an expert under the sectors and themes in use that they chose (requests for input
    to a sector reach everyone registered under it); retired ones they had are kept, as history.
    Returns whether anything changed."""
    if not user.is_expert:
        raise ValueError("only sector experts are registered under sectors")
    before = set(registered_sector_ids(user.id))
    in_use = set(db.session.scalars(select(Sector.id).where(Sector.is_retired.is_(False))))
    after = (set(sector_ids) & in_use) | (before - in_use)
    if after == before:
        return False
    if before - after:
        db.session.execute(delete(expert_sector).where(
            expert_sector.c.user_id == user.id, expert_sector.c.sector_id.in_(before - after)
        ))
    if after - before:
        db.session.execute(insert(expert_sector),
                           [{"user_id": user.id, "sector_id": sector_id} for sector_id in after - before])
    names = dict(db.session.execute(select(Sector.id, Sector.name).where(Sector.id.in_(before | after))).all())
    changes = diff({"sectors": sorted(names[i] for i in before)}, {"sectors": sorted(names[i] for i in after)})
    record_activity(actor, "user.sectors_changed", user, f"{user.name} changed the sectors and themes they work in",
                    changes)
    return True
