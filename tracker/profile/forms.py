"""Profile forms."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from tracker.forms import strip


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
