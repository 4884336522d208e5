"""Query-count guard for the dashboard, the board's home, the contributions behind its chart and
the board pack: as many SQL statements for 30 proposals (each with its owner, priorities,
milestones, contributions, scores, a review round and an assessment) as for one."""

from datetime import date

import pytest

from tests import factories
from tests.test_dashboard import TODAY, assess, contribute, decide
from tests.test_portfolio import give_priorities
from tests.test_query_counts import assert_one_row_costs_what_thirty_cost
from tracker.auth.models import Role
from tracker.board.models import BoardDecisionKind
from tracker.contributions.models import ContributionStatus
from tracker.extensions import db
from tracker.prioritisation.models import Criterion, CriterionScore
from tracker.proposals.models import ProposalStage

STAGES = [ProposalStage.CO_CREATION, ProposalStage.BOARD_REVIEW, ProposalStage.UNDER_ASSESSMENT]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("tracker.dashboard.views.today", lambda: TODAY)


@pytest.fixture
def add_proposal():
    """add_proposal(name): a proposal of one programme with everything a row shows."""
    programme = factories.make_programme("The programme", full_proposal_deadline=date(2026, 3, 31))
    criterion = Criterion(programme_id=programme.id, name="Regional economy", weight=100, position=1)
    db.session.add(criterion)
    db.session.commit()

    def add(name: str):
        number = int(name.split()[-1])
        proposal = factories.make_proposal(programme=programme, title=name, stage=STAGES[number % 3],
                                           owner=factories.make_user(Role.STAFF, name=f"Owner {number}"))
        sector = factories.make_sector(f"Sector {number}")
        give_priorities(proposal, (sector, "50"))
        contribute(proposal, sector, ContributionStatus.SUBMITTED, date(2026, 1 + number % 2, 3))
        factories.make_milestone(proposal, due_on=date(2026, 2, 1))
        decide(proposal, BoardDecisionKind.ENDORSE)
        assess(proposal, 6)
        db.session.add(CriterionScore(proposal_id=proposal.id, criterion_id=criterion.id,
                                      scorer_id=factories.make_user(Role.BOARD).id, score=number % 11))
        db.session.commit()

    add.programme = programme
    return add


@pytest.mark.parametrize("query", ["?stage=co_creation,board_review,under_assessment", "?show=at_risk"])
def test_the_dashboard_does_not_query_per_proposal(client_as, count_queries, add_proposal, app, monkeypatch, query):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 30)
    assert_one_row_costs_what_thirty_cost(client_as(Role.STAFF), f"/dashboard{query}", count_queries,
                                          add_proposal, shown=30)


def test_the_board_home_does_not_query_per_proposal_waiting(client_as, count_queries, add_proposal, app, monkeypatch):
    """Every proposal has an open round without this member's decision: all wait for them."""
    monkeypatch.setitem(app.config, "PAGE_SIZE", 30)
    assert_one_row_costs_what_thirty_cost(client_as(Role.BOARD), "/", count_queries, add_proposal, shown=30)


def test_the_contributions_behind_a_figure_do_not_query_per_row(client_as, count_queries):
    client = client_as(Role.BOARD)
    programme = factories.make_programme()

    def add_row(name):
        """Input on a proposal of its own, in a sector of its own."""
        proposal = factories.make_proposal(programme=programme)
        contribute(proposal, factories.make_sector(), ContributionStatus.NOTED, date(2026, 1, 5), title=name)

    assert_one_row_costs_what_thirty_cost(client, f"/dashboard/contributions?programme={programme.id}&month=2026-01",
                                          count_queries, add_row, shown=25)


def test_the_board_pack_does_not_query_per_proposal(client_as, count_queries, add_proposal):
    assert_one_row_costs_what_thirty_cost(client_as(Role.BOARD),
                                          lambda: f"/programmes/{add_proposal.programme.id}/board-pack",
                                          count_queries, add_proposal, shown=30)
