"""Recording activity; called by every service that changes something."""

from typing import Any

from tracker.activity.models import Activity
from tracker.extensions import db


def record_activity(
    actor,
    verb: str,
    subject,
    summary: str,
    changes: dict[str, Any] | None = None,
    proposal_id: int | None = None,
) -> Activity:
    """Add an audit entry to the current transaction (the caller's commit keeps both or neither)."""
    db.session.flush()  # the subject needs its id
    entry = Activity(
        actor_id=actor.id if actor is not None else None,
        verb=verb,
        subject_type=type(subject).__name__.lower(),
        subject_id=subject.id,
        proposal_id=proposal_id,
        summary=summary[:500],
        changes=changes or {},
    )
    db.session.add(entry)
    return entry


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields whose value changed, as {field: [before, after]}, JSON-ready."""
    changed = {}
    for key, new in after.items():
        old = before.get(key)
        if old != new:
            changed[key] = [_plain(old), _plain(new)]
    return changed


def _plain(value: Any) -> Any:
    """A JSON-friendly rendering of a field value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple, set)):
        return [_plain(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return str(value)
