"""The dashboard's figures for the chosen proposals of a programme: the headline, proposals and
funding by stage, what puts a proposal at risk, funding by sector against the targets,
contributions by month, milestones by RAG, and a row per proposal. Counts and sums come from
SQL (tracker/dashboard/queries.py), the rest from the pure rules (readiness, RAG and forecasts,
apportioning), in a fixed number of queries however many proposals."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tracker.assessments.services import AssessmentSummary
from tracker.dashboard import queries
from tracker.dashboard.charts import Line, count_chart
from tracker.dashboard.queries import Chosen
from tracker.dashboard.readiness import Readiness, readiness
from tracker.milestones import queries as milestone_queries
from tracker.milestones.rows import Deadline, Entry, Finish, build_groups, deadline_of
from tracker.milestones.rules import RAG, plan
from tracker.portfolio import queries as portfolio_queries
from tracker.portfolio.balance import Balance, balance
from tracker.portfolio.chart import BarChart, bar_chart
from tracker.prioritisation.queries import (
    Dependency,
    Ranked,
    assessment_summaries,
    criteria_of,
    dependencies_of,
    ranking,
)
from tracker.programmes.models import Programme
from tracker.proposals.models import Proposal, ProposalStage
from tracker.templating import LONDON, long_date, money_short, percent

S = ProposalStage
# Proposals that still ask for funding, or got it: every stage but not funded and withdrawn.
ASKING_STAGES = tuple(stage for stage in S if stage not in (S.NOT_FUNDED, S.WITHDRAWN))
# Before submission the forecast end is held against the full proposal deadline.
BEFORE_SUBMISSION = (S.DRAFT, S.CO_CREATION, S.BOARD_REVIEW)
RAG_ORDER = (RAG.RED, RAG.AMBER, RAG.GREEN, RAG.DONE)


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


@dataclass(frozen=True)
class MilestonePicture:
    """A proposal's milestones today: how many at each RAG status, the next one not done, and
    the forecast end (before delivery) against the full proposal deadline."""

    counts: dict[RAG, int]
    next: Entry | None
    finish: Finish | None

    @property
    def red(self) -> int:
        return self.counts[RAG.RED]


NO_MILESTONES = MilestonePicture({rag: 0 for rag in RAG_ORDER}, None, None)


def milestone_pictures(entries_by_proposal: dict[int, tuple[Entry, ...]],
                       finishes: dict[int, Finish]) -> dict[int, MilestonePicture]:
    """Each proposal's picture from its timeline entries (by due date) and its finish."""
    pictures = {}
    for proposal_id, entries in entries_by_proposal.items():
        counts = {rag: 0 for rag in RAG_ORDER}
        for entry in entries:
            counts[entry.rag] += 1
        upcoming = next((entry for entry in entries if not entry.done), None)
        pictures[proposal_id] = MilestonePicture(counts, upcoming, finishes.get(proposal_id))
    return pictures


def risk_reasons(stage: ProposalStage, milestones: MilestonePicture, assessment: AssessmentSummary,
                 dependencies: list[Dependency]) -> list[str]:
    """Why a proposal is at risk, in words; [] when it is not. At risk: a red milestone
    (overdue or blocked); before submission, milestones forecast to finish after the full
    proposal deadline; an Innovate UK score below the threshold; or depending on a proposal
    whose score is below it. A proposal not funded or withdrawn is finished: never at risk."""
    if stage in (S.NOT_FUNDED, S.WITHDRAWN):
        return []
    reasons = []
    if milestones.red:
        reasons.append(f"{_plural(milestones.red, 'red milestone')} (overdue or blocked)")
    finish = milestones.finish
    if stage in BEFORE_SUBMISSION and finish is not None and not finish.done and (finish.days_after or 0) > 0:
        reasons.append(f"{finish.words} ({long_date(finish.deadline)})")
    if assessment.meets_threshold is False:
        reasons.append(f"Innovate UK score {percent(assessment.average_percent)} is below the "
                       f"{percent(assessment.threshold)} threshold")
    for dependency in dependencies:
        if dependency.failed:
            reasons.append(f"Depends on {dependency.title}, which scored below the Innovate UK threshold")
    return reasons


@dataclass(frozen=True)
class StageLine:
    """How many of the proposals shown are at a stage, and what they ask for."""

    stage: ProposalStage
    proposals: int
    asked: int


