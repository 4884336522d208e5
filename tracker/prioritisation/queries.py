"""Reads for regional prioritisation: criteria, averages and weighted totals, the ranking,
Innovate UK's percentages for many proposals at once, and dependencies.

Averages are worked out from SQL's SUM and COUNT grouped by criterion, divided as Decimals
(SQLite's AVG is a float, which would round some averages the wrong way)."""

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, distinct, func, select

from tracker.assessments.models import MAX_SCORE as ASSESSMENT_MAX_SCORE
from tracker.assessments.models import AssessorReview, AssessorScore
from tracker.assessments.services import AssessmentSummary
from tracker.auth.models import User
from tracker.extensions import db
from tracker.prioritisation.models import (
    SCORABLE_STAGES,
    Criterion,
    CriterionScore,
    proposal_dependency,
)
from tracker.proposals.models import Proposal, ProposalStage

ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


class ListPage(Pagination):
    """One page of a list worked out in Python (the ranking), with db.paginate's interface."""

    def _query_items(self) -> list:
        start = (self.page - 1) * self.per_page
        return self._query_args["items"][start:start + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def paginate_list(items: list) -> ListPage:
    """`items` a page at a time, the page number read from the request as db.paginate does."""
    return ListPage(items=items, per_page=current_app.config["PAGE_SIZE"], error_out=False)


def criteria_of(programme_id: int) -> list[Criterion]:
    """The programme's criteria in their order (a handful: the set is capped)."""
    return list(db.session.scalars(
        select(Criterion)
        .where(Criterion.programme_id == programme_id)
        .order_by(Criterion.position, Criterion.id)
    ))


def average(total: int, count: int) -> Decimal | None:
    """The exact average of `count` scores adding up to `total`; None for no scores."""
    return Decimal(total) / Decimal(count) if count else None


def one_place(value: Decimal | None) -> Decimal | None:
    """Rounded half up to one decimal place, for display."""
    return None if value is None else value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def weighted_total(criteria, sums: dict[int, tuple[int, int]]) -> Decimal | None:
    """Σ weight% × average score: a score out of 10, to two decimal places, from the unrounded
    averages. A criterion nobody has scored counts 0; None when nobody has scored at all."""
    if not any(count for _, count in sums.values()):
        return None
    total = Decimal(0)
    for criterion in criteria:
        mean = average(*sums.get(criterion.id, (0, 0)))
        if mean is not None:
            total += Decimal(criterion.weight) * mean
    return (total / HUNDRED).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _score_sums(*conditions) -> dict[int, dict[int, tuple[int, int]]]:
    """{proposal id: {criterion id: (sum of scores, number of scores)}}, grouped in SQL."""
    rows = db.session.execute(
        select(CriterionScore.proposal_id, CriterionScore.criterion_id,
               func.sum(CriterionScore.score), func.count(CriterionScore.id))
        .join(Proposal, Proposal.id == CriterionScore.proposal_id)
        .where(*conditions)
        .group_by(CriterionScore.proposal_id, CriterionScore.criterion_id)
    )
    sums: dict[int, dict[int, tuple[int, int]]] = {}
    for proposal_id, criterion_id, total, count in rows:
        sums.setdefault(proposal_id, {})[criterion_id] = (int(total), count)
    return sums


@dataclass(frozen=True)
class CriterionFigure:
    """One criterion's average over every scorer of a proposal."""

    criterion: Criterion
    total: int
    count: int

    @property
    def average(self) -> Decimal | None:
        """To one decimal place; None when nobody has scored it."""
        return one_place(average(self.total, self.count))


@dataclass(frozen=True)
class ProposalFigures:
    """A proposal's averages per criterion, its weighted total and how many people scored it."""

    criteria: list[CriterionFigure]
    total: Decimal | None
    scorers: int

    @property
    def percent(self) -> Decimal | None:
        """The weighted total out of 10, as a percentage."""
        return None if self.total is None else self.total * 10


def figures_for(proposal_id: int, criteria: list[Criterion]) -> ProposalFigures:
    """The proposal's averages, weighted total and number of scorers, in two queries."""
    sums = _score_sums(CriterionScore.proposal_id == proposal_id).get(proposal_id, {})
    scorers = db.session.scalar(
        select(func.count(distinct(CriterionScore.scorer_id)))
        .where(CriterionScore.proposal_id == proposal_id)
    )
    return ProposalFigures(
        criteria=[CriterionFigure(criterion, *sums.get(criterion.id, (0, 0))) for criterion in criteria],
        total=weighted_total(criteria, sums), scorers=scorers,
    )


@dataclass(frozen=True)
class Ranked:
    """A proposal's place in the ranking; proposals with equal totals share a rank."""

    proposal_id: int
    title: str
    stage: ProposalStage
    total: Decimal | None
    scorers: int
    rank: int | None = None
    tied: bool = False

    @property
    def rank_text(self) -> str:
        """'1', '=2' for a shared rank, or 'Not scored'."""
        if self.rank is None:
            return "Not scored"
        return f"={self.rank}" if self.tied else str(self.rank)

    @property
    def percent(self) -> Decimal | None:
        return None if self.total is None else self.total * 10


def ranking(programme_id: int, criteria: list[Criterion]) -> list[Ranked]:
    """Every proposal of the programme that can be scored, best weighted total first (equal
    totals, to two places, share a rank), then by title; unscored ones last. Two queries."""
    in_programme = (Proposal.programme_id == programme_id, Proposal.stage.in_(SCORABLE_STAGES))
    rows = db.session.execute(
        select(Proposal.id, Proposal.title, Proposal.stage,
               func.count(distinct(CriterionScore.scorer_id)))
        .outerjoin(CriterionScore, CriterionScore.proposal_id == Proposal.id)
        .where(*in_programme)
        .group_by(Proposal.id, Proposal.title, Proposal.stage)
    ).all()
    sums = _score_sums(*in_programme)
    unranked = [
        Ranked(proposal_id, title, stage, weighted_total(criteria, sums.get(proposal_id, {})),
               scorers)
        for proposal_id, title, stage, scorers in rows
    ]
    unranked.sort(key=lambda r: (r.total is None, -(r.total or 0), r.title.casefold(), r.proposal_id))
    counts: dict[Decimal, int] = {}
    for row in unranked:
        if row.total is not None:
            counts[row.total] = counts.get(row.total, 0) + 1
    ranked, first_place = [], {}
    for place, row in enumerate(unranked, start=1):
        if row.total is None:
            ranked.append(row)
            continue
        rank = first_place.setdefault(row.total, place)
        ranked.append(replace(row, rank=rank, tied=counts[row.total] > 1))
    return ranked


def assessment_summaries(proposal_ids, threshold: Decimal) -> dict[int, AssessmentSummary]:
    """Innovate UK's figures for many proposals in one query, each the same as summarise()
    gives: SUM and COUNT of the assessors' scores in SQL, the percentage as an exact Decimal."""
    ids = set(proposal_ids)
    summaries = {
        proposal_id: AssessmentSummary(assessors=0, average_percent=None, threshold=threshold,
                                       fund_votes=0)
        for proposal_id in ids
    }
    if not ids:
        return summaries
    rows = db.session.execute(
        select(
            AssessorReview.proposal_id,
            func.count(distinct(AssessorReview.id)),
            func.sum(AssessorScore.score),
            func.count(AssessorScore.id),
            func.count(distinct(case((AssessorReview.fund.is_(True), AssessorReview.id)))),
        )
        .outerjoin(AssessorScore, AssessorScore.review_id == AssessorReview.id)
        .where(AssessorReview.proposal_id.in_(ids))
        .group_by(AssessorReview.proposal_id)
    )
    for proposal_id, assessors, total, count, votes in rows:
        exact = None
        if count:
            exact = Decimal(total) * 100 / (Decimal(count) * ASSESSMENT_MAX_SCORE)
        summaries[proposal_id] = AssessmentSummary(
            assessors=assessors, average_percent=one_place(exact), exact_percent=exact,
            threshold=threshold, fund_votes=votes,
        )
    return summaries


@dataclass(frozen=True)
class Dependency:
    """A proposal another one depends on, with its Innovate UK figures."""

    proposal_id: int
    depends_on_id: int
    title: str
    assessment: AssessmentSummary

    @property
    def failed(self) -> bool:
        """Its Innovate UK percentage is below the threshold (not assessed yet is not failed)."""
        return self.assessment.meets_threshold is False


def dependencies_of(proposal_ids, threshold: Decimal) -> dict[int, list[Dependency]]:
    """{proposal id: the proposals it depends on, by title}, in two queries."""
    ids = set(proposal_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(proposal_dependency.c.proposal_id, proposal_dependency.c.depends_on_id, Proposal.title)
        .join(Proposal, Proposal.id == proposal_dependency.c.depends_on_id)
        .where(proposal_dependency.c.proposal_id.in_(ids))
        .order_by(Proposal.title, Proposal.id)
    ).all()
    summaries = assessment_summaries({row.depends_on_id for row in rows}, threshold)
    found: dict[int, list[Dependency]] = {proposal_id: [] for proposal_id in ids}
    for proposal_id, depends_on_id, title in rows:
        found[proposal_id].append(Dependency(proposal_id, depends_on_id, title, summaries[depends_on_id]))
    return found


def dependency_edges(programme_id: int) -> dict[int, set[int]]:
    """{proposal id: ids it depends on} for the whole programme, to look for cycles."""
    rows = db.session.execute(
        select(proposal_dependency.c.proposal_id, proposal_dependency.c.depends_on_id)
        .join(Proposal, Proposal.id == proposal_dependency.c.proposal_id)
        .where(Proposal.programme_id == programme_id)
    )
    edges: dict[int, set[int]] = {}
    for proposal_id, depends_on_id in rows:
        edges.setdefault(proposal_id, set()).add(depends_on_id)
    return edges


def dependency_candidates(proposal) -> list[tuple[int, str]]:
    """(id, title) of the programme's other proposals this one does not depend on yet."""
    already = select(proposal_dependency.c.depends_on_id).where(
        proposal_dependency.c.proposal_id == proposal.id
    )
    return list(db.session.execute(
        select(Proposal.id, Proposal.title)
        .where(Proposal.programme_id == proposal.programme_id, Proposal.id != proposal.id,
               Proposal.id.not_in(already))
        .order_by(Proposal.title, Proposal.id)
    ).tuples())


def scorers_page(proposal_id: int):
    """The people who scored the proposal, by name, a page at a time."""
    return db.paginate(
        select(User)
        .where(User.id.in_(select(CriterionScore.scorer_id).where(CriterionScore.proposal_id == proposal_id)))
        .order_by(User.name, User.id),
        per_page=current_app.config["PAGE_SIZE"], error_out=False,
    )


def scores_by_scorer(proposal_id: int, scorer_ids) -> dict[int, dict[int, CriterionScore]]:
    """{scorer id: {criterion id: their score}} for these scorers, in one query."""
    found: dict[int, dict[int, CriterionScore]] = {scorer_id: {} for scorer_id in scorer_ids}
    if not found:
        return found
    for score in db.session.scalars(
        select(CriterionScore).where(
            CriterionScore.proposal_id == proposal_id, CriterionScore.scorer_id.in_(found)
        )
    ):
        found[score.scorer_id][score.criterion_id] = score
    return found


def scores_of(proposal_id: int, scorer_id: int) -> dict[int, CriterionScore]:
    """{criterion id: score} one person gave the proposal."""
    return scores_by_scorer(proposal_id, [scorer_id])[scorer_id]
