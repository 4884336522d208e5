"""The proposals list's sector filter (and several stages at once), which the portfolio's
figures link to: the proposals behind a figure, in a fixed number of queries."""

from tests import factories
from tests.pages import soup, text
from tests.test_portfolio import give_priorities
from tests.test_query_counts import assert_one_row_costs_what_thirty_cost
from tracker.proposals.models import ProposalStage


def titles(client, query) -> list[str]:
    page = soup(client.get(f"/proposals/?{query}"))
    return sorted(text(link) for link in page.select("tbody td:first-child a"))


def test_the_list_filters_by_sector_and_by_what_is_left_unallocated(staff_client):
    health = factories.make_sector("Health tech")
    clean = factories.make_sector("Clean tech", retired=True)
    give_priorities(factories.make_proposal(title="All health"), (health, "100"))
    give_priorities(factories.make_proposal(title="Mixed"), (clean, "50"), (health, "49.99"))
    give_priorities(factories.make_proposal(title="Zero share"), (clean, "0"))
    factories.make_proposal(title="None yet")

    assert titles(staff_client, f"sector={health.id}") == ["All health", "Mixed"]
    assert titles(staff_client, f"sector={clean.id}") == ["Mixed", "Zero share"]
    assert titles(staff_client, "sector=none") == ["Mixed", "None yet", "Zero share"]
    assert titles(staff_client, "sector=nonsense") == ["All health", "Mixed", "None yet", "Zero share"]
    select = soup(staff_client.get(f"/proposals/?sector={clean.id}")).find("select", {"name": "sector"})
    assert text(select.find("option", selected=True)) == "Clean tech (retired)"


def test_the_list_takes_several_stages_and_keeps_them_in_its_form(staff_client):
    programme = factories.make_programme()
    for stage in (ProposalStage.DRAFT, ProposalStage.CO_CREATION, ProposalStage.FUNDED):
        factories.make_proposal(programme=programme, title=stage.label, stage=stage)

    assert titles(staff_client, "stage=draft,co_creation") == ["Co-creation", "Draft"]
    assert titles(staff_client, "stage=draft&stage=funded") == ["Draft", "Funded"]
    assert titles(staff_client, "stage=draft,nonsense") == ["Draft"]
    page = soup(staff_client.get("/proposals/?stage=draft&stage=co_creation"))
    chosen = page.find("select", {"name": "stage"}).find("option", selected=True)
    assert chosen["value"] == "draft,co_creation"
    assert text(chosen) == "2 stages: Draft, Co-creation"
    single = soup(staff_client.get("/proposals/?stage=funded")).find("select", {"name": "stage"})
    assert [option["value"] for option in single.find_all("option", selected=True)] == ["funded"]


def test_several_stages_survive_the_pagination_links(staff_client):
    for n in range(30):
        factories.make_proposal(title=f"Bid {n:02}", stage=(ProposalStage.DRAFT, ProposalStage.CO_CREATION)[n % 2])
    factories.make_proposal(title="Funded", stage=ProposalStage.FUNDED)

    first = staff_client.get("/proposals/?stage=draft,co_creation")
    next_link = soup(first).select_one(".govuk-pagination__next a")["href"]

    second = staff_client.get(next_link)
    assert len(titles(staff_client, "stage=draft,co_creation")) == 25
    assert "Showing 26 to 30 of 30" in second.get_data(as_text=True)


def test_the_sector_filter_does_not_query_per_row(staff_client, count_queries):
    health = factories.make_sector("Health tech")

    def add_row(name):
        proposal = factories.make_proposal(title=name, stage=ProposalStage.CO_CREATION,
                                           partners=[factories.make_organisation()])
        give_priorities(proposal, (factories.make_sector(), "30"), (health, "20"))

    assert_one_row_costs_what_thirty_cost(
        staff_client, f"/proposals/?sector={health.id}&stage=draft,co_creation", count_queries, add_row, 25
    )
