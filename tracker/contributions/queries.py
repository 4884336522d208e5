"""Reads of contributions, their responses, attachments and edits that the pages need."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker.contributions.models import Attachment, Contribution, ContributionEdit, ContributionResponse
from tracker.extensions import db
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
