"""Reads for the dashboard and the board pack, each a fixed number of queries however many
proposals: the programmes newest first, the filtered proposals and their figures by stage,
readiness facts for many proposals at once, contributions by month and sector, and the
proposals waiting for a board member's decision."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, case, exists, extract, func, select
from sqlalchemy.orm import aliased, joinedload

from tracker.auth.models import Role, User
from tracker.board.models import BoardDecision, ReviewRound
from tracker.board.services import tallies
from tracker.contributions.models import RESPONSE_STATUSES, Contribution, ContributionStatus
from tracker.dashboard.readiness import BoardStanding, ReadinessFacts
from tracker.extensions import db
from tracker.priorities.models import SectorPriority
from tracker.programmes.models import Programme
from tracker.proposals.models import Proposal, ProposalStage
from tracker.proposals.queries import serving_sector
from tracker.sections.models import Section, SectionState
from tracker.sectors.models import Sector

OPEN_STATUSES = (ContributionStatus.SUBMITTED, ContributionStatus.UNDER_REVIEW)


def programmes_newest_first() -> list[tuple[int, str]]:
    """(id, name) of every programme, the one that opened last first (then the newest made)."""
    return list(db.session.execute(
        select(Programme.id, Programme.name)
        .order_by(Programme.opens_on.desc().nulls_last(), Programme.id.desc())
    ).tuples())


def owner_choices() -> list[tuple[int, str]]:
    """(id, name) of the people who may own proposals (staff and admins), by name."""
    return list(db.session.execute(
        select(User.id, User.name).where(User.role.in_([Role.STAFF, Role.ADMIN])).order_by(User.name, User.id)
    ).tuples())


@dataclass(frozen=True)
class Chosen:
    """The proposals the dashboard shows: a programme, and optionally stages, a sector or theme
    they serve, and an owner."""

    programme_id: int
    stages: tuple[ProposalStage, ...] = ()
    sector_id: int | None = None
    owner_id: int | None = None

    def where(self) -> list[ColumnElement[bool]]:
        """The conditions on Proposal."""
        conditions = [Proposal.programme_id == self.programme_id]
        if self.stages:
            conditions.append(Proposal.stage.in_(self.stages))
        if self.sector_id is not None:
            conditions.append(serving_sector(self.sector_id))
        if self.owner_id is not None:
            conditions.append(Proposal.owner_id == self.owner_id)
        return conditions


def stage_figures(chosen: Chosen) -> dict[ProposalStage, tuple[int, int]]:
    """{stage: (proposals, funding asked)} over the chosen proposals, grouped in SQL."""
    rows = db.session.execute(
        select(Proposal.stage, func.count(Proposal.id), func.coalesce(func.sum(Proposal.funding_ask), 0))
        .where(*chosen.where())
        .group_by(Proposal.stage)
    ).tuples()
    return {stage: (count, int(asked)) for stage, count, asked in rows}


@dataclass(frozen=True)
class Shown:
    """One of the chosen proposals, as the figures over the whole set need it."""

    id: int
    title: str
    stage: ProposalStage


def proposals_shown(chosen: Chosen) -> list[Shown]:
    """Every chosen proposal's id, title and stage (the set the risk figures cover)."""
    rows = db.session.execute(
        select(Proposal.id, Proposal.title, Proposal.stage).where(*chosen.where()).order_by(Proposal.id)
    ).tuples()
    return [Shown(*row) for row in rows]


def rows_query(chosen: Chosen, only: Collection[int] | None = None) -> Select:
    """The chosen proposals with their owners, by title (to paginate); `only` narrows them to
    these ids."""
    query = (
        select(Proposal)
        .where(*chosen.where())
        .options(joinedload(Proposal.owner))
        .order_by(func.lower(Proposal.title), Proposal.id)
    )
    if only is not None:
        query = query.where(Proposal.id.in_(only))
    return query


def contribution_counts(proposal_ids: Collection[int]) -> dict[int, tuple[int, int]]:
    """{proposal id: (contributions waiting for a response, contributions answered)}."""
    counts = {proposal_id: (0, 0) for proposal_id in proposal_ids}
    if not counts:
        return counts
    rows = db.session.execute(
        select(
            Contribution.proposal_id,
            func.count(case((Contribution.status.in_(OPEN_STATUSES), Contribution.id))),
            func.count(case((Contribution.status.in_(RESPONSE_STATUSES), Contribution.id))),
        )
        .where(Contribution.proposal_id.in_(counts))
        .group_by(Contribution.proposal_id)
    ).tuples()
    counts.update({proposal_id: (waiting, answered) for proposal_id, waiting, answered in rows})
    return counts


