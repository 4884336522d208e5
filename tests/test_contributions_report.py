"""The co-creation report ("you said, we did"): its figures against a small fixture counted by
hand, the page, the CSV parsed back, who may read it, and what it never shows."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from tests import factories
from tests.pages import soup, summary_list, text
from tracker.auth.models import Role
from tracker.contributions import services
from tracker.contributions.models import ContributionKind, ContributionStatus
from tracker.contributions.report import CSV_HEADER, report_figures, whole_percentages
from tracker.extensions import db
from tracker.organisations.models import OrganisationType
from tracker.proposals.models import Proposal, ProposalStage
from tracker.sections.models import DEFAULT_SECTIONS
from tracker.sections.queries import section_by_key
from tracker.sectors.models import SectorKind

K, S, O = ContributionKind, ContributionStatus, OrganisationType
SECTION_TITLES = [title for _, title, _ in DEFAULT_SECTIONS]
NEED, RISKS, NONE = "Need or challenge", "Risks", "No particular section"


def march(day: int) -> datetime:
    """Noon UTC on a day in March 2024 (GMT, so the UK date is the same day)."""
    return datetime(2024, 3, day, 12, 0, tzinfo=UTC)


def open_proposal(**values):
    return factories.make_proposal(
        stage=ProposalStage.CO_CREATION, input_closes_on=date.today() + timedelta(days=7), **values
    )


def give(proposal, author, sector, title, given, kind=K.COMMENT, section=None, type_only=False):
    """Input through the service, then dated `given`."""
    contribution = services.submit_contribution(
        proposal, author, kind=kind, title=title, body="Why.", sector=sector,
        section=section_by_key(proposal.id, section) if section else None,
        suggested_text="A better text." if kind is K.SUGGESTED_CHANGE else None,
        show_type_only=type_only,
    )
    db.session.flush()
    contribution.created_at = given
    db.session.commit()
    return contribution


def answer(contribution, staff, outcome, answered, reason=""):
    """Staff's response through the service, then dated `answered`."""
    proposal = db.session.get(Proposal, contribution.proposal_id)
    response = services.respond(contribution, proposal, outcome=outcome, reason=reason, actor=staff)
    db.session.flush()
    response.responded_at = answered
    db.session.commit()
    return response


