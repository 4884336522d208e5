"""Query-count guard: a list page issues as many SQL statements for 30 rows as for 1."""

from dataclasses import dataclass
from collections.abc import Callable

import pytest

from tests import factories
from tracker.auth.models import Role
from tracker.proposals.models import ProposalStage


@dataclass
class ListPage:
    """A page, who reads it, and how to add its rows (each named so the test can find it)."""

    role: Role
    url: Callable[[dict], str]
    add_row: Callable[[dict, str], None]
    shown: int  # how many rows the page shows at most


def _programme_with_a_proposal(context, name):
    factories.make_proposal(programme=factories.make_programme(name), funding_ask=1_000)


def _proposal_in_the_programme(context, name):
    if "programme" not in context:
        context["programme"] = factories.make_programme("The programme")
    partners = [factories.make_organisation()]
    factories.make_proposal(programme=context["programme"], title=name, partners=partners)


def _proposal_of_its_own(context, name):
    """Its own programme, lead, owner and partner: nothing shared that a cache could hide."""
    factories.make_proposal(title=name, partners=[factories.make_organisation()])


def _proposal_owned_by_the_reader(context, name):
    factories.make_proposal(title=name, owner=context["reader"])


def _proposal_open_for_input(context, name):
    factories.make_proposal(title=name, stage=ProposalStage.CO_CREATION)


def _person(context, name):
    factories.make_user(Role.EXPERT, name=name, organisation=factories.make_organisation())


def _organisation(context, name):
    factories.make_organisation(name)


def _sector(context, name):
    factories.make_sector(name)


PAGES = {
    "programmes": ListPage(Role.STAFF, lambda c: "/programmes/", _programme_with_a_proposal, 25),
    "programme detail": ListPage(
        Role.STAFF, lambda c: f"/programmes/{c['programme'].id}", _proposal_in_the_programme, 25
    ),
    "proposals": ListPage(Role.STAFF, lambda c: "/proposals/", _proposal_of_its_own, 25),
    "proposals for experts": ListPage(Role.EXPERT, lambda c: "/proposals/", _proposal_open_for_input, 25),
    "people": ListPage(Role.ADMIN, lambda c: "/admin/users", _person, 24),  # the admin is one
    "organisations": ListPage(Role.ADMIN, lambda c: "/admin/organisations", _organisation, 25),
    "sectors": ListPage(Role.ADMIN, lambda c: "/admin/sectors", _sector, 25),
    "staff home": ListPage(Role.STAFF, lambda c: "/", _proposal_owned_by_the_reader, 10),
    "admin home": ListPage(Role.ADMIN, lambda c: "/", _proposal_owned_by_the_reader, 10),
    "board home": ListPage(Role.BOARD, lambda c: "/", _programme_with_a_proposal, 30),
    "expert home": ListPage(Role.EXPERT, lambda c: "/", _proposal_open_for_input, 10),
}


def _get_counting(client, url, count_queries, names):
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return counter.count, sum(name in page for name in names)


def assert_one_row_costs_what_thirty_cost(client, url, count_queries, add_row, shown: int) -> None:
    """Add one row named "Listed 01" and count the page's queries; add 29 more and count again:
    the counts match, and the page shows 1 row, then `shown` (or 30 if fewer). `url` may be a
    function, for a page whose address exists only once its first row does."""
    address = url if callable(url) else lambda: url
    names = [f"Listed {n:02}" for n in range(1, 31)]
    add_row(names[0])
    one_row, on_page = _get_counting(client, address(), count_queries, names)
    assert on_page == 1
    for name in names[1:]:
        add_row(name)
    thirty_rows, on_page = _get_counting(client, address(), count_queries, names)
    assert on_page == min(30, shown)
    assert thirty_rows == one_row


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_list_pages_do_not_query_per_row(client_as, count_queries, page):
    client = client_as(page.role)
    context = {"reader": client.user}
    assert_one_row_costs_what_thirty_cost(
        client, lambda: page.url(context), count_queries, lambda name: page.add_row(context, name), page.shown
    )


def test_proposal_detail_does_not_query_per_partner(staff_client, count_queries):
    one = factories.make_proposal(partners=[factories.make_organisation("Partner A")])
    ten = factories.make_proposal(
        partners=[factories.make_organisation(f"Partner {n}") for n in range(10)]
    )

    counts = []
    for proposal, expected in ((one, ["Partner A"]), (ten, [f"Partner {n}" for n in range(10)])):
        with count_queries() as counter:
            response = staff_client.get(f"/proposals/{proposal.id}")
        page = response.get_data(as_text=True)
        assert all(name in page for name in expected)
        counts.append(counter.count)

    assert counts[0] == counts[1]
