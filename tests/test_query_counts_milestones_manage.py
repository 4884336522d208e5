"""Query-count guard for the milestone pages: /me/milestones costs as many SQL statements for 30
milestones (each on a proposal and programme of its own, after a programme deadline and a step
someone else owns) as for 1, and a milestone's page as many for 30 milestones it depends on, or
30 on other proposals that depend on it, as for 1."""

from datetime import date, timedelta

import pytest

from tests import factories
from tests.test_query_counts import assert_one_row_costs_what_thirty_cost
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.milestones.models import MilestoneState, milestone_dependency
from tracker.milestones.views import manage
from tracker.proposals.models import ProposalStage

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(manage, "today", lambda: TODAY)


@pytest.mark.parametrize("role", [Role.STAFF, Role.EXPERT])
def test_my_milestones_do_not_query_per_milestone(client_as, count_queries, role):
    client = client_as(role)
    due_in = iter(range(-10, 60, 2))  # overdue, due this week and later
    stages = iter([ProposalStage.CO_CREATION, ProposalStage.DRAFT] * 15)

    def add_row(name):
        programme = factories.make_programme()
        proposal = factories.make_proposal(programme=programme, stage=next(stages))
        deadline = factories.make_milestone(programme=programme, title="A deadline",
                                            due_on=TODAY - timedelta(days=3))
        step = factories.make_milestone(proposal, title="A step", due_on=TODAY + timedelta(days=1),
                                        state=MilestoneState.IN_PROGRESS)
        factories.make_milestone(proposal, title=name, owner=client.user, depends_on=[deadline, step],
                                 due_on=TODAY + timedelta(days=next(due_in)))

    assert_one_row_costs_what_thirty_cost(client, "/me/milestones", count_queries, add_row, 25)


def test_a_milestone_page_does_not_query_per_dependency(client_as, count_queries):
    programme = factories.make_programme()
    proposal = factories.make_proposal(programme=programme)
    milestone = factories.make_milestone(proposal, title="The milestone", due_on=date(2026, 6, 1))

    def add_row(name):
        """A step of the proposal it depends on, and one that depends on it, each with its own owner."""
        before = factories.make_milestone(proposal, title=name, due_on=date(2026, 3, 10))
        factories.make_milestone(programme=programme, title="A programme date")
        db.session.execute(milestone_dependency.insert().values(milestone_id=milestone.id, depends_on_id=before.id))
        db.session.commit()
        factories.make_milestone(proposal, title="After it", due_on=date(2026, 7, 1), depends_on=[milestone])

    assert_one_row_costs_what_thirty_cost(client_as(Role.STAFF), f"/milestones/{milestone.id}", count_queries,
                                          add_row, 30)


@pytest.mark.parametrize("role", [Role.STAFF, Role.EXPERT])
def test_a_programme_milestone_page_does_not_query_per_dependent(client_as, count_queries, role):
    programme = factories.make_programme()
    deadline = factories.make_milestone(programme=programme, title="Full proposal deadline")

    def add_row(name):
        """A milestone on a proposal of its own (open to experts) that depends on the deadline."""
        proposal = factories.make_proposal(programme=programme, stage=ProposalStage.CO_CREATION)
        factories.make_milestone(proposal, title=name, depends_on=[deadline])

    assert_one_row_costs_what_thirty_cost(client_as(role), f"/milestones/{deadline.id}", count_queries,
                                          add_row, 30)
