"""The co-creation report ("you said, we did"): its figures, counted in SQL, its rows and its
table for the CSV and XLSX downloads."""

import statistics
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import Select, distinct, func, or_, select
from sqlalchemy.orm import joinedload

from tracker.contributions.models import (
    RESPONSE_STATUSES,
    Contribution,
    ContributionResponse,
    ContributionStatus,
)
from tracker.exports.table import Column, Kind, Table
from tracker.extensions import db
from tracker.organisations.models import Organisation, OrganisationType
from tracker.sections.models import Section, SectionRevision
from tracker.sectors.models import Sector
from tracker.templating import LONDON

NO_SECTION = "No particular section"
WAITING_STATUSES = (ContributionStatus.SUBMITTED, ContributionStatus.UNDER_REVIEW)

# How an author who asked to appear only as their organisation type is shown.
AS_ORGANISATION_TYPE = {
    OrganisationType.BUSINESS: "A business",
    OrganisationType.UNIVERSITY: "A university",
    OrganisationType.RTO: "A research and technology organisation",
    OrganisationType.PUBLIC_SECTOR_OR_CHARITY: "A public sector body or charity",
    OrganisationType.NHS_BODY: "An NHS body",
}
NOT_NAMED = "A sector expert"  # asked not to be named, and gave no organisation


def _reported(proposal_id: int) -> list:
    """The report covers every contribution on the proposal except withdrawn ones."""
    return [Contribution.proposal_id == proposal_id, Contribution.status != ContributionStatus.WITHDRAWN]


def days_between(given: datetime, answered: datetime) -> int:
    """Calendar days from input to response, counted in UK time."""
    return (answered.astimezone(LONDON).date() - given.astimezone(LONDON).date()).days


def days_text(days: float) -> str:
    """1 day, 4.5 days (a median of whole days is whole or a half)."""
    text = str(int(days)) if days == int(days) else f"{days:.1f}"
    return f"{text} day" if text == "1" else f"{text} days"


def whole_percentages(counts: list[int]) -> list[int]:
    """Each count's share of their total as whole percentages that add up to exactly 100:
    each share is rounded down, then the points left over go to the largest remainders
    (ties to the earlier entry). Worked in exact fractions, so no share is off by a float."""
    total = sum(counts)
    if not total:
        return [0] * len(counts)
    exact = [Fraction(count * 100, total) for count in counts]
    shares = [int(share) for share in exact]  # Fractions are never negative here: int() floors
    by_remainder = sorted(range(len(counts)), key=lambda index: (-(exact[index] - shares[index]), index))
    for index in by_remainder[: 100 - sum(shares)]:
        shares[index] += 1
    return shares


@dataclass(frozen=True)
class OutcomeFigure:
    """How many contributions got one response, and their whole-number share of answered input."""

    outcome: ContributionStatus
    count: int
    percent: int


@dataclass(frozen=True)
class GridRow:
    """One sector or theme in the grid: a count per column (the proposal's sections, then none)."""

    sector: Sector
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Grid:
    """Contribution counts by sector or theme (rows) and section (columns)."""

    columns: list[str]
    rows: list[GridRow]

    @property
    def column_totals(self) -> list[int]:
        return [sum(row.counts[index] for row in self.rows) for index in range(len(self.columns))]


@dataclass(frozen=True)
class ReportFigures:
    """The totals above the report's table, over all of its rows."""

    contributions: int
    contributors: int
    organisations_by_type: list[tuple[OrganisationType, int]]
    sectors_in_use: int
    sectors_covered: int
    sectors_without_input: list[str]
    outcomes: list[OutcomeFigure]
    waiting: dict[ContributionStatus, int]
    median_days: float | None
    grid: Grid

    @property
    def answered(self) -> int:
        return sum(figure.count for figure in self.outcomes)

    @property
    def organisations(self) -> int:
        return sum(count for _, count in self.organisations_by_type)

    @property
    def still_waiting(self) -> int:
        return sum(self.waiting.values())

    @property
    def median_days_text(self) -> str:
        return "No responses yet" if self.median_days is None else days_text(self.median_days)


def report_figures(proposal_id: int) -> ReportFigures:
    """Every figure of the report for one proposal, in a fixed number of queries."""
    reported = _reported(proposal_id)
    by_status = dict(db.session.execute(
        select(Contribution.status, func.count(Contribution.id)).where(*reported).group_by(Contribution.status)
    ).tuples().all())
    contributors = db.session.scalar(select(func.count(distinct(Contribution.author_id))).where(*reported))
    organisations = dict(db.session.execute(
        select(Organisation.type, func.count(distinct(Organisation.id)))
        .join(Contribution, Contribution.organisation_id == Organisation.id)
        .where(*reported)
        .group_by(Organisation.type)
    ).tuples().all())
    grid = _grid(proposal_id)
    in_use = [row for row in grid.rows if not row.sector.is_retired]
    outcome_counts = [by_status.get(outcome, 0) for outcome in RESPONSE_STATUSES]
    return ReportFigures(
        contributions=sum(by_status.values()),
        contributors=contributors or 0,
        organisations_by_type=[(kind, organisations.get(kind, 0)) for kind in OrganisationType],
        sectors_in_use=len(in_use),
        sectors_covered=sum(1 for row in in_use if row.total),
        sectors_without_input=[row.sector.name for row in in_use if not row.total],
        outcomes=[
            OutcomeFigure(outcome, count, percent)
            for outcome, count, percent in zip(
                RESPONSE_STATUSES, outcome_counts, whole_percentages(outcome_counts), strict=True
            )
        ],
        waiting={status: by_status.get(status, 0) for status in WAITING_STATUSES},
        median_days=_median_days(proposal_id),
        grid=grid,
    )


