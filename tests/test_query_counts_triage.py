"""Query-count guard for the triage page (/proposals/<id>/contributions): as many SQL statements
for 30 rows as for 1, each row from its own author, organisation, sector and section, for staff,
board members and an expert reading their own input."""

from datetime import date, timedelta
from itertools import cycle

import pytest

from tests import factories
from tests.test_query_counts import assert_one_row_costs_what_thirty_cost
from tests.test_sections import section_of
from tracker.auth.models import Role
from tracker.contributions import services
from tracker.contributions.models import ContributionKind, ContributionStatus
from tracker.extensions import db
from tracker.organisations.models import OrganisationType
from tracker.proposals.models import ProposalStage
from tracker.sections.models import DEFAULT_SECTIONS

SECTION_KEYS = [key for key, _, _ in DEFAULT_SECTIONS] + [None]


def _give(proposal, author, name, section_key, status):
    contribution = services.submit_contribution(
        proposal, author, kind=ContributionKind.COMMENT, title=name, body="Input",
        sector=factories.make_sector(name.replace("Listed", "Sector")),
        section=section_of(proposal, section_key) if section_key else None,
    )
    contribution.status = status
    db.session.commit()


def _expert(name):
    types = list(OrganisationType)
    organisation = factories.make_organisation(name.replace("Listed", "Employer"),
                                               type_=types[int(name[-2:]) % len(types)])
    return factories.make_user(Role.EXPERT, name=name.replace("Listed", "Author"), organisation=organisation)


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD, Role.EXPERT])
def test_triage_does_not_query_per_row(app, client_as, count_queries, role):
    client = client_as(role, organisation=factories.make_organisation())
    proposal = factories.make_proposal(
        stage=ProposalStage.CO_CREATION, input_closes_on=date.today() + timedelta(days=7)
    )
    url = f"/proposals/{proposal.id}/contributions"
    sections, statuses = cycle(SECTION_KEYS), cycle(ContributionStatus)

    def add(name):
        author = client.user if role is Role.EXPERT else _expert(name)
        _give(proposal, author, name, next(sections), next(statuses))

    assert_one_row_costs_what_thirty_cost(client, url, count_queries, add, app.config["PAGE_SIZE"])
