"""The filters above the global audit log, read from the address (GET)."""

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import ValidationError

from tracker.activity.queries import ActivityFilters
from tracker.forms import GovDateField


def _id_or_text(value):
    """An id as an int, '' as None, anything else kept as typed (so it matches no choice)."""
    if value in (None, ""):
        return None
    return int(value) if str(value).isdigit() else value


class FilterSelect(SelectField):
    """A select whose unknown value (an edited address) says so in words."""

    def pre_validate(self, form):
        if not any(selected for _, _, selected, _ in self.iter_choices()):
            raise ValidationError(f"Choose a {self.label.text.lower()} from the list")


class ActivityFilterForm(FlaskForm):
    """Person, proposal, kind and a date range; each optional, all combined."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    person = FilterSelect("Person", coerce=_id_or_text)
    proposal = FilterSelect("Proposal", coerce=_id_or_text)
    kind = FilterSelect("Kind", coerce=_id_or_text)
    date_from = GovDateField("Date from")
    date_to = GovDateField("Date to")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("Date to must be the same as or after date from")

    def filters(self) -> ActivityFilters:
        """The filters that are valid; a field with an error narrows nothing."""

        def valid(field):
            return None if field.errors else field.data

        return ActivityFilters(
            person_id=valid(self.person),
            proposal_id=valid(self.proposal),
            verb=valid(self.kind),
            date_from=valid(self.date_from),
            date_to=valid(self.date_to),
        )
