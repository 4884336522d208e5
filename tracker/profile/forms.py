"""Profile forms."""

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
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


OWN_MILESTONES = "own"


class CalendarFeedForm(FlaskForm):
    """Which milestones a new calendar feed lists: the person's own, or one proposal's they may see."""

    feed_of = SelectField("Milestones the feed lists", validate_choice=False)

    def __init__(self, proposals, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed_of.choices = choices(
            [(OWN_MILESTONES, "The milestones you own")]
            + [(str(proposal.id), f"Proposal: {proposal.title}") for proposal in proposals],
            blank="Choose milestones",
        )

    def validate_feed_of(self, field):
        if not field.data:
            raise ValidationError("Select the milestones the feed lists")
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Select milestones from the list")

    def proposal_id(self) -> int | None:
        """The proposal chosen, or None for the person's own milestones."""
        return None if self.feed_of.data == OWN_MILESTONES else int(self.feed_of.data)
