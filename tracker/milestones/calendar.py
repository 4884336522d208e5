"""iCalendar feeds at secret URLs: a person's own milestones or one proposal's, as RFC 5545 all-day
events with stable UIDs; and the services that create, reset and remove a person's feeds."""

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from icalendar import Calendar, Event
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import joinedload

from tracker.activity.services import record_activity
from tracker.auth.models import User
from tracker.extensions import db
from tracker.milestones.models import CalendarFeed, Milestone, milestone_dependency
from tracker.milestones.rules import Planned, plan
from tracker.proposals.models import Proposal
from tracker.templating import long_date

PRODID = "-//West Midlands Combined Authority//Innovation Accelerator tracker//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"


# Reading a feed ----------------------------------------------------------------------------

def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed whose secret is `token`, or None (a wrong token, or one that was reset)."""
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == CalendarFeed.hash_of(token)))


def feed_milestones(feed: CalendarFeed) -> tuple[str, list[Milestone]] | None:
    """The feed's name and milestones, by due date, with their proposal, programme and owner
    loaded; None when the feed's owner may no longer read it (their account was deactivated,
    or the proposal is no longer open to them), so the URL stops working as if it were reset,
    and starts again if they regain access."""
    user = db.session.get(User, feed.user_id)
    if user is None or not user.is_active:
        return None
    query = select(Milestone).options(
        joinedload(Milestone.proposal), joinedload(Milestone.programme), joinedload(Milestone.owner)
    ).order_by(Milestone.due_on, Milestone.id)
    if feed.proposal_id is None:
        return f"Milestones of {user.name}", list(db.session.scalars(query.where(Milestone.owner_id == user.id)))
    proposal = db.session.get(Proposal, feed.proposal_id)
    if proposal is None or not proposal.can_view(user):
        return None
    return f"Milestones: {proposal.title}", list(db.session.scalars(query.where(Milestone.proposal_id == proposal.id)))


def plan_around(milestones: Iterable[Milestone], today: date) -> dict[int, Planned]:
    """The plan (RAG, forecast) of these milestones, worked out with everything they can depend
    on: all milestones of their proposals and their programmes' own, and the links between them.
    Three queries however many milestones."""
    milestones = list(milestones)
    proposal_ids = {m.proposal_id for m in milestones if m.proposal_id is not None}
    programme_ids = {m.programme_id for m in milestones}
    if not milestones:
        return {}
    context = list(db.session.scalars(select(Milestone).where(or_(
        Milestone.proposal_id.in_(proposal_ids),
        Milestone.proposal_id.is_(None) & Milestone.programme_id.in_(programme_ids),
    ))))
    ids = {m.id for m in context}
    dependencies: dict[int, set[int]] = {}
    for milestone_id, depends_on_id in db.session.execute(
        select(milestone_dependency.c.milestone_id, milestone_dependency.c.depends_on_id)
        .where(milestone_dependency.c.milestone_id.in_(ids))
    ):
        if depends_on_id in ids:
            dependencies.setdefault(milestone_id, set()).add(depends_on_id)
    return plan(context, dependencies, today)


def ics(name: str, milestones: Iterable[Milestone], planned: dict[int, Planned], host: str,
        url_of: Callable[[Milestone], str]) -> bytes:
    """The feed as iCalendar text: one all-day event per milestone on its due date.

    The UID is `milestone-<id>@<host>`, the same on every fetch, and SEQUENCE is the
    milestone's version less one (0 for a new one, as RFC 5545 starts it), so calendar apps
    update an event in place when the milestone changes. DTSTAMP and LAST-MODIFIED are when
    the milestone last changed, so an unchanged milestone reads back byte for byte the same.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for milestone in milestones:
        calendar.add_component(_event(milestone, planned.get(milestone.id), host, url_of(milestone)))
    return calendar.to_ical()


def _event(milestone: Milestone, planned: Planned | None, host: str, url: str) -> Event:
    event = Event()
    event.add("uid", f"milestone-{milestone.id}@{host}")
    event.add("dtstamp", milestone.updated_at)
    event.add("last-modified", milestone.updated_at)
    event.add("sequence", milestone.version - 1)
    event.add("dtstart", milestone.due_on)
    event.add("dtend", milestone.due_on + timedelta(days=1))
    event.add("summary", f"{milestone.title} ({milestone.state.label})")
    event.add("description", description(milestone, planned))
    event.add("url", url)
    event.add("categories", [milestone.kind.label])
    event.add("transp", "TRANSPARENT")  # a deadline, not time taken up
    return event


def description(milestone: Milestone, planned: Planned | None) -> str:
    """The event's text: where the milestone belongs, its owner, state, RAG and forecast."""
    lines = [f"Proposal: {milestone.proposal.title}" if milestone.proposal is not None
             else f"Programme: {milestone.programme.name}",
             f"Owner: {milestone.owner.name}",
             f"Kind: {milestone.kind.label}",
             f"State: {milestone.state.label}"]
    if planned is not None:
        lines.append(f"RAG: {planned.rag.label}")
        lines.append(f"Forecast: {long_date(planned.forecast)}{_slip(planned)}")
    lines.append(f"Due: {long_date(milestone.due_on)}")
    return "\n".join(lines)


def _slip(planned: Planned) -> str:
    if planned.slip_days > 0:
        return f" ({planned.slip_days} day{'s' if planned.slip_days != 1 else ''} late)"
    return ""


# A person's feeds --------------------------------------------------------------------------

def feeds_of(user) -> list[tuple[CalendarFeed, Proposal | None]]:
    """A person's feeds with the proposal each lists (None for their own milestones), their own
    first, then by proposal title."""
    rows = db.session.execute(
        select(CalendarFeed, Proposal).outerjoin(Proposal, Proposal.id == CalendarFeed.proposal_id)
        .where(CalendarFeed.user_id == user.id)
        .order_by(CalendarFeed.proposal_id.is_not(None), Proposal.title, CalendarFeed.id)
    ).tuples()
    return list(rows)


def create_feed(user, proposal: Proposal | None, actor) -> str:
    """A new feed of `user`'s own milestones (proposal None) or of `proposal`'s; any feed they
    had for the same milestones stops working. Returns the secret token, shown once."""
    if proposal is not None and not proposal.can_view(user):
        raise ValueError("a proposal feed needs a proposal its owner may see")
    proposal_id = proposal.id if proposal is not None else None
    replaced = db.session.execute(delete(CalendarFeed).where(
        CalendarFeed.user_id == user.id,
        CalendarFeed.proposal_id == proposal_id if proposal_id is not None else CalendarFeed.proposal_id.is_(None),
    )).rowcount
    feed, token = CalendarFeed.with_new_token(user.id, proposal_id)
    db.session.add(feed)
    what = f"“{proposal.title}”" if proposal is not None else "their own milestones"
    verb = "reset" if replaced else "created"
    record_activity(actor, f"calendar_feed.{verb}", user, f"{user.name} {verb} a calendar feed of {what}")
    return token


def remove_feed(feed: CalendarFeed, actor) -> None:
    """Delete a feed: its URL stops working."""
    user = db.session.get(User, feed.user_id)
    db.session.delete(feed)
    record_activity(actor, "calendar_feed.removed", user, f"{user.name} removed a calendar feed")