@pytest.fixture
def fixture():
    """The hand-counted fixture. Eight reported contributions and one withdrawn:

    id  author (organisation, type)        sector (kind)           section  given  outcome, answered
    c1  Alice (Aston University, univ.)    Health tech (sector)    Need     1 Mar  accepted, 2 Mar   (1 day)
    c2  Bob*  (Birmingham University, un.) Health tech             Need     1 Mar  partly, 3 Mar     (2 days)
    c3  Carol (Carol's Widgets, business)  Clean tech (sector)     none     2 Mar  declined, 5 Mar   (3 days)
    c4  Dan   (Dudley NHS Trust, NHS)      Skills (theme)          Risks    2 Mar  noted, 8 Mar      (6 days)
    c5  Eve   (Aston University, univ.)    Clean tech              Risks    3 Mar  noted, 10 Mar     (7 days)
    c6  Alice (Aston University)           Advanced materials†     none     4 Mar  noted, 14 Mar     (10 days)
    c7  Carol (Carol's Widgets)            Health tech             Need     5 Mar  under review
    c8  Bob*  (Birmingham University)      Skills                  none     6 Mar  submitted
    c9  Wendy (Withdrawn Ltd, business)    Digital (sector)        Need     6 Mar  withdrawn: left out

    * Bob asked to appear only as his organisation type.  † retired after the input was given.
    c1 is a suggested change; accepting it makes revision 1 of Need or challenge.
    """
    staff = factories.make_user(Role.STAFF)
    proposal = open_proposal(owner=staff)
    sector = {
        "health": factories.make_sector("Health tech"),
        "clean": factories.make_sector("Clean tech"),
        "skills": factories.make_sector("Skills", kind=SectorKind.THEME),
        "digital": factories.make_sector("Digital"),
        "materials": factories.make_sector("Advanced materials"),
    }
    aston = factories.make_organisation("Aston University", O.UNIVERSITY)

    def expert(name, organisation):
        return factories.make_user(Role.EXPERT, name=name, organisation=organisation)

    alice, eve = expert("Alice Adams", aston), expert("Eve Evans", aston)
    bob = expert("Bob Brown", factories.make_organisation("Birmingham University", O.UNIVERSITY))
    carol = expert("Carol Cole", factories.make_organisation("Carol's Widgets Ltd", O.BUSINESS))
    dan = expert("Dan Dunn", factories.make_organisation("Dudley NHS Trust", O.NHS_BODY))
    wendy = expert("Wendy Wood", factories.make_organisation("Withdrawn Ltd", O.BUSINESS))

    c = {}
    c[1] = give(proposal, alice, sector["health"], "Use regional NHS data", march(1),
                kind=K.SUGGESTED_CHANGE, section="need")
    c[2] = give(proposal, bob, sector["health"], "Name the hospitals", march(1), section="need",
                type_only=True)
    c[3] = give(proposal, carol, sector["clean"], "Grid connection delays", march(2), kind=K.RISK)
    c[4] = give(proposal, dan, sector["skills"], "Skills survey 2023", march(2), kind=K.EVIDENCE,
                section="risks")
    c[5] = give(proposal, eve, sector["clean"], "Heat pump supply", march(3), section="risks")
    c[6] = give(proposal, alice, sector["materials"], "Prioritise composites", march(4),
                kind=K.PRIORITY_RECOMMENDATION)
    c[7] = give(proposal, carol, sector["health"], "Procurement timelines", march(5), section="need")
    c[8] = give(proposal, bob, sector["skills"], "Apprenticeship data", march(6), kind=K.EVIDENCE,
                type_only=True)
    c[9] = give(proposal, wendy, sector["digital"], "Withdrawn thought", march(6), section="need")

    answer(c[1], staff, S.ACCEPTED, march(2))
    answer(c[2], staff, S.PARTLY_ACCEPTED, march(3), reason="We named two of them")
    answer(c[3], staff, S.DECLINED, march(5), reason="Covered by the risks section")
    answer(c[4], staff, S.NOTED, march(8))
    answer(c[5], staff, S.NOTED, march(10))
    answer(c[6], staff, S.NOTED, march(14))
    services.mark_under_review(proposal, [c[7].id], staff)
    services.withdraw_contribution(c[9], wendy, proposal)
    sector["materials"].is_retired = True
    db.session.commit()
    return {"proposal": proposal, "staff": staff, "c": c}


def url(proposal, suffix="") -> str:
    return f"/proposals/{proposal.id}/co-creation-report{suffix}"


# --- The figures ---------------------------------------------------------------------------

def test_the_figures_match_the_hand_count(fixture):
    figures = report_figures(fixture["proposal"].id)

    # c1-c8; c9 is withdrawn.
    assert figures.contributions == 8
    # Alice, Bob, Carol, Dan, Eve (Alice and Bob twice each; Wendy only withdrew).
    assert figures.contributors == 5
    # Universities: Aston (Alice, Eve) and Birmingham (Bob, counted though not named);
    # businesses: Carol's Widgets only (Withdrawn Ltd gave only withdrawn input); NHS: Dudley.
    assert figures.organisations_by_type == [
        (O.BUSINESS, 1), (O.UNIVERSITY, 2), (O.RTO, 0), (O.PUBLIC_SECTOR_OR_CHARITY, 0), (O.NHS_BODY, 1),
    ]
    assert figures.organisations == 4
    # In use: Health tech, Clean tech, Skills, Digital (Advanced materials is retired).
    # Digital's only input was withdrawn, so 3 of the 4 have input.
    assert (figures.sectors_covered, figures.sectors_in_use) == (3, 4)
    assert figures.sectors_without_input == ["Digital"]
    # Answered: c1 accepted, c2 partly, c3 declined, c4-c6 noted: 1, 1, 1, 3 of 6.
    # Exact shares 16.67%, 16.67%, 16.67%, 50%: rounded one by one they make 17+17+17+50 = 101.
    # Rounded down (16, 16, 16, 50 = 98), the 2 points left go to the largest remainders
    # (0.67 each, a tie: the first two in order), giving 17, 17, 16, 50 = 100.
    assert [(f.outcome, f.count, f.percent) for f in figures.outcomes] == [
        (S.ACCEPTED, 1, 17), (S.PARTLY_ACCEPTED, 1, 17), (S.DECLINED, 1, 16), (S.NOTED, 3, 50),
    ]
    assert sum(f.percent for f in figures.outcomes) == 100
    assert figures.answered == 6
    # Still waiting: c8 submitted, c7 under review.
    assert figures.waiting == {S.SUBMITTED: 1, S.UNDER_REVIEW: 1}
    assert figures.still_waiting == 2
    # Days to a response: 1, 2, 3, 6, 7, 10. An even count: the median is (3 + 6) / 2 = 4.5.
    assert figures.median_days == 4.5
    assert figures.median_days_text == "4.5 days"


