"""Fields and helpers every form shares: money, GOV.UK dates, the error summary."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, IntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import ValidationError

MAX_MONEY = 10_000_000_000  # £10bn: far above any programme, well inside a BIGINT


def choices(pairs, blank: str | None = None) -> list[SelectChoice]:
    """(value, label) pairs as a select's choices, with an optional blank first option."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]


def int_or_none(value):
    """A select's value as an id, or None for the blank choice or anything that isn't a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class RequiredDate:
    """Marks a GOV.UK date as required. The field itself then says what is missing or wrong;
    DataRequired would wipe "must be a real date" and put its own message in its place."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        """Nothing to check here: GovDateField.pre_validate does it."""


def strip(value):
    """A WTForms filter: trim surrounding white space from text."""
    return value.strip() if isinstance(value, str) else value


class ButtonForm(FlaskForm):
    """An empty form for POST-only buttons: it carries the CSRF token and nothing else."""


class VersionForm(FlaskForm):
    """A form that edits a versioned object: it carries the version it started from."""

    # Not named like the model's column, so it is never filled in from the object itself.
    edit_version = HiddenField()

    def started_from(self) -> int | None:
        """The version the person saw when they opened the form."""
        try:
            return int(self.edit_version.data)
        except (TypeError, ValueError):
            return None


class MoneyField(Field):
    """Whole pounds; accepts '£1,500,000' and '1500000'; refuses pence, negatives and words."""

    def __init__(self, label=None, validators=None, required_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message or f"Enter {str(label).lower()} in pounds"
        self.raw = ""

    def _value(self) -> str:
        if self.raw:
            return self.raw
        return "" if self.data is None else f"{self.data:,}"

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not self.raw:
            return
        text = self.raw.replace(",", "").replace(" ", "")
        text = text[1:] if text.startswith("£") else text
        if text.endswith(".00"):
            text = text[:-3]
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(f"{self.label.text} must be a whole number of pounds, like 1,500,000")
        value = int(text)
        if value < 0:
            raise ValueError(f"{self.label.text} cannot be negative")
        if value > MAX_MONEY:
            raise ValueError(f"{self.label.text} must be £10,000,000,000 or less")
        self.data = value

    def pre_validate(self, form):
        if self.data is None and not self.process_errors and self.flags.required:
            raise ValidationError(self.required_message)


class PercentField(Field):
    """A percentage from 0 to 100, up to two decimal places."""

    def __init__(self, label=None, validators=None, required_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message or f"Enter the {str(label).lower()}"
        self.raw = ""

    def _value(self) -> str:
        if self.raw:
            return self.raw
        if self.data is None:
            return ""
        return f"{Decimal(str(self.data)).normalize():f}"

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not self.raw:
            return
        try:
            value = Decimal(self.raw.rstrip("%").strip())
        except InvalidOperation:
            raise ValueError(f"{self.label.text} must be a number, like 70") from None
        if not value.is_finite() or value < 0 or value > 100:
            raise ValueError(f"{self.label.text} must be between 0 and 100")
        if value != value.quantize(Decimal("0.01")):
            raise ValueError(f"{self.label.text} can have at most 2 decimal places")
        self.data = value

    def pre_validate(self, form):
        if self.data is None and not self.process_errors and self.flags.required:
            raise ValidationError(self.required_message)


class WholeNumberField(IntegerField):
    """An integer with a plain-English message for anything else."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            text = valuelist[0].strip()
            if not re.fullmatch(r"-?\d+", text):
                self.data = None
                raise ValueError(f"{self.label.text} must be a whole number")
            self.data = int(text)
        else:
            self.data = None


class GovDateField(Field):
    """A date entered as day, month and year boxes (the GOV.UK date input pattern)."""

    PARTS = ("day", "month", "year")

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.parts = {part: "" for part in self.PARTS}

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        # WTForms passes `unset_value` when the object has no such attribute.
        self.data = self.default if data is None or data is unset_value else data
        if isinstance(self.data, date):
            self.parts = {
                "day": str(self.data.day),
                "month": str(self.data.month),
                "year": str(self.data.year),
            }
        if formdata is None:
            return
        keys = [f"{self.name}-{part}" for part in self.PARTS]
        if not any(key in formdata for key in keys):
            return
        self.parts = {part: formdata.get(f"{self.name}-{part}", "").strip() for part in self.PARTS}
        self.data = None
        try:
            self.data = self._parse()
        except ValueError as error:
            self.process_errors.append(str(error))

    def _parse(self) -> date | None:
        if not any(self.parts.values()):
            return None
        missing = [part for part in self.PARTS if not self.parts[part]]
        name = self.label.text
        if missing:
            raise ValueError(f"{name} must include a {' and '.join(missing)}")
        if not all(self.parts[part].isdigit() for part in self.PARTS):
            raise ValueError(f"{name} must be a real date, like 27 3 2023")
        day, month, year = (int(self.parts[part]) for part in self.PARTS)
        if year < 1900 or year > 2100:
            raise ValueError(f"{name} must have a year between 1900 and 2100")
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(f"{name} must be a real date, like 27 3 2023") from None

    def pre_validate(self, form):
        if self.data is None and not self.process_errors and self.flags.required:
            raise ValidationError(f"Enter the {self.label.text.lower()}")


def field_anchor(field) -> str:
    """The id an error summary entry links to (the first box of a date, the first option)."""
    if isinstance(field, GovDateField):
        return f"{field.id}-day"
    return field.id


def error_list(form) -> list[dict]:
    """Entries for GOV.UK's error summary: each field's first error, linking to the field."""
    entries = []
    first_visible = None
    for field in form:
        if field.type == "CSRFTokenField" or (field.type == "HiddenField" and not field.errors):
            continue
        first_visible = first_visible or field
        if field.errors:
            entries.append({"text": field.errors[0], "href": f"#{field_anchor(field)}"})
    for message in _non_field_errors(form):
        href = f"#{field_anchor(first_visible)}" if first_visible else "#main-content"
        entries.insert(0, {"text": message, "href": href})
    return entries


def _non_field_errors(form) -> list[str]:
    """Errors not tied to a visible field: an expired form, an edit conflict."""
    messages = list(getattr(form, "form_errors", []))
    csrf = getattr(form, "csrf_token", None)
    if csrf is not None and csrf.errors:
        messages.append(
            "This form had expired or was sent from elsewhere, so nothing was saved. "
            "Check your answers and submit it again."
        )
    return messages
