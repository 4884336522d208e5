"""Creating, changing and deleting milestones: every rule checked before anything changes, an
audit entry for each change, flushed and never committed (the request commits)."""

from datetime import date

from sqlalchemy import delete, or_, select

from tracker.activity.services import diff, record_activity
from tracker.auth.models import Role
from tracker.concurrency import check_version
from tracker.extensions import db
from tracker.milestones import rules
from tracker.milestones.models import Milestone, MilestoneKind, MilestoneState, milestone_dependency
from tracker.timeutil import utcnow

TITLE_LENGTH = 200
NOTES_LENGTH = 5000
OWNER_ROLES = frozenset({Role.STAFF, Role.ADMIN, Role.EXPERT})

# A milestone's fields as the form and its audit entries name them. Kind and state have keys of
# their own, so the activity page does not read them as a sector's kind or a section's state.
FIELD_LABELS = {
    "title": "Title",
    "milestone_kind": "Kind",
    "owner_id": "Owner",
    "starts_on": "Start date",
    "due_on": "Due date",
    "milestone_state": "State",
    "done_on": "Done on",
    "notes": "Notes",
    "depends_on": "Depends on",
    "dependents": "Depended on by",
}


class MilestoneRefused(Exception):
    """A milestone that breaks a rule; `field` names the form field the message belongs to
    (None: the form as a whole). Nothing has changed."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def create_milestone(*, programme, proposal, title: str, kind: MilestoneKind | None, owner,
                     starts_on: date | None, due_on: date | None, state: MilestoneState | None,
                     notes: str, depends_on: list[Milestone], actor,
                     today: date | None = None) -> Milestone:
    """A new milestone of `proposal` (its programme taken from it), or of `programme` itself when
    `proposal` is None. MilestoneRefused, with nothing added, when a rule is broken (see
    `_check`); done ones get today as the day they were done."""
    today = today or date.today()
    milestone = Milestone(
        programme_id=proposal.programme_id if proposal is not None else programme.id,
        proposal_id=proposal.id if proposal is not None else None,
    )
    title = _check(milestone, title=title, kind=kind, owner=owner, starts_on=starts_on,
                   due_on=due_on, state=state, notes=notes, depends_on=depends_on)
    milestone.title, milestone.kind, milestone.owner_id = title, kind, owner.id
    milestone.starts_on, milestone.due_on, milestone.state = starts_on, due_on, state
    milestone.done_on = today if state is MilestoneState.DONE else None
    milestone.notes = notes or ""
    db.session.add(milestone)
    db.session.flush()
    _link(milestone, depends_on)
    record_activity(actor, "milestone.created", milestone, f"Added milestone {title}, due {_day(due_on)}",
                    _as_set(_values(milestone, depends_on)), proposal_id=milestone.proposal_id)
    return milestone


def update_milestone(milestone: Milestone, *, title: str, kind: MilestoneKind | None, owner,
                     starts_on: date | None, due_on: date | None, state: MilestoneState | None,
                     notes: str, depends_on: list[Milestone], started_from: int | None, actor,
                     today: date | None = None) -> dict:
    """Change a milestone; returns its changes ({field: [before, after]}, empty when nothing
    changed). EditConflict when it was saved since version `started_from`; MilestoneRefused,
    changing nothing, when a rule is broken. Marking it done records today; leaving done
    clears the date."""
    today = today or date.today()
    check_version(milestone, started_from)
    # Every read happens before the first change, so autoflush cannot write the row early.
    before = _values(milestone, _current_dependencies(milestone.id))
    title = _check(milestone, title=title, kind=kind, owner=owner, starts_on=starts_on,
                   due_on=due_on, state=state, notes=notes, depends_on=depends_on)
    if state is not MilestoneState.DONE:
        done_on = None
    elif milestone.state is MilestoneState.DONE:
        done_on = milestone.done_on
    else:
        done_on = today
    after = {
        "title": title, "milestone_kind": kind, "owner_id": owner.id, "starts_on": starts_on,
        "due_on": due_on, "milestone_state": state, "done_on": done_on, "notes": notes or "",
        "depends_on": _titles(depends_on),
    }
    changes = diff(before, after)
    if not changes:
        return {}
    milestone.title, milestone.kind, milestone.owner_id = title, kind, owner.id
    milestone.starts_on, milestone.due_on, milestone.state = starts_on, due_on, state
    milestone.done_on, milestone.notes = done_on, notes or ""
    # Touching the row moves its version on even when only its dependencies changed.
    milestone.updated_at = utcnow()
    db.session.flush()
    if "depends_on" in changes:
        db.session.execute(delete(milestone_dependency).where(milestone_dependency.c.milestone_id == milestone.id))
        _link(milestone, depends_on)
    record_activity(actor, "milestone.updated", milestone, _update_summary(milestone, changes),
                    changes, proposal_id=milestone.proposal_id)
    return changes


def delete_milestone(milestone: Milestone, actor) -> None:
    """Delete a milestone and its dependency links both ways (what depended on it no longer
    does); the audit entry keeps what it was."""
    dependencies, dependents = _current_dependencies(milestone.id), _current_dependents(milestone.id)
    changes = _as_set({**_values(milestone, dependencies), "dependents": _titles(dependents)})
    record_activity(actor, "milestone.deleted", milestone,
                    f"Deleted milestone {milestone.title}, due {_day(milestone.due_on)}", changes,
                    proposal_id=milestone.proposal_id)
    db.session.execute(delete(milestone_dependency).where(or_(
        milestone_dependency.c.milestone_id == milestone.id,
        milestone_dependency.c.depends_on_id == milestone.id,
    )))
    # The links are gone: tell the session its (unloaded) collections are empty, so deleting
    # the row does not try to load them.
    for name in ("depends_on", "dependents"):
        db.session.expire(milestone, [name])
    db.session.delete(milestone)
    db.session.flush()


def _check(milestone: Milestone, *, title, kind, owner, starts_on, due_on, state, notes,
           depends_on) -> str:
    """Every rule, first broken one refused: the title (returned trimmed), a kind that fits the
    level, an owner who is active staff or an expert, the dates, a state, dependencies within
    the proposal and its programme that make no cycle."""
    title = (title or "").strip()
    if not title:
        raise MilestoneRefused("title", "Enter the milestone's title")
    if len(title) > TITLE_LENGTH:
        raise MilestoneRefused("title", f"Title must be {TITLE_LENGTH} characters or fewer")
    _check_kind(milestone, kind)
    if owner is None:
        raise MilestoneRefused("owner_id", "Select who owns this milestone")
    if not owner.is_active_account or owner.role not in OWNER_ROLES:
        raise MilestoneRefused(
            "owner_id", f"{owner.name} cannot own a milestone: choose an active member of staff or expert"
        )
    if due_on is None:
        raise MilestoneRefused("due_on", "Enter the due date")
    if starts_on is not None and due_on < starts_on:
        raise MilestoneRefused(
            "due_on", f"Due date must be the same as or after the start date, {_day(starts_on)}"
        )
    if state is None:
        raise MilestoneRefused("milestone_state", "Select the milestone's state")
    if len(notes or "") > NOTES_LENGTH:
        raise MilestoneRefused("notes", f"Notes must be {NOTES_LENGTH:,} characters or fewer")
    _check_dependencies(milestone, title, depends_on)
    return title


def _check_kind(milestone: Milestone, kind) -> None:
    """A programme's own milestones take programme kinds, a proposal's the others."""
    if kind is None:
        raise MilestoneRefused("milestone_kind", "Select the kind of milestone")
    if kind.for_programme != milestone.is_programme_milestone:
        fitting = MilestoneKind.programme_kinds() if milestone.is_programme_milestone else MilestoneKind.proposal_kinds()
        level = "a programme's own" if kind.for_programme else "a proposal's"
        raise MilestoneRefused(
            "milestone_kind",
            f"{kind.label} is for {level} milestones: choose "
            + ", ".join(each.label for each in fitting[:-1]) + f" or {fitting[-1].label}",
        )


def _check_dependencies(milestone: Milestone, title: str, depends_on: list[Milestone]) -> None:
    """Within the same proposal or its programme, not itself, and no cycle (named by title)."""
    for other in depends_on:
        if milestone.id is not None and other.id == milestone.id:
            raise MilestoneRefused("depends_on", f"{title} cannot depend on itself")
        if not milestone.can_depend_on(other):
            where = ("only on other milestones of the programme itself" if milestone.is_programme_milestone
                     else "only on milestones of its own proposal or of its programme")
            raise MilestoneRefused("depends_on", f"“{other.title}” belongs elsewhere: a milestone can depend {where}")
    if milestone.id is None:
        return  # a new milestone has nothing depending on it, so it cannot close a cycle
    edges = _programme_edges(milestone.programme_id)
    edges[milestone.id] = set()
    for other in sorted(depends_on, key=lambda each: each.id):
        cycle = rules.find_cycle(edges, milestone.id, other.id)
        if cycle:
            titles = _titles_by_id(set(cycle) - {milestone.id})
            titles[milestone.id] = title
            raise MilestoneRefused(
                "depends_on", "That would make a cycle: " + " → ".join(titles[key] for key in cycle)
            )


def _programme_edges(programme_id: int) -> dict[int, set[int]]:
    """Every dependency among the programme's milestones (a cycle can only run through them)."""
    edges: dict[int, set[int]] = {}
    rows = db.session.execute(
        select(milestone_dependency.c.milestone_id, milestone_dependency.c.depends_on_id)
        .join(Milestone, Milestone.id == milestone_dependency.c.milestone_id)
        .where(Milestone.programme_id == programme_id)
    )
    for key, dependency in rows:
        edges.setdefault(key, set()).add(dependency)
    return edges


