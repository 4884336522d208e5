"""Milestones as CSV: the exports parsed back, formulas guarded; the import's preview of what it
creates and changes, every bad input named by row and column with nothing imported, the
confirmation applied in one go through the services, and an unchanged round trip."""

import base64
import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, error_summary, soup, text
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.milestones import csvio
from tracker.milestones.models import Milestone, MilestoneKind, MilestoneState, milestone_dependency
from tracker.proposals.models import ProposalStage

HEADER = "id,proposal,title,kind,owner,start,due,state,done on,depends on,notes"


def rows_of(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def upload(client, proposal, content: str | bytes):
    data = content.encode() if isinstance(content, str) else content
    return client.post(f"/proposals/{proposal.id}/milestones/import",
                       data={"csv_file": (io.BytesIO(data), "milestones.csv")},
                       content_type="multipart/form-data")


def confirm(client, proposal, preview_response):
    """Press "Confirm import" on a preview page, sending back its hidden fields."""
    form = soup(preview_response).find("button", string=lambda s: s and "Confirm import" in s).find_parent("form")
    data = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
    return client.post(f"/proposals/{proposal.id}/milestones/import", data=data)


def problems(response) -> list[str]:
    """The problems the preview lists: file-level ones, then each row error."""
    page = soup(response)
    listed = [text(item) for item in page.select("#problems + ul li")]
    return listed + [text(row.find_all("td")[-1]) for row in page.select("#row-errors tbody tr")]


def milestone_count() -> int:
    return db.session.scalar(select(func.count(Milestone.id)))


@pytest.fixture
def setting():
    """A proposal with two milestones (one depending on the other and on a programme date),
    a staff owner and an expert, and another proposal's milestone."""
    programme = factories.make_programme(name="West Midlands IA")
    proposal = factories.make_proposal(programme=programme, title="Hydrogen valley")
    owner = factories.make_user(Role.STAFF, email="owner@example.org", name="Olu Owner")
    expert = factories.make_user(Role.EXPERT, email="expert@example.org")
    panel = factories.make_milestone(programme=programme, owner=owner, title="Selection panel",
                                     kind=MilestoneKind.PANEL_DATE, due_on=date(2026, 5, 1))
    draft = factories.make_milestone(proposal, owner=owner, title="Draft the case", kind=MilestoneKind.INTERNAL,
                                     starts_on=date(2026, 3, 1), due_on=date(2026, 3, 16),
                                     state=MilestoneState.DONE, done_on=date(2026, 3, 14),
                                     notes="- first line\r\nsecond line")
    board = factories.make_milestone(proposal, owner=owner, title="=Board sign-off", kind=MilestoneKind.BOARD,
                                     due_on=date(2026, 4, 2), depends_on=[draft, panel])
    other = factories.make_milestone(factories.make_proposal(programme=programme), owner=owner,
                                     title="Another proposal's step", due_on=date(2026, 4, 9))
    return {"programme": programme, "proposal": proposal, "owner": owner, "expert": expert,
            "panel": panel, "draft": draft, "board": board, "other": other}


# Export ------------------------------------------------------------------------------------

def test_a_proposals_export_has_its_milestones_in_the_import_columns(staff_client, setting):
    response = staff_client.get(f"/proposals/{setting['proposal'].id}/milestones.csv")

    assert response.get_data(as_text=True).splitlines()[0] == HEADER
    assert f'milestones-proposal-{setting["proposal"].id}-' in response.headers["Content-Disposition"]  # then the date
    draft, board = rows_of(response)
    assert draft == {
        "id": str(setting["draft"].id), "proposal": "Hydrogen valley", "title": "Draft the case",
        "kind": "internal", "owner": "owner@example.org", "start": "2026-03-01", "due": "2026-03-16",
        "state": "done", "done on": "2026-03-14", "depends on": "", "notes": "'- first line\r\nsecond line",
    }
    assert board["title"] == "'=Board sign-off"  # a spreadsheet would run "=..." as a formula
    assert board["depends on"] == ";".join(sorted([str(setting["draft"].id), str(setting["panel"].id)], key=int))
    assert (board["start"], board["done on"], board["state"]) == ("", "", "not_started")


def test_a_programmes_export_has_its_own_milestones_and_all_its_proposals(board_client, setting):
    response = board_client.get(f"/programmes/{setting['programme'].id}/milestones.csv")

    rows = rows_of(response)
    titles = {row["title"]: row["proposal"] for row in rows}
    assert titles == {"Selection panel": "", "Draft the case": "Hydrogen valley", "'=Board sign-off": "Hydrogen valley",
                      "Another proposal's step": titles["Another proposal's step"]}
    assert titles["Another proposal's step"].startswith("Proposal ")
    assert len(rows) == 4


def test_experts_may_not_export(client_as, setting):
    expert = client_as(Role.EXPERT)
    setting["proposal"].stage = ProposalStage.CO_CREATION
    db.session.commit()
    assert expert.get(f"/proposals/{setting['proposal'].id}/milestones.csv").status_code == 403


# Round trip --------------------------------------------------------------------------------

def test_exporting_then_importing_unchanged_is_nothing_to_change(staff_client, setting):
    exported = staff_client.get(f"/proposals/{setting['proposal'].id}/milestones.csv").data
    before = milestone_count()

    preview = upload(staff_client, setting["proposal"], exported)

    assert preview.status_code == 200
    assert "Nothing to change" in text(soup(preview).select_one("#nothing-to-change"))
    assert soup(preview).find("button", string=lambda s: s and "Confirm import" in s) is None
    assert milestone_count() == before and not activities("milestone.updated")


# Preview and import ------------------------------------------------------------------------

def test_new_rows_are_previewed_then_created_on_confirming(staff_client, setting):
    proposal = setting["proposal"]
    content = (
        "title,kind,owner,start,due,state,depends on,notes\n"
        f"Gateway review,gateway,OWNER@example.org,2026-04-01,2026-04-20,in_progress,{setting['board'].id},Bring the costs\n"
        "Delivery starts,Delivery,expert@example.org,,2026-06-01,,,\n"
    )
    before = milestone_count()

    preview = upload(staff_client, proposal, content)

    assert [text(cell) for cell in soup(preview).select("#to-add tbody th")] == ["2", "3"]
    added = text(soup(preview).select_one("#to-add"))
    assert "Gateway review" in added and "Innovate UK gateway" in added and "Olu Owner (owner@example.org)" in added
    assert milestone_count() == before  # nothing yet

    response = confirm(staff_client, proposal, preview)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}/milestones")
    gateway = db.session.scalar(select(Milestone).where(Milestone.title == "Gateway review"))
    assert (gateway.kind, gateway.owner_id, gateway.starts_on, gateway.due_on, gateway.state, gateway.notes) == (
        MilestoneKind.GATEWAY, setting["owner"].id, date(2026, 4, 1), date(2026, 4, 20),
        MilestoneState.IN_PROGRESS, "Bring the costs")
    assert db.session.scalars(select(milestone_dependency.c.depends_on_id).where(
        milestone_dependency.c.milestone_id == gateway.id)).all() == [setting["board"].id]
    delivery = db.session.scalar(select(Milestone).where(Milestone.title == "Delivery starts"))
    assert (delivery.kind, delivery.state, delivery.proposal_id) == (MilestoneKind.DELIVERY, MilestoneState.NOT_STARTED, proposal.id)
    assert len(activities("milestone.created")) == 2


