"""The forms of the priorities page: add, change, order, take in input, endorse or challenge,
and answer a challenge. Several share a page, so each field's id is unique on it."""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from tracker.database import MAX_ID
from tracker.extensions import db
from tracker.forms import PercentField, VersionForm, choices, int_or_none, strip
from tracker.priorities.models import StanceKind
from tracker.sectors.models import Sector

SHARE_REQUIRED = "Enter the share of the funding ask, from 0 to 100"


def _share_field() -> PercentField:
    return PercentField(
        "Share of the funding ask", required_message=SHARE_REQUIRED,
        validators=[InputRequired(SHARE_REQUIRED)],
    )


def _rationale_field() -> TextAreaField:
    return TextAreaField(
        "Rationale",
        filters=[strip],
        validators=[
            DataRequired("Enter why the proposal serves this sector or theme"),
            Length(max=2000, message="Rationale must be 2,000 characters or fewer"),
        ],
    )


class PriorityForm(FlaskForm):
    """A sector or theme still in use, its share of the funding ask, and why."""

    # Whether the sector exists, is in use and is not listed yet is the service's to say.
    sector_id = SelectField("Sector or theme", validate_choice=False)
    share = _share_field()
    rationale = _rationale_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        in_use = db.session.execute(
            select(Sector.id, Sector.name, Sector.kind)
            .where(Sector.is_retired.is_(False))
            .order_by(Sector.kind, Sector.name)
        )
        self.sector_id.choices = choices(
            ((str(id_), f"{name} ({kind.label.lower()})") for id_, name, kind in in_use),
            blank="Select a sector or theme",
        )

    def sector(self) -> Sector | None:
        """The chosen sector or theme (retired ones too: the service refuses them by name)."""
        value = self.sector_id.data or ""
        return db.session.get(Sector, int(value)) if value.isdigit() and int(value) <= MAX_ID else None


class TakeInForm(PriorityForm):
    """A priority recommendation made a priority: on the input's page, beside staff's response
    form, so its ids start with "take-in-"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in (self.sector_id, self.share, self.rationale):
            field.id = f"take-in-{field.name.replace('_', '-')}"

    def start_from(self, contribution) -> "TakeInForm":
        """Prefilled from the input: its sector or theme, and its title as the rationale."""
        self.sector_id.data = str(contribution.sector_id)
        self.rationale.data = contribution.title
        return self


class EditPriorityForm(VersionForm):
    """A priority's share and rationale, with the version the person started from."""

    share = _share_field()
    rationale = _rationale_field()


class StanceForm(FlaskForm):
    """An expert's endorsement or challenge of one priority, with a comment."""

    kind = RadioField(
        "Do you endorse or challenge this priority?", choices=StanceKind.choices(),
        validate_choice=False,
    )
    comment = TextAreaField("Comment", filters=[strip])

    def __init__(self, priority, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.id = f"kind-{priority.id}"
        self.kind.label.text = f"Do you endorse or challenge {priority.sector.name}?"
        self.comment.id = f"comment-{priority.id}"
        self.priority_id = priority.id

    def chosen_kind(self) -> StanceKind | None:
        """The kind chosen, or None (the service says what is missing)."""
        return {kind.value: kind for kind in StanceKind}.get(self.kind.data)


class ReplyForm(VersionForm):
    """Staff's reply to one challenge, with the version of the stance they answered."""

    reply = TextAreaField("Your reply", filters=[strip])

    def __init__(self, stance, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reply.id = f"reply-{stance.id}"
        self.reply.label.text = f"Your reply to {stance.expert.name}"
        self.stance_id = stance.id


def reorder_form(priorities, **kwargs) -> FlaskForm:
    """A position for every priority (1 to n), and the order the person was shown. The
    positions are only read here: whether they are 1 to n, each once, is the service's to say."""

    class ReorderForm(FlaskForm):
        """Every priority's new position, saved together."""

        seen_order = HiddenField()

        def positions(self) -> dict[int, int | None]:
            """{priority id: the position chosen for it}."""
            return {priority.id: int_or_none(self[f"position_{priority.id}"].data)
                    for priority in priorities}

    numbers = [str(number) for number in range(1, len(priorities) + 1)]
    for priority in priorities:
        setattr(ReorderForm, f"position_{priority.id}", SelectField(
            f"Position of {priority.sector.name}", choices=choices(zip(numbers, numbers, strict=True)),
            validate_choice=False, default=str(priority.rank),
        ))
    return ReorderForm(**kwargs)
