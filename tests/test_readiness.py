"""Proposal readiness: each item of the checklist done and to do, its reason in words and the
percentage, as a pure rule over plain facts (table-driven), from the database for many
proposals at once, and on the proposal's page (status as text, experts shown none of it)."""

from datetime import date

import pytest

from tests import factories
from tests.pages import soup, text
from tests.test_dashboard import TODAY, complete_sections, contribute, decide
from tests.test_portfolio import give_priorities
from tracker.auth.models import Role
from tracker.board.models import BoardDecisionKind as K
from tracker.board.models import RoundOutcome
from tracker.board.services import Tally
from tracker.contributions.models import ContributionStatus
from tracker.dashboard.queries import readiness_facts
from tracker.extensions import db
from tracker.dashboard.readiness import BoardStanding, ReadinessFacts, ReadinessItem, readiness
from tracker.milestones.models import MilestoneState
from tracker.programmes.models import Programme
from tracker.proposals.models import ProposalStage

# The default template's sections, every one required.
REQUIRED = [
    "Summary", "Need or challenge", "Approach and innovation", "Team and resources", "Market awareness",
    "Outcomes and route to market", "Wider impacts", "Project management", "Risks", "Additionality",
    "Costs and value for money", "Co-creation",
]
READY = ReadinessFacts(
    required_sections=12, incomplete_sections=(), open_contributions=0, answered_contributions=3,
    priorities=2, red_milestones=0,
    board=BoardStanding(1, False, RoundOutcome.ENDORSED, Tally(3, 0, 0, 3)),
)


def with_(**changes) -> ReadinessFacts:
    return ReadinessFacts(**{**READY.__dict__, **changes})


def open_round(endorsements: int, requests: int, quorum: int = 3) -> BoardStanding:
    return BoardStanding(2, True, None, Tally(endorsements, 0, requests, quorum))


CASES = [
    # (item, facts, done, reason)
    (ReadinessItem.SECTIONS, READY, True, "Every required section is complete (12)"),
    (ReadinessItem.SECTIONS, with_(incomplete_sections=("Risks", "Costs and value for money")), False,
     "2 of 12 not complete: Risks, Costs and value for money"),
    (ReadinessItem.SECTIONS, with_(required_sections=0), True, "The proposal has no required sections"),
    (ReadinessItem.PRIORITIES, READY, True, "2 sector priorities set"),
    (ReadinessItem.PRIORITIES, with_(priorities=1), True, "1 sector priority set"),
    (ReadinessItem.PRIORITIES, with_(priorities=0), False, "No sector priority yet"),
    (ReadinessItem.CONTRIBUTIONS, READY, True, "Every contribution has a response (3)"),
    (ReadinessItem.CONTRIBUTIONS, with_(answered_contributions=0), True, "No contributions waiting: none given yet"),
    (ReadinessItem.CONTRIBUTIONS, with_(open_contributions=1), False, "1 contribution of 4 waiting for a response"),
    (ReadinessItem.CONTRIBUTIONS, with_(open_contributions=2, answered_contributions=0), False,
     "2 contributions of 2 waiting for a response"),
    (ReadinessItem.MILESTONES, READY, True, "No milestone is overdue or blocked"),
    (ReadinessItem.MILESTONES, with_(red_milestones=2), False, "2 milestones red (overdue or blocked)"),
    (ReadinessItem.BOARD, READY, True, "Endorsed in round 1"),
    (ReadinessItem.BOARD, with_(board=None), False, "Not yet in board review"),
    (ReadinessItem.BOARD, with_(board=open_round(3, 1)), True,
     "Round 2 is open and the board endorse it: 3 endorsements of the 3 needed; 1 request for changes"),
    (ReadinessItem.BOARD, with_(board=open_round(2, 0)), False,
     "Round 2 is open and the board have not endorsed it yet: 2 endorsements of the 3 needed; 0 requests for changes"),
    (ReadinessItem.BOARD, with_(board=open_round(1, 1, quorum=1)), False,
     "Round 2 is open and the board have not endorsed it yet: 1 endorsement of the 1 needed; 1 request for "
     "changes; endorsements must outnumber requests for changes"),
    (ReadinessItem.BOARD, with_(board=BoardStanding(1, False, RoundOutcome.RETURNED, Tally(3, 0, 0, 3))), False,
     "Round 1: Changes requested: back to co-creation"),
]


@pytest.mark.parametrize(("item", "facts", "done", "reason"), CASES)
def test_each_item_done_and_to_do(item, facts, done, reason):
    check = next(check for check in readiness(facts).checks if check.item is item)
    assert (check.done, check.reason, check.status) == (done, reason, "Done" if done else "To do")


