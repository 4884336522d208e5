"""The wording of notification emails: one sent at once, and the digest."""

from collections.abc import Sequence
from dataclasses import dataclass

from tracker.mail import email_link
from tracker.notifications.models import Notification

SIGN_IN_INSTEAD = "Sign in to the Innovation Accelerator tracker to see it."


def _choices_line() -> str:
    link = email_link("notifications.preferences")
    where = link or "your profile in the tracker (Email notifications)"
    return f"To choose how you hear about each kind of event, go to {where}"


def _proposal_line(proposal) -> str:
    link = email_link("proposals.detail", proposal_id=proposal.id) if proposal is not None else None
    if link:
        return f"See it in the tracker: {link}"
    link = email_link("notifications.index")
    return f"See your notifications: {link}" if link else SIGN_IN_INSTEAD


def immediate_email(user, note: Notification, proposal) -> tuple[str, str]:
    """(subject, body) of a notification emailed at once."""
    lines = [
        f"Hello {user.name},",
        "",
        note.message,
        "",
        _proposal_line(proposal),
        "",
        f"You get this email at once because of your choice for “{note.kind.label}”.",
        _choices_line(),
    ]
    return note.message[:200], "\n".join(lines)


@dataclass(frozen=True)
class DigestGroup:
    """A digest's notifications about one proposal (or about none), newest first."""

    title: str
    proposal_id: int | None
    notes: Sequence[Notification]


def digest_email(user, groups: Sequence[DigestGroup], weekly: bool) -> tuple[str, str]:
    """(subject, body) of one person's digest: a part per proposal, newest news first."""
    from tracker.templating import date_time  # templating imports the notification services

    count = sum(len(group.notes) for group in groups)
    proposals = sum(1 for group in groups if group.proposal_id is not None)
    what = f"{count} update{'s' if count != 1 else ''}"
    if proposals:
        what += f" on {proposals} proposal{'s' if proposals != 1 else ''}"
    subject = f"Your {'weekly' if weekly else 'daily'} tracker digest: {what}"
    lines = [f"Hello {user.name},", "", f"Here is what happened since your last digest: {what}."]
    for group in groups:
        lines += ["", group.title, "-" * min(len(group.title), 70)]
        lines += [f"- {date_time(note.created_at)}: {note.message}" for note in group.notes]
        link = email_link("proposals.detail", proposal_id=group.proposal_id) if group.proposal_id else None
        if link:
            lines.append(f"See it in the tracker: {link}")
    lines += ["", "Times are UK time.", _choices_line()]
    if not email_link("notifications.index"):
        lines.append(SIGN_IN_INSTEAD)
    return subject, "\n".join(lines)
