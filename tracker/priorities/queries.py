"""Reads the priorities page needs, each in one query whatever the number of rows."""

from collections import defaultdict

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker.auth.models import User
from tracker.extensions import db
from tracker.priorities.models import PriorityStance, SectorPriority, StanceKind


def priorities_page(proposal_id: int):
    """One page of the proposal's priorities by rank, with their sectors and the input they
    were taken from."""
    return db.paginate(
        select(SectorPriority)
        .where(SectorPriority.proposal_id == proposal_id)
        .order_by(SectorPriority.rank, SectorPriority.id)
        .options(joinedload(SectorPriority.sector), joinedload(SectorPriority.contribution)),
        per_page=current_app.config["PAGE_SIZE"], error_out=False,
    )


def stance_counts(priority_ids: list[int]) -> dict[int, dict[StanceKind, int]]:
    """{priority id: {kind: how many experts took it}}, counted in SQL; every kind present."""
    counts = {priority_id: dict.fromkeys(StanceKind, 0) for priority_id in priority_ids}
    if priority_ids:
        rows = db.session.execute(
            select(PriorityStance.priority_id, PriorityStance.kind, func.count(PriorityStance.id))
            .where(PriorityStance.priority_id.in_(priority_ids))
            .group_by(PriorityStance.priority_id, PriorityStance.kind)
        )
        for priority_id, kind, count in rows:
            counts[priority_id][kind] = count
    return counts


def stances_on(priority_ids: list[int]) -> dict[int, list[PriorityStance]]:
    """{priority id: its stances, oldest first}, with each expert, their organisation and who
    replied."""
    stances = defaultdict(list)
    if priority_ids:
        query = (
            select(PriorityStance)
            .where(PriorityStance.priority_id.in_(priority_ids))
            .order_by(PriorityStance.created_at, PriorityStance.id)
            .options(
                joinedload(PriorityStance.expert).joinedload(User.organisation),
                joinedload(PriorityStance.replied_by),
            )
        )
        for stance in db.session.scalars(query):
            stances[stance.priority_id].append(stance)
    return stances


def priority_of(proposal_id: int, priority_id: int) -> SectorPriority | None:
    """One of the proposal's priorities, with its sector; None when it is not the proposal's."""
    return db.session.scalar(
        select(SectorPriority)
        .where(SectorPriority.id == priority_id, SectorPriority.proposal_id == proposal_id)
        .options(joinedload(SectorPriority.sector))
        .execution_options(populate_existing=True)  # loads the sector even if already in the session
    )


def stance_on(priority_id: int, stance_id: int) -> PriorityStance | None:
    """One stance on the priority, with its expert; None when it is not on that priority."""
    return db.session.scalar(
        select(PriorityStance)
        .where(PriorityStance.id == stance_id, PriorityStance.priority_id == priority_id)
        .options(joinedload(PriorityStance.expert))
        .execution_options(populate_existing=True)
    )
