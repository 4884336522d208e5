"""Query-count guard for the timelines: as many SQL statements for 30 milestones, across
proposals and owners, each depending on a programme date, as for one."""

import pytest

from tests import factories
from tests.test_milestone_models import make_milestone
from tests.test_milestones_timeline import days, link
from tests.test_query_counts import assert_one_row_costs_what_thirty_cost
from tracker.auth.models import Role
from tracker.milestones.models import MilestoneKind, MilestoneState
from tracker.proposals.models import ProposalStage

STATES = [MilestoneState.NOT_STARTED, MilestoneState.IN_PROGRESS, MilestoneState.BLOCKED]


@pytest.fixture
def programme():
    return factories.make_programme(full_proposal_deadline=days(30))


@pytest.fixture
def deadline(programme):
    """The programme's full proposal deadline as a milestone, which every milestone added depends on."""
    return make_milestone(programme=programme, title="Full proposals due", due_on=days(30),
                          kind=MilestoneKind.FULL_PROPOSAL_DEADLINE)


def add_milestone(proposal, name, deadline):
    """A milestone named `name` (its number sets its dates and state) with an owner of its own,
    depending on the deadline."""
    number = int(name.split()[-1])
    milestone = make_milestone(proposal, title=name, starts_on=days(number - 5), due_on=days(number),
                               state=STATES[number % 3], owner=factories.make_user(Role.EXPERT))
    link(milestone, deadline)
    return milestone


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD])
def test_the_programme_timeline_does_not_query_per_milestone_proposal_or_owner(client_as, count_queries,
                                                                               programme, deadline, role):
    def add_row(name):
        add_milestone(factories.make_proposal(programme=programme), name, deadline)

    assert_one_row_costs_what_thirty_cost(
        client_as(role), f"/programmes/{programme.id}/timeline", count_queries, add_row, shown=30
    )


@pytest.mark.parametrize("role", [Role.STAFF, Role.EXPERT])
def test_the_proposal_timeline_does_not_query_per_milestone_or_owner(client_as, count_queries, programme,
                                                                     deadline, role):
    proposal = factories.make_proposal(programme=programme, stage=ProposalStage.CO_CREATION)
    added = []

    def add_row(name):
        milestone = add_milestone(proposal, name, deadline)
        if added:
            link(milestone, added[-1])  # a chain, so forecasts and the critical path run through them all
        added.append(milestone)

    assert_one_row_costs_what_thirty_cost(
        client_as(role), f"/proposals/{proposal.id}/milestones", count_queries, add_row, shown=30
    )
