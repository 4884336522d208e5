"""Creating sections from a template, saving and restoring their text, and their states."""

from sqlalchemy import select

from tracker.activity.services import record_activity
from tracker.concurrency import check_version
from tracker.extensions import db
from tracker.notifications.models import FollowReason
from tracker.notifications.services import follow
from tracker.sections.models import (
    DEFAULT_SECTIONS,
    DEFAULT_WORD_LIMIT,
    Section,
    SectionRevision,
    SectionState,
    SectionTemplate,
)
from tracker.sections.text import count_words


class SectionFrozen(Exception):
    """The proposal has been submitted: its sections can no longer change."""


class SectionOverLimit(Exception):
    """A section over its word limit cannot be marked complete."""


def add_default_template(programme) -> list[SectionTemplate]:
    """Give a new programme the standard sections (DOMAIN.md), 400 words each."""
    templates = [
        SectionTemplate(
            programme_id=programme.id, key=key, title=title, position=position,
            word_limit=DEFAULT_WORD_LIMIT, required=True, assessed=assessed,
        )
        for position, (key, title, assessed) in enumerate(DEFAULT_SECTIONS, start=1)
    ]
    db.session.add_all(templates)
    return templates


def add_sections_from_template(proposal) -> list[Section]:
    """Give a new proposal an empty section for each of its programme's template entries."""
    templates = db.session.scalars(
        select(SectionTemplate)
        .where(SectionTemplate.programme_id == proposal.programme_id)
        .order_by(SectionTemplate.position)
    ).all()
    sections = [
        Section(
            proposal_id=proposal.id, key=t.key, title=t.title, position=t.position,
            word_limit=t.word_limit, required=t.required, assessed=t.assessed,
        )
        for t in templates
    ]
    db.session.add_all(sections)
    return sections


def save_section(section: Section, *, text: str, note: str, assignee_id: int | None,
                 state: SectionState, started_from: int | None, actor, proposal) -> SectionRevision | None:
    """Save a section: a new revision when the text changed; assignee and state as given.

    Refused with EditConflict when someone saved since `started_from`, SectionFrozen after
    submission, SectionOverLimit when marked complete over the word limit. Nothing is
    changed when any of these is raised.
    """
    if proposal.stage.is_frozen:
        raise SectionFrozen(proposal.stage.label)
    check_version(section, started_from)
    words = count_words(text)
    if state is SectionState.COMPLETE and words > section.word_limit:
        raise SectionOverLimit(
            f"{section.title} has {words} words, over its limit of {section.word_limit}: "
            "shorten it before marking it complete"
        )
    revision = None
    changes = {}
    if text != section.text:
        revision = _new_revision(section, text, words, note, actor)
        changes["revision"] = [section.revision_number - 1, section.revision_number]
    if assignee_id != section.assignee_id:
        changes["assignee_id"] = [section.assignee_id, assignee_id]
        section.assignee_id = assignee_id
        if assignee_id is not None:
            from tracker.auth.models import User

            follow(db.session.get(User, assignee_id), proposal, FollowReason.ASSIGNEE)
    if state is not section.state:
        changes["state"] = [section.state.value, state.value]
        section.state = state
    if changes:
        record_activity(
            actor, "section.saved", section, f"Saved {section.title}", changes,
            proposal_id=section.proposal_id,
        )
    return revision


def _new_revision(section: Section, text: str, words: int, note: str, actor,
                  restored_from: int | None = None) -> SectionRevision:
    section.revision_number += 1
    section.text = text
    section.word_count = words
    revision = SectionRevision(
        section_id=section.id, number=section.revision_number, text=text, word_count=words,
        author_id=actor.id if actor else None, note=note or "", restored_from=restored_from,
    )
    db.session.add(revision)
    if section.state is SectionState.NOT_STARTED and text.strip():
        section.state = SectionState.IN_PROGRESS
    if section.state is SectionState.COMPLETE and words > section.word_limit:
        section.state = SectionState.IN_PROGRESS
    return revision


def restore_revision(section: Section, revision: SectionRevision, actor, proposal,
                     started_from: int | None) -> SectionRevision:
    """Make an old revision's text current again, as a new revision."""
    if proposal.stage.is_frozen:
        raise SectionFrozen(proposal.stage.label)
    if revision.section_id != section.id:
        raise ValueError("that revision belongs to another section")
    check_version(section, started_from)
    new = _new_revision(
        section, revision.text, revision.word_count, f"Restored revision {revision.number}",
        actor, restored_from=revision.number,
    )
    record_activity(
        actor, "section.restored", section,
        f"Restored {section.title} to revision {revision.number}",
        {"revision": [section.revision_number - 1, section.revision_number]},
        proposal_id=section.proposal_id,
    )
    return new


def incomplete_required_sections(proposal_id: int) -> list[str]:
    """Titles of the required sections that are not complete, in order."""
    return list(
        db.session.scalars(
            select(Section.title)
            .where(
                Section.proposal_id == proposal_id,
                Section.required.is_(True),
                Section.state != SectionState.COMPLETE,
            )
            .order_by(Section.position)
        )
    )
