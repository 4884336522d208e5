"""The section form, the restore button's form and the compare-revisions form."""

from flask import request
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from tracker.forms import VersionForm, WholeNumberField, choices, int_or_none, strip
from tracker.sections.models import SectionState
from tracker.sections.queries import assignee_choices

MAX_TEXT = 50_000  # characters: far above any word limit, well below what a page can show
MAX_NUMBER = 2**31 - 1  # a revision number the database can look up


class SectionForm(VersionForm):
    """A section's text, a note about the change, its assignee and its state."""

    text = TextAreaField(
        "Text",
        validators=[Length(max=MAX_TEXT, message=f"Text must be {MAX_TEXT:,} characters or fewer")],
    )
    note = StringField(
        "What changed (optional)",
        filters=[strip],
        validators=[Length(max=200, message="What changed must be 200 characters or fewer")],
    )
    # The choice is checked by validate_assignee_id, with a message that says what to do.
    assignee_id = SelectField("Assigned to", coerce=int_or_none, validate_choice=False)
    state = RadioField("State", choices=SectionState.choices(), validate_choice=False)

    def __init__(self, section, *args, **kwargs):
        # Filled from the section only when opened: a posted form holds just what was sent.
        opened = request.method == "GET"
        super().__init__(*args, obj=section if opened else None, **kwargs)
        self.assignee_id.choices = choices(assignee_choices(section.assignee), blank="Nobody")
        if opened:
            self.state.data = section.state.value
            self.edit_version.data = section.version

    def validate_assignee_id(self, field):
        offered = {choice.value for choice in field.choices}
        if field.data is not None and field.data not in offered:
            raise ValidationError("Select a member of staff from the list, or Nobody")

    def validate_state(self, field):
        if field.data not in {state.value for state in SectionState}:
            raise ValidationError("Select whether the section is not started, in progress or complete")

    def values(self) -> dict:
        """The form's answers as save_section takes them."""
        return {
            "text": (self.text.data or "").replace("\r\n", "\n"),
            "note": self.note.data or "",
            "assignee_id": self.assignee_id.data,
            "state": SectionState(self.state.data),
        }


class RestoreForm(VersionForm):
    """The restore button: the CSRF token and the section version the history page showed."""

    edit_version = HiddenField(validators=[InputRequired()])


class CompareForm(FlaskForm):
    """Which two revisions to compare, read from the query string (?from=2&to=5)."""

    class Meta:
        csrf = False

    from_number = WholeNumberField(
        "From revision", name="from",
        validators=[InputRequired("Enter the number of the revision to compare from"),
                    NumberRange(min=1, max=MAX_NUMBER, message="From revision must be a revision number, like 2")],
    )
    to_number = WholeNumberField(
        "To revision", name="to",
        validators=[InputRequired("Enter the number of the revision to compare it with"),
                    NumberRange(min=1, max=MAX_NUMBER, message="To revision must be a revision number, like 3")],
    )
