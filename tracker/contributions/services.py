"""Giving, editing, withdrawing and answering contributions; the input window."""

from datetime import date
from pathlib import Path

from sqlalchemy import func, select, update

from tracker.activity.services import record_activity
from tracker.concurrency import check_version
from tracker.contributions import files
from tracker.contributions.models import (
    Attachment,
    Contribution,
    ContributionEdit,
    ContributionKind,
    ContributionResponse,
    ContributionStatus,
)
from tracker.extensions import db
from tracker.notifications.models import NotificationKind
from tracker.notifications.services import notify_person
from tracker.proposals.models import ProposalStage
from tracker.sections.models import Section, SectionRevision, SectionState
from tracker.sections.services import save_section

NEEDS_REASON = (ContributionStatus.DECLINED, ContributionStatus.PARTLY_ACCEPTED)
TAKES_TEXT_IN = (ContributionStatus.ACCEPTED, ContributionStatus.PARTLY_ACCEPTED)


class ContributionRefused(Exception):
    """The input or the response cannot be taken; the message says why, for people."""


class SuggestionConflict(Exception):
    """The section changed since the suggestion was made: staff must see both and decide."""

    def __init__(self, current_text: str, suggested_text: str, base_text: str):
        super().__init__("the section has changed since the suggestion was made")
        self.current_text, self.suggested_text, self.base_text = current_text, suggested_text, base_text


def input_is_open(proposal, today: date | None = None) -> bool:
    """Input is taken while the proposal is in co-creation, up to and including its close date."""
    today = today or date.today()
    if proposal.stage is not ProposalStage.CO_CREATION:
        return False
    return proposal.input_closes_on is None or today <= proposal.input_closes_on


def _check_window(proposal) -> None:
    if proposal.stage is not ProposalStage.CO_CREATION:
        raise ContributionRefused("This proposal is not open for input")
    if not input_is_open(proposal):
        raise ContributionRefused(
            f"Input closed on {proposal.input_closes_on.day} {proposal.input_closes_on:%B %Y}"
        )


def submit_contribution(proposal, author, *, kind: ContributionKind, title: str, body: str,
                        sector, section: Section | None = None, suggested_text: str | None = None,
                        declaration: str = "", show_type_only: bool = False) -> Contribution:
    """An expert's new input; refused outside the window or when it is incomplete."""
    if not author.is_expert:
        raise ContributionRefused("Only sector experts give input on proposals")
    _check_window(proposal)
    if sector is None or sector.is_retired:
        raise ContributionRefused("Choose a sector or theme that is in use")
    if section is not None and section.proposal_id != proposal.id:
        raise ContributionRefused("That section belongs to another proposal")
    if kind is ContributionKind.SUGGESTED_CHANGE:
        if section is None:
            raise ContributionRefused("A suggested change needs the section it changes")
        if suggested_text is None or suggested_text == section.text:
            raise ContributionRefused("Change the section's text to make a suggestion")
    else:
        suggested_text = None
    contribution = Contribution(
        proposal_id=proposal.id, section_id=section.id if section else None, sector_id=sector.id,
        author_id=author.id, organisation_id=author.organisation_id, kind=kind, title=title,
        body=body, suggested_text=suggested_text,
        base_revision_number=section.revision_number if section is not None else None,
        declaration_of_interest=declaration, show_organisation_type_only=show_type_only,
    )
    db.session.add(contribution)
    record_activity(author, "contribution.submitted", contribution, f"{author.name} gave input: {title}",
                    {"kind": kind.value}, proposal_id=proposal.id)
    return contribution


def attach_files(contribution: Contribution, uploads: list, directory: Path) -> list[Attachment]:
    """Store each checked upload under a server-made name and record it on the contribution.

    `uploads` holds (CheckedFile, bytes) pairs that passed `files.check_upload`. If anything
    fails part way, the files already written are removed again before the error propagates, so
    the caller's rollback leaves neither rows nor files behind.
    """
    if len(uploads) > files.MAX_FILES:
        raise ContributionRefused(f"Attach {files.MAX_FILES} files or fewer")
    stored, attachments = [], []
    try:
        for checked, data in uploads:
            stored_name = files.store(directory, checked, data)
            stored.append(stored_name)
            attachment = Attachment(
                contribution_id=contribution.id, display_name=checked.display_name,
                stored_name=stored_name, kind=checked.kind, media_type=checked.media_type,
                size=checked.size, sha256=checked.sha256,
            )
            db.session.add(attachment)
            attachments.append(attachment)
        db.session.flush()
    except BaseException:
        for stored_name in stored:
            files.remove(directory, stored_name)
        raise
    return attachments


def edit_contribution(contribution: Contribution, author, proposal, *, title: str, body: str,
                      suggested_text: str | None, started_from: int | None) -> None:
    """The author changes their input before review starts; the earlier wording is kept."""
    if not contribution.can_change(author):
        raise ContributionRefused("Input can be changed only by its author, before staff review it")
    _check_window(proposal)
    check_version(contribution, started_from)
    db.session.add(ContributionEdit(
        contribution_id=contribution.id, title=contribution.title, body=contribution.body,
        suggested_text=contribution.suggested_text,
    ))
    contribution.title, contribution.body = title, body
    if contribution.kind is ContributionKind.SUGGESTED_CHANGE:
        contribution.suggested_text = suggested_text
    record_activity(author, "contribution.edited", contribution, f"{author.name} edited {title}",
                    proposal_id=proposal.id)


