"""One table, two downloads: the same header and rows as CSV and as XLSX, every text cell
guarded against formulas in both (tracker/csvutil.py), with the date in the file's name.

CSV is UTF-8 without a byte-order mark, as the tracker's CSVs have always been: it is the file
for analysts' tools and for the milestone import, which read UTF-8 as it is. People who open a
download in Excel take the XLSX, which has no encoding to guess, real dates and money as numbers."""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask import Response, flash, redirect
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tracker.csvutil import safe_cell
from tracker.templating import LONDON

FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# An export is the whole filtered list, not a page of it; past this many rows it is refused with
# a message asking for narrower filters (each query asks for one row more, to know).
MAX_ROWS = 50_000
EXCEL_CELL_LIMIT = 32_767  # characters in one cell
SHEET_NAME_LIMIT = 31
WIDEST = 60  # characters: longer text wraps in the cell when the reader widens it


class Kind(Enum):
    """What a column holds, which decides how each format writes it."""

    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"  # whole pounds: a number in both, "£#,##0" in XLSX
    PERCENT = "percent"  # a number of percent (70.8), "0.0" in XLSX
    DATE = "date"  # ISO 8601 in CSV, a date in XLSX
    TIME = "time"  # a moment, in UK time: ISO 8601 with its offset in CSV, a date and time in XLSX


NUMBER_FORMATS = {
    Kind.MONEY: "£#,##0",
    Kind.PERCENT: "0.0",
    Kind.DATE: "yyyy-mm-dd",
    Kind.TIME: "yyyy-mm-dd hh:mm",
}
NARROWEST = {Kind.DATE: 12, Kind.TIME: 18, Kind.MONEY: 14}


@dataclass(frozen=True)
class Column:
    """A column's heading and what it holds."""

    heading: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Table:
    """Rows under headed columns; `name` names the XLSX sheet. A cell is text, a number, a
    date or datetime, a bool (Yes / No) or None (empty)."""

    name: str
    columns: Sequence[Column]
    rows: Sequence[Sequence]

    @property
    def headings(self) -> list[str]:
        return [column.heading for column in self.columns]


class TooManyRows(Exception):
    """The filtered list is longer than an export may be."""


def capped(rows: Iterable) -> list:
    """The rows as a list, refused when there are more than MAX_ROWS (queries ask for one more
    row than that, so a longer list is never loaded whole)."""
    rows = list(rows)
    if len(rows) > MAX_ROWS:
        raise TooManyRows
    return rows


def uk_today() -> date:
    """The date in the UK, for the files' names."""
    return datetime.now(LONDON).date()


def uk_time(moment: datetime) -> datetime:
    """A stored (UTC) moment in UK time, as the pages show it, to the second (Excel keeps no
    finer, and the CSV says the same)."""
    return moment.astimezone(LONDON).replace(microsecond=0)


# CSV -------------------------------------------------------------------------------------------

def csv_text(table: Table) -> str:
    """The header, then a row per row: text guarded, numbers as they are, dates in ISO 8601."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow([safe_cell(heading) for heading in table.headings])
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return output.getvalue()


def _csv_cell(value) -> str | int:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return uk_time(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | Decimal | float):
        return value
    return safe_cell(str(value))


# XLSX ------------------------------------------------------------------------------------------

def xlsx_bytes(table: Table) -> bytes:
    """One sheet named for the list: a bold header row, frozen, with filter buttons; columns
    sized to their content; dates as dates, money in pounds, text guarded."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name(table.name))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if table.columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    bold = Font(bold=True)
    header = []
    for heading in table.headings:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(heading))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, column, value) for column, value in zip(table.columns, row, strict=True)])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: none of []:*?/\\ and at most 31 characters."""
    cleaned = "".join(" " if character in "[]:*?/\\" else character for character in name).strip()
    return cleaned[:SHEET_NAME_LIMIT] or "Sheet"


def _xlsx_cell(sheet, column: Column, value):
    if value is None:
        return None
    if isinstance(value, bool):
        return _xlsx_text("Yes" if value else "No")
    if isinstance(value, datetime):
        value = uk_time(value).replace(tzinfo=None)  # Excel's dates and times have no zone
    elif not isinstance(value, date | int | Decimal | float):
        return _xlsx_text(str(value))
    number_format = NUMBER_FORMATS.get(Kind.DATE if type(value) is date else column.kind)
    if number_format is None:
        return value  # a plain number: no cell object to make (a long sheet has many)
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _xlsx_text(text: str) -> str:
    """Text as a cell holds it: guarded like CSV (a leading = would make openpyxl write a
    formula), line breaks as Excel's (XML reads a carriage return as one anyway), without the
    control characters XML cannot carry, cut to Excel's cell limit."""
    text = str(safe_cell(text)).replace("\r\n", "\n").replace("\r", "\n")
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= EXCEL_CELL_LIMIT else text[: EXCEL_CELL_LIMIT - 1] + "…"


def _widths(table: Table) -> list[int]:
    """Each column as wide as its heading or longest value (in characters), within bounds."""
    widths = []
    for index, column in enumerate(table.columns):
        longest = max((_length(row[index]) for row in table.rows), default=0)
        widths.append(min(WIDEST, max(len(column.heading), longest, NARROWEST.get(column.kind, 8)) + 2))
    return widths


def _length(value) -> int:
    if value is None:
        return 0
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


# Responses ---------------------------------------------------------------------------------------

def download(table: Table, file_format: str, stem: str, today: date) -> Response:
    """The table as a file to save: `stem-YYYY-MM-DD.csv` or `.xlsx`."""
    body = csv_text(table) if file_format == "csv" else xlsx_bytes(table)
    return Response(body, content_type=MEDIA_TYPES[file_format], headers={
        "Content-Disposition": f'attachment; filename="{stem}-{today.isoformat()}.{file_format}"',
    })


def export(build: Callable[[], Table], file_format: str, stem: str, today: date, back_to: str) -> Response:
    """Build the table and send it; when the list is longer than an export may be, back to the
    page (`back_to`, with its filters) with a message saying so."""
    try:
        table = build()
    except TooManyRows:
        flash(f"There are more than {MAX_ROWS:,} rows to download. Narrow the list with the filters "
              "and download it again.", "info")
        return redirect(back_to)
    return download(table, file_format, stem, today)


def file_routes(blueprint, path: str, **options) -> Callable:
    """Register a view at `path`.csv and `path`.xlsx, one endpoint: the view takes `file_format`,
    and url_for(endpoint) builds the CSV address, url_for(endpoint, file_format="xlsx") the XLSX."""

    def register(view: Callable) -> Callable:
        for file_format in FORMATS:
            blueprint.add_url_rule(f"{path}.{file_format}", view_func=view,
                                   defaults={"file_format": file_format}, **options)
        return view

    return register
