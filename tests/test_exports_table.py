"""The tabular downloads: one table written as CSV and as XLSX, each read back (csv and
openpyxl.load_workbook) with the same cells: text guarded against formulas in both formats,
dates as dates, money as pounds, a bold frozen header, one sheet named for the list, and the
file named with the date. Also the readers the other export tests use."""

import codecs
import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest

from tracker.exports.table import (
    EXCEL_CELL_LIMIT,
    MEDIA_TYPES,
    Column,
    Kind,
    Table,
    csv_text,
    download,
    sheet_name,
    xlsx_bytes,
)

XLSX = MEDIA_TYPES["xlsx"]


def read_csv(response) -> list[list[str]]:
    """A CSV download's rows (the header first): UTF-8, no byte-order mark."""
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    body = response.get_data()
    assert not body.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


def workbook_of(response):
    assert response.status_code == 200
    assert response.content_type == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.get_data()))


def read_xlsx(response) -> list[list]:
    """An XLSX download's one sheet, as rows of cell values (the header first)."""
    workbook = workbook_of(response)
    assert len(workbook.worksheets) == 1
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def column(rows: list[list], heading: str) -> list:
    """One column's values, by its heading, from rows read back (header first)."""
    at = rows[0].index(heading)
    return [row[at] for row in rows[1:]]


SUMMER = datetime(2024, 7, 1, 11, 30, tzinfo=UTC)  # 12:30 in the UK
TABLE = Table("Proposals", (
    Column("Id", Kind.NUMBER), Column("Title"), Column("Funding ask", Kind.MONEY),
    Column("Score (%)", Kind.PERCENT), Column("Closes on", Kind.DATE), Column("Changed", Kind.TIME),
    Column("Endorsed"),
), [
    (7, "Hydrogen valley", 14_500_000, Decimal("70.8"), date(2024, 3, 1), SUMMER, True),
    (8, "=HYPERLINK(\"http://evil.example\")", 0, None, None, SUMMER, False),
])


def test_csv_and_xlsx_read_back_with_the_same_cells(app):
    csv_rows = read_csv(download(TABLE, "csv", "proposals", date(2024, 7, 2)))
    xlsx_rows = read_xlsx(download(TABLE, "xlsx", "proposals", date(2024, 7, 2)))

    assert csv_rows == [
        ["Id", "Title", "Funding ask", "Score (%)", "Closes on", "Changed", "Endorsed"],
        ["7", "Hydrogen valley", "14500000", "70.8", "2024-03-01", "2024-07-01T12:30:00+01:00", "Yes"],
        ["8", "'=HYPERLINK(\"http://evil.example\")", "0", "", "", "2024-07-01T12:30:00+01:00", "No"],
    ]
    assert xlsx_rows == [
        ["Id", "Title", "Funding ask", "Score (%)", "Closes on", "Changed", "Endorsed"],
        [7, "Hydrogen valley", 14_500_000, 70.8, datetime(2024, 3, 1), datetime(2024, 7, 1, 12, 30), "Yes"],
        [8, "'=HYPERLINK(\"http://evil.example\")", 0, None, None, datetime(2024, 7, 1, 12, 30), "No"],
    ]


def test_the_files_are_named_with_the_date_and_sent_as_attachments(app):
    for file_format in ("csv", "xlsx"):
        response = download(TABLE, file_format, "contributions-proposal-7", date(2026, 3, 27))
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="contributions-proposal-7-2026-03-27.{file_format}"'
        )
        assert response.content_type == MEDIA_TYPES[file_format]


def test_the_sheet_has_a_bold_frozen_header_real_dates_and_pounds(app):
    sheet = workbook_of(download(TABLE, "xlsx", "proposals", date(2024, 7, 2))).worksheets[0]

    assert sheet.title == "Proposals"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["B2"].font.b
    assert sheet["C2"].number_format == "£#,##0" and sheet["C2"].data_type == "n"
    assert sheet["E2"].is_date and sheet["E2"].number_format == "yyyy-mm-dd"
    assert sheet["F2"].is_date and sheet["F2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet.auto_filter.ref == "A1:G3"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFG"}
    assert widths["B"] > len("'=HYPERLINK(\"http://evil.example\")")  # as wide as its longest value
    assert widths["A"] < widths["B"] and widths["E"] >= len("2024-03-01")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_no_text_cell_is_a_formula_in_either_format(app, start):
    """Every text cell, the headings too, starts with a quote mark where a spreadsheet would run
    it; numbers are left alone."""
    table = Table("List", (Column(f"{start}Heading"), Column("Number", Kind.NUMBER)), [(f"{start}SUM(A1:A9)", -5)])

    csv_rows = read_csv(download(table, "csv", "list", date(2024, 1, 1)))
    sheet = workbook_of(download(table, "xlsx", "list", date(2024, 1, 1))).worksheets[0]

    assert csv_rows == [[f"'{start}Heading", "Number"], [f"'{start}SUM(A1:A9)", "-5"]]
    start = start.replace("\r", "\n")  # a line break, as Excel keeps them
    assert [sheet["A1"].value, sheet["A2"].value, sheet["B2"].value] == [
        f"'{start}Heading", f"'{start}SUM(A1:A9)", -5]
    assert sheet["A2"].data_type == "s" and sheet["B2"].data_type == "n"


def test_text_xml_cannot_carry_or_excel_cannot_hold_is_made_safe(app):
    """Control characters (pasted from elsewhere) are dropped; text past Excel's cell limit is
    cut, with an ellipsis; the CSV keeps the text whole."""
    long_text = "x" * (EXCEL_CELL_LIMIT + 10)
    table = Table("List", (Column("Text"),), [("Bell\x07 and\x0b tab\tok",), (long_text,)])

    sheet = workbook_of(download(table, "xlsx", "list", date(2024, 1, 1))).worksheets[0]

    assert sheet["A2"].value == "Bell and tab\tok"
    assert len(sheet["A3"].value) == EXCEL_CELL_LIMIT and sheet["A3"].value.endswith("…")
    assert list(csv.reader(io.StringIO(csv_text(table), newline="")))[2] == [long_text]


def test_an_empty_list_is_a_header_row():
    table = Table("Nothing", (Column("Title"), Column("Due", Kind.DATE)), [])
    assert csv_text(table) == "Title,Due\r\n"
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table))).worksheets[0]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [["Title", "Due"]]


@pytest.mark.parametrize("name,sheet", [
    ("Co-creation report", "Co-creation report"),
    ("Costs: [draft]/final?", "Costs   draft  final"),
    ("A very long list name that goes on past the limit", "A very long list name that goes"),
])
def test_sheet_names_are_ones_excel_accepts(name, sheet):
    assert sheet_name(name) == sheet
