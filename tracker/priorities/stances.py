"""Experts endorsing or challenging a proposal's priorities, and staff answering challenges.

One stance per expert per priority, changeable while the proposal is open for input. Changing
a stance replaces its kind and comment; a reply staff gave stays, shown as given to the
earlier stance (its time is before the stance's last change), until staff answer again.
"""

from datetime import date

from sqlalchemy import select

from tracker.activity.services import diff, record_activity
from tracker.concurrency import check_version
from tracker.contributions.services import input_is_open
from tracker.extensions import db
from tracker.notifications.models import NotificationKind
from tracker.notifications.services import notify_person
from tracker.priorities.models import PriorityStance, SectorPriority, StanceKind
from tracker.proposals.models import ProposalStage
from tracker.timeutil import utcnow

MAX_COMMENT = 2000


class StanceRefused(Exception):
    """A stance or reply that cannot be taken; `field` names the form field (None: the form)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def stance_refusal(proposal, user, today: date | None = None) -> str | None:
    """Why `user` may not endorse or challenge the proposal's priorities on `today` (default:
    today); None if they may."""
    if not user.is_expert:
        return "Only sector experts endorse or challenge priorities"
    if not proposal.can_view(user):
        return "This proposal is not open to you"
    if input_is_open(proposal, today):
        return None
    closes = proposal.input_closes_on
    if proposal.stage is ProposalStage.CO_CREATION and closes is not None:
        return (f"Input on this proposal closed on {closes.day} {closes:%B %Y}: its priorities can "
                "no longer be endorsed or challenged")
    return (f"This proposal is at {proposal.stage.label}: it is not open for input, so its "
            "priorities cannot be endorsed or challenged")


def take_stance(proposal, priority: SectorPriority, expert, kind: StanceKind | None,
                comment: str, today: date | None = None) -> PriorityStance | None:
    """The expert's endorsement or challenge of a priority (its sector loaded): their first, or a
    change to the one they took, while input is open on `today` (default: today; the demo gives
    the day its expert spoke). A challenge needs a comment. Returns the stance, or None when
    nothing changed."""
    refusal = stance_refusal(proposal, expert, today)
    if refusal:
        raise StanceRefused(None, refusal)
    if priority.proposal_id != proposal.id:
        raise StanceRefused(None, "That priority belongs to another proposal")
    if kind is None:
        raise StanceRefused("kind", "Choose whether you endorse or challenge this priority")
    comment = comment.strip()
    if kind is StanceKind.CHALLENGE and not comment:
        raise StanceRefused("comment", f"Say why you challenge {priority.sector.name}")
    if len(comment) > MAX_COMMENT:
        raise StanceRefused("comment", f"Comment must be {MAX_COMMENT:,} characters or fewer")
    stance = db.session.scalar(select(PriorityStance).where(
        PriorityStance.priority_id == priority.id, PriorityStance.expert_id == expert.id
    ))
    name = priority.sector.name
    if stance is None:
        stance = PriorityStance(priority_id=priority.id, expert_id=expert.id, kind=kind, comment=comment)
        db.session.add(stance)
        verb = "priority.endorsed" if kind is StanceKind.ENDORSE else "priority.challenged"
        summary = f"{expert.name} {'endorsed' if kind is StanceKind.ENDORSE else 'challenged'} {name}"
        changes = {"stance": kind.label, "comment": comment}
    else:
        changes = diff({"stance": stance.kind.label, "comment": stance.comment},
                       {"stance": kind.label, "comment": comment})
        if not changes:
            return None
        stance.kind, stance.comment, stance.updated_at = kind, comment, utcnow()
        verb, summary = "priority.stance_changed", f"{expert.name} changed their stance on {name}: {kind.label}"
    record_activity(expert, verb, stance, summary, changes, proposal_id=proposal.id)
    return stance


def answer_challenge(proposal, priority: SectorPriority, stance: PriorityStance, reply: str,
                     started_from: int | None, actor) -> None:
    """Staff's reply to a challenge (the stance's expert and the priority's sector loaded), with
    who gave it and when; the expert is told. EditConflict
    when the stance changed since version `started_from` (the expert changed it meanwhile)."""
    if not stance.can_answer(actor):
        raise StanceRefused(None, "Only staff answer a challenge, and only a challenge")
    reply = reply.strip()
    if not reply:
        raise StanceRefused("reply", "Enter your reply to the challenge")
    if len(reply) > MAX_COMMENT:
        raise StanceRefused("reply", f"Reply must be {MAX_COMMENT:,} characters or fewer")
    check_version(stance, started_from)
    now = utcnow()
    stance.reply, stance.replied_by_id, stance.replied_at, stance.updated_at = reply, actor.id, now, now
    name = priority.sector.name
    entry = record_activity(
        actor, "priority.challenge_answered", stance,
        f"Answered {stance.expert.name}'s challenge to {name}", {"reply": reply},
        proposal_id=proposal.id,
    )
    db.session.flush()  # the notification links to the entry by its id
    notify_person(stance.expert_id, f"Your challenge to {name} on “{proposal.title}” was answered",
                  NotificationKind.PRIORITY, proposal=proposal, activity=entry)
