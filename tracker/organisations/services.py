"""Adding and changing organisations."""

from tracker.activity.services import diff, record_activity
from tracker.extensions import db
from tracker.organisations.models import Organisation, OrganisationType


def create_organisation(name: str, type_: OrganisationType, actor) -> Organisation:
    """A new organisation."""
    organisation = Organisation(name=name, type=type_)
    db.session.add(organisation)
    record_activity(actor, "organisation.created", organisation, f"Added organisation {name}")
    return organisation


def update_organisation(organisation: Organisation, name: str, type_: OrganisationType, actor) -> None:
    """Rename or retype an organisation."""
    before = {"name": organisation.name, "type": organisation.type}
    organisation.name, organisation.type = name, type_
    changes = diff(before, {"name": name, "type": type_})
    if changes:
        record_activity(
            actor, "organisation.updated", organisation, f"Changed organisation {name}", changes
        )
