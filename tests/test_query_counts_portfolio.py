"""Query-count guard for the portfolio page: as many SQL statements for 30 proposals, each with
priorities in sectors of its own, as for one."""

import pytest

from tests import factories
from tests.test_portfolio import give_priorities, give_targets
from tests.test_query_counts import assert_one_row_costs_what_thirty_cost
from tracker.auth.models import Role
from tracker.proposals.models import ProposalStage
from tracker.sectors.models import SectorKind


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD])
@pytest.mark.parametrize("query", ["", "?stage=draft,co_creation,funded"])
def test_the_portfolio_does_not_query_per_proposal_or_sector(client_as, count_queries, role, query):
    client = client_as(role)
    programme = factories.make_programme()
    stages = [ProposalStage.DRAFT, ProposalStage.CO_CREATION, ProposalStage.FUNDED]

    def add_row(name):
        """A proposal serving a sector named `name` (shown as a row) and a theme, with a target."""
        number = int(name.split()[-1])
        proposal = factories.make_proposal(programme=programme, stage=stages[number % 3],
                                           funding_ask=1_000 * number)
        sector = factories.make_sector(name)
        theme = factories.make_sector(f"Theme {number}", kind=SectorKind.THEME)
        give_priorities(proposal, (sector, "60"), (theme, "25"))
        give_targets(programme, (theme, "1"))

    assert_one_row_costs_what_thirty_cost(
        client, f"/programmes/{programme.id}/portfolio{query}", count_queries, add_row, shown=30
    )


def test_the_targets_form_does_not_query_per_sector(staff_client, count_queries):
    programme = factories.make_programme()

    def add_row(name):
        give_targets(programme, (factories.make_sector(name), "1"))

    assert_one_row_costs_what_thirty_cost(
        staff_client, f"/programmes/{programme.id}/targets", count_queries, add_row, shown=30
    )
