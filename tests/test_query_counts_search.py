"""Query-count guard for search: as many SQL statements for 30 hits as for 1, the hits of
every kind (proposals, sections, contributions) and each on its own proposal, for staff and
for an expert (whose hits are narrowed to what they may see)."""

from itertools import cycle

import pytest

from tests import factories
from tests.test_query_counts import assert_one_row_costs_what_thirty_cost
from tests.test_search import give
from tests.test_sections import save
from tracker.auth.models import Role
from tracker.contributions.models import ContributionStatus
from tracker.proposals.models import ProposalStage

PAGE_SIZE = 25  # the testing configuration's


@pytest.mark.parametrize("role", [Role.STAFF, Role.EXPERT])
def test_search_does_not_query_per_hit(client_as, count_queries, role):
    client = client_as(role)
    kinds = cycle(("proposal", "section", "contribution"))

    def add(name):
        kind = next(kinds)
        title = f"{name} wallaby" if kind == "proposal" else f"Bid for {name}"
        proposal = factories.make_proposal(stage=ProposalStage.CO_CREATION, title=title)
        if kind == "section":
            save(proposal, f"{name} wallaby text.", key="risks")
        elif kind == "contribution":
            give(proposal, client.user if role is Role.EXPERT else factories.make_user(Role.EXPERT),
                 f"{name} wallaby input", status=ContributionStatus.SUBMITTED)

    assert_one_row_costs_what_thirty_cost(client, "/search?q=wallaby", count_queries, add, PAGE_SIZE)
