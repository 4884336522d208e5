"""Forms for regional prioritisation: the whole set of criteria, one person's scores, and a
dependency."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import Length

from tracker.assessments.forms import ScoreField, long_text
from tracker.forms import WholeNumberField, choices, int_or_none, strip
from tracker.prioritisation.services import MAX_CRITERIA, CriterionRow

BLANK_ROWS = 3
ROW_FIELDS = ("criterion_id", "name", "weight", "guidance", "position", "remove")


class CriteriaForm(FlaskForm):
    """Every criterion of the programme, a few blank rows to add more, and the confirmation
    that removing a criterion deletes its scores; `criteria_form` adds the rows."""

    set_stamp = HiddenField()
    delete_scores = BooleanField("Yes, delete the scores given against the criteria I remove")

    def validate(self, extra_validators=None) -> bool:
        """A form without the stamp of the set it started from cannot be checked for conflicts."""
        valid = super().validate(extra_validators)
        if not self.set_stamp.data:
            self.form_errors.append("This form is out of date: reload the page and make your "
                                    "changes again")
            return False
        return valid

    def row_numbers(self) -> range:
        return range(1, self.row_count + 1)

    def row(self, number: int) -> dict:
        """The fields of row `number`, by their short name (name, weight, ...)."""
        return {name: self[f"{name}_{number}"] for name in ROW_FIELDS}

    def rows(self) -> list[CriterionRow]:
        """The rows as typed, for the service."""
        return [
            CriterionRow(
                name=fields["name"].data or "", weight=fields["weight"].data,
                guidance=fields["guidance"].data or "", position=fields["position"].data,
                id=int_or_none(fields["criterion_id"].data), remove=bool(fields["remove"].data),
            )
            for fields in map(self.row, self.row_numbers())
        ]


def posted_row_count(formdata) -> int:
    """How many rows a posted criteria form had (at most MAX_CRITERIA + BLANK_ROWS)."""
    numbers = [int(key.removeprefix("name_")) for key in formdata
               if key.startswith("name_") and key.removeprefix("name_").isdigit()]
    return min(max(numbers, default=0), MAX_CRITERIA + BLANK_ROWS)


def criteria_form(row_count: int, criteria=(), **kwargs) -> CriteriaForm:
    """A criteria form of `row_count` rows, the first ones filled from `criteria`."""
    fields = {}
    for n in range(1, row_count + 1):
        fields |= {
            f"criterion_id_{n}": HiddenField(),
            f"name_{n}": StringField(f"Name of criterion {n}", filters=[strip],
                                     validators=[Length(max=120, message=f"Name of criterion {n} "
                                                        "must be 120 characters or fewer")]),
            f"weight_{n}": WholeNumberField(f"Weight of criterion {n}"),
            f"guidance_{n}": long_text(f"Scoring guidance for criterion {n} (optional)",
                                       f"Scoring guidance for criterion {n}"),
            f"position_{n}": WholeNumberField(f"Order of criterion {n}"),
            f"remove_{n}": BooleanField(f"Remove criterion {n}"),
        }
    form_class = type("CriteriaRowsForm", (CriteriaForm,), {**fields, "row_count": row_count})
    data = {}
    for n, criterion in enumerate(criteria, start=1):
        data |= {f"criterion_id_{n}": str(criterion.id), f"name_{n}": criterion.name,
                 f"weight_{n}": criterion.weight, f"guidance_{n}": criterion.guidance,
                 f"position_{n}": n}
    return form_class(data=data, **kwargs)


class ScoresForm(FlaskForm):
    """One person's scores of one proposal, a score and a note per criterion; `scores_form`
    adds the fields."""

    seen_scores = HiddenField()

    def note_seen(self, mine: dict) -> None:
        """Remember which of the person's scores (criterion:version) the form started from."""
        self.seen_scores.data = ",".join(f"{cid}:{score.version}" for cid, score in sorted(mine.items()))

    def seen(self) -> dict[int, int]:
        """{criterion id: version} the form started from."""
        pairs = (item.partition(":") for item in (self.seen_scores.data or "").split(","))
        return {int(cid): int(version) for cid, _, version in pairs
                if cid.isdigit() and version.isdigit()}

    def scores(self) -> dict[int, int]:
        return {criterion_id: self[f"criterion_{criterion_id}"].data for criterion_id in self.criterion_ids}

    def notes(self) -> dict[int, str]:
        return {criterion_id: self[f"note_{criterion_id}"].data or "" for criterion_id in self.criterion_ids}


def scores_form(criteria, mine=None, **kwargs) -> ScoresForm:
    """A score (0-10) and an optional note for each criterion, filled from the person's own
    scores ({criterion id: CriterionScore}) when given, which it then notes as seen."""
    fields = {}
    for criterion in criteria:
        fields[f"criterion_{criterion.id}"] = ScoreField(criterion.name)
        fields[f"note_{criterion.id}"] = long_text(f"Note on {criterion.name} (optional)",
                                                   f"The note on {criterion.name}")
    form_class = type("CriteriaScoresForm", (ScoresForm,), {
        **fields, "criterion_ids": [criterion.id for criterion in criteria],
    })
    data = None
    if mine:
        data = {}
        for criterion_id, score in mine.items():
            data |= {f"criterion_{criterion_id}": score.score, f"note_{criterion_id}": score.note}
    form = form_class(data=data, **kwargs)
    if mine is not None:
        form.note_seen(mine)
    return form


class DependencyForm(FlaskForm):
    """Another proposal of the programme that this one depends on."""

    # Whether the choice is allowed (same programme, no cycle) is the service's to say.
    depends_on = SelectField("Depends on", validate_choice=False)

    def offer(self, candidates) -> None:
        self.depends_on.choices = choices(
            ((str(proposal_id), title) for proposal_id, title in candidates),
            blank="Choose a proposal",
        )

    def depends_on_id(self) -> int | None:
        return int_or_none(self.depends_on.data)