@dataclass(frozen=True)
class Headline:
    """The figures at the top: proposals, funding asked against the pot, funded so far, and
    proposals at risk, over every proposal shown (not one page of them)."""

    proposals: int
    asked: int  # by proposals still asking or funded (ASKING_STAGES)
    asking: int
    funded: int
    funded_proposals: int
    pot: int
    at_risk: int

    def share_of_pot(self, amount: int) -> Decimal | None:
        """`amount` as a percentage of the pot, to one place; None when there is no pot."""
        if not self.pot:
            return None
        return (Decimal(amount) * 100 / self.pot).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def asked_against_pot(self) -> str:
        """'£2.9m more than the pot' or '£1.5m of the pot not asked for'."""
        gap = self.asked - self.pot
        if gap > 0:
            return f"{money_short(gap)} more than the pot"
        if gap < 0:
            return f"{money_short(-gap)} of the pot not asked for"
        return "exactly the pot"

    @property
    def pot_left(self) -> int:
        """The pot less what has been funded."""
        return self.pot - self.funded


@dataclass(frozen=True)
class MonthTable:
    """Contributions by month (rows, from the first month with any to the last) and sector
    or theme (columns, by name)."""

    sectors: list[tuple[int, str]]
    months: list[tuple[date, list[int]]]

    @property
    def sector_totals(self) -> list[int]:
        return [sum(counts[index] for _, counts in self.months) for index in range(len(self.sectors))]

    @property
    def total(self) -> int:
        return sum(self.sector_totals)


def month_table(rows: list[tuple[date, int, str, int]]) -> MonthTable:
    """The table from (month, sector id, sector name, count) rows; months with no input between
    the first and the last show zeros, so the chart keeps time to scale."""
    names = {sector_id: name for _, sector_id, name, _ in rows}
    sectors = sorted(names.items(), key=lambda item: (item[1].casefold(), item[0]))
    position = {sector_id: index for index, (sector_id, _) in enumerate(sectors)}
    counts: dict[date, list[int]] = {}
    for month, sector_id, _, count in rows:
        counts.setdefault(month, [0] * len(sectors))[position[sector_id]] += count
    months = []
    if counts:
        month, last = min(counts), max(counts)
        while month <= last:
            months.append((month, counts.get(month, [0] * len(sectors))))
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return MonthTable(sectors, months)


@dataclass
class Figures:
    """Everything the dashboard and the board pack show above the rows."""

    programme: Programme
    chosen: Chosen
    today: date
    stages: list[StageLine]
    headline: Headline
    deadline: Deadline
    pictures: dict[int, MilestonePicture]
    risks: dict[int, list[str]]
    assessments: dict[int, AssessmentSummary]
    rag_counts: dict[RAG, int]
    balance: Balance
    months: MonthTable

    @property
    def at_risk_ids(self) -> set[int]:
        return {proposal_id for proposal_id, reasons in self.risks.items() if reasons}

    @property
    def stage_chart(self) -> BarChart | None:
        return count_chart([
            Line(line.stage.label, (line.proposals,),
                 f"{_plural(line.proposals, 'proposal')}, {money_short(line.asked)} asked")
            for line in self.stages
        ])

    @property
    def funding_chart(self) -> BarChart | None:
        return bar_chart(self.balance)

    @property
    def contributions_chart(self) -> BarChart | None:
        names = [name for _, name in self.months.sectors]

        def figures(counts: list[int]) -> str:
            """'5 contributions: Clean tech 3, Medtech 2'."""
            parts = [f"{name} {count}" for name, count in zip(names, counts, strict=True) if count]
            return _plural(sum(counts), "contribution") + (": " + ", ".join(parts) if parts else "")

        return count_chart([
            Line(f"{month:%B %Y}", tuple(counts), figures(counts)) for month, counts in self.months.months
        ])

    @property
    def rag_chart(self) -> BarChart | None:
        return count_chart([
            Line(f"{rag.symbol} {rag.label}", (self.rag_counts[rag],), _plural(self.rag_counts[rag], "milestone"))
            for rag in RAG_ORDER
        ])


