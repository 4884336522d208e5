"""The forms to give input, change it and withdraw it."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.contributions.models import ContributionKind, ContributionStatus
from tracker.contributions.queries import TriageFilters
from tracker.forms import GovDateField, RequiredDate, VersionForm, choices, int_or_none, strip
from tracker.organisations.models import OrganisationType

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


NO_SECTION = "none"  # the section filter's value for input given on no particular section
OLDEST_FIRST, NEWEST_FIRST = "oldest", "newest"


def _labelled(enum) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum]


def _member(enum, value: str):
    return enum(value) if value else None


class TriageFilterForm(FlaskForm):
    """The triage page's filters and order, read from the address. A value the page does not
    offer is dropped and named in `ignored`: a stale or mistyped link never causes an error."""

    class Meta:
        csrf = False

    status = SelectField("Status", default="")
    kind = SelectField("Kind", default="")
    sector = SelectField("Sector or theme", default="")
    section = SelectField("Section", default="")
    organisation_type = SelectField("Organisation type", default="")
    author = SelectField("Author", default="")
    sort = SelectField("Order", default=OLDEST_FIRST,
                       choices=choices([(OLDEST_FIRST, "Oldest first"), (NEWEST_FIRST, "Newest first")]))

    NAMES = ("status", "kind", "sector", "section", "organisation_type", "author", "sort")

    def __init__(self, args, *, sections, sectors, authors=None):
        """`authors` is None where the reader sees only their own input (no author filter)."""
        super().__init__(formdata=args)
        self.sections = {section.key: section for section in sections}
        self.status.choices = choices(_labelled(ContributionStatus), blank="Any status")
        self.kind.choices = choices(_labelled(ContributionKind), blank="Any kind")
        self.sector.choices = choices([(str(id_), name) for id_, name in sectors],
                                      blank="Any sector or theme")
        self.section.choices = choices(
            [(section.key, section.title) for section in sections]
            + [(NO_SECTION, "No particular section")], blank="Any section")
        self.organisation_type.choices = choices(_labelled(OrganisationType), blank="Any type")
        if authors is None:
            del self.author
        else:
            self.author.choices = choices(
                [(str(id_), f"{name} ({organisation})" if organisation else name)
                 for id_, name, organisation in authors], blank="Anyone")
        self.ignored = self._drop_unknown()

    def _drop_unknown(self) -> list[str]:
        """Set each filter whose value is not offered back to its default; say which they were."""
        self.validate()
        ignored = []
        for field in self:
            if field.errors:
                ignored.append(f"{field.label.text} “{field.raw_data[0]}”")
                field.data, field.errors = field.default, []
        return ignored

    def chosen(self) -> TriageFilters:
        """The filters as the query takes them."""
        section = self.sections.get(self.section.data)
        author = self.author.data if "author" in self else ""
        return TriageFilters(
            status=_member(ContributionStatus, self.status.data),
            kind=_member(ContributionKind, self.kind.data),
            sector_id=int(self.sector.data) if self.sector.data else None,
            section_id=section.id if section is not None else None,
            without_section=self.section.data == NO_SECTION,
            organisation_type=_member(OrganisationType, self.organisation_type.data),
            author_id=int(author) if author else None,
            newest_first=self.sort.data == NEWEST_FIRST,
        )

    def narrows(self) -> bool:
        """Whether any filter is in use (the order alone narrows nothing)."""
        return any(name != self.sort.name for name in self.url_args())

    def order(self) -> str:
        """The order chosen, in words."""
        return next(choice.label for choice in self.sort.choices if choice.value == self.sort.data)

    def url_args(self) -> dict[str, str]:
        """The filters in use, for links that keep them (pagination, the bulk action's return)."""
        return {field.name: field.data for field in self if field.data != field.default}


class MarkUnderReviewForm(FlaskForm):
    """Contributions staff select on the triage page to mark as under review."""

    contribution_ids = SelectMultipleField("Contributions to mark as under review", coerce=int_or_none,
                                           validate_choice=False)

    def validate_contribution_ids(self, field):
        field.data = [value for value in field.data or [] if value is not None]
        if not field.data:
            raise ValidationError("Select the contributions to mark as under review")


RESPONSE_OUTCOMES = (
    ContributionStatus.ACCEPTED,
    ContributionStatus.PARTLY_ACCEPTED,
    ContributionStatus.DECLINED,
    ContributionStatus.NOTED,
)


class RespondForm(VersionForm):
    """Staff's answer to a contribution: the outcome, a reason and, for a suggested change taken
    in, the text to save. It carries the contribution's version, and once staff have seen that
    the section changed since the suggestion, the section revision they merged against."""

    outcome = RadioField("Your response", choices=choices(_labelled(RESPONSE_OUTCOMES)), validate_choice=False)
    reason = _long_text("Reason", "The reason")
    final_text = _long_text("The text you are taking in", "The text")
    seen_revision = HiddenField()

    def __init__(self, contribution, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contribution = contribution
        if self.merging:
            self.final_text.label.text = "The text to save"

    def start(self) -> "RespondForm":
        """A fresh form: the contribution's version, and the suggested text to edit."""
        self.edit_version.data = self.contribution.version
        self.final_text.data = self.contribution.suggested_text
        return self

    def merge_against(self, revision_number: int) -> None:
        """Staff have been shown the section at this revision: their text is saved over it,
        unless the section changes again. Their own text stays; otherwise the suggestion."""
        self.seen_revision.data = str(revision_number)
        self.final_text.label.text = "The text to save"
        if not (self.final_text.data or "").strip():
            self.final_text.data = self.contribution.suggested_text

    @property
    def merging(self) -> bool:
        """Whether staff are merging the suggestion with a section that changed since."""
        return self.seen_section_revision() is not None

    def seen_section_revision(self) -> int | None:
        """The section revision staff merged against, or None before any conflict."""
        return int_or_none(self.seen_revision.data)

    def chosen_outcome(self) -> ContributionStatus | None:
        """The outcome chosen, or None."""
        return {status.value: status for status in RESPONSE_OUTCOMES}.get(self.outcome.data)

    def written_against(self) -> int | None:
        """The section revision staff's text was written against: the one they merged with,
        or else the one the suggestion started from."""
        return self.seen_section_revision() if self.merging else self.contribution.base_revision_number

    def takes_text_in(self) -> bool:
        """Whether this answer takes a suggested change into the section."""
        return (self.contribution.kind is ContributionKind.SUGGESTED_CHANGE
                and self.chosen_outcome() in (ContributionStatus.ACCEPTED, ContributionStatus.PARTLY_ACCEPTED))

    def text_to_save(self) -> str | None:
        """The text staff give for the section; None to take the suggestion in as it is."""
        if not self.takes_text_in():
            return None
        if self.merging or self.chosen_outcome() is ContributionStatus.PARTLY_ACCEPTED:
            return self.final_text.data
        return None

    def validate_outcome(self, field):
        if self.chosen_outcome() is None:
            raise ValidationError("Select accepted, partly accepted, declined or noted")

    def validate_reason(self, field):
        outcome = self.chosen_outcome()
        if outcome in (ContributionStatus.DECLINED, ContributionStatus.PARTLY_ACCEPTED) \
                and not (field.data or "").strip():
            raise ValidationError(f"Give a reason when input is {outcome.label.lower()}")

    def validate_final_text(self, field):
        if not self.takes_text_in():
            return
        typed = field.data or ""
        if self.merging or self.chosen_outcome() is ContributionStatus.PARTLY_ACCEPTED:
            if not typed.strip():
                raise ValidationError(f"Enter {field.label.text.lower()}")
        elif typed.strip() and typed.strip() != (self.contribution.suggested_text or "").strip():
            raise ValidationError(
                "You changed the suggested text: choose partly accepted to take in your version, "
                "or put the suggested text back to accept it as it is"
            )


class InputRequestForm(FlaskForm):
    """Staff asking for input: on which section, what about, by when, and whom (named experts
    and/or everyone registered under a sector or theme)."""

    section = SelectField("Section (optional)", validate_choice=False)
    message = _long_text("What would you like input on?", "What you would like input on", required=True)
    due_on = GovDateField("Due date", validators=[RequiredDate()])
    expert_ids = SelectMultipleField("Named experts", coerce=int_or_none, validate_choice=False)
    sector_id = SelectField("Everyone registered under a sector or theme", coerce=int_or_none,
                            validate_choice=False)

    def __init__(self, sections, experts, sectors, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = {section.key: section for section in sections}
        self.section.choices = choices([(section.key, section.title) for section in sections],
                                       blank="No particular section")
        self.expert_ids.choices = choices(experts)
        self.sector_id.choices = choices(sectors, blank="No sector or theme")

    def chosen_section(self):
        """The section chosen, or None."""
        return self.sections.get(self.section.data or "")

    def validate_section(self, field):
        if field.data and field.data not in self.sections:
            raise ValidationError("Select a section of this proposal, or no particular section")

    def validate_expert_ids(self, field):
        offered = {choice.value for choice in field.choices}
        if any(value not in offered for value in field.data or []):
            raise ValidationError("Select experts from the list")

    def validate_sector_id(self, field):
        if field.data is not None and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Select a sector or theme from the list")


class InputWindowForm(FlaskForm):
    """Set or extend the date input on a proposal closes."""

    input_closes_on = GovDateField("Date input closes", validators=[RequiredDate()])
