"""The organisation form."""

from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.extensions import db
from tracker.forms import strip
from tracker.organisations.models import Organisation, OrganisationType


class OrganisationForm(FlaskForm):
    """Name and type."""

    name = StringField(
        "Name",
        filters=[strip],
        validators=[
            DataRequired("Enter the organisation's name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    type = RadioField(
        "Type",
        choices=OrganisationType.choices(),
        validators=[DataRequired("Select the type of organisation")],
    )

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        super().__init__(*args, obj=organisation, **kwargs)
        self.organisation = organisation
        if organisation is not None and not self.is_submitted():
            self.type.data = organisation.type.value

    def validate_name(self, field):
        query = select(func.count(Organisation.id)).where(
            func.lower(Organisation.name) == field.data.lower()
        )
        if self.organisation is not None:
            query = query.where(Organisation.id != self.organisation.id)
        if db.session.scalar(query):
            raise ValidationError("An organisation with that name already exists")
