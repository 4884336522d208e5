"""The milestone files and the co-creation report as XLSX beside their CSV: the same table in
both formats, dates as dates; the milestone files keep to the rows the timeline's filters show
(unknown values ignored, as the timeline ignores them), and the timelines link them with their
filters."""

from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import factories
from tests.pages import soup
from tests.test_contributions_report import answer, give, march, open_proposal
from tests.test_exports_table import column, read_csv, read_xlsx
from tests.test_milestones_csv import setting  # noqa: F401 (a fixture)
from tracker.auth.models import Role
from tracker.contributions.models import ContributionStatus
from tracker.milestones.models import MilestoneKind, MilestoneState
from tracker.proposals.models import ProposalStage

TODAY = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("tracker.milestones.views.timelines.today", lambda: TODAY)


def both(client, address: str) -> tuple[list[list], list[list]]:
    """The CSV and the XLSX at `address` (without its extension; a query string may follow)."""
    path, _, query = address.partition("?")
    query = f"?{query}" if query else ""
    return read_csv(client.get(f"{path}.csv{query}")), read_xlsx(client.get(f"{path}.xlsx{query}"))


def shown_ids(response) -> list[int]:
    """The milestones a timeline's table shows."""
    return sorted(int(row["id"].removeprefix("row-")) for row in soup(response).select("#milestones tr[id^=row-]"))


def test_a_proposals_milestones_as_xlsx_are_the_csvs_rows_with_real_dates(staff_client, setting):  # noqa: F811
    csv_rows, xlsx_rows = both(staff_client, f"/proposals/{setting['proposal'].id}/milestones")

    assert xlsx_rows[0] == csv_rows[0]
    draft = xlsx_rows[1]
    assert dict(zip(xlsx_rows[0], draft, strict=True)) == {
        "id": setting["draft"].id, "proposal": "Hydrogen valley", "title": "Draft the case", "kind": "internal",
        "owner": "owner@example.org", "start": datetime(2026, 3, 1), "due": datetime(2026, 3, 16),
        "state": "done", "done on": datetime(2026, 3, 14), "depends on": None,
        "notes": "'- first line\nsecond line",
    }
    assert column(xlsx_rows, "title") == ["Draft the case", "'=Board sign-off"]
    assert column(csv_rows, "title") == ["Draft the case", "'=Board sign-off"]


@pytest.mark.parametrize("query,count", [
    ("", 4), ("kind=board", 1), ("rag=amber", 1), ("rag=green&kind=internal", 1), ("owner={owner}", 4),
    ("kind=poem&rag=purple&owner=99999", 4),  # values that name nothing are ignored
])
def test_a_programmes_milestones_are_those_its_timeline_shows(board_client, setting, query, count):  # noqa: F811
    query = query.format(owner=setting["owner"].id)
    programme = setting["programme"].id
    shown = shown_ids(board_client.get(f"/programmes/{programme}/timeline?{query}"))

    csv_rows, xlsx_rows = both(board_client, f"/programmes/{programme}/milestones?{query}")

    assert sorted(int(key) for key in column(csv_rows, "id")) == shown
    assert sorted(column(xlsx_rows, "id")) == shown
    assert len(shown) == count


def test_a_proposals_milestones_are_its_own_that_its_timeline_shows(staff_client, setting):  # noqa: F811
    """The proposal's file holds only its own milestones (the import's rows), not the programme's
    dates the timeline draws beside them."""
    proposal, panel = setting["proposal"].id, setting["panel"].id
    for query, own in (("", [setting["draft"].id, setting["board"].id]), ("kind=board", [setting["board"].id])):
        shown = shown_ids(staff_client.get(f"/proposals/{proposal}/milestones?{query}"))

        csv_rows, xlsx_rows = both(staff_client, f"/proposals/{proposal}/milestones?{query}")

        assert [key for key in shown if key != panel] == own
        assert column(xlsx_rows, "id") == [int(key) for key in column(csv_rows, "id")] == own


def test_the_timelines_link_both_files_with_their_filters(staff_client, setting):  # noqa: F811
    for page, path in (
        (f"/proposals/{setting['proposal'].id}/milestones", f"/proposals/{setting['proposal'].id}/milestones"),
        (f"/programmes/{setting['programme'].id}/timeline", f"/programmes/{setting['programme'].id}/milestones"),
    ):
        links = soup(staff_client.get(f"{page}?kind=board&page=2")).select("a[download]")
        assert [urlsplit(link["href"]).path for link in links] == [f"{path}.csv", f"{path}.xlsx"]
        assert all(parse_qs(urlsplit(link["href"]).query) == {"kind": ["board"]} for link in links)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_experts_may_not_download_milestones_even_of_a_proposal_open_to_them(client_as, setting, file_format):  # noqa: F811
    proposal = factories.make_proposal(stage=ProposalStage.CO_CREATION)
    factories.make_milestone(proposal, state=MilestoneState.BLOCKED, kind=MilestoneKind.BOARD)
    expert = client_as(Role.EXPERT)
    assert expert.get(f"/proposals/{proposal.id}/milestones").status_code == 200
    assert expert.get(f"/proposals/{proposal.id}/milestones.{file_format}").status_code == 403
    assert not soup(expert.get(f"/proposals/{proposal.id}/milestones")).select("a[download]")


def test_the_co_creation_report_as_xlsx_has_the_csvs_rows(staff_client):
    staff = factories.make_user(Role.STAFF)
    proposal = open_proposal(owner=staff)
    expert = factories.make_user(Role.EXPERT, name="Alice Adams", organisation=factories.make_organisation("Aston"))
    contribution = give(proposal, expert, factories.make_sector("Health tech"), "+Use NHS data", march(1))
    answer(contribution, staff, ContributionStatus.DECLINED, march(3), reason="Out of scope")

    csv_rows, xlsx_rows = both(staff_client, f"/proposals/{proposal.id}/co-creation-report")

    assert xlsx_rows[0] == csv_rows[0]
    cells = dict(zip(xlsx_rows[0], xlsx_rows[1], strict=True))
    assert cells["Contribution id"] == contribution.id and cells["Title"] == "'+Use NHS data"
    assert (cells["Given"], cells["Answered"]) == (datetime(2024, 3, 1, 12), datetime(2024, 3, 3, 12))
    assert (cells["Response"], cells["Reason"], cells["Days to response"]) == ("Declined", "Out of scope", 2)
    assert [str(value) if isinstance(value, int) else value for value in xlsx_rows[1][:11]] == csv_rows[1][:11]
