"""Creating and changing programmes; a new programme gets the standard section template."""

from tracker.activity.services import diff, record_activity
from tracker.concurrency import check_version
from tracker.extensions import db
from tracker.programmes.models import Programme
from tracker.sections.services import add_default_template


def create_programme(values: dict, actor) -> Programme:
    """A new programme from the form's values."""
    programme = Programme(**values, created_by_id=actor.id)
    db.session.add(programme)
    db.session.flush()
    add_default_template(programme)
    record_activity(actor, "programme.created", programme, f"Created programme {programme.name}")
    return programme


def programme_values(programme: Programme) -> dict:
    """The editable values of a programme, keyed as in the form."""
    return {key: getattr(programme, key) for key in Programme.FIELD_LABELS}


def update_programme(programme: Programme, values: dict, started_from: int | None, actor) -> None:
    """Apply the form's values; refused with EditConflict when someone saved in between."""
    check_version(programme, started_from)
    before = programme_values(programme)
    for key, value in values.items():
        setattr(programme, key, value)
    changes = diff(before, values)
    if changes:
        record_activity(
            actor, "programme.updated", programme, f"Changed programme {programme.name}", changes
        )
