"""The portfolio page: the funding asked per sector and theme against the programme's targets,
checked against figures worked out by hand, with its stage filter, its chart and the links to
the proposals behind each figure."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import factories
from tests.pages import soup, text
from tracker.extensions import db
from tracker.portfolio.models import ProgrammeTarget
from tracker.priorities.models import SectorPriority
from tracker.proposals.models import ProposalStage
from tracker.sectors.models import SectorKind

IN_PLAY = [stage for stage in ProposalStage if not stage.is_closed]


def give_priorities(proposal, *priorities) -> None:
    """(sector, share) pairs as the proposal's priorities, ranked in the order given."""
    db.session.add_all(
        SectorPriority(proposal_id=proposal.id, sector_id=sector.id, rank=rank, share=Decimal(share),
                       rationale="Serves it.")
        for rank, (sector, share) in enumerate(priorities, start=1)
    )
    db.session.commit()


def give_targets(programme, *targets) -> None:
    """(sector, share) pairs as the programme's targets."""
    db.session.add_all(
        ProgrammeTarget(programme_id=programme.id, sector_id=sector.id, share=Decimal(share))
        for sector, share in targets
    )
    db.session.commit()


@pytest.fixture
def portfolio():
    """Four proposals in one programme, worked out by hand below:

    - Diagnostics, co-creation, £1,000,000: health tech 60%, sustainability 20% (20% over)
      -> health £600,000, sustainability £200,000, not allocated £200,000
    - Biochar, funded, £500,000: clean tech 100% -> clean £500,000
    - Sensors, draft, £10: health, clean, sustainability 33.33% each (0.01% over)
      -> £4 (first rank takes the odd pound), £3, £3, not allocated £0
    - Old bid, withdrawn, £2,000,000, no priorities -> not allocated £2,000,000

    Targets: health 40%, clean 30%, sustainability 10%, digital 10% (nothing asked)."""
    programme = factories.make_programme("West Midlands")
    health = factories.make_sector("Health tech")
    clean = factories.make_sector("Clean tech")
    digital = factories.make_sector("Digital")
    sustainability = factories.make_sector("Sustainability", kind=SectorKind.THEME)
    factories.make_sector("Precision engineering")  # neither asked for nor targeted: not shown
    diagnostics = factories.make_proposal(programme=programme, title="Diagnostics", funding_ask=1_000_000,
                                          stage=ProposalStage.CO_CREATION)
    biochar = factories.make_proposal(programme=programme, title="Biochar", funding_ask=500_000,
                                      stage=ProposalStage.FUNDED)
    sensors = factories.make_proposal(programme=programme, title="Sensors", funding_ask=10)
    old = factories.make_proposal(programme=programme, title="Old bid", funding_ask=2_000_000,
                                  stage=ProposalStage.WITHDRAWN)
    elsewhere = factories.make_proposal(title="Elsewhere", funding_ask=7_000_000)
    give_priorities(diagnostics, (health, "60"), (sustainability, "20"))
    give_priorities(biochar, (clean, "100"))
    give_priorities(sensors, (health, "33.33"), (clean, "33.33"), (sustainability, "33.33"))
    give_priorities(elsewhere, (health, "100"))
    give_targets(programme, (health, "40"), (clean, "30"), (sustainability, "10"), (digital, "10"))
    return {"programme": programme, "health": health, "clean": clean, "digital": digital,
            "sustainability": sustainability, "old": old}


def url(programme, query="") -> str:
    return f"/programmes/{programme.id}/portfolio{query}"


def in_play_query() -> str:
    return "?" + "&".join(f"stage={stage.value}" for stage in IN_PLAY)


def balance_table(response) -> dict[str, list[str]]:
    """The table's rows as {sector or theme: [proposals, asked, share, target, gap in points,
    gap in pounds]}, the footer's row as "All sectors and themes"."""
    table = soup(response).select_one("table#balance")
    for hidden in table.select(".govuk-visually-hidden"):
        hidden.decompose()
    return {
        text(row.th).split(" (")[0]: [text(cell) for cell in row.find_all("td")]
        for row in table.select("tbody tr, tfoot tr")
    }