def programme_figures(programme: Programme, chosen: Chosen, today: date) -> Figures:
    """The figures over every chosen proposal, in a fixed number of queries."""
    by_stage = queries.stage_figures(chosen)
    shown_stages = chosen.stages or tuple(S)
    stages = [StageLine(stage, *by_stage.get(stage, (0, 0))) for stage in shown_stages]
    shown = queries.proposals_shown(chosen)
    ids = {proposal.id for proposal in shown}

    found = milestone_queries.for_programme(programme.id)
    deadline = deadline_of(programme.full_proposal_deadline, found.milestones)
    planned = plan(found.milestones, found.dependencies, today)
    owners = {m.proposal_id: m.proposal for m in found.milestones if m.proposal_id is not None}
    groups = build_groups(found.milestones, found.dependencies, planned, owners, deadline.on)
    entries = {group.proposal.id: group.entries for group in groups if group.proposal is not None}
    finishes = {group.proposal.id: group.finish for group in groups if group.proposal is not None}
    pictures = milestone_pictures(entries, finishes)
    rag_counts = {rag: 0 for rag in RAG_ORDER}
    for group in groups:
        if group.proposal is None or group.proposal.id in ids:
            for entry in group.entries:
                rag_counts[entry.rag] += 1

    threshold = programme.assessment_threshold
    assessments = assessment_summaries(ids, threshold)
    dependencies = dependencies_of(ids, threshold)
    risks = {
        proposal.id: risk_reasons(proposal.stage, pictures.get(proposal.id, NO_MILESTONES),
                                  assessments[proposal.id], dependencies.get(proposal.id, []))
        for proposal in shown
    }

    asking = [line for line in stages if line.stage in ASKING_STAGES]
    funded = by_stage.get(S.FUNDED, (0, 0))
    headline = Headline(
        proposals=sum(line.proposals for line in stages),
        asked=sum(line.asked for line in asking), asking=sum(line.proposals for line in asking),
        funded=funded[1], funded_proposals=funded[0], pot=programme.total_pot,
        at_risk=sum(1 for reasons in risks.values() if reasons),
    )

    asking_ids = {proposal.id for proposal in shown if proposal.stage in ASKING_STAGES}
    rows, sectors = portfolio_queries.asked_rows(programme.id, ASKING_STAGES)
    targets, target_sectors = portfolio_queries.targets_of(programme.id)
    asked = balance([row for row in rows if row.proposal_id in asking_ids], {**sectors, **target_sectors},
                    targets)

    return Figures(
        programme=programme, chosen=chosen, today=today, stages=stages, headline=headline,
        deadline=deadline, pictures=pictures, risks=risks, assessments=assessments,
        rag_counts=rag_counts, balance=asked, months=month_table(queries.contributions_by_month(chosen)),
    )


@dataclass(frozen=True)
class ProposalRow:
    """One proposal's line of the dashboard."""

    proposal: Proposal
    days_in_stage: int
    readiness: Readiness
    milestones: MilestonePicture
    waiting: int  # contributions waiting for a response
    answered: int
    assessment: AssessmentSummary
    regional: Ranked | None  # None: not a stage that can be scored
    risks: list[str]

    @property
    def to_do(self) -> list[str]:
        return [check.item.label for check in self.readiness.checks if not check.done]


def days_since(moment, today: date) -> int:
    """Whole days from a moment (UK date) to `today`."""
    return (today - moment.astimezone(LONDON).date()).days


def proposal_rows(proposals: list[Proposal], figures: Figures) -> list[ProposalRow]:
    """The rows for these proposals (owners loaded), in the order given."""
    programme = figures.programme
    ids = [proposal.id for proposal in proposals]
    pictures = {proposal_id: figures.pictures.get(proposal_id, NO_MILESTONES) for proposal_id in ids}
    facts = queries.readiness_facts(
        ids, {proposal_id: picture.red for proposal_id, picture in pictures.items()}, programme.board_quorum
    )
    ranked = {row.proposal_id: row for row in ranking(programme.id, criteria_of(programme.id))}
    return [
        ProposalRow(
            proposal=proposal,
            days_in_stage=days_since(proposal.stage_changed_at, figures.today),
            readiness=readiness(facts[proposal.id]),
            milestones=pictures[proposal.id],
            waiting=facts[proposal.id].open_contributions,
            answered=facts[proposal.id].answered_contributions,
            assessment=figures.assessments[proposal.id],
            regional=ranked.get(proposal.id),
            risks=figures.risks.get(proposal.id, []),
        )
        for proposal in proposals
    ]


def proposal_readiness(proposal: Proposal, today: date) -> Readiness:
    """One proposal's checklist (its page): its milestones planned with the programme's."""
    found = milestone_queries.for_proposal(proposal)
    planned = plan(found.milestones, found.dependencies, today)
    red = sum(1 for m in found.milestones if m.proposal_id == proposal.id and planned[m.id].rag is RAG.RED)
    facts = queries.readiness_facts([proposal.id], {proposal.id: red}, proposal.programme.board_quorum)
    return readiness(facts[proposal.id])
