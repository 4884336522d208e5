"""Digests: each person's notifications not yet emailed, of the kinds they chose to hear about
daily (and, on the weekly run, weekly), in one message per person, grouped by proposal, newest
first, never empty; the notifications are marked emailed in the same transaction as the message,
so a second run sends nothing new.

When the weekly digest goes: on the run made on WEEKLY_DIGEST_DAY (Monday, UK time), or when the
command is told `--weekly`. A weekly kind's news waits until then; a person whose choices mix
daily and weekly kinds gets one message that day, not two.

How far back a digest looks: MAX_AGE. News older than that (a missed run, a choice changed from
"never", a mail server set up later) stays in the tracker but is not emailed.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from sqlalchemy import and_, or_, select, update

from tracker.auth.models import User
from tracker.extensions import db
from tracker.notifications.emails import DigestGroup, digest_email
from tracker.notifications.models import Delivery, Notification, NotificationKind, NotificationPreference
from tracker.mail import mail_configured
from tracker.notifications.preferences import DEFAULT_DELIVERY, effective
from tracker.outbox.models import OutboxPurpose
from tracker.outbox.services import queue_email
from tracker.proposals.models import Proposal
from tracker.proposals.queries import visible_among
from tracker.templating import LONDON

WEEKLY_DIGEST_DAY = 0  # Monday
MAX_AGE = timedelta(days=15)  # a weekly digest, and one missed weekly run
NOT_ABOUT_A_PROPOSAL = "Programme milestones and other news"


def is_weekly_run(now: datetime) -> bool:
    """Whether a run at `now` sends the weekly digests too (Monday, UK time)."""
    return now.astimezone(LONDON).weekday() == WEEKLY_DIGEST_DAY


@dataclass
class DigestRun:
    """What one run did."""

    weekly: bool
    sent: int = 0
    notifications: int = 0

    def summary(self) -> str:
        """One line for the command to print."""
        kind = "daily and weekly" if self.weekly else "daily"
        return (f"{self.sent} {kind} digest{'s' if self.sent != 1 else ''} queued, "
                f"with {self.notifications} notification{'s' if self.notifications != 1 else ''}")


def _waiting(now: datetime, deliveries: set[Delivery]):
    """(notification, person, proposal, chosen delivery or None) not yet emailed, from the last MAX_AGE, of a kind the
    person hears about by one of `deliveries` (their choice, or the kind's default), for active
    people; by person, newest first. Locked for this run where the database can (PostgreSQL:
    another run skips them), so two runs never put one notification in two digests."""
    preference = NotificationPreference
    by_default = [kind for kind in NotificationKind if DEFAULT_DELIVERY[kind] in deliveries]
    return db.session.execute(
        select(Notification, User, Proposal, preference.delivery)
        .join(User, User.id == Notification.user_id)
        .outerjoin(Proposal, Proposal.id == Notification.proposal_id)
        .outerjoin(preference, and_(preference.user_id == Notification.user_id,
                                    preference.kind == Notification.kind))
        .where(
            Notification.emailed_at.is_(None),
            Notification.created_at > now - MAX_AGE,
            Notification.created_at <= now,
            User.is_active_account.is_(True),
            or_(preference.delivery.in_(deliveries),
                and_(preference.delivery.is_(None), Notification.kind.in_(by_default))),
        )
        .order_by(Notification.user_id, Notification.created_at.desc(), Notification.id.desc())
        .with_for_update(of=Notification, skip_locked=True)
    ).tuples().all()


def _groups(rows) -> list[DigestGroup]:
    """The person's notifications by proposal, the proposal with the newest news first; news
    about no proposal (programme milestones) as one group of its own."""
    by_proposal: dict[int | None, list] = defaultdict(list)
    titles = {}
    for note, _, proposal, _ in rows:  # newest first already
        by_proposal[note.proposal_id].append(note)
        titles[note.proposal_id] = proposal.title if proposal is not None else NOT_ABOUT_A_PROPOSAL
    return [DigestGroup(titles[key], key, notes) for key, notes in by_proposal.items()]


def send_digests(now: datetime, weekly: bool | None = None) -> DigestRun:
    """Queue one digest per person with anything new to tell, and mark what went into it as
    emailed at `now`. `weekly` None: decided by the day (`is_weekly_run`). The caller commits."""
    weekly = is_weekly_run(now) if weekly is None else weekly
    run = DigestRun(weekly=weekly)
    if not mail_configured():
        return run
    deliveries = {Delivery.DAILY, Delivery.WEEKLY} if weekly else {Delivery.DAILY}
    emailed = []
    for _, person_rows in groupby(_waiting(now, deliveries), key=lambda row: row[0].user_id):
        person_rows = list(person_rows)
        user = person_rows[0][1]
        # Only what the person may still see (one query a person, whatever their news).
        visible = visible_among(user, {note.proposal_id for note, *_ in person_rows if note.proposal_id})
        shown = [row for row in person_rows if row[0].proposal_id is None or row[0].proposal_id in visible]
        if not shown:
            continue
        has_weekly = any(effective(note.kind, chosen) is Delivery.WEEKLY for note, _, _, chosen in shown)
        subject, body = digest_email(user, _groups(shown), has_weekly)
        queue_email(user.email, subject, body, OutboxPurpose.DIGEST, user_id=user.id, now=now)
        emailed += [note.id for note, *_ in shown]
        run.sent += 1
    if emailed:
        db.session.execute(
            update(Notification).where(Notification.id.in_(emailed)).values(emailed_at=now)
            .execution_options(synchronize_session=False)
        )
    run.notifications = len(emailed)
    return run