def test_every_stage_sums_each_ask_apportioned(staff_client, portfolio):
    response = staff_client.get(url(portfolio["programme"]))

    assert response.status_code == 200
    assert balance_table(response) == {
        "Clean tech": ["2", "£500,003", "14.3%", "30%", "15.7 points under target", "£550,000 under target"],
        "Digital": ["0", "£0", "0%", "10%", "10 points under target", "£350,001 under target"],
        "Health tech": ["2", "£600,004", "17.1%", "40%", "22.9 points under target", "£800,000 under target"],
        "Sustainability": ["2", "£200,003", "5.7%", "10%", "4.3 points under target", "£149,998 under target"],
        "Not allocated to a priority": ["3", "£2,200,000", "62.9%", "No target", "No target", "No target"],
        "All sectors and themes": ["4", "£3,500,010", "100%", "90%", "", ""],
    }
    assert "4 proposals at every stage, asking for £3,500,010 in all." in text(soup(response).select_one("#showing"))


def test_still_in_play_leaves_out_funded_and_withdrawn_proposals(staff_client, portfolio):
    response = staff_client.get(url(portfolio["programme"], in_play_query()))

    # Diagnostics and Sensors: £1,000,010 asked in all.
    assert balance_table(response) == {
        "Clean tech": ["1", "£3", "0%", "30%", "30 points under target", "£300,000 under target"],
        "Digital": ["0", "£0", "0%", "10%", "10 points under target", "£100,001 under target"],
        "Health tech": ["2", "£600,004", "60%", "40%", "20 points over target", "£200,000 over target"],
        "Sustainability": ["2", "£200,003", "20%", "10%", "10 points over target", "£100,002 over target"],
        "Not allocated to a priority": ["2", "£200,000", "20%", "No target", "No target", "No target"],
        "All sectors and themes": ["2", "£1,000,010", "100%", "90%", "", ""],
    }
    page = soup(response)
    assert [text(box.parent) for box in page.select("input[name=stage][checked]")] == [
        stage.label for stage in IN_PLAY
    ]
    current = page.select_one("a[aria-current]")
    assert text(current) == "Still in play"


def test_a_quick_link_and_the_checkboxes_choose_the_same_stages(staff_client, portfolio):
    programme = portfolio["programme"]
    page = soup(staff_client.get(url(programme)))
    links = {text(link): link["href"] for link in page.select("ul.govuk-list--inline a")}

    assert list(links) == ["Still in play", "Funded", "All stages"]
    assert links["All stages"] == url(programme)
    funded = staff_client.get(links["Funded"])
    assert balance_table(funded)["Clean tech"] == [
        "1", "£500,000", "100%", "30%", "70 points over target", "£350,000 over target",
    ]
    assert balance_table(funded)["Health tech"][-2:] == ["40 points under target", "£200,000 under target"]
    assert balance_table(staff_client.get(links["Still in play"])) == balance_table(
        staff_client.get(url(programme, in_play_query()))
    )
    assert text(soup(funded).select_one("a[aria-current]")) == "Funded"


def test_unknown_stages_are_ignored_with_a_notice(staff_client, portfolio):
    response = staff_client.get(url(portfolio["programme"], "?stage=funded&stage=<b>nonsense</b>"))

    assert balance_table(response)["All sectors and themes"][:2] == ["1", "£500,000"]
    notice = soup(response).select_one(".govuk-inset-text")
    assert text(notice) == "Stages not recognised, so not used: <b>nonsense</b>."
    assert notice.find("b") is None  # escaped, not markup