def test_the_grid_counts_by_sector_and_section(fixture):
    grid = report_figures(fixture["proposal"].id).grid

    assert grid.columns == SECTION_TITLES + [NONE]
    # Sectors by name, then themes, then the retired one that has input; Digital (withdrawn
    # input only) stays as a row of gaps.
    assert [row.sector.name for row in grid.rows] == [
        "Clean tech", "Digital", "Health tech", "Skills", "Advanced materials",
    ]
    # Clean tech: c5 on Risks, c3 on no section. Health tech: c1, c2, c7 on Need.
    # Skills: c4 on Risks, c8 on no section. Advanced materials: c6 on no section.
    expected = {
        "Clean tech": {RISKS: 1, NONE: 1},
        "Digital": {},
        "Health tech": {NEED: 3},
        "Skills": {RISKS: 1, NONE: 1},
        "Advanced materials": {NONE: 1},
    }
    for row in grid.rows:
        assert row.counts == [expected[row.sector.name].get(column, 0) for column in grid.columns]
    # Need 3, Risks 2, no particular section 3; every other section 0.
    assert grid.column_totals == [{NEED: 3, RISKS: 2, NONE: 3}.get(column, 0) for column in grid.columns]


def test_an_odd_number_of_responses_has_a_middle_median(fixture):
    answer(fixture["c"][7], fixture["staff"], S.NOTED, march(25))
    figures = report_figures(fixture["proposal"].id)

    # Days: 1, 2, 3, 6, 7, 10 and now 20 (5 to 25 March): the 4th of 7 is 6.
    assert figures.median_days == 6
    assert figures.median_days_text == "6 days"
    # 1, 1, 1, 4 of 7: exact 14.29%, 14.29%, 14.29%, 57.14% (rounded one by one: 99).
    # Down: 14, 14, 14, 57 = 99; the 1 point left goes to the first of the 0.29 remainders.
    assert [f.percent for f in figures.outcomes] == [15, 14, 14, 57]
    assert figures.waiting == {S.SUBMITTED: 1, S.UNDER_REVIEW: 0}


@pytest.mark.parametrize("counts,shares", [
    ([1, 1, 1, 3], [17, 17, 16, 50]),
    ([1, 1, 1, 0], [34, 33, 33, 0]),
    ([2, 0, 0, 0], [100, 0, 0, 0]),
    ([1, 2, 3, 4], [10, 20, 30, 40]),
    ([0, 0, 0, 0], [0, 0, 0, 0]),
])
def test_whole_percentages_add_up_to_100(counts, shares):
    assert whole_percentages(counts) == shares


# --- The page ------------------------------------------------------------------------------

def _table(response, table_id) -> list[list[str]]:
    """The body rows of the table with this id, each as its header and cells' text."""
    table = soup(response).find("table", id=table_id)
    assert table is not None, f"no table #{table_id}"
    assert table.caption is not None
    return [[text(cell) for cell in row.find_all(["th", "td"])] for row in table.tbody.find_all("tr")]


