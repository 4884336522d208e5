"""The proposal form."""

from sqlalchemy import select
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.forms import GovDateField, MoneyField, VersionForm, choices, int_or_none, strip
from tracker.organisations.models import Organisation
from tracker.programmes.queries import programme_choices


def _not_offered(field) -> bool:
    """Nothing chosen, or a value the select did not offer (gone since the page loaded)."""
    return field.data is None or field.data not in {choice.value for choice in field.choices}


class ProposalForm(VersionForm):
    """Programme, title, organisations, owner, funding ask and summary."""

    # Choices are checked by the validate_ methods below, with a message that says what to do.
    programme_id = SelectField("Programme", coerce=int_or_none, validate_choice=False)
    title = StringField(
        "Title",
        filters=[strip],
        validators=[
            DataRequired("Enter the proposal's title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    lead_organisation_id = SelectField(
        "Lead organisation", coerce=int_or_none, validate_choice=False
    )
    partner_ids = SelectMultipleField("Partner organisations (optional)", coerce=int)
    owner_id = SelectField("Owner", coerce=int_or_none, validate_choice=False)
    # InputRequired, not DataRequired, which would hide the field's own message ("cannot be
    # negative", "must be a whole number of pounds") behind "Enter the funding ask".
    funding_ask = MoneyField(
        "Funding ask",
        required_message="Enter the funding ask in pounds",
        validators=[InputRequired("Enter the funding ask in pounds")],
    )
    input_closes_on = GovDateField("Input closes")
    summary = TextAreaField(
        "Summary",
        filters=[strip],
        validators=[Length(max=10000, message="Summary must be 10,000 characters or fewer")],
    )

    def __init__(self, *args, proposal=None, **kwargs):
        super().__init__(*args, obj=proposal, **kwargs)
        self.proposal = proposal
        organisations = list(
            db.session.execute(select(Organisation.id, Organisation.name).order_by(Organisation.name))
        )
        owners = db.session.execute(
            select(User.id, User.name)
            .where(User.role.in_([Role.STAFF, Role.ADMIN]), User.is_active_account.is_(True))
            .order_by(User.name)
        )
        self.programme_id.choices = choices(programme_choices(), blank="Select a programme")
        self.lead_organisation_id.choices = choices(organisations, blank="Select the lead organisation")
        self.partner_ids.choices = choices(organisations)
        self.owner_id.choices = choices(owners, blank="Select the owner")
        if proposal is not None and not self.is_submitted():
            self.partner_ids.data = [organisation.id for organisation in proposal.partners]

    def validate_programme_id(self, field):
        if _not_offered(field):
            raise ValidationError("Select the programme this proposal is for")

    def validate_lead_organisation_id(self, field):
        if _not_offered(field):
            raise ValidationError("Select the lead organisation")

    def validate_owner_id(self, field):
        if _not_offered(field):
            raise ValidationError("Select the member of staff who owns this proposal")

    def validate_partner_ids(self, field):
        if self.lead_organisation_id.data in (field.data or []):
            raise ValidationError(
                "The lead organisation cannot also be a partner: untick it under partners"
            )

    def values(self) -> dict:
        """The typed values, keyed like the proposal's attributes."""
        return {
            "programme_id": self.programme_id.data,
            "title": self.title.data,
            "lead_organisation_id": self.lead_organisation_id.data,
            "partner_ids": sorted(self.partner_ids.data or []),
            "owner_id": self.owner_id.data,
            "funding_ask": self.funding_ask.data,
            "summary": self.summary.data or "",
            "input_closes_on": self.input_closes_on.data,
        }


class StageForm(FlaskForm):
    """Move a proposal to another stage, with a comment (and a reason, to withdraw)."""

    target = HiddenField()
    comment = TextAreaField(
        "Comment (optional)",
        filters=[strip],
        validators=[Length(max=2000, message="Comment must be 2,000 characters or fewer")],
    )
    reason = TextAreaField(
        "Reason for withdrawing",
        filters=[strip],
        validators=[Length(max=2000, message="Reason must be 2,000 characters or fewer")],
    )
