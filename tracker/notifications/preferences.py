"""How each person hears about each kind of event by email: their choices, and the defaults
that stand for a kind they have not chosen for."""

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from tracker.activity.services import record_activity
from tracker.extensions import db
from tracker.notifications.models import Delivery, NotificationKind, NotificationPreference

# The one place the defaults live. What is addressed to the person (asked for input, an answer to
# their input or challenge, a milestone they own) goes at once; news about proposals they follow
# waits for the daily digest.
DEFAULT_DELIVERY: dict[NotificationKind, Delivery] = {
    NotificationKind.REQUEST: Delivery.IMMEDIATE,
    NotificationKind.RESPONSE: Delivery.IMMEDIATE,
    NotificationKind.PRIORITY: Delivery.IMMEDIATE,
    NotificationKind.MILESTONE: Delivery.IMMEDIATE,
    NotificationKind.STAGE: Delivery.DAILY,
    NotificationKind.BOARD: Delivery.DAILY,
    NotificationKind.GENERAL: Delivery.DAILY,
}

# Who gets each kind, for the choices page.
KIND_HINTS: dict[NotificationKind, str] = {
    NotificationKind.STAGE: "When a proposal you own, work on or follow moves to a new stage.",
    NotificationKind.BOARD: "When a board member records a decision on a proposal you follow.",
    NotificationKind.REQUEST: "For sector experts: when programme staff ask you for input.",
    NotificationKind.RESPONSE: "For sector experts: when staff respond to input you gave.",
    NotificationKind.PRIORITY: "For sector experts: when staff answer your challenge to a sector priority.",
    NotificationKind.MILESTONE: "7 days and 1 day before a milestone you own is due, and when it is overdue.",
    NotificationKind.GENERAL: "Anything else that happens to proposals you follow.",
}


def deliveries_of(user_id: int) -> dict[NotificationKind, Delivery]:
    """The person's choice for every kind: what they chose, or the kind's default."""
    chosen = dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.delivery)
        .where(NotificationPreference.user_id == user_id)
    ).tuples().all())
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in NotificationKind}


def preference_for(kind: NotificationKind, user_id_column):
    """The preference table (aliased) and the ON clause that outer-joins each person's choice
    for `kind`; a NULL delivery then means the kind's default (see `effective`)."""
    preference = aliased(NotificationPreference)
    on = and_(preference.user_id == user_id_column, preference.kind == kind)
    return preference, on


def effective(kind: NotificationKind, chosen: Delivery | None) -> Delivery:
    """The person's chosen delivery for `kind`, or its default when they have not chosen."""
    return chosen if chosen is not None else DEFAULT_DELIVERY[kind]


def save_preferences(user, choices: dict[NotificationKind, Delivery], actor) -> bool:
    """Store the person's choice for each kind given, in one go, with an activity entry naming
    what changed; False (and nothing recorded) when nothing did."""
    before = deliveries_of(user.id)
    stored = {row.kind: row for row in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    changes = {}
    for kind, delivery in choices.items():
        row = stored.get(kind)
        if row is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, delivery=delivery))
        else:
            row.delivery = delivery
        if before[kind] is not delivery:
            changes[kind.value] = [before[kind].value, delivery.value]
    if not changes:
        return False
    record_activity(actor, "user.email_choices_changed", user,
                    f"Changed how {user.name} hears about {len(changes)} kind"
                    f"{'s' if len(changes) != 1 else ''} of event by email", changes)
    db.session.flush()
    return True