def test_the_page_shows_the_figures(fixture, staff_client):
    response = staff_client.get(url(fixture["proposal"]))
    assert response.status_code == 200

    figures = summary_list(response)
    assert figures["Input"] == "8 contributions"
    assert figures["Contributors"] == "5 people"
    assert figures["Organisations"] == (
        "4 organisations Business: 1 University: 2 Research and technology organisation: 0 "
        "Public sector or charity: 0 NHS body: 1"
    )
    assert figures["Sectors and themes covered"] == "3 of the 4 in use No input yet: Digital"
    assert figures["Still waiting for a response"] == "2 (1 submitted, 1 under review)"
    assert figures["Median time to a response"] == "4.5 days"
    assert _table(response, "responses") == [
        ["Accepted", "1", "17%"],
        ["Partly accepted", "1", "17%"],
        ["Declined", "1", "16%"],
        ["Noted", "3", "50%"],
        ["All answered input", "6", "100%"],
    ]


def test_the_grid_marks_each_gap_in_words_not_colour(fixture, staff_client):
    response = staff_client.get(url(fixture["proposal"]))
    table = soup(response).find("table", id="grid")
    headers = [text(th) for th in table.thead.find_all("th")]
    assert all(th["scope"] == "col" for th in table.thead.find_all("th"))
    assert headers == ["Sector or theme"] + SECTION_TITLES + [NONE, "All sections"]

    rows = {row[0]: row[1:] for row in _table(response, "grid")}
    gap = "0 ○ (no input)"
    assert rows["Health tech Sector"] == [
        "3" if title == NEED else gap for title in SECTION_TITLES] + [gap, "3"]
    assert rows["Skills Cross-sector theme"] == [
        "1" if title == RISKS else gap for title in SECTION_TITLES] + ["1", "2"]
    assert rows["Digital Sector"] == [gap] * (len(SECTION_TITLES) + 2)
    assert rows["Advanced materials Sector, retired"] == [gap] * len(SECTION_TITLES) + ["1", "1"]
    assert rows["All sectors and themes"] == [
        {NEED: "3", RISKS: "2"}.get(title, gap) for title in SECTION_TITLES] + ["3", "8"]
    assert all(th["scope"] == "row" for th in table.tbody.find_all("th"))
    # The marker is a symbol with words for screen readers, never a colour alone.
    gap_cell = table.tbody.find("tr").find_all("td")[0]
    assert gap_cell.find(attrs={"aria-hidden": "true"}).get_text() == " ○"
    assert gap_cell.find(class_="govuk-visually-hidden").get_text() == " (no input)"


def test_the_page_lists_every_contribution_but_withdrawn_ones(fixture, staff_client):
    response = staff_client.get(url(fixture["proposal"]))
    rows = _table(response, "contributions")
    c = fixture["c"]

    assert [row[0] for row in rows] == [
        "Use regional NHS data Suggested change to a section's text",
        "Name the hospitals Comment",
        "Grid connection delays Risk",
        "Skills survey 2023 Evidence",
        "Heat pump supply Comment",
        "Prioritise composites Priority recommendation",
        "Procurement timelines Comment",
        "Apprenticeship data Evidence",
    ]
    assert rows[0][1:] == [
        "Alice Adams, Aston University University", "Health tech", NEED, "Accepted", "Accepted", "1",
        f"Revision 1 of {NEED}",
    ]
    assert rows[1][1:] == [
        "A university", "Health tech", NEED, "Partly accepted", "Partly accepted: We named two of them",
        "2", "None",
    ]
    assert rows[2][1:4] == ["Carol Cole, Carol's Widgets Ltd Business", "Clean tech", NONE]
    assert rows[5][2] == "Advanced materials"
    assert rows[6][4:7] == ["Under review", "Waiting for a response", "Not answered"]
    assert rows[7][1] == "A university"
    page = soup(response)
    link = page.find("a", string=f"Revision 1 of {NEED}")
    assert link["href"].startswith(f"/proposals/{fixture['proposal'].id}/sections/need/compare")
    assert page.find("a", string="Use regional NHS data")["href"] == f"/contributions/{c[1].id}"
    html = response.get_data(as_text=True)
    for withdrawn in ("Withdrawn thought", "Wendy Wood", "Withdrawn Ltd"):
        assert withdrawn not in html


