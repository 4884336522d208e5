"""Milestones as files: the CSV and XLSX export of a proposal's or a programme's, and the CSV
import into a proposal, checked whole (every error named by row and column) before any of it is applied."""

import base64
import binascii
import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from tracker.auth.models import User
from tracker.csvutil import unguarded
from tracker.enums import LabelledEnum
from tracker.exports.table import Column, Kind, Table
from tracker.extensions import db
from tracker.milestones import queries
from tracker.milestones.models import Milestone, MilestoneKind, MilestoneState
from tracker.milestones.rows import Entry, TimelineFilter
from tracker.milestones.rules import CycleError, Record, plan
from tracker.milestones.services import OWNER_ROLES, TITLE_LENGTH, create_milestone, update_milestone
from tracker.proposals.models import Proposal

# The columns the export writes and the import reads, in this order.
COLUMNS = (
    Column("id", Kind.NUMBER), Column("proposal"), Column("title"), Column("kind"), Column("owner"),
    Column("start", Kind.DATE), Column("due", Kind.DATE), Column("state"), Column("done on", Kind.DATE),
    Column("depends on"), Column("notes"),
)
HEADERS = tuple(column.heading for column in COLUMNS)
# Every other column may be left out: a milestone then keeps what it has (a new one: no start
# date, not started, no dependencies, no notes).
REQUIRED = ("title", "kind", "owner", "due")
DEPENDENCY_SEPARATOR = ";"
MAX_BYTES = 200_000  # the preview carries the file back in a hidden field
MAX_ROWS = 500
DATE_EXAMPLE = "2026-03-27"

# What the preview lists as changed, in this order.
FIELD_LABELS = {
    "title": "Title", "kind": "Kind", "owner": "Owner", "starts_on": "Start", "due_on": "Due",
    "state": "State", "depends_on": "Depends on", "notes": "Notes",
}


# Export ------------------------------------------------------------------------------------

def proposal_table(proposal: Proposal, args: Mapping[str, str], today: date) -> Table:
    """The proposal's own milestones, by due date, that the timeline's filters in `args` show."""
    found = queries.for_proposal(proposal)
    own = [milestone for milestone in found.milestones if milestone.proposal_id == proposal.id]
    return _table(_shown(found, own, args, today), found.dependencies, {proposal.id: proposal.title})


def programme_table(programme_id: int, args: Mapping[str, str], today: date) -> Table:
    """Every milestone of the programme, its own (no proposal) and all its proposals', by due
    date, that the timeline's filters in `args` show."""
    found = queries.for_programme(programme_id)
    titles = {m.proposal_id: m.proposal.title for m in found.milestones if m.proposal is not None}
    return _table(_shown(found, found.milestones, args, today), found.dependencies, titles)


def _shown(found: queries.MilestoneSet, milestones: list[Milestone], args: Mapping[str, str],
           today: date) -> list[Milestone]:
    """The milestones the timeline's filters (kind, owner, RAG) show, read as the timeline reads
    them: the plan is made over the whole set first, and a value naming nothing is ignored."""
    chosen = TimelineFilter.from_args(args, {milestone.owner_id for milestone in found.milestones})
    if not chosen.active:
        return milestones
    planned = plan(found.milestones, found.dependencies, today)
    return [m for m in milestones if chosen.shows(Entry(m, planned[m.id], False, ()))]


def _table(milestones: list[Milestone], dependencies: dict[int, set[int]], proposal_titles: dict[int, str]) -> Table:
    """A row per milestone: kinds and states by value, owners by email, dependencies as ids
    joined by ";" (tracker/exports/table.py writes the dates and guards the text)."""
    return Table("Milestones", COLUMNS, [
        (milestone.id, proposal_titles.get(milestone.proposal_id), milestone.title, milestone.kind.value,
         milestone.owner.email, milestone.starts_on, milestone.due_on, milestone.state.value, milestone.done_on,
         DEPENDENCY_SEPARATOR.join(str(key) for key in sorted(dependencies.get(milestone.id, ()))),
         milestone.notes)
        for milestone in milestones
    ])


# Import ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    """A problem with one cell (or, without a column, with the row as a whole)."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}, {self.column}" if self.column else f"Row {self.row}"
        return f"{where}: {self.message}"


@dataclass
class ImportRow:
    """What one valid row will do: create a milestone (`milestone` None) or change one."""

    row: int
    milestone: Milestone | None
    values: dict  # title, kind, owner, starts_on, due_on, state, notes, depends_on
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, before, after)


