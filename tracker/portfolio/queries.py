"""Reads for the portfolio page and the targets form: a fixed number of queries whatever the
number of proposals."""

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select

from tracker.extensions import db
from tracker.portfolio.balance import AskedRow, SectorInfo
from tracker.portfolio.models import ProgrammeTarget
from tracker.priorities.models import SectorPriority
from tracker.proposals.models import Proposal, ProposalStage
from tracker.sectors.models import Sector


def asked_rows(programme_id: int, stages: Collection[ProposalStage]) -> tuple[list[AskedRow], dict[int, SectorInfo]]:
    """Every proposal in the programme at one of `stages` (any stage when empty), once per
    priority (once with no priority when it has none), by proposal and rank; and the sectors
    those priorities name. One query."""
    query = (
        select(
            Proposal.id, Proposal.funding_ask, SectorPriority.sector_id, SectorPriority.share,
            SectorPriority.rank, Sector.name, Sector.kind, Sector.is_retired,
        )
        .outerjoin(SectorPriority, SectorPriority.proposal_id == Proposal.id)
        .outerjoin(Sector, Sector.id == SectorPriority.sector_id)
        .where(Proposal.programme_id == programme_id)
        .order_by(Proposal.id, SectorPriority.rank)
    )
    if stages:
        query = query.where(Proposal.stage.in_(stages))
    rows, sectors = [], {}
    for proposal_id, ask, sector_id, share, rank, name, kind, retired in db.session.execute(query):
        rows.append(AskedRow(proposal_id, ask, sector_id, share, rank))
        if sector_id is not None:
            sectors[sector_id] = SectorInfo(sector_id, name, kind, retired)
    return rows, sectors


def targets_of(programme_id: int) -> tuple[dict[int, Decimal], dict[int, SectorInfo]]:
    """The programme's target share per sector id, and those sectors. One query."""
    rows = db.session.execute(
        select(ProgrammeTarget.sector_id, ProgrammeTarget.share, Sector.name, Sector.kind,
               Sector.is_retired)
        .join(Sector, Sector.id == ProgrammeTarget.sector_id)
        .where(ProgrammeTarget.programme_id == programme_id)
    )
    targets, sectors = {}, {}
    for sector_id, share, name, kind, retired in rows:
        targets[sector_id] = share
        sectors[sector_id] = SectorInfo(sector_id, name, kind, retired)
    return targets, sectors


@dataclass(frozen=True)
class TargetRow:
    """A line of the targets form: a sector or theme in use, or a retired one with a target."""

    sector: SectorInfo
    target: Decimal | None


def target_rows(programme_id: int) -> list[TargetRow]:
    """Every sector and theme in use, and every retired one the programme still has a target
    for, with its target (None for none); sectors first, then themes, by name. One query."""
    rows = db.session.execute(
        select(Sector.id, Sector.name, Sector.kind, Sector.is_retired, ProgrammeTarget.share)
        .outerjoin(
            ProgrammeTarget,
            (ProgrammeTarget.sector_id == Sector.id) & (ProgrammeTarget.programme_id == programme_id),
        )
        .where(or_(Sector.is_retired.is_(False), ProgrammeTarget.id.is_not(None)))
        .order_by(Sector.kind, func.lower(Sector.name), Sector.id)
    )
    return [
        TargetRow(SectorInfo(sector_id, name, kind, retired), share)
        for sector_id, name, kind, retired, share in rows
    ]
