"""Query-count guard for the co-creation report: as many SQL statements for 30 contributions as
for 1, each from its own author, organisation and sector, on different sections, with different
responses (accepted suggestions with their revisions, declined, noted, waiting)."""

from datetime import date, timedelta

import pytest

from tests import factories
from tests.test_query_counts import _get_counting
from tracker.auth.models import Role
from tracker.contributions import services
from tracker.contributions.models import ContributionKind, ContributionStatus
from tracker.extensions import db
from tracker.organisations.models import OrganisationType
from tracker.proposals.models import ProposalStage
from tracker.sections.queries import sections_of

OUTCOMES = (ContributionStatus.ACCEPTED, ContributionStatus.DECLINED, ContributionStatus.NOTED, None)


def _give(proposal, staff, n: int, name: str) -> None:
    """The n-th contribution: its own expert, organisation (types in turn) and sector; a section
    in turn (or none); answered in turn, accepted suggestions making a revision each."""
    organisation = factories.make_organisation(type_=list(OrganisationType)[n % len(OrganisationType)])
    expert = factories.make_user(Role.EXPERT, organisation=organisation)
    sections = sections_of(proposal.id)
    section = None if n % 5 == 4 else sections[n % len(sections)]
    outcome = OUTCOMES[n % len(OUTCOMES)]
    suggests = outcome is ContributionStatus.ACCEPTED and section is not None
    contribution = services.submit_contribution(
        proposal, expert, kind=ContributionKind.SUGGESTED_CHANGE if suggests else ContributionKind.COMMENT,
        title=name, body="Why", sector=factories.make_sector(f"Sector for {name}"), section=section,
        suggested_text=f"New text from {name}" if suggests else None, show_type_only=n % 3 == 2,
    )
    db.session.flush()
    if outcome is not None:
        services.respond(contribution, proposal, outcome=outcome, reason="Because", actor=staff)
    db.session.commit()


@pytest.mark.parametrize("role,suffix", [(Role.BOARD, ""), (Role.STAFF, ".csv")], ids=["page", "csv"])
def test_the_report_does_not_query_per_row(client_as, count_queries, role, suffix):
    client = client_as(role)
    staff = factories.make_user(Role.STAFF)
    proposal = factories.make_proposal(
        owner=staff, stage=ProposalStage.CO_CREATION, input_closes_on=date.today() + timedelta(days=7)
    )
    url = f"/proposals/{proposal.id}/co-creation-report{suffix}"
    names = [f"Listed {n:02}" for n in range(1, 31)]

    _give(proposal, staff, 0, names[0])
    one_row, shown = _get_counting(client, url, count_queries, names)
    assert shown == 1

    for n, name in enumerate(names[1:], start=1):
        _give(proposal, staff, n, name)
    thirty_rows, shown = _get_counting(client, url, count_queries, names)
    assert shown == 30
    assert thirty_rows == one_row
