"""Query-count guard for the priorities pages: as many SQL statements for 30 priorities (each
with its own sector, input it came from, and stances by experts of their own organisations,
answered by staff) as for 1, and for 30 stances on one priority as for 1; the same for the
page that orders them, which lists every priority."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests import factories
from tests.test_query_counts import assert_one_row_costs_what_thirty_cost
from tracker.auth.models import Role
from tracker.contributions.models import Contribution, ContributionKind, ContributionStatus
from tracker.extensions import db
from tracker.priorities.models import PriorityStance, StanceKind
from tracker.priorities.services import add_priority
from tracker.proposals.models import ProposalStage
from tracker.timeutil import utcnow


@pytest.fixture
def proposal():
    return factories.make_proposal(stage=ProposalStage.CO_CREATION,
                                   input_closes_on=date.today() + timedelta(days=7))


def _expert():
    return factories.make_user(Role.EXPERT, organisation=factories.make_organisation())


def _stances(priority, comment: str) -> None:
    """An endorsement, and a challenge answered by a member of staff of their own."""
    endorser, challenger, staff = _expert(), _expert(), factories.make_user(Role.STAFF)
    db.session.add_all([
        PriorityStance(priority_id=priority.id, expert_id=endorser.id, kind=StanceKind.ENDORSE,
                       comment=comment),
        PriorityStance(priority_id=priority.id, expert_id=challenger.id, kind=StanceKind.CHALLENGE,
                       comment="Thin evidence.", reply="See section 3.", replied_by_id=staff.id,
                       replied_at=utcnow()),
        PriorityStance(priority_id=priority.id, expert_id=_expert().id, kind=StanceKind.CHALLENGE,
                       comment="Not yet answered."),
    ])


def _priority_with_stances(proposal):
    """A priority (named in its rationale) from an expert's input, with three stances."""
    count = iter(range(1, 1000))

    def add_row(name):
        sector = factories.make_sector(f"Sector number {next(count)}")
        author = _expert()
        recommendation = Contribution(
            proposal_id=proposal.id, sector_id=sector.id, author_id=author.id,
            kind=ContributionKind.PRIORITY_RECOMMENDATION, title="A recommendation",
            status=ContributionStatus.ACCEPTED,
        )
        db.session.add(recommendation)
        db.session.flush()
        priority = add_priority(proposal, sector, Decimal("1"), name, None, contribution=recommendation)
        _stances(priority, "Agreed.")
        db.session.commit()

    return add_row


@pytest.mark.parametrize("role", [Role.STAFF, Role.EXPERT, Role.BOARD])
def test_the_priorities_page_does_not_query_per_priority(client_as, count_queries, proposal, role):
    client = client_as(role)
    assert_one_row_costs_what_thirty_cost(
        client, f"/proposals/{proposal.id}/priorities", count_queries, _priority_with_stances(proposal), 25,
    )


def test_the_priorities_page_does_not_query_per_stance(client_as, count_queries, proposal):
    priority = add_priority(proposal, factories.make_sector(), Decimal("10"), "Why.", None)
    db.session.commit()

    def add_row(name):
        _stances(priority, name)
        db.session.commit()

    assert_one_row_costs_what_thirty_cost(
        client_as(Role.STAFF), f"/proposals/{proposal.id}/priorities", count_queries, add_row, 30,
    )


def test_the_order_page_does_not_query_per_priority(staff_client, count_queries, proposal):
    def add_row(name):
        add_priority(proposal, factories.make_sector(name), Decimal("1"), "Why.", None)
        db.session.commit()

    assert_one_row_costs_what_thirty_cost(
        staff_client, f"/proposals/{proposal.id}/priorities/order", count_queries, add_row, 30,
    )
