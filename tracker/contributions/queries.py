"""Reads of contributions, their responses, attachments and edits that the pages need."""

from dataclasses import dataclass

from sqlalchemy import Select, and_, false, func, or_, select
from sqlalchemy.orm import joinedload

from tracker.auth.models import User
from tracker.contributions.models import (
    RESPONSE_STATUSES,
    Attachment,
    Contribution,
    ContributionEdit,
    ContributionKind,
    ContributionResponse,
    ContributionStatus,
)
from tracker.extensions import db
from tracker.organisations.models import Organisation, OrganisationType
from tracker.proposals.models import Proposal
from tracker.proposals.queries import visible_proposals
from tracker.sections.models import SectionRevision
from tracker.sectors.models import Sector


def contribution_with_details(contribution_id: int) -> Contribution | None:
    """One contribution with its proposal, section, sector, author and organisation."""
    return db.session.get(
        Contribution,
        contribution_id,
        options=[
            joinedload(Contribution.proposal),
            joinedload(Contribution.section),
            joinedload(Contribution.sector),
            joinedload(Contribution.author),
            joinedload(Contribution.organisation),
        ],
    )


def response_to(contribution_id: int) -> ContributionResponse | None:
    """Staff's response to a contribution, with the revision it made and who gave it."""
    return db.session.scalar(
        select(ContributionResponse)
        .where(ContributionResponse.contribution_id == contribution_id)
        .options(joinedload(ContributionResponse.revision).joinedload(SectionRevision.section),
                 joinedload(ContributionResponse.responder))
    )


def responses_to(contribution_ids: list[int]) -> dict[int, ContributionResponse]:
    """The responses to these contributions, with the revisions they made, by contribution id."""
    if not contribution_ids:
        return {}
    responses = db.session.scalars(
        select(ContributionResponse)
        .where(ContributionResponse.contribution_id.in_(contribution_ids))
        .options(joinedload(ContributionResponse.revision).joinedload(SectionRevision.section))
    )
    return {response.contribution_id: response for response in responses}


def attachments_of(contribution_id: int) -> list[Attachment]:
    """A contribution's attachments, in the order they were given."""
    return list(db.session.scalars(
        select(Attachment).where(Attachment.contribution_id == contribution_id).order_by(Attachment.id)
    ))


def edit_count(contribution_id: int) -> int:
    """How many times the author changed the contribution."""
    return db.session.scalar(
        select(func.count(ContributionEdit.id)).where(ContributionEdit.contribution_id == contribution_id)
    ) or 0


def revision_text(section_id: int, number: int | None) -> str:
    """The text of a section's revision by number ("" for none: the section was empty)."""
    if number is None:
        return ""
    return db.session.scalar(
        select(SectionRevision.text).where(
            SectionRevision.section_id == section_id, SectionRevision.number == number
        )
    ) or ""


def visible_contributions(user) -> Select:
    """A SELECT of the contributions `user` may open, in SQL: the rule of Contribution.can_view
    and get_contribution. Staff and board see all; an expert their own (on any proposal) and
    others' once answered, on a proposal they may see (visible_proposals); nobody else any."""
    query = select(Contribution)
    if user.is_staff or user.is_board:
        return query
    if not user.is_expert:
        return query.where(false())
    proposals_seen = visible_proposals(user).with_only_columns(Proposal.id)
    return query.where(or_(
        Contribution.author_id == user.id,
        and_(Contribution.status.in_(RESPONSE_STATUSES), Contribution.proposal_id.in_(proposals_seen)),
    ))


def contributions_by(author_id: int):
    """Everything one person gave, newest first, with proposal, section and sector (to paginate)."""
    return (
        select(Contribution)
        .where(Contribution.author_id == author_id)
        .options(joinedload(Contribution.proposal), joinedload(Contribution.section),
                 joinedload(Contribution.sector))
        .order_by(Contribution.created_at.desc(), Contribution.id.desc())
    )


def sectors_in_use() -> list[Sector]:
    """The sectors and themes that input can be given under, by name."""
    return list(db.session.scalars(
        select(Sector).where(Sector.is_retired.is_(False)).order_by(Sector.name)
    ))


# The staff triage page: every contribution on a proposal, narrowed by its filters.

@dataclass(frozen=True)
class TriageFilters:
    """What the triage page is narrowed to (None: any) and its order by age."""

    status: ContributionStatus | None = None
    kind: ContributionKind | None = None
    sector_id: int | None = None
    section_id: int | None = None
    without_section: bool = False
    organisation_type: OrganisationType | None = None
    author_id: int | None = None
    newest_first: bool = False


def _on_proposal(proposal_id: int, only_author_id: int | None) -> list:
    """The contributions a triage page covers: the whole proposal, or one author's on it."""
    conditions = [Contribution.proposal_id == proposal_id]
    if only_author_id is not None:
        conditions.append(Contribution.author_id == only_author_id)
    return conditions


def triage_query(proposal_id: int, filters: TriageFilters, only_author_id: int | None = None) -> Select:
    """The contributions on a proposal that match the filters, oldest first unless asked
    otherwise, with what each row shows (a query to paginate)."""
    query = select(Contribution).where(*_on_proposal(proposal_id, only_author_id))
    for column, value in (
        (Contribution.status, filters.status),
        (Contribution.kind, filters.kind),
        (Contribution.sector_id, filters.sector_id),
        (Contribution.section_id, filters.section_id),
        (Contribution.author_id, filters.author_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.without_section:
        query = query.where(Contribution.section_id.is_(None))
    if filters.organisation_type is not None:
        query = query.where(Contribution.organisation.has(Organisation.type == filters.organisation_type))
    order = (Contribution.created_at.desc(), Contribution.id.desc()) if filters.newest_first else (
        Contribution.created_at, Contribution.id)
    return query.options(
        joinedload(Contribution.section), joinedload(Contribution.sector),
        joinedload(Contribution.author), joinedload(Contribution.organisation),
    ).order_by(*order)


def status_counts(proposal_id: int, only_author_id: int | None = None) -> dict[ContributionStatus, int]:
    """How many contributions on the proposal are in each status (every status, 0 if none)."""
    rows = db.session.execute(
        select(Contribution.status, func.count(Contribution.id))
        .where(*_on_proposal(proposal_id, only_author_id))
        .group_by(Contribution.status)
    )
    counts = dict.fromkeys(ContributionStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts


def contribution_count(proposal_id: int) -> int:
    """How many contributions a proposal has had, withdrawn ones included."""
    return db.session.scalar(
        select(func.count(Contribution.id)).where(Contribution.proposal_id == proposal_id)
    ) or 0


def sectors_given_on(proposal_id: int, only_author_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the sectors and themes the proposal's input was given under, by name."""
    return list(db.session.execute(
        select(Sector.id, Sector.name).distinct()
        .join(Contribution, Contribution.sector_id == Sector.id)
        .where(*_on_proposal(proposal_id, only_author_id))
        .order_by(Sector.name, Sector.id)
    ).tuples())


def authors_on(proposal_id: int) -> list[tuple[int, str, str | None]]:
    """(id, name, organisation name) of the experts who gave input on the proposal, by name."""
    return list(db.session.execute(
        select(User.id, User.name, Organisation.name).distinct()
        .join(Contribution, Contribution.author_id == User.id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(Contribution.proposal_id == proposal_id)
        .order_by(User.name, User.id)
    ).tuples())
