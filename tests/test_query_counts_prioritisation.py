"""Query-count guard for regional prioritisation: the ranking costs as many SQL statements for
30 proposals (scored, assessed, each depending on another) as for 1, and a proposal's page as
many for 30 scorers or 30 dependencies as for 1."""

from tests import factories
from tests.test_assessments import SEVENTY, add_review, assessed_proposal
from tests.test_prioritisation import demo_programme, scorable, score
from tests.test_query_counts import assert_one_row_costs_what_thirty_cost
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.prioritisation.services import add_dependency
from tracker.proposals.models import ProposalStage


def test_the_ranking_does_not_query_per_proposal(board_client, count_queries):
    programme = demo_programme()
    made = [scorable(programme, "A draft, not ranked", stage=ProposalStage.DRAFT)]

    def add_row(name):
        proposal = assessed_proposal(programme=programme, title=name)
        score(proposal, [7, 6, 8, 5, 9])
        add_review(proposal, 1, SEVENTY, fund=True)
        add_dependency(proposal, made[-1], None)
        db.session.commit()
        made.append(proposal)

    assert_one_row_costs_what_thirty_cost(
        board_client, f"/programmes/{programme.id}/prioritisation", count_queries, add_row, 25
    )


def test_the_proposal_page_does_not_query_per_scorer(board_client, count_queries):
    proposal = scorable(demo_programme())

    def add_row(name):
        score(proposal, [7, 6, 8, 5, 9], scorer=factories.make_user(Role.BOARD, name=name),
              notes=["A note."] * 5)

    assert_one_row_costs_what_thirty_cost(
        board_client, f"/programmes/{proposal.programme_id}/prioritisation/proposals/{proposal.id}",
        count_queries, add_row, 25,
    )


def test_the_proposal_page_does_not_query_per_dependency(staff_client, count_queries):
    programme = demo_programme()
    proposal = scorable(programme, "The dependent one")

    def add_row(name):
        other = assessed_proposal(programme=programme, title=name)
        add_review(other, 1, SEVENTY, fund=True)
        add_dependency(proposal, other, None)
        db.session.commit()

    assert_one_row_costs_what_thirty_cost(
        staff_client, f"/programmes/{programme.id}/prioritisation/proposals/{proposal.id}",
        count_queries, add_row, 30,
    )