def test_rows_with_an_id_show_what_changes_then_change_it(staff_client, setting):
    proposal, board = setting["proposal"], setting["board"]
    content = (
        "id,title,kind,owner,due,state\n"
        f"{board.id},Board sign-off,board,expert@example.org,2026-04-09,done\n"
        f"{setting['draft'].id},Draft the case,internal,owner@example.org,2026-03-16,done\n"
    )

    preview = upload(staff_client, proposal, content)

    changes = [[text(cell) for cell in row.select("th, td")] for row in soup(preview).select("#to-change tbody tr")]
    assert changes == [
        ["2", f"{board.id} =Board sign-off", "Title", "=Board sign-off", "Board sign-off"],
        ["2", f"{board.id} =Board sign-off", "Owner", "Olu Owner (owner@example.org)",
         f"{setting['expert'].name} (expert@example.org)"],
        ["2", f"{board.id} =Board sign-off", "Due", "2026-04-02", "2026-04-09"],
        ["2", f"{board.id} =Board sign-off", "State", "Not started", "Done"],
    ]
    assert "1 milestone in the file is unchanged" in text(soup(preview))

    assert confirm(staff_client, proposal, preview).status_code == 302

    db.session.expire_all()
    board = db.session.get(Milestone, board.id)
    assert (board.title, board.owner_id, board.due_on, board.state) == (
        "Board sign-off", setting["expert"].id, date(2026, 4, 9), MilestoneState.DONE)
    assert board.done_on is not None
    # Columns the file leaves out keep what the milestone had: its dependencies and notes.
    assert len(db.session.scalars(select(milestone_dependency.c.depends_on_id).where(
        milestone_dependency.c.milestone_id == board.id)).all()) == 2
    assert len(activities("milestone.updated")) == 1


