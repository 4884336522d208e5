"""The programme form."""

from sqlalchemy import func, select
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from tracker.extensions import db
from tracker.forms import GovDateField, MoneyField, PercentField, VersionForm, WholeNumberField, strip
from tracker.programmes.models import Programme


class ProgrammeForm(VersionForm):
    """Name, funder, region, pot, threshold, quorum and key dates."""

    name = StringField(
        "Name",
        filters=[strip],
        validators=[
            DataRequired("Enter the programme's name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    funder = StringField(
        "Funder",
        filters=[strip],
        default="Innovate UK",
        validators=[
            DataRequired("Enter the funder"),
            Length(max=200, message="Funder must be 200 characters or fewer"),
        ],
    )
    region = StringField(
        "Region",
        filters=[strip],
        validators=[
            DataRequired("Enter the region"),
            Length(max=120, message="Region must be 120 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description (optional)",
        filters=[strip],
        validators=[Length(max=5000, message="Description must be 5,000 characters or fewer")],
    )
    # InputRequired, not DataRequired: DataRequired would refuse 0 and replace the field's own
    # message ("must be a whole number of pounds") with "Enter ...".
    total_pot = MoneyField(
        "Total pot",
        required_message="Enter the total pot in pounds",
        validators=[InputRequired("Enter the total pot in pounds")],
    )
    assessment_threshold = PercentField(
        "Assessment threshold",
        required_message="Enter the assessment threshold as a percentage",
        validators=[InputRequired("Enter the assessment threshold as a percentage")],
        default=70,
    )
    board_quorum = WholeNumberField(
        "Board quorum",
        default=3,
        validators=[
            InputRequired("Enter how many board endorsements a proposal needs"),
            NumberRange(min=1, max=50, message="Board quorum must be between 1 and 50"),
        ],
    )
    opens_on = GovDateField("Call opens")
    eoi_deadline = GovDateField("Expression of interest deadline")
    full_proposal_deadline = GovDateField("Full proposal deadline")
    panel_date = GovDateField("Selection panel")
    announcement_date = GovDateField("Announcement")

    DATE_FIELDS = ("opens_on", "eoi_deadline", "full_proposal_deadline", "panel_date", "announcement_date")

    def __init__(self, *args, programme: Programme | None = None, **kwargs):
        super().__init__(*args, obj=programme, **kwargs)
        self.programme = programme

    def validate_name(self, field):
        query = select(func.count(Programme.id)).where(
            func.lower(Programme.name) == field.data.lower()
        )
        if self.programme is not None:
            query = query.where(Programme.id != self.programme.id)
        if db.session.scalar(query):
            raise ValidationError("A programme with that name already exists")

    def validate_full_proposal_deadline(self, field):
        if field.data and self.eoi_deadline.data and field.data < self.eoi_deadline.data:
            raise ValidationError(
                "Full proposal deadline must be on or after the expression of interest deadline"
            )

    def validate_eoi_deadline(self, field):
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError("Expression of interest deadline must be on or after the call opens")

    def validate_announcement_date(self, field):
        if field.data and self.panel_date.data and field.data < self.panel_date.data:
            raise ValidationError("Announcement must be on or after the selection panel")

    def values(self) -> dict:
        """The typed values, keyed like the model's attributes."""
        return {
            "name": self.name.data,
            "funder": self.funder.data,
            "region": self.region.data,
            "description": self.description.data or "",
            "total_pot": self.total_pot.data,
            "assessment_threshold": self.assessment_threshold.data,
            "board_quorum": self.board_quorum.data,
            **{name: getattr(self, name).data for name in self.DATE_FIELDS},
        }