@pytest.mark.parametrize(("facts", "percent", "summary"), [
    (READY, 100, "5 of 5 done (100%)"),
    (with_(priorities=0), 80, "4 of 5 done (80%)"),
    (with_(priorities=0, red_milestones=1, board=None), 40, "2 of 5 done (40%)"),
    (with_(priorities=0, red_milestones=1, board=None, open_contributions=1,
           incomplete_sections=("Risks",)), 0, "0 of 5 done (0%)"),
])
def test_the_percentage_is_items_done_over_items(facts, percent, summary):
    result = readiness(facts)
    assert (result.percent, result.summary) == (percent, summary)
    assert [check.item for check in result.checks] == list(ReadinessItem)


def test_the_facts_for_many_proposals_come_from_the_database_at_once(count_queries):
    programme = factories.make_programme(board_quorum=2)
    bare = factories.make_proposal(programme=programme)
    ready = factories.make_proposal(programme=programme, stage=ProposalStage.SUBMITTED)
    complete_sections(ready)
    give_priorities(ready, (factories.make_sector(), "100"))
    contribute(ready, factories.make_sector(), ContributionStatus.DECLINED, date(2026, 1, 1))
    contribute(bare, factories.make_sector(), ContributionStatus.UNDER_REVIEW, date(2026, 1, 1))
    contribute(bare, factories.make_sector(), ContributionStatus.WITHDRAWN, date(2026, 1, 1))
    decide(ready, K.REQUEST_CHANGES, closed_as=RoundOutcome.RETURNED.value)  # sent back, then
    decide(ready, K.ENDORSE, K.ENDORSE, closed_as=RoundOutcome.ENDORSED.value, number=2)  # the latest

    ids, quorum = [bare.id, ready.id], programme.board_quorum
    with count_queries() as counter:
        facts = readiness_facts(ids, {bare.id: 1}, quorum)

    assert counter.count == 6
    assert facts[bare.id] == ReadinessFacts(
        required_sections=12, incomplete_sections=tuple(REQUIRED), open_contributions=1,
        answered_contributions=0, priorities=0, red_milestones=1, board=None,
    )
    assert facts[bare.id].incomplete_sections == tuple(REQUIRED)
    assert facts[ready.id].incomplete_sections == ()
    assert (facts[ready.id].answered_contributions, facts[ready.id].priorities) == (1, 1)
    assert facts[ready.id].board == BoardStanding(2, False, RoundOutcome.ENDORSED, Tally(2, 0, 0, 2))
    assert readiness(facts[ready.id]).percent == 100


def checklist(response) -> dict[str, tuple[str, str]]:
    """{item: (status, reason)} from the proposal page's task list."""
    return {
        text(item.select_one(".govuk-task-list__link")): (
            text(item.select_one(".govuk-task-list__status")), text(item.select_one(".govuk-task-list__hint")))
        for item in soup(response).select("#readiness-checklist li")
    }


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("tracker.dashboard.views.today", lambda: TODAY)


def test_the_proposal_page_shows_each_item_to_do_then_done(board_client):
    proposal = factories.make_proposal(stage=ProposalStage.BOARD_REVIEW)
    contribution = contribute(proposal, factories.make_sector(), ContributionStatus.SUBMITTED, date(2026, 2, 1))
    milestone = factories.make_milestone(proposal, due_on=date(2026, 2, 27))  # overdue on 2 March
    round_ = decide(proposal, K.ENDORSE)

    page = board_client.get(f"/proposals/{proposal.id}")
    assert text(soup(page).select_one("#readiness")) == "Readiness: 0%"
    assert checklist(page) == {
        "Required sections complete": ("To do", "12 of 12 not complete: " + ", ".join(REQUIRED)),
        "Sector priorities set": ("To do", "No sector priority yet"),
        "Every contribution answered": ("To do", "1 contribution of 1 waiting for a response"),
        "No red milestones": ("To do", "1 milestone red (overdue or blocked)"),
        "Endorsed by the board": ("To do", "Round 1 is open and the board have not endorsed it yet: "
                                  "1 endorsement of the 3 needed; 0 requests for changes"),
    }

    complete_sections(proposal)
    give_priorities(proposal, (factories.make_sector(), "50"))
    contribution.status = ContributionStatus.NOTED
    milestone.state, milestone.done_on = MilestoneState.DONE, date(2026, 2, 27)
    db.session.get(Programme, proposal.programme_id).board_quorum = 1
    round_.closed_at, round_.outcome = milestone.created_at, RoundOutcome.ENDORSED.value
    db.session.commit()

    page = board_client.get(f"/proposals/{proposal.id}")
    assert text(soup(page).select_one("#readiness")) == "Readiness: 100%"
    assert {item: status for item, (status, _) in checklist(page).items()} == {
        item.label: "Done" for item in ReadinessItem}
    assert soup(page).select_one("#readiness-milestones a")["href"] == f"/proposals/{proposal.id}/milestones?rag=red"


def test_experts_do_not_see_the_checklist(client_as):
    expert = client_as(Role.EXPERT)
    proposal = factories.make_proposal(stage=ProposalStage.CO_CREATION)
    page = expert.get(f"/proposals/{proposal.id}")
    assert page.status_code == 200
    assert soup(page).select_one("#readiness") is None
