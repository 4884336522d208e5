"""Forms for recording Innovate UK's assessment: reviews, clarifications and the outcome."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from tracker.assessments.models import MAX_ASSESSORS, MAX_SCORE, OutcomeResult
from tracker.forms import GovDateField, RequiredDate, WholeNumberField, choices, strip

FUND_CHOICES = (("yes", "Yes, fund"), ("no", "No, do not fund"))
SCORE_PREFIX = "score_"
ASSESSOR_NUMBERS = range(1, MAX_ASSESSORS + 1)
MAX_TEXT = 10_000


def long_text(label: str, name: str, required_message: str | None = None) -> TextAreaField:
    """Free text of up to 10,000 characters, trimmed; required when `required_message` is given."""
    validators = [DataRequired(required_message)] if required_message else []
    validators.append(Length(max=MAX_TEXT, message=f"{name} must be 10,000 characters or fewer"))
    return TextAreaField(label, filters=[strip], validators=validators)


class ScoreField(WholeNumberField):
    """An assessor's score for one section: a whole number from 0 to 10."""

    def __init__(self, section_title: str, **kwargs):
        self.range_message = (
            f"The score for {section_title} must be a whole number from 0 to {MAX_SCORE}"
        )
        super().__init__(
            section_title,
            validators=[
                InputRequired(f"Enter a score for {section_title}"),
                NumberRange(0, MAX_SCORE, message=self.range_message),
            ],
            **kwargs,
        )

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.range_message) from None


class ReviewForm(FlaskForm):
    """One assessor's review; `review_form` adds a score field for each assessed section."""

    def note_seen(self, reviews) -> None:
        """Remember which reviews (assessor:version) the person saw when the page was made."""
        self.seen_reviews.data = ",".join(f"{r.assessor_number}:{r.version}" for r in reviews)

    def seen_version(self, number: int) -> int | None:
        """The version of assessor `number`'s review the person saw, or None if they saw none."""
        for item in (self.seen_reviews.data or "").split(","):
            assessor, _, version = item.partition(":")
            if assessor == str(number) and version.isdigit():
                return int(version)
        return None

    def offer_assessors(self, recorded: frozenset[int]) -> None:
        """Offer assessors 1 to 5, saying which already have a review that would be replaced."""
        def label(number: int) -> str:
            replaces = " (replace the recorded review)" if number in recorded else ""
            return f"Assessor {number}{replaces}"

        self.assessor_number.choices = choices(
            ((str(number), label(number)) for number in ASSESSOR_NUMBERS), blank="Choose an assessor"
        )

    def validate_assessor_number(self, field):
        if not field.data:
            raise ValidationError("Choose which assessor this review is from")
        if field.data not in {str(number) for number in ASSESSOR_NUMBERS}:
            raise ValidationError(
                f"Innovate UK uses at most {MAX_ASSESSORS} assessors: "
                f"choose an assessor from 1 to {MAX_ASSESSORS}"
            )

    def score_fields(self) -> list[ScoreField]:
        """The score fields, in the sections' order."""
        return [field for field in self if isinstance(field, ScoreField)]

    def number(self) -> int:
        return int(self.assessor_number.data)

    def scores(self) -> dict[str, int]:
        """{section key: score} as typed."""
        return {field.name.removeprefix(SCORE_PREFIX): field.data for field in self.score_fields()}

    def recommends_funding(self) -> bool:
        return self.fund.data == "yes"


def review_form(sections: list[tuple[str, str]], review=None, **kwargs) -> ReviewForm:
    """A review form with one score per assessed section (key, title), filled from `review`."""
    fields = {
        "seen_reviews": HiddenField(),
        "assessor_number": SelectField("Assessor", validate_choice=False),
        **{f"{SCORE_PREFIX}{key}": ScoreField(title) for key, title in sections},
        "fund": RadioField(
            "Did this assessor recommend funding?", choices=choices(FUND_CHOICES),
            invalid_choice_message="Say whether this assessor recommended funding",
        ),
        "feedback": long_text("Feedback (optional)", "Feedback"),
    }
    form_class = type("SectionReviewForm", (ReviewForm,), fields)
    data = None
    if review is not None:
        data = {
            "assessor_number": str(review.assessor_number),
            "fund": "yes" if review.fund else "no",
            "feedback": review.feedback,
            **{f"{SCORE_PREFIX}{key}": score for key, score in review.score_by_section().items()},
        }
    return form_class(data=data, **kwargs)


class ClarificationForm(FlaskForm):
    """Innovate UK's question and the date it was asked."""

    question = long_text("Question from Innovate UK", "The question", "Enter Innovate UK's question")
    asked_on = GovDateField("Date asked", validators=[RequiredDate()])


class AnswerForm(FlaskForm):
    """The answer sent to Innovate UK and the date it was sent."""

    answer = long_text("Answer sent", "The answer", "Enter the answer sent to Innovate UK")
    answered_on = GovDateField("Date answered", validators=[RequiredDate()])


class OutcomeForm(FlaskForm):
    """Innovate UK's decision: funded or not, when, and on what conditions."""

    result = RadioField(
        "Innovate UK's decision", choices=OutcomeResult.choices(),
        invalid_choice_message="Choose funded or not funded",
    )
    decided_on = GovDateField("Date of the decision", validators=[RequiredDate()])
    conditions = long_text("Conditions (optional)", "Conditions")

    def outcome(self) -> OutcomeResult:
        return OutcomeResult(self.result.data)
