"""The staff home page (/ for staff and admins): input waiting for a response (oldest first),
requests for input overdue, their own milestones overdue and due this week, and the proposals
they own; each list bounded with a link to the whole of it, and the two whole lists it links to
(/waiting-input and /overdue-requests)."""

from datetime import UTC, datetime, time, timedelta

import pytest

from tests import factories
from tests.pages import soup, text
from tests.test_search import give
from tracker.auth.models import Role
from tracker.contributions.input_requests import overdue_requests, request_rows
from tracker.contributions.models import ContributionStatus, InputRequest, InputRequestStatus
from tracker.extensions import db
from tracker.main.queries import HOME_LIST_SIZE
from tracker.main.views import today as uk_today
from tracker.milestones.models import MilestoneState

TODAY = uk_today()  # the view's own day, so that the page and the test agree


def days_ago(days: int) -> datetime:
    """Noon (UTC, the same day in the UK) `days` days before today."""
    return datetime.combine(TODAY - timedelta(days=days), time(12), tzinfo=UTC)


def given(proposal, title: str, days: int, status=ContributionStatus.SUBMITTED, author=None):
    """A contribution given `days` days ago."""
    contribution = give(proposal, author or factories.make_user(Role.EXPERT), title, status=status)
    contribution.created_at = days_ago(days)
    db.session.commit()
    return contribution


def asked(proposal, recipients, due_in: int, message: str = "Your view?", made_days_ago: int = 20):
    """A request for input due `due_in` days from today (negative: in the past)."""
    request = InputRequest(proposal_id=proposal.id, message=message,
                           due_on=TODAY + timedelta(days=due_in), created_at=days_ago(made_days_ago))
    request.recipients = list(recipients)
    db.session.add(request)
    db.session.commit()
    return request


def rows(response, table_id: str) -> list[list[str]]:
    """The text of each cell of each body row of a table."""
    return [[text(cell) for cell in row.select("td")]
            for row in soup(response).select(f"#{table_id} tbody tr")]


def link(response, starting: str) -> str:
    """The address of the link whose text starts with `starting`."""
    found = [a for a in soup(response).select("main a") if text(a).startswith(starting)]
    assert len(found) == 1, [text(a) for a in soup(response).select("main a")]
    return found[0]["href"]


# Input waiting for a response ------------------------------------------------------------


def test_input_waiting_is_listed_oldest_first_with_its_proposal_and_days_waiting(staff_client):
    alpha = factories.make_proposal(title="Alpha bid")
    beta = factories.make_proposal(title="Beta bid")
    newest = given(alpha, "Newest input", 0)
    oldest = given(beta, "Oldest input", 5)
    given(alpha, "Reviewed input", 1, ContributionStatus.UNDER_REVIEW)
    given(alpha, "Answered input", 9, ContributionStatus.NOTED)
    given(alpha, "Withdrawn input", 9, ContributionStatus.WITHDRAWN)

    response = staff_client.get("/")

    assert [[cells[0], cells[1], cells[2].split(" Given")[0], cells[3]] for cells in rows(response, "waiting")] == [
        ["Oldest input Comment", "Beta bid", "5 days", "Submitted"],
        ["Reviewed input Comment", "Alpha bid", "1 day", "Under review"],
        ["Newest input Comment", "Alpha bid", "Today", "Submitted"],
    ]
    hrefs = [a["href"] for a in soup(response).select("#waiting tbody tr td:first-child a")]
    assert hrefs == [f"/contributions/{oldest.id}", hrefs[1], f"/contributions/{newest.id}"]
    assert link(response, "See all 3 contributions waiting") == "/waiting-input"


def test_the_waiting_list_is_bounded_and_the_whole_list_pages(staff_client, app, monkeypatch):
    proposal = factories.make_proposal(title="Busy bid")
    for n in range(HOME_LIST_SIZE + 2):
        given(proposal, f"Input {n:02}", 30 - n)

    home = staff_client.get("/")
    assert len(rows(home, "waiting")) == HOME_LIST_SIZE
    assert link(home, f"See all {HOME_LIST_SIZE + 2} contributions waiting") == "/waiting-input"

    monkeypatch.setitem(app.config, "PAGE_SIZE", 5)
    whole = staff_client.get("/waiting-input")
    last = staff_client.get("/waiting-input?page=3")
    beyond = staff_client.get("/waiting-input?page=9")
    assert [cells[0] for cells in rows(whole, "waiting")] == [f"Input {n:02} Comment" for n in range(5)]
    assert [cells[0] for cells in rows(last, "waiting")] == ["Input 10 Comment", "Input 11 Comment"]
    assert beyond.status_code == 200
    assert "There is nothing on page 9: the list has 3 pages" in text(soup(beyond).select_one("#past-the-end"))


def test_with_nothing_waiting_the_home_page_says_so(staff_client):
    response = staff_client.get("/")
    for message in ("No input is waiting for a response.", "No request for input is overdue.",
                    "None of your milestones is overdue or due this week.",
                    "You do not own any proposals yet."):
        assert message in text(soup(response).main)
    assert staff_client.get("/waiting-input").status_code == 200