def test_each_figure_links_to_the_proposals_behind_it(staff_client, portfolio):
    programme = portfolio["programme"]
    response = staff_client.get(url(programme, in_play_query()))
    links = {
        text(row.th).split(" (")[0]: row.select_one("a")["href"]
        for row in soup(response).select("table#balance tbody tr, table#balance tfoot tr")
    }
    stages = ",".join(stage.value for stage in IN_PLAY)

    health = urlsplit(links["Health tech"])
    assert health.path == "/proposals/"
    assert parse_qs(health.query) == {
        "programme": [str(programme.id)], "sector": [str(portfolio["health"].id)], "stage": [stages],
    }
    assert parse_qs(urlsplit(links["Not allocated to a priority"]).query)["sector"] == ["none"]
    assert "sector" not in parse_qs(urlsplit(links["All sectors and themes"]).query)

    def listed(href):
        return sorted(text(link) for link in soup(staff_client.get(href)).select("tbody td:first-child a"))

    assert listed(links["Health tech"]) == ["Diagnostics", "Sensors"]
    assert listed(links["Clean tech"]) == ["Sensors"]
    assert listed(links["Digital"]) == []
    assert listed(links["Not allocated to a priority"]) == ["Diagnostics", "Sensors"]
    assert listed(links["All sectors and themes"]) == ["Diagnostics", "Sensors"]
    every_stage = {text(row.th).split(" (")[0]: row.select_one("a")["href"]
                   for row in soup(staff_client.get(url(programme))).select("table#balance tbody tr")}
    assert "stage" not in parse_qs(urlsplit(every_stage["Health tech"]).query)
    assert listed(every_stage["Not allocated to a priority"]) == ["Diagnostics", "Old bid", "Sensors"]


def test_the_chart_shows_the_table_figures_as_text(staff_client, portfolio):
    page = soup(staff_client.get(url(portfolio["programme"], in_play_query())))
    svg = page.select_one("figure svg")

    assert svg["role"] == "img"
    labelled_by = svg["aria-labelledby"].split()
    assert [page.find(id=name).name for name in labelled_by] == ["title", "desc"]
    assert text(svg.find("title")).startswith("Share of the funding asked per sector and theme")
    assert [label.get_text() for label in svg.select("g text")] == [
        "Clean tech: 0% (£3), target 30%",
        "Digital: 0% (£0), target 10%",
        "Health tech: 60% (£600k), target 40%",
        "Sustainability: 20% (£200k), target 10%",
        "Not allocated to a priority: 20% (£200k)",
    ]
    assert len(svg.select("g rect")) == 5 and len(svg.select("g line")) == 4  # a marker per target
    assert "Funding asked per sector and theme" in text(page.select_one("figcaption"))


def test_sector_names_are_escaped_in_the_chart_and_the_table(staff_client):
    programme = factories.make_programme()
    sector = factories.make_sector('<script>alert("x")</script> & Co')
    give_priorities(factories.make_proposal(programme=programme, funding_ask=100), (sector, "100"))

    response = staff_client.get(url(programme))

    page = soup(response)
    assert page.select("svg script, table script") == []
    assert '&lt;script&gt;alert("x")&lt;/script&gt; &amp; Co' in response.get_data(as_text=True).replace("&#34;", '"')
    assert page.select_one("svg g text").get_text().startswith('<script>alert("x")</script> & Co:')


def test_a_programme_with_nothing_asked_has_a_table_and_no_chart(staff_client):
    programme = factories.make_programme()
    health = factories.make_sector("Health tech")
    give_targets(programme, (health, "40"))

    response = staff_client.get(url(programme))

    assert soup(response).select_one("svg") is None
    assert "no shares to chart" in text(soup(response).select_one("main"))
    assert balance_table(response)["Health tech"] == [
        "0", "£0", "Nothing asked", "40%", "Nothing asked", "Nothing asked",
    ]


def test_the_programme_page_links_to_its_portfolio(staff_client, board_client, expert_client):
    programme = factories.make_programme()
    link = f"a[href='{url(programme)}']"

    assert soup(staff_client.get(f"/programmes/{programme.id}")).select_one(link) is not None
    assert soup(board_client.get(f"/programmes/{programme.id}")).select_one(link) is not None
    assert soup(expert_client.get(f"/programmes/{programme.id}")).select_one(link) is None


def test_board_members_read_the_portfolio_without_the_change_button(board_client, staff_client, portfolio):
    programme = portfolio["programme"]
    targets = f"a[href='/programmes/{programme.id}/targets']"

    assert soup(board_client.get(url(programme))).select_one(targets) is None
    assert soup(staff_client.get(url(programme))).select_one(targets) is not None
    assert board_client.get(f"/programmes/{programme.id}/targets").status_code == 403


def test_a_missing_programme_is_404(staff_client):
    assert staff_client.get("/programmes/999999/portfolio").status_code == 404
