"""Reading the audit log: one proposal's entries, and the whole log filtered."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import joinedload

from tracker.activity.changes import kind_label
from tracker.activity.models import Activity
from tracker.auth.models import User
from tracker.contributions.models import RESPONSE_STATUSES, Contribution
from tracker.extensions import db
from tracker.proposals.models import Proposal
from tracker.templating import LONDON


@dataclass(frozen=True)
class ActivityFilters:
    """What the global log is narrowed to; None means no narrowing."""

    person_id: int | None = None
    proposal_id: int | None = None
    verb: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def newest_first(query: Select) -> Select:
    """Entries newest first, with the people who acted loaded in the same query."""
    return query.options(joinedload(Activity.actor)).order_by(
        Activity.created_at.desc(), Activity.id.desc()
    )


def proposal_activity(proposal_id: int, reader=None) -> Select:
    """A SELECT of everything that happened to one proposal that `reader` may know of: an
    expert does not learn of another expert's input before staff have answered it."""
    query = select(Activity).where(Activity.proposal_id == proposal_id)
    if reader is not None and reader.is_expert:
        unanswered_by_others = select(Contribution.id).where(
            Contribution.proposal_id == proposal_id,
            Contribution.author_id != reader.id,
            Contribution.status.not_in(RESPONSE_STATUSES),
        )
        query = query.where(~and_(
            Activity.subject_type == "contribution", Activity.subject_id.in_(unanswered_by_others)
        ))
    return newest_first(query)


def activity_log(filters: ActivityFilters) -> Select:
    """A SELECT of the whole log, narrowed by every filter given (they combine)."""
    query = newest_first(select(Activity)).options(joinedload(Activity.proposal))
    if filters.person_id is not None:
        query = query.where(Activity.actor_id == filters.person_id)
    if filters.proposal_id is not None:
        query = query.where(Activity.proposal_id == filters.proposal_id)
    if filters.verb:
        query = query.where(Activity.verb == filters.verb)
    if filters.date_from is not None:
        query = query.where(Activity.created_at >= start_of_uk_day(filters.date_from))
    if filters.date_to is not None:
        query = query.where(Activity.created_at < start_of_uk_day(filters.date_to + timedelta(days=1)))
    return query


def start_of_uk_day(day: date) -> datetime:
    """Midnight at the start of `day` in UK time, as UTC (days are the ones people saw)."""
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


def person_choices() -> list[tuple[int, str]]:
    """Everyone, by name, for the person filter."""
    return db.session.execute(select(User.id, User.name).order_by(User.name, User.id)).all()


def proposal_choices() -> list[tuple[int, str]]:
    """Every proposal, by title, for the proposal filter."""
    return db.session.execute(select(Proposal.id, Proposal.title).order_by(Proposal.title, Proposal.id)).all()


def kind_choices() -> list[tuple[str, str]]:
    """The kinds of entry the log holds, as (verb, label), by label."""
    verbs = db.session.scalars(select(Activity.verb).distinct())
    return sorted(((verb, kind_label(verb)) for verb in verbs), key=lambda pair: pair[1])
