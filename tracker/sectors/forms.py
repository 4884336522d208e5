"""The sector or theme form."""

from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.extensions import db
from tracker.forms import strip
from tracker.sectors.models import Sector, SectorKind


class SectorForm(FlaskForm):
    """Name, kind and a short description."""

    name = StringField(
        "Name",
        filters=[strip],
        validators=[
            DataRequired("Enter the name of the sector or theme"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    kind = RadioField(
        "Sector or theme",
        choices=SectorKind.choices(),
        validators=[DataRequired("Select whether this is a sector or a cross-sector theme")],
    )
    description = TextAreaField(
        "Description (optional)",
        filters=[strip],
        validators=[Length(max=2000, message="Description must be 2,000 characters or fewer")],
    )

    def __init__(self, *args, sector: Sector | None = None, **kwargs):
        super().__init__(*args, obj=sector, **kwargs)
        self.sector = sector
        if sector is not None and not self.is_submitted():
            self.kind.data = sector.kind.value

    def validate_name(self, field):
        query = select(func.count(Sector.id)).where(func.lower(Sector.name) == field.data.lower())
        if self.sector is not None:
            query = query.where(Sector.id != self.sector.id)
        if db.session.scalar(query):
            raise ValidationError("A sector or theme with that name already exists")
