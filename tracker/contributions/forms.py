"""The forms to give input, change it and withdraw it."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, MultipleFileField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.contributions.models import ContributionKind
from tracker.forms import VersionForm, choices, int_or_none, strip

MAX_TEXT = 50_000  # characters, as for a section's text


def unix_newlines(value):
    """A WTForms filter: browsers send CRLF; the section texts are stored with LF."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _long_text(label: str, name: str, required: bool = False) -> TextAreaField:
    validators = [Length(max=MAX_TEXT, message=f"{name} must be {MAX_TEXT:,} characters or fewer")]
    if required:
        validators.insert(0, DataRequired(message=f"Enter {name.lower()}"))
    return TextAreaField(label, filters=[unix_newlines], validators=validators)


class WordingForm(FlaskForm):
    """The words of a piece of input: a title, the input itself and, for a suggested change, the text."""

    title = StringField(
        "Title",
        filters=[strip],
        validators=[DataRequired(message="Enter a title"),
                    Length(max=200, message="Title must be 200 characters or fewer")],
    )
    body = _long_text("Your input", "Your input", required=True)
    suggested_text = _long_text("Suggested text for the section", "Suggested text")


class ContributionForm(WordingForm):
    """New input on a proposal: its kind, section, sector or theme, words, declaration and files."""

    kind = RadioField("What kind of input is this?", choices=ContributionKind.choices(), validate_choice=False)
    section = SelectField("Section (optional)", validate_choice=False)
    sector_id = SelectField("Sector or theme", coerce=int_or_none, validate_choice=False)
    declaration = _long_text("Declaration of interest (optional)", "Declaration of interest")
    show_type_only = BooleanField("Show me only as my organisation type in the co-creation report")
    attachments = MultipleFileField("Attachments (optional)")

    field_order = ("kind", "section", "sector_id", "title", "body", "suggested_text")

    def __init__(self, sections, sectors, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = {section.key: section for section in sections}
        self.section.choices = choices(
            [(section.key, section.title) for section in sections], blank="No particular section"
        )
        self.sector_id.choices = choices([(sector.id, sector.name) for sector in sectors],
                                         blank="Choose a sector or theme")

    def chosen_kind(self) -> ContributionKind | None:
        """The kind chosen, or None."""
        values = {kind.value: kind for kind in ContributionKind}
        return values.get(self.kind.data)

    def chosen_section(self):
        """The section chosen, or None."""
        return self.sections.get(self.section.data or "")

    def validate_kind(self, field):
        if self.chosen_kind() is None:
            raise ValidationError("Select what kind of input this is")

    def validate_section(self, field):
        if field.data and field.data not in self.sections:
            raise ValidationError("Select a section of this proposal, or no particular section")
        if self.chosen_kind() is ContributionKind.SUGGESTED_CHANGE and not field.data:
            raise ValidationError("Select the section your suggested change is to")

    def validate_sector_id(self, field):
        if field.data not in {choice.value for choice in field.choices if choice.value != ""}:
            raise ValidationError("Select the sector or theme your input is about")

    def validate_suggested_text(self, field):
        section = self.chosen_section()
        if self.chosen_kind() is not ContributionKind.SUGGESTED_CHANGE or section is None:
            return
        if not (field.data or "").strip():
            field.data = section.text
            raise ValidationError("Edit the section's current text, now in the box, to make your suggestion")
        if field.data == section.text:
            raise ValidationError("Change the section's text to make a suggestion")


class EditContributionForm(WordingForm, VersionForm):
    """A change to one's own input before staff review it; carries the version it started from."""

    def __init__(self, contribution, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contribution = contribution

    def validate_suggested_text(self, field):
        if self.contribution.suggested_text is not None and not (field.data or "").strip():
            raise ValidationError("Enter the text you suggest for the section")
