"""The profile's API token forms: make a token, and revoke one (asked twice)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.validators import DataRequired, Length

from tracker.api.tokens import TokenLifetime
from tracker.forms import strip


class ApiTokenForm(FlaskForm):
    """A new token's name, so its owner knows what uses it, and how long it works for."""

    name = StringField(
        "Token name",
        filters=[strip],
        validators=[
            DataRequired("Enter a name for the token"),
            Length(max=100, message="Token name must be 100 characters or fewer"),
        ],
    )
    lifetime = RadioField(
        "When the token expires",
        choices=TokenLifetime.choices(),
        validators=[DataRequired("Select when the token expires")],
    )

    def chosen_lifetime(self) -> TokenLifetime:
        return TokenLifetime(self.lifetime.data)


class RevokeTokenForm(FlaskForm):
    """Revoke a token: the first press asks, the second (`confirm` = yes) revokes."""

    confirm = HiddenField()