def readiness_facts(proposal_ids: Collection[int], red_milestones: dict[int, int],
                    quorum: int) -> dict[int, ReadinessFacts]:
    """The readiness facts of many proposals of one programme (the quorum is the programme's),
    in six queries however many; `red_milestones` comes from the milestone plan."""
    ids = set(proposal_ids)
    if not ids:
        return {}
    required = dict(db.session.execute(
        select(Section.proposal_id, func.count(Section.id))
        .where(Section.proposal_id.in_(ids), Section.required.is_(True))
        .group_by(Section.proposal_id)
    ).tuples().all())
    incomplete: dict[int, list[str]] = {}
    for proposal_id, title in db.session.execute(
        select(Section.proposal_id, Section.title)
        .where(Section.proposal_id.in_(ids), Section.required.is_(True),
               Section.state != SectionState.COMPLETE)
        .order_by(Section.proposal_id, Section.position)
    ).tuples():
        incomplete.setdefault(proposal_id, []).append(title)
    contributions = contribution_counts(ids)
    priorities = dict(db.session.execute(
        select(SectorPriority.proposal_id, func.count(SectorPriority.id))
        .where(SectorPriority.proposal_id.in_(ids))
        .group_by(SectorPriority.proposal_id)
    ).tuples().all())
    board = board_standings(ids, quorum)
    return {
        proposal_id: ReadinessFacts(
            required_sections=required.get(proposal_id, 0),
            incomplete_sections=tuple(incomplete.get(proposal_id, ())),
            open_contributions=contributions[proposal_id][0],
            answered_contributions=contributions[proposal_id][1],
            priorities=priorities.get(proposal_id, 0),
            red_milestones=red_milestones.get(proposal_id, 0),
            board=board.get(proposal_id),
        )
        for proposal_id in ids
    }


def board_standings(proposal_ids: Collection[int], quorum: int) -> dict[int, BoardStanding]:
    """{proposal id: its latest review round's standing}, for those ever in board review."""
    later = aliased(ReviewRound)
    rounds = db.session.scalars(
        select(ReviewRound).where(
            ReviewRound.proposal_id.in_(proposal_ids),
            ~exists().where(later.proposal_id == ReviewRound.proposal_id, later.number > ReviewRound.number),
        )
    ).all()
    results = tallies([review_round.id for review_round in rounds], quorum)
    return {
        review_round.proposal_id: BoardStanding(
            number=review_round.number, is_open=review_round.is_open, outcome=review_round.result,
            tally=results[review_round.id],
        )
        for review_round in rounds
    }


def _month_of(column) -> tuple:
    """The year and month of a moment, as the database reads it (grouping and the list behind
    a figure use the same expressions, so they always agree)."""
    return extract("year", column), extract("month", column)


def contributions_by_month(chosen: Chosen) -> list[tuple[date, int, str, int]]:
    """(first of the month, sector id, sector name, contributions) on the chosen proposals,
    withdrawn input left out, by month; counted in SQL."""
    year, month = _month_of(Contribution.created_at)
    rows = db.session.execute(
        select(year, month, Sector.id, Sector.name, func.count(Contribution.id))
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .join(Sector, Sector.id == Contribution.sector_id)
        .where(*chosen.where(), Contribution.status != ContributionStatus.WITHDRAWN)
        .group_by(year, month, Sector.id, Sector.name)
        .order_by(year, month)
    ).tuples()
    return [(date(int(y), int(m), 1), sector_id, name, count) for y, m, sector_id, name, count in rows]


def contributions_query(chosen: Chosen, sector_id: int | None, month: date | None) -> Select:
    """The contributions behind a figure of the chart: on the chosen proposals, withdrawn
    input left out, of one sector or theme and one month when given, oldest first."""
    query = (
        select(Contribution)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .where(*chosen.where(), Contribution.status != ContributionStatus.WITHDRAWN)
        .options(joinedload(Contribution.proposal), joinedload(Contribution.sector))
        .order_by(Contribution.created_at, Contribution.id)
    )
    if sector_id is not None:
        query = query.where(Contribution.sector_id == sector_id)
    if month is not None:
        year, month_number = _month_of(Contribution.created_at)
        query = query.where(year == month.year, month_number == month.month)
    return query


def waiting_for_decision(member: User, limit: int) -> tuple[list[tuple[Proposal, ReviewRound]], int]:
    """The proposals in board review whose open round has no decision from `member`, the
    longest waiting first (at most `limit`), and how many there are in all."""
    undecided = (
        Proposal.stage == ProposalStage.BOARD_REVIEW,
        ReviewRound.closed_at.is_(None),
        ~exists().where(BoardDecision.round_id == ReviewRound.id, BoardDecision.member_id == member.id),
    )
    rows = db.session.execute(
        select(Proposal, ReviewRound)
        .join(ReviewRound, ReviewRound.proposal_id == Proposal.id)
        .where(*undecided)
        .options(joinedload(Proposal.programme))
        .order_by(ReviewRound.opened_at, Proposal.id)
        .limit(limit)
    ).tuples().all()
    total = db.session.scalar(
        select(func.count(ReviewRound.id)).join(Proposal, Proposal.id == ReviewRound.proposal_id).where(*undecided)
    )
    return list(rows), total
