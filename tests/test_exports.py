"""The proposals and contributions exports through HTTP: each, read back as CSV and as XLSX,
has the rows its page shows for the same filters (unknown values ignored alike), only rows the
reader may see, the page's permissions (an id guessed gets the page's 403 or 404), and links on
the page that carry its filters; a list past the cap goes back to the page with a message."""

from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import factories
from tests.pages import soup, text
from tests.permissions.exports import ROWS
from tests.test_contributions_triage import give, titles, url, world  # noqa: F401 (a fixture)
from tests.test_exports_table import column, read_csv, read_xlsx
from tests.test_permissions import TABLE
from tracker.auth.models import Role
from tracker.contributions.models import ContributionKind, ContributionStatus
from tracker.exports import table
from tracker.exports import views as export_views
from tracker.proposals.models import ProposalStage

FORMATS = ("csv", "xlsx")

# Each export and the page it mirrors: the same permission row.
MIRRORS = {
    "exports.proposals": "proposals.index",
    "exports.contributions": "contributions.triage",
    "exports.assessments": "prioritisation.ranking",
    "exports.proposal_activity": "activity.proposal_activity",
    "exports.activity": "activity.index",
    "milestones.proposal_csv": "milestones.proposal_timeline",
    "milestones.programme_csv": "milestones.programme_timeline",
    "contributions.report_csv": "contributions.report",
}


def test_every_export_has_the_permission_row_of_the_page_it_mirrors():
    assert {endpoint for endpoint, _ in ROWS} <= MIRRORS.keys()
    for export, page in MIRRORS.items():
        assert TABLE[(export, "GET")] == TABLE[(page, "GET")], export


def read(client, address: str, file_format: str) -> list[list]:
    """A download read back in its format, header first (CSV cells are text, XLSX typed)."""
    response = client.get(address)
    return read_csv(response) if file_format == "csv" else read_xlsx(response)


def export_of(page_url: str, file_format: str) -> str:
    """The export's address for a page's: /proposals/?a=b -> /proposals/export.csv?a=b."""
    path, _, query = page_url.partition("?")
    path = "/proposals/export" if path == "/proposals/" else path
    return f"{path}.{file_format}" + (f"?{query}" if query else "")


def page_titles(response) -> list[str]:
    """The proposals the list page shows, in order."""
    return [text(link) for link in soup(response).select("table.govuk-table tbody td:first-child a")]


# Proposals -------------------------------------------------------------------------------------

@pytest.fixture
def proposals():
    """Two proposals in one programme (one open for input), one in another, and a sector."""
    programme = factories.make_programme("West Midlands IA")
    owner = factories.make_user(Role.STAFF, name="Olu Owner")
    return {
        "programme": programme,
        "owner": owner,
        "hydrogen": factories.make_proposal(programme=programme, owner=owner, title="Hydrogen valley",
                                            funding_ask=14_500_000, input_closes_on=date(2030, 5, 1),
                                            stage=ProposalStage.CO_CREATION),
        "biochar": factories.make_proposal(programme=programme, title="Biochar", funding_ask=1_800_000),
        "elsewhere": factories.make_proposal(title="Elsewhere"),
    }


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("query", [
    "",
    "programme={programme}",
    "programme={programme}&stage=co_creation",
    "stage=draft,co_creation&q=o",
    "owner={owner}",
    # Values that name nothing are ignored, on the page and in the export alike.
    "stage=lost&programme=abc&owner=-1&sector=nowhere&page=many",
])
def test_the_proposals_export_has_the_rows_the_list_shows(staff_client, proposals, query, file_format):
    page_url = "/proposals/?" + query.format(programme=proposals["programme"].id, owner=proposals["owner"].id)
    shown = page_titles(staff_client.get(page_url))

    rows = read(staff_client, export_of(page_url, file_format), file_format)

    assert column(rows, "Title") == shown and shown


