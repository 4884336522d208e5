"""Adding, renaming, retiring and reinstating sectors and themes; never deleting."""

from tracker.activity.services import diff, record_activity
from tracker.extensions import db
from tracker.sectors.models import Sector, SectorKind


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