def test_type_only_authors_are_never_named(fixture, staff_client):
    """Bob asked to appear only as his organisation type: neither his name nor his
    organisation's appears anywhere in the report or its CSV."""
    html = staff_client.get(url(fixture["proposal"])).get_data(as_text=True)
    csv_text = staff_client.get(url(fixture["proposal"], ".csv")).get_data(as_text=True)
    for document in (html, csv_text):
        assert "Bob Brown" not in document
        assert "Birmingham University" not in document
    assert "A university" in html
    assert "Alice Adams" in html and "Alice Adams" in csv_text  # the others are named


def test_an_author_with_no_organisation_who_asked_not_to_be_named(staff_client):
    proposal = open_proposal()
    expert = factories.make_user(Role.EXPERT, name="Nameless Nell")
    give(proposal, expert, factories.make_sector(), "A quiet word", march(1), type_only=True)

    response = staff_client.get(url(proposal))
    assert _table(response, "contributions")[0][1] == "A sector expert"
    assert "Nameless Nell" not in response.get_data(as_text=True)


def test_a_proposal_without_responses_says_so(staff_client):
    proposal = open_proposal()
    give(proposal, factories.make_user(Role.EXPERT), factories.make_sector(), "First word", march(1))

    response = staff_client.get(url(proposal))
    assert summary_list(response)["Median time to a response"] == "No responses yet"
    assert _table(response, "responses")[0] == ["Accepted", "0", "No responses yet"]


def test_a_proposal_without_input_shows_an_empty_report(staff_client):
    proposal = open_proposal()
    response = staff_client.get(url(proposal))
    assert response.status_code == 200
    assert summary_list(response)["Input"] == "0 contributions"
    assert "No input has been given on this proposal yet." in text(soup(response))