# Requests for input overdue ----------------------------------------------------------------


def test_requests_overdue_are_those_past_due_that_someone_has_not_answered(staff_client):
    proposal = factories.make_proposal(title="Asking bid")
    ann, bob = factories.make_user(Role.EXPERT), factories.make_user(Role.EXPERT)
    late = asked(proposal, [ann], -3, "Late, nobody answered")
    half = asked(proposal, [ann, bob], -10, "Later still, one answered")
    answered = asked(proposal, [bob], -1, "Past due but answered")
    due_later = asked(proposal, [ann], 2, "Not due yet")
    given(proposal, "Bob's answer", 2, author=bob)  # after the requests were made: answers both of his

    response = staff_client.get("/")

    assert [[cells[1], cells[2], cells[3], cells[4]] for cells in rows(response, "overdue-requests")] == [
        ["Later still, one answered", f"{_long(half.due_on)} 10 days overdue", "1 of 2", "Overdue"],
        ["Late, nobody answered", f"{_long(late.due_on)} 3 days overdue", "0 of 1", "Overdue"],
    ]
    assert link(response, "See all 2 requests for input overdue") == "/overdue-requests"
    # The SQL agrees with the status rule for every request.
    statuses = {row.request.id: row.status for row in request_rows([late, half, answered, due_later], TODAY)}
    overdue = {request.id for request in db.session.scalars(overdue_requests(TODAY))}
    assert overdue == {id_ for id_, status in statuses.items() if status is InputRequestStatus.OVERDUE}


def _long(day) -> str:
    return f"{day.day} {day:%B %Y}"


def test_the_whole_list_of_overdue_requests(staff_client):
    proposal = factories.make_proposal(title="Asking bid")
    asked(proposal, [factories.make_user(Role.EXPERT)], -1, "Yesterday's request")

    response = staff_client.get("/overdue-requests")

    assert [cells[1] for cells in rows(response, "overdue-requests")] == ["Yesterday's request"]
    assert soup(response).select_one("#overdue-requests a")["href"] == f"/proposals/{proposal.id}/requests"


# Milestones ---------------------------------------------------------------------------------


def test_their_own_milestones_overdue_and_due_this_week(staff_client):
    me = staff_client.user
    proposal = factories.make_proposal(title="Timed bid")
    for title, due_in, state, owner in (
        ("Late step", -2, MilestoneState.IN_PROGRESS, me),
        ("Step today", 0, MilestoneState.NOT_STARTED, me),
        ("Step on day six", 6, MilestoneState.NOT_STARTED, me),
        ("Next week's step", 7, MilestoneState.NOT_STARTED, me),
        ("Finished late step", -5, MilestoneState.DONE, me),
        ("Someone else's late step", -2, MilestoneState.NOT_STARTED, factories.make_user(Role.STAFF)),
    ):
        factories.make_milestone(proposal, title=title, due_on=TODAY + timedelta(days=due_in),
                                 state=state, owner=owner)

    response = staff_client.get("/")

    assert text(soup(response).select_one("#milestones-overdue caption")) == "Overdue (1)"
    assert table_column_of(response, "milestones-overdue") == ["Late step Timed bid"]
    assert text(soup(response).select_one("#milestones-this-week caption")) == "Due this week (2)"
    assert table_column_of(response, "milestones-this-week") == ["Step today Timed bid", "Step on day six Timed bid"]
    assert link(response, "See all 4 milestones of yours") == "/me/milestones"


def table_column_of(response, table_id: str) -> list[str]:
    return [cells[0] for cells in rows(response, table_id)]


# Proposals they own -------------------------------------------------------------------------


def test_proposals_they_own_bounded_with_a_link_to_all_of_them(staff_client):
    me = staff_client.user
    for n in range(HOME_LIST_SIZE + 1):
        factories.make_proposal(title=f"Mine {n:02}", owner=me)
    factories.make_proposal(title="Not mine")

    response = staff_client.get("/")

    owned = table_column_of(response, "owned")
    assert len(owned) == HOME_LIST_SIZE and not any("Not mine" in row for row in owned)
    assert link(response, f"See all {HOME_LIST_SIZE + 1} proposals you own") == f"/proposals/?owner={me.id}"


def test_admins_see_the_same_lists_and_the_people_summary(admin_client):
    proposal = factories.make_proposal(title="Admin's view")
    given(proposal, "Waiting input", 1)

    response = admin_client.get("/")

    assert [cells[0] for cells in rows(response, "waiting")] == ["Waiting input Comment"]
    assert "People" in [text(h) for h in soup(response).select("h2")]


@pytest.mark.parametrize("role", [Role.EXPERT, Role.BOARD])
def test_the_whole_lists_are_staffs(client_as, role):
    client = client_as(role)
    assert client.get("/waiting-input").status_code == 403
    assert client.get("/overdue-requests").status_code == 403
