"""Query-count guard for the section pages: the history issues as many SQL statements for 30
revisions as for 1, and a section page does not query per revision either."""

import pytest

from tests import factories
from tests.test_query_counts import _get_counting
from tests.test_sections import save, url
from tracker.auth.models import Role


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD])
def test_the_history_does_not_query_per_revision(client_as, count_queries, app, role):
    client = client_as(role)
    proposal = factories.make_proposal()
    names = [f"Listed {n:02}" for n in range(1, 31)]
    # Each revision by its own author, so no identity map or cache can hide a query per row.
    save(proposal, "Text 1", note=names[0], actor=factories.make_user(Role.STAFF))
    one_row, shown = _get_counting(client, url(proposal, page="history"), count_queries, names)
    assert shown == 1

    for n, name in enumerate(names[1:], start=2):
        save(proposal, f"Text {n}", note=name, actor=factories.make_user(Role.STAFF))
    thirty_rows, shown = _get_counting(client, url(proposal, page="history"), count_queries, names)
    assert shown == min(30, app.config["PAGE_SIZE"])

    assert thirty_rows == one_row


@pytest.mark.parametrize("page", ["", "edit", "compare?from=1&to=2"])
def test_section_pages_do_not_query_per_revision(staff_client, count_queries, page):
    counts = []
    for total in (2, 30):
        proposal = factories.make_proposal()
        for n in range(1, total + 1):
            save(proposal, f"Text number {n}", actor=factories.make_user(Role.STAFF))
        count, _ = _get_counting(staff_client, url(proposal, page=page), count_queries, [])
        counts.append(count)
    assert counts[0] == counts[1]
