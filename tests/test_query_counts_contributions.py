"""Query-count guard for /me/contributions: as many SQL statements for 30 rows as for 1, each
row on its own proposal, section, sector and with its own response and revision."""

from datetime import date, timedelta

from tests import factories
from tests.test_query_counts import _get_counting
from tests.test_sections import section_of
from tracker.auth.models import Role
from tracker.contributions import services
from tracker.contributions.models import ContributionKind, ContributionStatus
from tracker.extensions import db
from tracker.proposals.models import ProposalStage


def _give(expert, name):
    """A suggested change on a proposal of its own, accepted into a new revision."""
    staff = factories.make_user(Role.STAFF)
    proposal = factories.make_proposal(
        stage=ProposalStage.CO_CREATION, input_closes_on=date.today() + timedelta(days=7)
    )
    section = section_of(proposal)
    contribution = services.submit_contribution(
        proposal, expert, kind=ContributionKind.SUGGESTED_CHANGE, title=name, body="Why",
        sector=factories.make_sector(f"Sector for {name}"), section=section,
        suggested_text=f"New text for {name}",
    )
    services.respond(contribution, proposal, outcome=ContributionStatus.ACCEPTED, reason="",
                     actor=staff)
    db.session.commit()


def test_my_contributions_does_not_query_per_row(client_as, count_queries, app):
    client = client_as(Role.EXPERT, organisation=factories.make_organisation())
    names = [f"Listed {n:02}" for n in range(1, 31)]
    _give(client.user, names[0])
    one_row, shown = _get_counting(client, "/me/contributions", count_queries, names)
    assert shown == 1

    for name in names[1:]:
        _give(client.user, name)
    thirty_rows, shown = _get_counting(client, "/me/contributions", count_queries, names)
    assert shown == min(30, app.config["PAGE_SIZE"])
    assert thirty_rows == one_row
