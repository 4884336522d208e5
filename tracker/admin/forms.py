"""Forms for managing people."""

from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.auth.forms import email_validator
from tracker.auth.models import Role
from tracker.auth.services import email_in_use
from tracker.forms import strip

ROLE_HINTS = {
    Role.ADMIN.value: "Everything staff can do, plus manage people, sectors and organisations",
    Role.STAFF.value: "Create and edit programmes and proposals",
    Role.EXPERT.value: "See proposals open for input and contribute to them",
    Role.BOARD.value: "See everything, read-only, and record board decisions",
}


def _optional_id(value):
    """'' means none chosen."""
    return int(value) if value not in (None, "", "None") else None


class InviteUserForm(FlaskForm):
    """Invite a person with a role."""

    name = StringField(
        "Full name",
        filters=[strip],
        validators=[
            DataRequired("Enter the person's full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    email = EmailField(
        "Email address",
        filters=[strip],
        validators=[
            DataRequired("Enter the person's email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            email_validator(),
        ],
    )
    role = RadioField(
        "Role", choices=Role.choices(), validators=[DataRequired("Select the person's role")]
    )
    organisation_id = SelectField("Organisation (optional)", coerce=_optional_id, validate_choice=True)

    def validate_email(self, field):
        if email_in_use(field.data):
            raise ValidationError("Someone already has an account with that email address")


class RoleForm(FlaskForm):
    """Change a person's role."""

    role = RadioField(
        "Role", choices=Role.choices(), validators=[DataRequired("Select the person's role")]
    )
