"""Following proposals and notifying the people who follow them."""

from sqlalchemy import func, select, update

from tracker.auth.models import User
from tracker.extensions import db
from tracker.notifications.models import Follow, FollowReason, Notification
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


def notify_followers(proposal, activity, message: str, actor) -> int:
    """One notification for each follower except the person who acted; returns how many.

    Followers who may no longer see the proposal (an expert, once it leaves co-creation) are
    not told: a notification says no more than the proposal's own pages would.
    """
    db.session.flush()
    followers = db.session.scalars(
        select(User).join(Follow, Follow.user_id == User.id).where(Follow.proposal_id == proposal.id)
    ).all()
    notes = [
        Notification(
            user_id=user.id, proposal_id=proposal.id, activity_id=activity.id, message=message[:500]
        )
        for user in followers
        if (actor is None or user.id != actor.id) and proposal.can_view(user)
    ]
    db.session.add_all(notes)
    return len(notes)


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
