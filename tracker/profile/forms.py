"""Profile forms."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.forms import choices, int_or_none, strip


class ProfileForm(FlaskForm):
    """The person's name as others see it."""

    name = StringField(
        "Full name",
        filters=[strip],
        validators=[
            DataRequired("Enter your full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )


class ExpertSectorsForm(FlaskForm):
    """The sectors and themes an expert works in: requests for input to a sector reach them."""

    sector_ids = SelectMultipleField(
        "The sectors and themes you work in", coerce=int_or_none, validate_choice=False
    )

    def __init__(self, sectors, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector_ids.choices = choices([(sector.id, sector.name) for sector in sectors])

    def validate_sector_ids(self, field):
        offered = {choice.value for choice in field.choices}
        if any(value not in offered for value in field.data or []):
            raise ValidationError("Select sectors and themes from the list")
