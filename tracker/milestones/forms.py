"""The milestone form: title, kind, owner, dates, state, notes and what it depends on. Whether
the choices fit together (a kind for the level, an owner who may own it, dependencies without a
cycle) is the service's to say, so that the CSV import is held to the same rules."""

from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.auth.models import User
from tracker.extensions import db
from tracker.forms import GovDateField, RequiredDate, VersionForm, choices, int_or_none, strip
from tracker.milestones.models import Milestone, MilestoneKind, MilestoneState
from tracker.milestones.services import NOTES_LENGTH, OWNER_ROLES, TITLE_LENGTH
from tracker.templating import long_date


class MilestoneForm(VersionForm):
    """A milestone of a proposal or of a programme itself; `edit_version` when changing one."""

    title = StringField(
        "Title",
        filters=[strip],
        validators=[
            DataRequired("Enter the milestone's title"),
            Length(max=TITLE_LENGTH, message=f"Title must be {TITLE_LENGTH} characters or fewer"),
        ],
    )
    milestone_kind = RadioField("Kind", validate_choice=False)
    owner_id = SelectField("Owner", coerce=int_or_none, validate_choice=False)
    starts_on = GovDateField("Start date")
    due_on = GovDateField("Due date", validators=[RequiredDate()])
    milestone_state = RadioField("State", choices=MilestoneState.choices(), validate_choice=False,
                                 default=MilestoneState.NOT_STARTED.value)
    notes = TextAreaField(
        "Notes (optional)",
        filters=[strip],
        validators=[Length(max=NOTES_LENGTH, message=f"Notes must be {NOTES_LENGTH:,} characters or fewer")],
    )
    depends_on = SelectMultipleField("Depends on (optional)", coerce=int_or_none, validate_choice=False)

    def __init__(self, programme_id: int, proposal_id: int | None, milestone: Milestone | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        kinds = MilestoneKind.programme_kinds() if proposal_id is None else MilestoneKind.proposal_kinds()
        self.milestone_kind.choices = choices((kind.value, kind.label) for kind in kinds)
        self.owner_id.choices = choices(_owners(milestone.owner_id if milestone else None),
                                        blank="Select the owner")
        self.depends_on.choices = choices(
            _dependency_choices(programme_id, proposal_id, milestone.id if milestone else None)
        )

    def start_from(self, milestone: Milestone, dependency_ids: list[int]) -> "MilestoneForm":
        """Filled in from a saved milestone, to change it (not through `obj`: the milestone's
        dependencies are not loaded, and reading them would raise)."""
        self.title.data, self.owner_id.data, self.notes.data = milestone.title, milestone.owner_id, milestone.notes
        self.starts_on.process(None, milestone.starts_on)
        self.due_on.process(None, milestone.due_on)
        self.milestone_kind.data = milestone.kind.value
        self.milestone_state.data = milestone.state.value
        self.depends_on.data = dependency_ids
        self.edit_version.data = milestone.version
        return self

    def values(self) -> dict:
        """The chosen values, as the services take them (the chosen milestones loaded in one query)."""
        ids = self.dependency_ids()
        depends_on = list(db.session.scalars(select(Milestone).where(Milestone.id.in_(ids)))) if ids else []
        owner = db.session.get(User, self.owner_id.data) if self.owner_id.data is not None else None
        return {
            "title": self.title.data or "",
            "kind": _member(MilestoneKind, self.milestone_kind.data),
            "owner": owner,
            "starts_on": self.starts_on.data,
            "due_on": self.due_on.data,
            "state": _member(MilestoneState, self.milestone_state.data),
            "notes": self.notes.data or "",
            "depends_on": depends_on,
        }

    def dependency_ids(self) -> list[int]:
        """The ticked milestones' ids (anything that is not a number left out)."""
        return sorted({key for key in self.depends_on.data or [] if key is not None})

    def shown(self, key: str, value) -> str | None:
        """A value as the form shows it, for the table of what changed meanwhile."""
        if value is None or value == [] or value == "":
            return None
        if key == "owner_id":
            return dict((choice.value, choice.label) for choice in self.owner_id.choices).get(value, str(value))
        if key in ("starts_on", "due_on"):
            return long_date(value)
        if key in ("milestone_kind", "milestone_state"):
            return value.label
        if key == "depends_on":
            return ", ".join(value)
        return value


class DeleteForm(FlaskForm):
    """Delete a milestone: the first press asks, the second (`confirm` = yes) deletes."""

    confirm = HiddenField()


def _member(enum_cls, value):
    """The enum member with this value, or None (the service says what to choose)."""
    return next((member for member in enum_cls if member.value == value), None)


def _owners(current_owner_id: int | None) -> list[tuple[int, str]]:
    """Active staff, admins and experts by name, with their role; and the current owner, even
    one who may no longer own it, so the form shows who it is (the service refuses them)."""
    rows = db.session.execute(
        select(User.id, User.name, User.role)
        .where(or_(User.role.in_(OWNER_ROLES) & User.is_active_account.is_(True), User.id == current_owner_id))
        .order_by(User.name, User.id)
    )
    return [(user_id, f"{name} ({role.label.lower()})") for user_id, name, role in rows]


def _dependency_choices(programme_id: int, proposal_id: int | None,
                        leaving_out: int | None) -> list[tuple[int, str]]:
    """What a milestone may depend on, by due date: the programme's own milestones and, for a
    proposal's, the proposal's others (never the milestone itself)."""
    query = select(Milestone.id, Milestone.title, Milestone.due_on, Milestone.proposal_id).where(
        Milestone.programme_id == programme_id,
        or_(Milestone.proposal_id.is_(None), Milestone.proposal_id == proposal_id),
    )
    if leaving_out is not None:
        query = query.where(Milestone.id != leaving_out)
    rows = db.session.execute(query.order_by(Milestone.due_on, Milestone.id))
    return [
        (key, f"{'Programme: ' if on_proposal is None else ''}{title}, due {long_date(due_on)}")
        for key, title, due_on, on_proposal in rows
    ]
