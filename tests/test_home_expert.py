"""The sector expert's home page: proposals open for their input and when input closes, the
requests addressed to them with due date and status, their input newest first, and the latest
responses to it with the outcome in words; nothing of anyone else's."""

from datetime import timedelta

from tests import factories
from tests.pages import soup, text
from tests.test_home import TODAY, asked, days_ago, given, link, rows
from tracker.auth.models import Role
from tracker.contributions.models import ContributionResponse, ContributionStatus
from tracker.extensions import db
from tracker.main.queries import HOME_LIST_SIZE
from tracker.proposals.models import ProposalStage


def opening(title: str, closes_in: int | None):
    """A proposal in co-creation whose input closes `closes_in` days from today (None: no date)."""
    closes = TODAY + timedelta(days=closes_in) if closes_in is not None else None
    return factories.make_proposal(title=title, stage=ProposalStage.CO_CREATION, input_closes_on=closes)


def open_list(response) -> list[str]:
    return [text(item) for item in soup(response).select("#open-for-input li")]


def test_proposals_open_for_input_closing_soonest_first_with_their_close_dates(expert_client):
    later = opening("Later bid", 5)
    opening("Undated bid", None)
    opening("Tomorrow bid", 1)
    opening("Today bid", 0)
    opening("Closed bid", -1)
    factories.make_proposal(title="Draft bid")

    listed = open_list(expert_client.get("/"))

    assert [row.split(" Organisation")[0] for row in listed] == [
        "Today bid", "Tomorrow bid", "Later bid", "Undated bid"]
    closes = later.input_closes_on
    assert listed[2].endswith(f"Input closes on {closes.day} {closes:%B %Y}")
    assert listed[3].endswith("No close date set yet")


def test_the_open_list_is_bounded_and_says_how_many_more(expert_client):
    for n in range(HOME_LIST_SIZE + 1):
        opening(f"Bid {n:02}", n)

    response = expert_client.get("/")

    assert len(open_list(response)) == HOME_LIST_SIZE
    assert f"closing soonest of {HOME_LIST_SIZE + 1}" in text(soup(response).main)
    assert link(response, "See every proposal in co-creation") == "/proposals/?stage=co_creation"


def test_requests_addressed_to_them_with_due_date_and_their_own_status(expert_client):
    me = expert_client.user
    proposal = opening("Asking bid", 30)
    asked(proposal, [me], 3, "Tell us about skills")
    asked(proposal, [me, factories.make_user(Role.EXPERT)], -2, "Overdue question")
    asked(proposal, [factories.make_user(Role.EXPERT)], 3, "Someone else's question")
    answered_bid = opening("Answered bid", 30)
    asked(answered_bid, [me], 1, "Answered question")
    given(answered_bid, "My answer", 1, author=me)  # given after the request was made

    response = expert_client.get("/")

    listed = [[cells[1], cells[3]] for cells in rows(response, "requests")]
    assert listed == [["Overdue question", "Overdue"], ["Tell us about skills", "Open"],
                      ["Answered question", "Answered"]]
    assert link(response, "See all 3 requests for input to you") == "/me/contributions"


def test_their_input_newest_first_and_the_latest_responses_in_words(expert_client):
    me = expert_client.user
    proposal = opening("Input bid", 10)
    older = given(proposal, "Older input", 4, ContributionStatus.DECLINED, author=me)
    newer = given(proposal, "Newer input", 1, ContributionStatus.NOTED, author=me)
    given(proposal, "Waiting input", 0, author=me)
    given(proposal, "Someone else's input", 0, ContributionStatus.ACCEPTED)
    db.session.add_all([
        ContributionResponse(contribution_id=older.id, outcome=ContributionStatus.DECLINED,
                             reason="Out of scope for this bid", responded_at=days_ago(0)),
        ContributionResponse(contribution_id=newer.id, outcome=ContributionStatus.NOTED,
                             reason="", responded_at=days_ago(1)),
    ])
    db.session.commit()

    response = expert_client.get("/")

    assert [[cells[0], cells[1], cells[3]] for cells in rows(response, "contributions")] == [
        ["Waiting input", "Input bid", "Submitted"],
        ["Newer input", "Input bid", "Noted"],
        ["Older input", "Input bid", "Declined"],
    ]
    responses = [text(item) for item in soup(response).select("#responses li")]
    assert len(responses) == 2
    assert responses[0].startswith("Older input on Input bid, answered on")
    assert responses[0].endswith("Declined Out of scope for this bid")
    assert responses[1].startswith("Newer input") and responses[1].endswith("Noted")
    assert link(response, "See all 3 pieces of input") == "/me/contributions"


def test_a_new_expert_is_told_what_will_appear(expert_client):
    page = text(soup(expert_client.get("/")).main)
    for message in ("No proposals are open for input at the moment.",
                    "The team has not asked you for input yet.",
                    "The team has not responded to your input yet.",
                    "You have not given any input yet."):
        assert message in page