def _titles_by_id(ids: set[int]) -> dict[int, str]:
    return dict(db.session.execute(select(Milestone.id, Milestone.title).where(Milestone.id.in_(ids))).all())


def _current_dependencies(milestone_id: int) -> list[Milestone]:
    """What the milestone depends on now, by due date (read, not through the lazy collection)."""
    return list(db.session.scalars(
        select(Milestone).join(milestone_dependency, milestone_dependency.c.depends_on_id == Milestone.id)
        .where(milestone_dependency.c.milestone_id == milestone_id)
        .order_by(Milestone.due_on, Milestone.id)
    ))


def _current_dependents(milestone_id: int) -> list[Milestone]:
    """What depends on the milestone now, by due date."""
    return list(db.session.scalars(
        select(Milestone).join(milestone_dependency, milestone_dependency.c.milestone_id == Milestone.id)
        .where(milestone_dependency.c.depends_on_id == milestone_id)
        .order_by(Milestone.due_on, Milestone.id)
    ))


def _link(milestone: Milestone, depends_on: list[Milestone]) -> None:
    """Add the dependency rows (the collections stay unloaded: pages load them when they show them)."""
    ids = sorted({other.id for other in depends_on})
    if ids:
        db.session.execute(milestone_dependency.insert(),
                           [{"milestone_id": milestone.id, "depends_on_id": key} for key in ids])
    db.session.expire(milestone, ["depends_on", "dependents"])


def _values(milestone: Milestone, depends_on: list[Milestone]) -> dict:
    """A milestone's edited values, keyed as FIELD_LABELS."""
    return {
        "title": milestone.title, "milestone_kind": milestone.kind, "owner_id": milestone.owner_id,
        "starts_on": milestone.starts_on, "due_on": milestone.due_on,
        "milestone_state": milestone.state, "done_on": milestone.done_on, "notes": milestone.notes,
        "depends_on": _titles(depends_on),
    }


def _as_set(values: dict) -> dict:
    """The values a milestone was created (or deleted) with, as changes from nothing: empty
    ones left out, the rest JSON-ready."""
    return diff({}, {key: value for key, value in values.items() if value not in ("", [])})


def _titles(milestones) -> list[str]:
    """Titles by due date: how an audit entry names the milestones depended on."""
    return [each.title for each in sorted(milestones, key=lambda each: (each.due_on, each.id))]


def _update_summary(milestone: Milestone, changes: dict) -> str:
    if changes.get("milestone_state") and milestone.state is MilestoneState.DONE:
        return f"Marked milestone {milestone.title} done"
    return f"Changed milestone {milestone.title}"


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"