def test_a_proposals_row_in_both_formats(staff_client, proposals):
    hydrogen = proposals["hydrogen"]
    csv_row = read(staff_client, "/proposals/export.csv?q=hydrogen", "csv")
    xlsx_row = read(staff_client, "/proposals/export.xlsx?q=hydrogen", "xlsx")

    header = ["Proposal id", "Title", "Lead organisation", "Programme", "Owner", "Stage", "Funding ask",
              "Input closes on", "Last changed (UK time)"]
    assert csv_row[0] == xlsx_row[0] == header
    changed = csv_row[1].pop()
    assert datetime.fromisoformat(changed) == hydrogen.updated_at.replace(microsecond=0)
    assert csv_row[1] == [str(hydrogen.id), "Hydrogen valley", hydrogen_lead(hydrogen), "West Midlands IA",
                          "Olu Owner", "Co-creation", "14500000", "2030-05-01"]
    assert isinstance(xlsx_row[1].pop(), datetime)
    assert xlsx_row[1] == [hydrogen.id, "Hydrogen valley", hydrogen_lead(hydrogen), "West Midlands IA",
                           "Olu Owner", "Co-creation", 14_500_000, datetime(2030, 5, 1)]


def hydrogen_lead(proposal) -> str:
    from tracker.extensions import db
    from tracker.organisations.models import Organisation

    return db.session.get(Organisation, proposal.lead_organisation_id).name


def test_an_expert_exports_only_the_proposals_open_to_them(expert_client, proposals):
    """The draft proposals are hidden rows: not on the page, not in either file, whatever the filters."""
    for query in ("", "stage=draft", f"programme={proposals['programme'].id}"):
        shown = page_titles(expert_client.get(f"/proposals/?{query}"))
        for file_format in FORMATS:
            rows = read(expert_client, export_of(f"/proposals/?{query}", file_format), file_format)
            assert column(rows, "Title") == shown
            assert "Biochar" not in column(rows, "Title") and "Elsewhere" not in column(rows, "Title")
    assert column(read(expert_client, "/proposals/export.csv", "csv"), "Title") == ["Hydrogen valley"]


@pytest.mark.parametrize("file_format", FORMATS)
def test_proposal_text_cannot_run_as_a_formula(staff_client, file_format):
    factories.make_proposal(title="=HYPERLINK(\"http://evil.example\",\"Click\")",
                            lead_organisation_id=factories.make_organisation("@SUM(1+1)").id)
    rows = read(staff_client, f"/proposals/export.{file_format}", file_format)
    assert column(rows, "Title") == ["'=HYPERLINK(\"http://evil.example\",\"Click\")"]
    assert column(rows, "Lead organisation") == ["'@SUM(1+1)"]


def test_the_files_are_named_for_the_list_and_the_day(staff_client, proposals, monkeypatch):
    monkeypatch.setattr(export_views, "uk_today", lambda: date(2026, 3, 27))
    for file_format in FORMATS:
        response = staff_client.get(f"/proposals/export.{file_format}")
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="proposals-2026-03-27.{file_format}"')
    response = staff_client.get(f"/proposals/{proposals['hydrogen'].id}/contributions.xlsx")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="contributions-proposal-{proposals["hydrogen"].id}-2026-03-27.xlsx"')


def test_the_list_links_its_exports_with_its_filters_but_not_its_page(staff_client, proposals):
    programme = proposals["programme"].id
    page = soup(staff_client.get(f"/proposals/?programme={programme}&stage=draft&stage=co_creation&page=1"))

    links = {link["href"].split("?")[0]: parse_qs(urlsplit(link["href"]).query)
             for link in page.select("a[download]")}

    expected = {"programme": [str(programme)], "stage": ["draft", "co_creation"]}  # as the page had them
    assert links == {"/proposals/export.csv": expected, "/proposals/export.xlsx": expected}


def test_a_list_longer_than_the_cap_goes_back_to_the_page_with_a_message(staff_client, proposals, monkeypatch):
    monkeypatch.setattr(table, "MAX_ROWS", 2)
    response = staff_client.get("/proposals/export.xlsx?stage=draft,co_creation&q=")

    assert response.status_code == 302
    assert response.location == "/proposals/?stage=draft,co_creation&q="
    banner = text(soup(staff_client.get(response.location)).select_one(".govuk-notification-banner"))
    assert "There are more than 2 rows to download. Narrow the list with the filters" in banner
    assert len(column(read(staff_client, "/proposals/export.csv?q=valley", "csv"), "Title")) == 1