def test_the_table_is_paginated_but_the_figures_cover_every_row(fixture, staff_client, app, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_PAGE_SIZE", 3)

    first = staff_client.get(url(fixture["proposal"]))
    last = staff_client.get(url(fixture["proposal"], "?page=3"))

    assert [row[0].split(" ")[0] for row in _table(first, "contributions")] == ["Use", "Name", "Grid"]
    assert [row[0].split(" ")[0] for row in _table(last, "contributions")] == ["Procurement", "Apprenticeship"]
    for response in (first, last):
        assert summary_list(response)["Input"] == "8 contributions"
        assert summary_list(response)["Median time to a response"] == "4.5 days"
    assert soup(first).select_one(".govuk-pagination") is not None


def test_the_report_fits_on_one_page_by_default(app):
    assert app.config["REPORT_PAGE_SIZE"] == 200


def test_the_page_tells_people_how_to_print_it_and_links_the_csv(fixture, staff_client):
    page = soup(staff_client.get(url(fixture["proposal"])))
    help_box = page.select_one(".tracker-print-help")
    assert "Print this report" in text(help_box)
    assert "Print command" in text(help_box)
    assert help_box.find("a")["href"] == url(fixture["proposal"], ".csv")


# --- Who may read it -----------------------------------------------------------------------

@pytest.mark.parametrize("role,status", [
    (Role.STAFF, 200), (Role.ADMIN, 200), (Role.BOARD, 200), (Role.EXPERT, 403),
])
@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_staff_and_the_board_read_the_report_and_experts_do_not(client_as, role, status, suffix):
    """The proposal is open for input, so experts may see it: the report refuses them anyway."""
    proposal = open_proposal()
    give(proposal, factories.make_user(Role.EXPERT), factories.make_sector(), "A word", march(1))
    response = client_as(role).get(url(proposal, suffix))
    assert response.status_code == status


def test_a_missing_proposal_has_no_report(staff_client):
    assert staff_client.get("/proposals/999999/co-creation-report").status_code == 404
    assert staff_client.get("/proposals/999999/co-creation-report.csv").status_code == 404


# --- The CSV -------------------------------------------------------------------------------

def _csv(response) -> list[list[str]]:
    body = response.get_data()
    assert not body.startswith(b"\xef\xbb\xbf"), "no byte order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


def test_the_csv_has_a_row_per_contribution(fixture, board_client):
    proposal, c = fixture["proposal"], fixture["c"]
    response = board_client.get(url(proposal, ".csv"))

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(  # then the date
        f'attachment; filename="co-creation-report-proposal-{proposal.id}-'
    )
    header, *rows = _csv(response)
    assert header == list(CSV_HEADER)
    assert header == [
        "Contribution id", "Title", "Author", "Organisation", "Organisation type", "Sector or theme",
        "Section", "Kind", "Status", "Response", "Reason", "Given", "Answered", "Days to response",
        "Revision number",
    ]

    def given(day):
        return f"2024-03-{day:02}T12:00:00+00:00"

    assert rows == [
        [str(c[1].id), "Use regional NHS data", "Alice Adams", "Aston University", "University",
         "Health tech", NEED, "Suggested change to a section's text", "Accepted", "Accepted", "",
         given(1), given(2), "1", "1"],
        [str(c[2].id), "Name the hospitals", "", "", "University", "Health tech", NEED, "Comment",
         "Partly accepted", "Partly accepted", "We named two of them", given(1), given(3), "2", ""],
        [str(c[3].id), "Grid connection delays", "Carol Cole", "Carol's Widgets Ltd", "Business",
         "Clean tech", NONE, "Risk", "Declined", "Declined", "Covered by the risks section",
         given(2), given(5), "3", ""],
        [str(c[4].id), "Skills survey 2023", "Dan Dunn", "Dudley NHS Trust", "NHS body", "Skills",
         RISKS, "Evidence", "Noted", "Noted", "", given(2), given(8), "6", ""],
        [str(c[5].id), "Heat pump supply", "Eve Evans", "Aston University", "University", "Clean tech",
         RISKS, "Comment", "Noted", "Noted", "", given(3), given(10), "7", ""],
        [str(c[6].id), "Prioritise composites", "Alice Adams", "Aston University", "University",
         "Advanced materials", NONE, "Priority recommendation", "Noted", "Noted", "", given(4),
         given(14), "10", ""],
        [str(c[7].id), "Procurement timelines", "Carol Cole", "Carol's Widgets Ltd", "Business",
         "Health tech", NEED, "Comment", "Under review", "", "", given(5), "", "", ""],
        [str(c[8].id), "Apprenticeship data", "", "", "University", "Skills", NONE, "Evidence",
         "Submitted", "", "", given(6), "", "", ""],
    ]


def test_the_csv_is_not_paginated(fixture, staff_client, app, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_PAGE_SIZE", 3)
    header, *rows = _csv(staff_client.get(url(fixture["proposal"], ".csv")))
    assert len(rows) == 8


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_the_csv_neutralises_formulas(staff_client, start):
    """A cell a spreadsheet would run as a formula starts with a quote mark instead."""
    staff = factories.make_user(Role.STAFF)
    proposal = open_proposal(owner=staff)
    expert = factories.make_user(
        Role.EXPERT, name=f"{start}Mallory", organisation=factories.make_organisation(f"{start}Evil Ltd"),
    )
    contribution = give(proposal, expert, factories.make_sector(f"{start}Sector"),
                        f"{start}HYPERLINK(\"http://example.com\")", march(1))
    answer(contribution, staff, S.DECLINED, march(2), reason="@SUM(1+2)")  # reasons are stripped

    header, row = _csv(staff_client.get(url(proposal, ".csv")))
    cells = dict(zip(header, row, strict=True))
    assert cells["Title"] == f"'{start}HYPERLINK(\"http://example.com\")"
    assert cells["Author"] == f"'{start}Mallory"
    assert cells["Organisation"] == f"'{start}Evil Ltd"
    assert cells["Sector or theme"] == f"'{start}Sector"
    assert cells["Reason"] == "'@SUM(1+2)"
    assert cells["Days to response"] == "1"  # numbers are left alone