def _median_days(proposal_id: int) -> float | None:
    """The median of the days each answered contribution waited for its response."""
    pairs = db.session.execute(
        select(Contribution.created_at, ContributionResponse.responded_at)
        .join(ContributionResponse, ContributionResponse.contribution_id == Contribution.id)
        .where(*_reported(proposal_id))
    ).tuples()
    days = [days_between(given, answered) for given, answered in pairs]
    return statistics.median(days) if days else None


def _grid(proposal_id: int) -> Grid:
    """The sector-by-section grid: the sectors and themes in use (and any retired one with
    input on this proposal) against the proposal's sections and "no particular section"."""
    counts = {
        (sector_id, section_id): count
        for sector_id, section_id, count in db.session.execute(
            select(Contribution.sector_id, Contribution.section_id, func.count(Contribution.id))
            .where(*_reported(proposal_id))
            .group_by(Contribution.sector_id, Contribution.section_id)
        ).tuples()
    }
    sections = db.session.execute(
        select(Section.id, Section.title).where(Section.proposal_id == proposal_id).order_by(Section.position)
    ).tuples().all()
    sectors = db.session.scalars(
        select(Sector)
        .where(or_(Sector.is_retired.is_(False), Sector.id.in_({sector_id for sector_id, _ in counts})))
        .order_by(Sector.is_retired, Sector.kind, Sector.name)
    )
    column_ids = [section_id for section_id, _ in sections] + [None]
    return Grid(
        columns=[title for _, title in sections] + [NO_SECTION],
        rows=[
            GridRow(sector, [counts.get((sector.id, section_id), 0) for section_id in column_ids])
            for sector in sectors
        ],
    )


@dataclass(frozen=True)
class ReportRow:
    """One contribution as the report shows it: an author who asked to appear only as their
    organisation type is never named, nor is their organisation."""

    contribution: Contribution
    response: ContributionResponse | None

    @property
    def named(self) -> bool:
        return not self.contribution.show_organisation_type_only

    @property
    def author_name(self) -> str:
        return self.contribution.author.name if self.named else ""

    @property
    def organisation_name(self) -> str:
        organisation = self.contribution.organisation
        return organisation.name if self.named and organisation is not None else ""

    @property
    def organisation_type(self) -> str:
        organisation = self.contribution.organisation
        return organisation.type.label if organisation is not None else ""

    @property
    def shown_as(self) -> str:
        """Who gave it, in words: "Ada Lovelace, Aston University" or "A university"."""
        organisation = self.contribution.organisation
        if not self.named:
            return AS_ORGANISATION_TYPE[organisation.type] if organisation is not None else NOT_NAMED
        return ", ".join(filter(None, [self.author_name, self.organisation_name]))

    @property
    def days_to_response(self) -> int | None:
        if self.response is None:
            return None
        return days_between(self.contribution.created_at, self.response.responded_at)

    @property
    def revision_number(self) -> int | None:
        revision = self.response.revision if self.response is not None else None
        return revision.number if revision is not None else None


def reported_contributions(proposal_id: int) -> Select:
    """The report's contributions, oldest first, with what each row shows (a query to paginate)."""
    return (
        select(Contribution)
        .where(*_reported(proposal_id))
        .options(joinedload(Contribution.author), joinedload(Contribution.organisation),
                 joinedload(Contribution.sector), joinedload(Contribution.section))
        .order_by(Contribution.created_at, Contribution.id)
    )


def report_rows(contributions, responses: dict[int, ContributionResponse]) -> list[ReportRow]:
    """The rows for these contributions, each with its response (if any)."""
    return [ReportRow(contribution, responses.get(contribution.id)) for contribution in contributions]


def all_report_rows(proposal_id: int) -> list[ReportRow]:
    """Every row of the report with its response and the revision it made, in one query."""
    query = (
        reported_contributions(proposal_id)
        .add_columns(ContributionResponse)
        .outerjoin(ContributionResponse, ContributionResponse.contribution_id == Contribution.id)
        .options(joinedload(ContributionResponse.revision).joinedload(SectionRevision.section))
    )
    return [ReportRow(contribution, response) for contribution, response in db.session.execute(query).tuples()]


COLUMNS = (
    Column("Contribution id", Kind.NUMBER), Column("Title"), Column("Author"), Column("Organisation"),
    Column("Organisation type"), Column("Sector or theme"), Column("Section"), Column("Kind"), Column("Status"),
    Column("Response"), Column("Reason"), Column("Given", Kind.TIME), Column("Answered", Kind.TIME),
    Column("Days to response", Kind.NUMBER), Column("Revision number", Kind.NUMBER),
)
CSV_HEADER = tuple(column.heading for column in COLUMNS)


def report_table(proposal_id: int) -> Table:
    """The report's rows for a download: one per contribution (withdrawn ones left out), with
    its response; an author who asked to appear only as their organisation type is not named."""
    rows = []
    for row in all_report_rows(proposal_id):
        contribution, response = row.contribution, row.response
        rows.append((
            contribution.id, contribution.title, row.author_name, row.organisation_name,
            row.organisation_type, contribution.sector.name,
            contribution.section.title if contribution.section is not None else NO_SECTION,
            contribution.kind.label, contribution.status.label,
            response.outcome.label if response is not None else None,
            response.reason if response is not None else None,
            contribution.created_at, response.responded_at if response is not None else None,
            row.days_to_response, row.revision_number,
        ))
    return Table("Co-creation report", COLUMNS, rows)