def test_a_change_made_after_the_preview_is_not_overwritten(staff_client, setting):
    proposal, board = setting["proposal"], setting["board"]
    preview = upload(staff_client, proposal, f"id,title,kind,owner,due\n{board.id},Board,board,owner@example.org,2026-04-09\n")
    db.session.get(Milestone, board.id).notes = "Someone else's note"
    db.session.commit()

    response = confirm(staff_client, proposal, preview)

    assert response.status_code == 409
    assert "Someone changed these milestones after your preview" in text(soup(response))
    assert db.session.get(Milestone, board.id).due_on == date(2026, 4, 2)


def test_a_tampered_confirmation_imports_nothing(staff_client, setting):
    proposal = setting["proposal"]
    before = milestone_count()

    garbled = staff_client.post(f"/proposals/{proposal.id}/milestones/import", data={"csv_text": "not base64!", "versions": ""})
    assert garbled.status_code == 400
    assert error_summary(garbled)[0][0].startswith("The import was not confirmed")

    bad = base64.b64encode(b"title,kind,owner,due\nNew,internal,nobody@example.org,2026-04-01\n").decode()
    response = staff_client.post(f"/proposals/{proposal.id}/milestones/import", data={"csv_text": bad, "versions": ""})
    assert response.status_code == 200
    assert problems(response) == ["Row 2, owner: no active member of staff or expert has the email address nobody@example.org"]
    assert milestone_count() == before


# Bad input ---------------------------------------------------------------------------------

GOOD = "Gateway review,gateway,owner@example.org,,2026-04-20"


@pytest.mark.parametrize("content,expected", [
    ("name,kind,owner,start\nX,internal,owner@example.org,\n", [
        "The file has no title and due column: the header row needs title, kind, owner and due",
        "The file has unknown columns: name. The columns are " + ", ".join(csvio.HEADERS),
    ]),
    ("title,kind,owner,due,due\nX,internal,owner@example.org,2026-04-01,2026-04-01\n",
     ["The file has the due column more than once"]),
    ("", ["The file is empty"]),
])
def test_wrong_headers_say_which_are_missing_or_unknown(staff_client, setting, content, expected):
    response = upload(staff_client, setting["proposal"], content or "\n")
    if content:
        assert problems(response) == expected
        assert error_summary(response)[0][0].startswith("The file has ")
    else:
        assert error_summary(response) == [("The file is empty", "#csv_file")]


@pytest.mark.parametrize("row,expected", [
    ("Gateway review,gateway,owner@example.org,,27/03/2026", "Row 2, due: “27/03/2026” is not a date like 2026-03-27"),
    ("Gateway review,gateway,owner@example.org,,2026-02-30", "Row 2, due: “2026-02-30” is not a date like 2026-03-27"),
    ("Gateway review,gateway,owner@example.org,,", "Row 2, due: enter a date like 2026-03-27"),
    ("Gateway review,gateway,owner@example.org,next week,2026-04-20", "Row 2, start: “next week” is not a date like 2026-03-27"),
    ("Gateway review,gateway,owner@example.org,2026-05-01,2026-04-20", "Row 2, start: 2026-05-01 is after the due date"),
    ("Gateway review,gateway,nobody@example.org,,2026-04-20",
     "Row 2, owner: no active member of staff or expert has the email address nobody@example.org"),
    ("Gateway review,gateway,inactive@example.org,,2026-04-20",
     "Row 2, owner: no active member of staff or expert has the email address inactive@example.org"),
    ("Gateway review,gateway,board@example.org,,2026-04-20",
     "Row 2, owner: no active member of staff or expert has the email address board@example.org"),
    ("Gateway review,gateway,,,2026-04-20", "Row 2, owner: enter the owner's email address"),
    (",gateway,owner@example.org,,2026-04-20", "Row 2, title: enter the milestone's title"),
    ("Gateway review,panel_date,owner@example.org,,2026-04-20",
     "Row 2, kind: “panel_date” is not one of internal, board, gateway, delivery"),
    ("Gateway review,gateway,owner@example.org,,2026-04-20,later",
     "Row 2, state: “later” is not one of not_started, in_progress, done, blocked"),
    (GOOD + ",,soon", "Row 2, depends on: “soon” is not the id of a milestone of this proposal or its programme"),
    (GOOD + ",,{other}", "Row 2, depends on: “{other}” is not the id of a milestone of this proposal or its programme"),
    ("{board},Board,board,owner@example.org,,2026-04-02,,{board}", "Row 2, depends on: milestone {board} cannot depend on itself"),
    ("{other},Step,internal,owner@example.org,,2026-04-09", "Row 2, id: {other} is not a milestone of this proposal; leave it blank for a new milestone"),
    ("{panel},Panel,internal,owner@example.org,,2026-05-01", "Row 2, id: {panel} is not a milestone of this proposal; leave it blank for a new milestone"),
    ("x1,Step,internal,owner@example.org,,2026-04-09", "Row 2, id: “x1” is not a milestone number; leave it blank for a new milestone"),
    ("Draft the case,internal,owner@example.org,,2026-03-16",
     "Row 2: the same title and due date as milestone {draft}, which has no row in the file"),
    (GOOD + ",,,,too,many", "Row 2: it has 10 cells but the file has 8 columns"),
])
def test_each_bad_row_is_named_by_row_and_column_and_nothing_is_imported(staff_client, setting, row, expected):
    factories.make_user(Role.STAFF, email="inactive@example.org", active=False)
    factories.make_user(Role.BOARD, email="board@example.org")
    ids = {key: setting[key].id for key in ("board", "other", "panel", "draft")}
    columns = "id,title,kind,owner,start,due,state,depends on" if row[0] in "{x" else "title,kind,owner,start,due,state,depends on,notes"
    content = f"{columns}\n{row.format(**ids)}\n{_good_row(columns)}\n"
    before = milestone_count()

    response = upload(staff_client, setting["proposal"], content)

    assert problems(response) == [expected.format(**ids)]
    assert error_summary(response) == [("The file has 1 problem: fix it and upload it again. Nothing has been imported", "#csv_file")]
    assert soup(response).title.get_text().startswith("Error: Import milestones")
    assert soup(response).find("button", string=lambda s: s and "Confirm import" in s) is None
    assert milestone_count() == before


