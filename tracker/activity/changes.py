"""Activity entries in words: a kind's label, and the short before/after of what changed."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from tracker.auth.models import Role, User
from tracker.board.models import BoardDecisionKind
from tracker.extensions import db
from tracker.milestones.models import MilestoneKind, MilestoneState
from tracker.milestones.services import FIELD_LABELS as MILESTONE_FIELD_LABELS
from tracker.organisations.models import Organisation, OrganisationType
from tracker.programmes.models import Programme
from tracker.proposals.models import ProposalStage
from tracker.proposals.services import FIELD_LABELS as PROPOSAL_FIELD_LABELS
from tracker.sections.models import SectionState
from tracker.sectors.models import SectorKind
from tracker.templating import long_date, money, percent

# Kinds whose generic label ("Proposal stage changed") reads worse than a chosen one.
KIND_LABELS = {
    "proposal.stage_changed": "Stage changed",
    "proposal.updated": "Proposal changed",
    "board.decision": "Board decision",
}

FIELD_LABELS = {
    **Programme.FIELD_LABELS,
    **PROPOSAL_FIELD_LABELS,
    "stage": "Stage",
    "comment": "Comment",
    "reason": "Reason",
    "decision": "Decision",
    "revision": "Revision",
    "assignee_id": "Assignee",
    "state": "State",
    "role": "Role",
    "kind": "Kind",
    "type": "Type",
    "is_retired": "Retired",
    "assessor": "Assessor",
    "scores": "Scores",
    "fund": "Fund",
    **MILESTONE_FIELD_LABELS,
}

# Fields stored as an enum's value, shown as its label.
ENUM_FIELDS = {
    "stage": ProposalStage,
    "decision": BoardDecisionKind,
    "state": SectionState,
    "role": Role,
    "kind": SectorKind,
    "type": OrganisationType,
    "milestone_kind": MilestoneKind,
    "milestone_state": MilestoneState,
}

# Fields stored as ids (or lists of ids), shown as the names of what they point at.
NAMED_FIELDS = {
    "owner_id": User,
    "assignee_id": User,
    "lead_organisation_id": Organisation,
    "partner_ids": Organisation,
    "programme_id": Programme,
}

MONEY_FIELDS = {"funding_ask", "total_pot"}
PERCENT_FIELDS = {"assessment_threshold"}
DATE_FIELDS = {"input_closes_on", *(key for key, _ in Programme.KEY_DATES), "starts_on", "due_on", "done_on"}
LONGEST_VALUE = 120


@dataclass(frozen=True)
class Change:
    """One line of an entry's changes: `before` is None when there is only a value to show."""

    label: str
    after: str
    before: str | None = None


def kind_label(verb: str) -> str:
    """'proposal.stage_changed' -> 'Stage changed'; 'user.password_set' -> 'User password set'."""
    if verb in KIND_LABELS:
        return KIND_LABELS[verb]
    words = verb.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def field_label(key: str) -> str:
    """A stored field's name as people say it."""
    return FIELD_LABELS.get(key) or kind_label(key.removesuffix("_id"))


def describe_changes(entries) -> dict[int, list[Change]]:
    """{entry id: its changes in words}, looking names up in one query per kind of object."""
    names = _names_for(entries)
    return {entry.id: [_change(key, value, names) for key, value in (entry.changes or {}).items()]
            for entry in entries}


def _is_pair(value: Any) -> bool:
    """diff() stores a changed field as [before, after]."""
    return isinstance(value, list) and len(value) == 2


def _names_for(entries) -> dict[type, dict[int, str]]:
    """The names of every person, organisation and programme the entries' changes name by id."""
    wanted: dict[type, set[int]] = {}
    for entry in entries:
        for key, value in (entry.changes or {}).items():
            model = NAMED_FIELDS.get(key)
            if model is None:
                continue
            for side in value if _is_pair(value) else [value]:
                ids = side if isinstance(side, list) else [side]
                wanted.setdefault(model, set()).update(i for i in ids if isinstance(i, int))
    return {
        model: dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())
        for model, ids in wanted.items()
        if ids
    }


def _change(key: str, value: Any, names: dict[type, dict[int, str]]) -> Change:
    label = field_label(key)
    if _is_pair(value):
        before, after = value
        shown_before = None if before is None else _shown(key, before, names)
        return Change(label, _shown(key, after, names), shown_before)
    return Change(label, _shown(key, value, names))


def _shown(key: str, value: Any, names: dict[type, dict[int, str]]) -> str:
    """One stored value as a short phrase."""
    if value is None or value == []:
        return "None"
    if key in NAMED_FIELDS:
        lookup = names.get(NAMED_FIELDS[key], {})
        ids = value if isinstance(value, list) else [value]
        return ", ".join(lookup.get(i, "someone removed") for i in ids)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if key in ENUM_FIELDS:
        return _enum_label(ENUM_FIELDS[key], value)
    if key in MONEY_FIELDS and isinstance(value, int):
        return money(value)
    if key in PERCENT_FIELDS:
        return percent(value)
    if key in DATE_FIELDS and isinstance(value, str):
        return _date(value)
    if isinstance(value, dict):
        return ", ".join(f"{field_label(k)}: {_shown(k, v, names)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_shown(key, item, names) for item in value)
    return _shorten(str(value))


def _enum_label(enum_cls, value: Any) -> str:
    try:
        return enum_cls(value).label
    except ValueError:
        return _shorten(str(value))


def _date(value: str) -> str:
    try:
        return long_date(date.fromisoformat(value))
    except ValueError:
        return _shorten(value)


def _shorten(text: str) -> str:
    """Long text (a summary, a comment) cut to a line, marked with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= LONGEST_VALUE:
        return text
    return text[: LONGEST_VALUE - 1].rstrip() + "…"
