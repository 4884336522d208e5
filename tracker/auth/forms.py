"""Forms for signing in and setting a password."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from tracker.auth.passwords import password_problem
from tracker.forms import strip


class SignInForm(FlaskForm):
    """Email and password."""

    email = EmailField(
        "Email address",
        filters=[strip],
        validators=[
            DataRequired("Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class CurrentPasswordMixin:
    """The password the person has now. Declared before NewPasswordMixin so that WTForms, which
    orders fields by when they were created, lists it first, as the page shows it."""

    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password")]
    )


class NewPasswordMixin:
    """A new password typed twice, checked against the password rule."""

    new_password = PasswordField("New password", validators=[DataRequired("Enter a new password")])
    confirm_password = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Enter the new password again"),
            EqualTo("new_password", message="The passwords do not match"),
        ],
    )
    # Set by the view so the rule can refuse the person's own email or name.
    owner_email = ""
    owner_name = ""

    def validate_new_password(self, field):
        problem = password_problem(field.data or "", self.owner_email, self.owner_name)
        if problem:
            raise ValidationError(problem)


class SetPasswordForm(NewPasswordMixin, FlaskForm):
    """An invited person chooses their password."""


class ChangePasswordForm(CurrentPasswordMixin, NewPasswordMixin, FlaskForm):
    """A signed-in person changes their password."""


def email_validator():
    """A shared email validator with a GOV.UK-style message."""
    return Email(
        message="Enter an email address in the correct format, like name@example.org",
        check_deliverability=False,
    )
