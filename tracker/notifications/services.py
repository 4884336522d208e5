"""Following proposals and notifying the people who follow them."""

from collections.abc import Iterable

from sqlalchemy import Select, func, select, update

from tracker.auth.models import User
from tracker.extensions import db
from tracker.notifications.emails import immediate_email
from tracker.notifications.models import Delivery, Follow, FollowReason, Notification, NotificationKind
from tracker.notifications.preferences import effective, preference_for
from tracker.outbox.models import OutboxPurpose
from tracker.outbox.services import queue_email
from tracker.timeutil import utcnow


def follow(user, proposal, reason: FollowReason) -> None:
    """Make `user` follow `proposal` (no change if they already do)."""
    if user is None:
        return
    exists = db.session.get(Follow, (user.id, proposal.id))
    if exists is None:
        db.session.add(Follow(user_id=user.id, proposal_id=proposal.id, reason=reason))


def unfollow(user, proposal) -> None:
    """Stop following."""
    existing = db.session.get(Follow, (user.id, proposal.id))
    if existing is not None:
        db.session.delete(existing)


def is_following(user, proposal) -> bool:
    """Whether `user` follows `proposal`, for whatever reason."""
    return db.session.get(Follow, (user.id, proposal.id)) is not None


def notify_followers(proposal, activity, message: str, actor,
                     kind: NotificationKind = NotificationKind.GENERAL) -> int:
    """One notification of `kind` for each follower except the person who acted, emailed at
    once to those who chose that for the kind; returns how many.

    Followers who may no longer see the proposal (an expert, once it leaves co-creation) are
    not told: a notification says no more than the proposal's own pages would.
    """
    db.session.flush()
    followers = _with_choice(kind, select(User).join(Follow, Follow.user_id == User.id)
                             .where(Follow.proposal_id == proposal.id))
    told = [(user, chosen) for user, chosen in followers
            if (actor is None or user.id != actor.id) and proposal.can_view(user)]
    return len(_add(told, kind, message, proposal=proposal, activity=activity))


def notify_people(user_ids: Iterable[int], message: str, kind: NotificationKind, *, proposal=None,
                  activity=None) -> list[Notification]:
    """One notification of `kind` for each person named (the caller decided they may know),
    emailed at once to those who chose that for the kind."""
    ids = sorted(set(user_ids))
    if not ids:
        return []
    db.session.flush()
    people = _with_choice(kind, select(User).where(User.id.in_(ids)))
    return _add(people, kind, message, proposal=proposal, activity=activity)


def notify_person(user_id: int, message: str, kind: NotificationKind, *, proposal=None, activity=None,
                  email: tuple[str, str] | None = None,
                  purpose: OutboxPurpose = OutboxPurpose.NOTIFICATION) -> Notification:
    """One notification for one person; `email` (subject, body) replaces the standard wording
    when it goes by email at once."""
    db.session.flush()
    [note] = _add(_with_choice(kind, select(User).where(User.id == user_id)), kind, message, proposal=proposal, activity=activity, email=email, purpose=purpose)
    return note


def _with_choice(kind: NotificationKind, people: Select) -> list[tuple[User, Delivery | None]]:
    """Each person `people` selects, with their choice for `kind` (None: the kind's default)."""
    preference, on = preference_for(kind, User.id)
    return db.session.execute(
        people.add_columns(preference.delivery).outerjoin(preference, on).order_by(User.id)
    ).tuples().all()


def _add(people, kind: NotificationKind, message: str, *, proposal, activity, email=None,
         purpose: OutboxPurpose = OutboxPurpose.NOTIFICATION) -> list[Notification]:
    """The notifications for (person, chosen delivery or None) pairs and, in the same flush,
    an outbox message for each person who hears of `kind` at once: their notification is then
    marked emailed, so no digest repeats it. No outbox message without a mail server."""
    now = utcnow()
    notes = []
    for user, chosen in people:
        note = Notification(
            user_id=user.id, proposal_id=proposal.id if proposal is not None else None,
            activity_id=activity.id if activity is not None else None, kind=kind,
            message=message[:500], created_at=now,
        )
        if effective(kind, chosen) is Delivery.IMMEDIATE and user.is_active_account:
            subject, body = email or immediate_email(user, note, proposal)
            if queue_email(user.email, subject, body, purpose, user_id=user.id, now=now) is not None:
                note.emailed_at = now
        notes.append(note)
    db.session.add_all(notes)
    return notes


def unread_count(user) -> int:
    """How many notifications the person has not read."""
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0


def mark_all_read(user) -> None:
    """Mark every unread notification of `user` (and nobody else's) as read now."""
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