def _good_row(columns: str) -> str:
    """A valid new row in these columns (the file's other row: it is not imported either)."""
    values = {"id": "", "title": "Fine row", "kind": "delivery", "owner": "owner@example.org", "start": "",
              "due": "2026-07-01", "state": "", "depends on": "", "notes": ""}
    return ",".join(values[column] for column in columns.split(","))


def test_duplicate_rows_are_refused(staff_client, setting):
    board = setting["board"].id
    content = (
        "id,title,kind,owner,due\n"
        "  ,Gateway review,gateway,owner@example.org,2026-04-20\n"
        ",gateway REVIEW,gateway,owner@example.org,2026-04-20\n"
        f"{board},Board,board,owner@example.org,2026-04-02\n"
        f"{board},Board again,board,owner@example.org,2026-04-03\n"
    )
    response = upload(staff_client, setting["proposal"], content)
    assert problems(response) == [
        f"Row 5, id: milestone {board} is on row 4 too",
        "Row 3: the same title and due date as row 2",
    ]
    assert error_summary(response)[0][0].startswith("The file has 2 problems: fix them")


def test_dependency_changes_that_together_make_a_cycle_are_refused(staff_client, setting):
    draft, board = setting["draft"].id, setting["board"].id
    content = (
        "id,title,kind,owner,due,depends on\n"
        f"{draft},Draft the case,internal,owner@example.org,2026-03-16,{board}\n"
    )
    response = upload(staff_client, setting["proposal"], content)
    assert problems(response) == [
        "Row 2, depends on: that would make a cycle: Draft the case → =Board sign-off → Draft the case"
    ]


def test_a_file_that_is_not_utf8_or_too_big_is_refused(staff_client, setting):
    latin = upload(staff_client, setting["proposal"], "title,kind,owner,due\nCafé,internal,owner@example.org,2026-04-01\n".encode("latin-1"))
    assert error_summary(latin) == [("The file must be a CSV file saved as UTF-8 (in Excel: CSV UTF-8)", "#csv_file")]
    big = upload(staff_client, setting["proposal"], "title\n" + "x" * csvio.MAX_BYTES)
    assert error_summary(big) == [("The file must be 200 KB or smaller", "#csv_file")]
    nothing = staff_client.post(f"/proposals/{setting['proposal'].id}/milestones/import", data={})
    assert error_summary(nothing) == [("Select a CSV file", "#csv_file")]


def test_a_byte_order_mark_and_a_proposal_column_with_the_title_are_fine(staff_client, setting):
    content = "\ufeffproposal,title,kind,owner,due\nHydrogen valley,Gateway review,gateway,owner@example.org,2026-04-20\n"
    preview = upload(staff_client, setting["proposal"], content.encode())
    assert [text(cell) for cell in soup(preview).select("#to-add tbody th")] == ["2"]
    wrong = upload(staff_client, setting["proposal"], content.replace("Hydrogen valley", "Biochar"))
    assert problems(wrong) == ["Row 2, proposal: “Biochar” is not this proposal: leave it blank or write “Hydrogen valley”"]


def test_the_import_page_explains_the_columns(staff_client, setting):
    page = soup(staff_client.get(f"/proposals/{setting['proposal'].id}/milestones/import"))
    assert "The columns are " + ", ".join(csvio.HEADERS) in text(page)
    assert page.select_one(f"a[href='/proposals/{setting['proposal'].id}/milestones.csv']")
