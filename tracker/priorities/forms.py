"""The form that adds a sector priority to a proposal."""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from tracker.extensions import db
from tracker.forms import PercentField, choices, strip
from tracker.sectors.models import Sector


class PriorityForm(FlaskForm):
    """A sector or theme still in use, its share of the funding ask, and why."""

    # Whether the sector exists, is in use and is not listed yet is the service's to say.
    sector_id = SelectField("Sector or theme", validate_choice=False)
    share = PercentField(
        "Share of the funding ask",
        required_message="Enter the share of the funding ask, from 0 to 100",
        validators=[InputRequired("Enter the share of the funding ask, from 0 to 100")],
    )
    rationale = TextAreaField(
        "Rationale",
        filters=[strip],
        validators=[
            DataRequired("Enter why the proposal serves this sector or theme"),
            Length(max=2000, message="Rationale must be 2,000 characters or fewer"),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        in_use = db.session.execute(
            select(Sector.id, Sector.name, Sector.kind)
            .where(Sector.is_retired.is_(False))
            .order_by(Sector.kind, Sector.name)
        )
        self.sector_id.choices = choices(
            ((id_, f"{name} ({kind.label.lower()})") for id_, name, kind in in_use),
            blank="Select a sector or theme",
        )

    def sector(self) -> Sector | None:
        """The chosen sector or theme (retired ones too: the service refuses them by name)."""
        value = self.sector_id.data or ""
        return db.session.get(Sector, int(value)) if value.isdigit() else None