# Contributions ---------------------------------------------------------------------------------

@pytest.fixture
def given(world):  # noqa: F811 (the fixture imported above)
    """Three contributions by two experts: one a formula, one answered, one withdrawn."""
    return [
        give(world, "ada", "=Oldest risk", days_ago=20, kind=ContributionKind.RISK, section="risks"),
        give(world, "ben", "Market evidence", days_ago=10, kind=ContributionKind.EVIDENCE,
             section="market", status=ContributionStatus.NOTED),
        give(world, "ada", "Taken back", days_ago=3, status=ContributionStatus.WITHDRAWN),
    ]


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("args", [
    {}, {"status": "noted"}, {"section": "risks"}, {"sort": "newest"}, {"author": "ada"},
    {"status": "lost", "kind": "poem", "sector": "abc", "author": "99999", "sort": "sideways"},
])
def test_the_contributions_export_has_the_rows_triage_shows(board_client, world, given, args, file_format):  # noqa: F811
    args = {key: world[value].id if key == "author" and value in world else value for key, value in args.items()}
    page_url = url(world, **args)
    shown = titles(board_client.get(page_url))

    rows = read(board_client, export_of(page_url, file_format), file_format)

    assert [title.removeprefix("'") for title in column(rows, "Title")] == shown and shown


def test_a_contributions_row_in_both_formats_for_staff(staff_client, world, given):  # noqa: F811
    oldest = given[0]
    csv_rows = read(staff_client, export_of(url(world, kind="risk"), "csv"), "csv")
    xlsx_rows = read(staff_client, export_of(url(world, kind="risk"), "xlsx"), "xlsx")

    header = ["Contribution id", "Title", "Kind", "Sector or theme", "Section", "Author", "Organisation",
              "Organisation type", "Given (UK time)", "Status"]
    assert csv_rows[0] == xlsx_rows[0] == header
    assert datetime.fromisoformat(csv_rows[1].pop(8)) == oldest.created_at.replace(microsecond=0)
    assert csv_rows[1] == [str(oldest.id), "'=Oldest risk", "Risk", "Health tech", "Risks", "Ada",
                           "Ada's employer", "University", "Submitted"]
    assert isinstance(xlsx_rows[1].pop(8), datetime)
    assert xlsx_rows[1] == [oldest.id, "'=Oldest risk", "Risk", "Health tech", "Risks", "Ada",
                            "Ada's employer", "University", "Submitted"]


@pytest.mark.parametrize("file_format", FORMATS)
def test_an_expert_exports_only_their_own_input_without_an_author_column(client_as, world, given, file_format):  # noqa: F811
    from tests.conftest import sign_in

    ada = client_as(Role.EXPERT)
    sign_in(ada, world["ada"])
    shown = titles(ada.get(url(world)))

    rows = read(ada, export_of(url(world), file_format), file_format)

    assert [title.removeprefix("'") for title in column(rows, "Title")] == shown == ["=Oldest risk", "Taken back"]
    assert "Author" not in rows[0] and "Organisation" not in rows[0]  # Ben's evidence is a hidden row


@pytest.mark.parametrize("file_format", FORMATS)
def test_guessing_a_proposals_address_gets_what_the_page_gets(client_as, world, given, file_format):  # noqa: F811
    """An expert asking for the export of a proposal they cannot see is refused as the page
    refuses them, and learns nothing; a proposal that does not exist is 404 for everyone."""
    expert = client_as(Role.EXPERT)
    hidden = factories.make_proposal(title="Secret bid")
    for address in (f"/proposals/{hidden.id}/contributions", f"/proposals/{hidden.id}/activity"):
        page = expert.get(address)
        export = expert.get(f"{address}.{file_format}")
        assert page.status_code == export.status_code == 403
        assert "Secret bid" not in export.get_data(as_text=True)
    for address in ("/proposals/999999/contributions", "/proposals/999999/activity"):
        assert expert.get(f"{address}.{file_format}").status_code == expert.get(address).status_code == 404
