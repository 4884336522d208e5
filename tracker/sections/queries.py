"""Reads of sections and their revisions that the pages need."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.sections.models import Section, SectionRevision


def sections_of(proposal_id: int) -> list[Section]:
    """A proposal's sections in order, with their assignees, in one query."""
    return list(
        db.session.scalars(
            select(Section)
            .where(Section.proposal_id == proposal_id)
            .options(joinedload(Section.assignee))
            .order_by(Section.position)
        )
    )


def section_by_key(proposal_id: int, key: str) -> Section | None:
    """One section of a proposal, with its assignee."""
    return db.session.scalar(
        select(Section)
        .where(Section.proposal_id == proposal_id, Section.key == key)
        .options(joinedload(Section.assignee))
    )


def revisions_by_number(section_id: int, numbers) -> dict[int, SectionRevision]:
    """The section's revisions with these numbers, with their authors, by number."""
    revisions = db.session.scalars(
        select(SectionRevision)
        .where(SectionRevision.section_id == section_id, SectionRevision.number.in_(set(numbers)))
        .options(joinedload(SectionRevision.author))
    )
    return {revision.number: revision for revision in revisions}


def revision_history(section_id: int):
    """The section's revisions, newest first, with their authors (a query to paginate)."""
    return (
        select(SectionRevision)
        .where(SectionRevision.section_id == section_id)
        .options(joinedload(SectionRevision.author))
        .order_by(SectionRevision.number.desc())
    )


def assignee_choices(current: User | None = None) -> list[tuple[int, str]]:
    """(id, name) of the active staff and admins who can be given a section, by name;
    the current assignee stays offered even when no longer one of them."""
    people = list(
        db.session.execute(
            select(User.id, User.name)
            .where(User.role.in_([Role.STAFF, Role.ADMIN]), User.is_active_account.is_(True))
            .order_by(User.name)
        ).tuples()
    )
    if current is not None and current.id not in {person_id for person_id, _ in people}:
        people.append((current.id, current.name))
    return people