def withdraw_contribution(contribution: Contribution, author, proposal) -> None:
    """The author takes their input back before review starts."""
    if not contribution.can_change(author):
        raise ContributionRefused("Input can be withdrawn only by its author, before staff review it")
    contribution.status = ContributionStatus.WITHDRAWN
    record_activity(author, "contribution.withdrawn", contribution,
                    f"{author.name} withdrew {contribution.title}", proposal_id=proposal.id)


def mark_under_review(proposal, contribution_ids: list[int], actor) -> int:
    """Mark submitted contributions on this proposal as under review; returns how many."""
    ids = list(db.session.scalars(
        select(Contribution.id).where(
            Contribution.proposal_id == proposal.id,
            Contribution.id.in_(contribution_ids),
            Contribution.status == ContributionStatus.SUBMITTED,
        )
    ))
    if ids:
        db.session.execute(
            update(Contribution).where(Contribution.id.in_(ids))
            .values(status=ContributionStatus.UNDER_REVIEW, version=Contribution.version + 1)
            .execution_options(synchronize_session="fetch")
        )
        record_activity(actor, "contribution.under_review", proposal,
                        f"Started reviewing {len(ids)} contribution{'s' if len(ids) != 1 else ''}",
                        {"contributions": ids}, proposal_id=proposal.id)
    return len(ids)


def respond(contribution: Contribution, proposal, *, outcome: ContributionStatus, reason: str,
            actor, final_text: str | None = None,
            seen_revision: int | None = None) -> ContributionResponse:
    """Staff's answer. Declined and partly accepted need a reason. Accepting a suggested change
    applies it as a new revision credited to the contribution; when the section changed since
    the suggestion, SuggestionConflict is raised unless staff give the `final_text` they chose.
    With `seen_revision` (the section revision that text was written against), the section
    changing since that revision raises SuggestionConflict again. A frozen proposal's text
    takes nothing in."""
    if not actor.is_staff:
        raise ContributionRefused("Only staff respond to input")
    if outcome not in NEEDS_REASON + TAKES_TEXT_IN + (ContributionStatus.NOTED,):
        raise ContributionRefused("Choose accepted, partly accepted, declined or noted")
    if not contribution.status.is_open:
        raise ContributionRefused(f"This input is {contribution.status.label.lower()}: it cannot be answered")
    if outcome in NEEDS_REASON and not reason.strip():
        raise ContributionRefused(f"Give a reason when input is {outcome.label.lower()}")
    revision_id = None
    if outcome in TAKES_TEXT_IN and contribution.kind is ContributionKind.SUGGESTED_CHANGE:
        revision_id = _apply_suggestion(contribution, proposal, actor, final_text, outcome,
                                        seen_revision)
    contribution.status = outcome
    response = ContributionResponse(
        contribution_id=contribution.id, outcome=outcome, reason=reason.strip(),
        revision_id=revision_id, responder_id=actor.id,
    )
    db.session.add(response)
    entry = record_activity(
        actor, "contribution.answered", contribution,
        f"{outcome.label}: {contribution.title}", {"outcome": outcome.value, "reason": reason.strip()},
        proposal_id=proposal.id,
    )
    db.session.flush()  # the notification links to the entry by its id
    notify_person(contribution.author_id, f"Your input “{contribution.title}” was {outcome.label.lower()}",
                  NotificationKind.RESPONSE, proposal=proposal, activity=entry)
    return response


def _apply_suggestion(contribution, proposal, actor, final_text, outcome, seen_revision) -> int:
    if proposal.stage.is_frozen:
        raise ContributionRefused(
            f"{proposal.title} is at {proposal.stage.label}: its text is frozen, so a suggested "
            "change can no longer be taken in. Decline it (with a reason) or note it instead."
        )
    section = db.session.get(Section, contribution.section_id)
    if section is None:
        raise ContributionRefused("The section this suggestion changes no longer exists")
    written_against = seen_revision
    if final_text is None:
        if outcome is ContributionStatus.PARTLY_ACCEPTED:
            raise ContributionRefused("Give the text you are taking in, from the suggestion")
        written_against = contribution.base_revision_number
        final_text = contribution.suggested_text or ""
    if written_against is not None and section.revision_number != written_against:
        base = db.session.scalar(select(SectionRevision.text).where(
            SectionRevision.section_id == section.id,
            SectionRevision.number == contribution.base_revision_number,
        )) or ""
        raise SuggestionConflict(section.text, contribution.suggested_text or "", base)
    state = section.state if section.state is not SectionState.COMPLETE else SectionState.IN_PROGRESS
    if section.state is SectionState.COMPLETE and len(final_text.split()) <= section.word_limit:
        state = SectionState.COMPLETE
    revision = save_section(
        section, text=final_text, note=f"From input #{contribution.id}: {contribution.title}"[:200],
        assignee_id=section.assignee_id, state=state, started_from=section.version, actor=actor,
        proposal=proposal,
    )
    if revision is None:
        raise ContributionRefused("The section already has this text: nothing to take in")
    db.session.flush()
    return revision.id


def unanswered_count(proposal_id: int) -> int:
    """Contributions still waiting for a response (the board-review guard needs none)."""
    return db.session.scalar(
        select(func.count(Contribution.id)).where(
            Contribution.proposal_id == proposal_id,
            Contribution.status.in_([ContributionStatus.SUBMITTED, ContributionStatus.UNDER_REVIEW]),
        )
    ) or 0