@dataclass
class ImportPreview:
    """What importing a file would do, or why it cannot: file-level problems (`problems`: the
    columns, the encoding, the size) or row errors; nothing applies unless both are empty."""

    problems: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new: list[ImportRow] = field(default_factory=list)
    changed: list[ImportRow] = field(default_factory=list)
    unchanged: int = 0
    versions: str = ""  # "id:version;..." of the milestones the file names, as previewed

    @property
    def is_valid(self) -> bool:
        return not self.problems and not self.errors

    @property
    def nothing_to_change(self) -> bool:
        return self.is_valid and not self.new and not self.changed


def decode(data: bytes) -> str | None:
    """An uploaded file as text (UTF-8, with or without Excel's byte-order mark), or None."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def carried(text: str) -> str:
    """The file's text for the preview's hidden field, as base64: a browser hands it back
    exactly as it was (HTML would turn the carriage returns in an attribute into line feeds)."""
    return base64.b64encode(text.encode()).decode("ascii")


def uncarried(value: str) -> str | None:
    """The text `carried` wrapped, or None for anything else."""
    if len(value) > MAX_BYTES * 2:
        return None
    try:
        return base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None


def preview_import(proposal: Proposal, text: str) -> ImportPreview:
    """Check a CSV file against `proposal` and work out what importing it would create and
    change. Rows are numbered as a spreadsheet shows them: the header is row 1."""
    preview = ImportPreview()
    if len(text.encode()) > MAX_BYTES:
        preview.problems.append(f"The file must be {MAX_BYTES // 1000} KB or smaller")
        return preview
    try:
        records = [cells for cells in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        preview.problems.append(f"The file could not be read as CSV: {error}")
        return preview
    if not records or not any(cell.strip() for cell in records[0]):
        preview.problems.append("The file is empty: it needs a header row, then a row per milestone")
        return preview
    columns = [cell.strip().lower() for cell in records[0]]
    preview.problems.extend(_column_problems(columns))
    rows = [(number, cells) for number, cells in enumerate(records[1:], start=2) if any(c.strip() for c in cells)]
    if len(rows) > MAX_ROWS:
        preview.problems.append(f"The file has {len(rows)} milestones; import at most {MAX_ROWS} at a time")
    if preview.problems:
        return preview
    _Checker(proposal, columns, preview).check(rows)
    return preview


def _column_problems(columns: list[str]) -> list[str]:
    problems = []
    missing = [name for name in REQUIRED if name not in columns]
    unknown = [name or "(blank)" for name in columns if name not in HEADERS]
    twice = sorted({name for name in columns if name in HEADERS and columns.count(name) > 1})
    expected = ", ".join(HEADERS)
    if missing:
        problems.append(f"The file has no {_and(missing)} column: the header row needs {_and(REQUIRED)}")
    if unknown:
        problems.append(f"The file has unknown columns: {', '.join(unknown)}. The columns are {expected}")
    if twice:
        problems.append(f"The file has the {_and(twice)} column more than once")
    return problems


def _and(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class _Checker:
    """Reads every row against what the proposal has now, collecting every error."""

    def __init__(self, proposal: Proposal, columns: list[str], preview: ImportPreview):
        self.proposal, self.columns, self.preview = proposal, columns, preview
        found = queries.for_proposal(proposal)
        self.by_id = {m.id: m for m in found.milestones}
        self.own = {m.id: m for m in found.milestones if m.proposal_id == proposal.id}
        self.dependencies = found.dependencies

    def check(self, rows: list[tuple[int, list[str]]]) -> None:
        owners = self._owners(rows)
        seen_ids: dict[int, int] = {}
        planned = []
        for number, cells in rows:
            if len(cells) > len(self.columns):
                self._error(number, None, f"it has {len(cells)} cells but the file has {len(self.columns)} columns")
                continue
            cells = cells + [""] * (len(self.columns) - len(cells))
            # Notes keep their spacing as saved; every other cell is trimmed.
            cell = {column: unguarded(value if column == "notes" else value.strip())
                    for column, value in zip(self.columns, cells, strict=True)}
            row = self._row(number, cell, owners, seen_ids)
            if row is not None:
                planned.append(row)
        self._duplicates(planned)
        if self.preview.errors:
            return
        self._cycles(planned)
        if self.preview.errors:
            return
        for row in planned:
            if row.milestone is None:
                self.preview.new.append(row)
            else:
                row.changes = self._changes(row)
                if row.changes:
                    self.preview.changed.append(row)
                else:
                    self.preview.unchanged += 1
        self.preview.versions = ";".join(
            f"{row.milestone.id}:{row.milestone.version}" for row in planned if row.milestone is not None
        )

    def _error(self, row: int, column: str | None, message: str) -> None:
        self.preview.errors.append(RowError(row, column, message))

    def _owners(self, rows) -> dict[str, User]:
        """Everyone the file names as an owner, by lower-case email, in one query."""
        if "owner" not in self.columns:
            return {}
        at = self.columns.index("owner")
        emails = {cells[at].strip().lower() for _, cells in rows if len(cells) > at and cells[at].strip()}
        if not emails:
            return {}
        users = db.session.scalars(select(User).where(func.lower(User.email).in_(emails)))
        return {user.email.lower(): user for user in users}

    def _row(self, number: int, cell: dict[str, str], owners: dict[str, User],
             seen_ids: dict[int, int]) -> ImportRow | None:
        """One row's values, or None when any of its cells is wrong (each error recorded)."""
        errors_before = len(self.preview.errors)
        milestone = self._milestone(number, cell.get("id", ""), seen_ids)
        self._proposal(number, cell.get("proposal", ""))
        values = {
            "title": self._title(number, cell["title"]),
            "kind": self._enum(number, "kind", cell["kind"], MilestoneKind.proposal_kinds()),
            "owner": self._owner(number, cell["owner"], owners),
            "due_on": self._date(number, "due", cell["due"], required=True),
        }
        if "start" in cell:
            values["starts_on"] = self._date(number, "start", cell["start"])
        if cell.get("state"):
            values["state"] = self._enum(number, "state", cell["state"], list(MilestoneState))
        if "depends on" in cell:
            values["depends_on"] = self._dependencies(number, cell["depends on"], milestone)
        if "notes" in cell:
            values["notes"] = cell["notes"]
        if len(self.preview.errors) > errors_before:
            return None
        kept = self._kept(milestone)
        values = {**kept, **values}
        if values["starts_on"] is not None and values["starts_on"] > values["due_on"]:
            self._error(number, "start", f"{values['starts_on'].isoformat()} is after the due date")
            return None
        return ImportRow(number, milestone, values)

    def _kept(self, milestone: Milestone | None) -> dict:
        """What a row leaves as it is when the file has no column for it."""
        if milestone is None:
            return {"starts_on": None, "state": MilestoneState.NOT_STARTED, "depends_on": [], "notes": ""}
        return {
            "starts_on": milestone.starts_on, "state": milestone.state, "notes": milestone.notes,
            "depends_on": [self.by_id[key] for key in sorted(self.dependencies.get(milestone.id, ()))],
        }

    def _milestone(self, number: int, text: str, seen_ids: dict[int, int]) -> Milestone | None:
        if not text:
            return None
        if not text.isdigit():
            self._error(number, "id", f"“{text}” is not a milestone number; leave it blank for a new milestone")
            return None
        key = int(text)
        if key not in self.own:
            self._error(number, "id", f"{key} is not a milestone of this proposal; leave it blank for a new milestone")
            return None
        if key in seen_ids:
            self._error(number, "id", f"milestone {key} is on row {seen_ids[key]} too")
            return None
        seen_ids[key] = number
        return self.own[key]

    def _proposal(self, number: int, text: str) -> None:
        if text and text.casefold() != self.proposal.title.strip().casefold():
            self._error(number, "proposal", f"“{text}” is not this proposal: leave it blank or write “{self.proposal.title}”")

    def _title(self, number: int, text: str) -> str | None:
        if not text:
            self._error(number, "title", "enter the milestone's title")
        elif len(text) > TITLE_LENGTH:
            self._error(number, "title", f"must be {TITLE_LENGTH} characters or fewer")
        return text

    def _enum(self, number: int, column: str, text: str, allowed: list[LabelledEnum]):
        wanted = text.casefold()
        for member in allowed:
            if wanted in (member.value.casefold(), member.label.casefold()):
                return member
        listed = ", ".join(member.value for member in allowed)
        self._error(number, column, f"“{text}” is not one of {listed}" if text else f"enter one of {listed}")
        return None

    def _owner(self, number: int, text: str, owners: dict[str, User]) -> User | None:
        if not text:
            self._error(number, "owner", "enter the owner's email address")
            return None
        owner = owners.get(text.lower())
        if owner is None or not owner.is_active or owner.role not in OWNER_ROLES:
            self._error(number, "owner", f"no active member of staff or expert has the email address {text}")
            return None
        return owner

    def _date(self, number: int, column: str, text: str, required: bool = False) -> date | None:
        if not text:
            if required:
                self._error(number, column, f"enter a date like {DATE_EXAMPLE}")
            return None
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        self._error(number, column, f"“{text}” is not a date like {DATE_EXAMPLE}")
        return None

    def _dependencies(self, number: int, text: str, milestone: Milestone | None) -> list[Milestone]:
        found = []
        for part in (piece.strip() for piece in text.split(DEPENDENCY_SEPARATOR)):
            if not part:
                continue
            other = self.by_id.get(int(part)) if part.isdigit() else None
            if other is None:
                self._error(number, "depends on",
                            f"“{part}” is not the id of a milestone of this proposal or its programme")
            elif milestone is not None and other.id == milestone.id:
                self._error(number, "depends on", f"milestone {other.id} cannot depend on itself")
            elif other not in found:
                found.append(other)
        return sorted(found, key=lambda each: each.id)

    def _duplicates(self, planned: list[ImportRow]) -> None:
        """The same title and due date twice: on two rows, or a new row and a milestone the
        proposal has (and the file does not change)."""
        changed = {row.milestone.id for row in planned if row.milestone is not None}
        first: dict[tuple[str, date], str] = {
            (m.title.casefold(), m.due_on): f"milestone {m.id}, which has no row in the file"
            for m in self.own.values() if m.id not in changed
        }
        for row in planned:
            key = (row.values["title"].casefold(), row.values["due_on"])
            if key in first:
                self._error(row.row, None, f"the same title and due date as {first[key]}")
            else:
                first[key] = f"row {row.row}"

    def _cycles(self, planned: list[ImportRow]) -> None:
        """A set of dependency changes that, together, would make milestones wait on each other."""
        rows_by_id = {row.milestone.id: row for row in planned if row.milestone is not None}
        edges = {key: set(ids) for key, ids in self.dependencies.items()}
        for key, row in rows_by_id.items():
            edges[key] = {other.id for other in row.values["depends_on"]}
        records = [Record(m.id, m.title, m.state, None, m.due_on) for m in self.by_id.values()]
        try:
            plan(records, edges, date.min)
        except CycleError as error:
            first = min((rows_by_id[key] for key in error.cycle if key in rows_by_id), key=lambda row: row.row)
            titles = " → ".join(self._title_of(key, rows_by_id) for key in error.cycle)
            self._error(first.row, "depends on", f"that would make a cycle: {titles}")

    def _title_of(self, key: int, rows_by_id: dict[int, ImportRow]) -> str:
        row = rows_by_id.get(key)
        return row.values["title"] if row is not None else self.by_id[key].title

    def _changes(self, row: ImportRow) -> list[tuple[str, str, str]]:
        milestone = row.milestone
        before = {**self._kept(milestone), "title": milestone.title, "kind": milestone.kind,
                  "owner": milestone.owner, "due_on": milestone.due_on}
        return [(label, shown(before[key]), shown(row.values[key]))
                for key, label in FIELD_LABELS.items() if _comparable(before[key]) != _comparable(row.values[key])]


def _comparable(value):
    if isinstance(value, list):
        return [each.id for each in value]
    if isinstance(value, User):
        return value.id
    return value


def shown(value) -> str:
    """A value as the preview shows it."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, list):
        return ", ".join(f"{each.id} {each.title}" for each in value) or "(none)"
    if isinstance(value, User):
        return f"{value.name} ({value.email})"
    if isinstance(value, LabelledEnum):
        return value.label
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def apply_import(proposal: Proposal, preview: ImportPreview, actor) -> tuple[int, int]:
    """Create and change the milestones a valid preview lists, through the services (each writes
    its audit entry); the caller commits once, or rolls back when a service refuses. Returns
    (created, changed)."""
    if not preview.is_valid:
        raise ValueError("only a valid preview can be imported")
    for row in preview.new:
        create_milestone(programme=None, proposal=proposal, actor=actor, **row.values)
    for row in preview.changed:
        update_milestone(row.milestone, started_from=row.milestone.version, actor=actor, **row.values)
    return len(preview.new), len(preview.changed)
