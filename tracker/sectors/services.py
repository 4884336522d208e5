"""Adding, renaming, retiring and reinstating sectors and themes; deleting only those that
nothing uses (a used one is retired instead)."""

from sqlalchemy import func, literal, select, union_all

from tracker.activity.services import diff, record_activity
from tracker.contributions.models import Contribution, InputRequest, expert_sector
from tracker.extensions import db
from tracker.portfolio.models import ProgrammeTarget
from tracker.priorities.models import SectorPriority
from tracker.sectors.models import Sector, SectorKind

# What can use a sector or theme: its column, and what one and several of them are called.
USES = (
    (SectorPriority.sector_id, "proposal priority", "proposal priorities"),
    (ProgrammeTarget.sector_id, "programme target", "programme targets"),
    (Contribution.sector_id, "contribution", "contributions"),
    (expert_sector.c.sector_id, "expert who chose it", "experts who chose it"),
    (InputRequest.sector_id, "request for input", "requests for input"),
)


class SectorInUse(Exception):
    """A sector or theme something uses cannot be deleted; the message says what uses it."""


def create_sector(name: str, kind: SectorKind, description: str, actor) -> Sector:
    """A new sector or theme."""
    sector = Sector(name=name, kind=kind, description=description)
    db.session.add(sector)
    record_activity(actor, "sector.created", sector, f"Added {kind.label.lower()} {name}")
    return sector


def update_sector(sector: Sector, name: str, kind: SectorKind, description: str, actor) -> None:
    """Rename, reclassify or redescribe."""
    before = {"name": sector.name, "kind": sector.kind, "description": sector.description}
    sector.name, sector.kind, sector.description = name, kind, description
    changes = diff(before, {"name": name, "kind": kind, "description": description})
    if changes:
        record_activity(actor, "sector.updated", sector, f"Changed {name}", changes)


def set_retired(sector: Sector, retired: bool, actor) -> None:
    """Retire (no longer offered) or reinstate."""
    if sector.is_retired == retired:
        return
    sector.is_retired = retired
    verb = "sector.retired" if retired else "sector.reinstated"
    summary = f"{'Retired' if retired else 'Reinstated'} {sector.name}"
    record_activity(actor, verb, sector, summary, {"is_retired": [not retired, retired]})


def _uses(sector_ids: list[int]):
    """A SELECT of (sector id, which use, how many) over every kind of use, in one query."""
    parts = [
        select(column.label("sector_id"), literal(index).label("use"))
        .where(column.in_(sector_ids))
        for index, (column, _, _) in enumerate(USES)
    ]
    uses = union_all(*parts).subquery()
    return select(uses.c.sector_id, uses.c.use, func.count()).group_by(uses.c.sector_id, uses.c.use)


def used_sector_ids(sector_ids: list[int]) -> set[int]:
    """Which of these sectors and themes anything uses (one query)."""
    if not sector_ids:
        return set()
    return {sector_id for sector_id, _, _ in db.session.execute(_uses(sector_ids))}


def uses_of(sector: Sector) -> list[str]:
    """What uses a sector or theme, in words ("2 proposal priorities"); [] when nothing does."""
    counts = {use: count for _, use, count in db.session.execute(_uses([sector.id]))}
    return [f"{counts[index]} {one if counts[index] == 1 else many}"
            for index, (_, one, many) in enumerate(USES) if counts.get(index)]


def delete_sector(sector: Sector, actor) -> None:
    """Delete a sector or theme that nothing uses; SectorInUse, changing nothing, otherwise."""
    uses = uses_of(sector)
    if uses:
        listed = ", ".join(uses[:-1]) + (" and " if len(uses) > 1 else "") + uses[-1]
        raise SectorInUse(
            f"{sector.name} cannot be deleted: it is used by {listed}. Retire it instead, so that "
            "it is no longer offered."
        )
    record_activity(actor, "sector.deleted", sector, f"Deleted {sector.kind.label.lower()} {sector.name}",
                    {"name": sector.name, "kind": sector.kind.value})
    db.session.delete(sector)
    db.session.flush()
