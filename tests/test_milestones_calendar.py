"""Calendar feeds: made, reset and removed from the profile; the .ics parsed back with icalendar
(valid RFC 5545 structure, one all-day event per milestone, stable UIDs, SEQUENCE moving on
with each change); a wrong, reset or removed token, or an owner who may no longer see the
proposal, gets 404."""

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tests import factories
from tests.pages import activities, error_summary, input_value, soup, text
from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.milestones import calendar as feeds
from tracker.milestones.models import CalendarFeed, Milestone, MilestoneKind, MilestoneState
from tracker.milestones.rules import plan
from tracker.milestones.services import update_milestone
from tracker.proposals.models import ProposalStage

DUE = date(2026, 3, 16)


def make_feed(client, feed_of="own") -> str:
    """Make a feed from the profile; the path of its address, shown once."""
    response = client.post("/profile/calendar-feeds", data={"feed_of": feed_of})
    assert response.status_code == 200, response.get_data(as_text=True)
    return urlsplit(input_value(response, "new-feed-url")).path


def fetch(client, path) -> Calendar:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.data)


def events_by_uid(calendar: Calendar) -> dict:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_a_persons_feed_lists_the_milestones_they_own_as_all_day_events(staff_client, client):
    me = staff_client.user
    proposal = factories.make_proposal(title="Hydrogen valley")
    board = factories.make_milestone(proposal, owner=me, title="Board sign-off", due_on=DUE, state=MilestoneState.IN_PROGRESS)
    programme_date = factories.make_milestone(
        programme=factories.make_programme(name="West Midlands IA"), owner=me, title="Selection panel",
        kind=MilestoneKind.PANEL_DATE, due_on=date(2026, 4, 1),
    )
    factories.make_milestone(proposal, title="Someone else's", due_on=DUE)

    path = make_feed(staff_client)
    calendar = fetch(client, path)  # a calendar app: not signed in

    assert str(calendar["PRODID"]) == feeds.PRODID and str(calendar["VERSION"]) == "2.0"
    events = events_by_uid(calendar)
    assert sorted(events) == [f"milestone-{board.id}@localhost", f"milestone-{programme_date.id}@localhost"]
    event = events[f"milestone-{board.id}@localhost"]
    assert event.decoded("DTSTART") == DUE and event.decoded("DTEND") == DUE + timedelta(days=1)
    assert "DTSTART;VALUE=DATE:20260316" in event.to_ical().decode()
    assert str(event["SUMMARY"]) == "Board sign-off (In progress)"
    assert str(event["URL"]) == f"http://localhost/milestones/{board.id}"
    assert int(event["SEQUENCE"]) == 0 and "DTSTAMP" in event
    description = str(event["DESCRIPTION"])
    assert "Proposal: Hydrogen valley" in description and f"Owner: {me.name}" in description
    assert "RAG: " in description and "Forecast: " in description
    assert "Programme: West Midlands IA" in str(events[f"milestone-{programme_date.id}@localhost"]["DESCRIPTION"])


def test_uids_stay_the_same_and_sequence_moves_on_when_a_milestone_changes(staff_client, client):
    me = staff_client.user
    milestone = factories.make_milestone(owner=me, title="Gateway review", kind=MilestoneKind.GATEWAY, due_on=DUE)
    path = make_feed(staff_client)
    first = client.get(path).data
    assert client.get(path).data == first  # nothing changed: the same bytes

    update_milestone(
        db.session.get(Milestone, milestone.id), title="Gateway review (moved)", kind=MilestoneKind.GATEWAY,
        owner=db.session.get(User, me.id), starts_on=None, due_on=DUE + timedelta(days=3),
        state=MilestoneState.IN_PROGRESS, notes="", depends_on=[], started_from=milestone.version, actor=me,
    )
    db.session.commit()

    before = events_by_uid(Calendar.from_ical(first))[f"milestone-{milestone.id}@localhost"]
    after = events_by_uid(fetch(client, path))[f"milestone-{milestone.id}@localhost"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART") == DUE + timedelta(days=3)
    assert str(after["SUMMARY"]) == "Gateway review (moved) (In progress)"


def test_a_proposal_feed_lists_that_proposals_milestones_only(staff_client, client):
    proposal = factories.make_proposal(title="Biochar")
    ours = [factories.make_milestone(proposal, title=f"Step {n}", due_on=DUE + timedelta(days=n)) for n in range(3)]
    factories.make_milestone(programme=factories.make_programme(), title="A programme's own date")
    factories.make_milestone(title="Another proposal's step")

    calendar = fetch(client, make_feed(staff_client, str(proposal.id)))

    assert sorted(events_by_uid(calendar)) == sorted(f"milestone-{m.id}@localhost" for m in ours)
    assert str(calendar["X-WR-CALNAME"]) == "Milestones: Biochar"


def test_the_token_is_stored_hashed_and_a_wrong_one_is_404(staff_client, client):
    path = make_feed(staff_client)
    token = path.removeprefix("/calendar/").removesuffix(".ics")

    feed = db.session.scalar(select(CalendarFeed))
    assert feed.token_hash == CalendarFeed.hash_of(token) and token not in feed.token_hash
    assert client.get("/calendar/not-the-token.ics").status_code == 404
    assert client.get(f"/calendar/{token[:-1]}.ics").status_code == 404
    assert activities("calendar_feed.created")[0].subject_id == staff_client.user.id


def test_resetting_a_feed_kills_the_old_address(staff_client, client):
    old = make_feed(staff_client)
    feed = db.session.scalar(select(CalendarFeed))

    response = staff_client.post(f"/profile/calendar-feeds/{feed.id}/reset")

    new = urlsplit(input_value(response, "new-feed-url")).path
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert db.session.scalar(select(func.count(CalendarFeed.id))) == 1
    assert activities("calendar_feed.reset")


def test_making_a_feed_for_the_same_milestones_again_replaces_the_old_one(staff_client, client):
    old = make_feed(staff_client)
    new = make_feed(staff_client)
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200


def test_removing_a_feed_kills_its_address(staff_client, client):
    path = make_feed(staff_client)
    feed = db.session.scalar(select(CalendarFeed))

    response = staff_client.post(f"/profile/calendar-feeds/{feed.id}/remove", follow_redirects=True)

    assert "You have no calendar feeds yet" in text(soup(response))
    assert client.get(path).status_code == 404
    assert activities("calendar_feed.removed")


def test_the_address_shows_once_and_the_profile_lists_the_feeds(staff_client):
    proposal = factories.make_proposal(title="Health tech accelerator")
    make_feed(staff_client)
    make_feed(staff_client, str(proposal.id))

    page = soup(staff_client.get("/profile/"))

    assert page.select_one("#new-feed-url") is None
    assert "/calendar/" not in page.get_text()
    assert [text(cell) for cell in page.select("#calendar-feeds ~ table tbody th")] == [
        "The milestones you own", "Proposal: Health tech accelerator",
    ]


def test_an_expert_chooses_only_proposals_they_may_see(expert_client):
    open_one = factories.make_proposal(title="Open for input", stage=ProposalStage.CO_CREATION)
    hidden = factories.make_proposal(title="Still a draft")

    page = soup(expert_client.get("/profile/"))
    offered = [text(option) for option in page.select("select#feed_of option")]
    assert "Proposal: Open for input" in offered and "Proposal: Still a draft" not in offered

    response = expert_client.post("/profile/calendar-feeds", data={"feed_of": str(hidden.id)})
    assert error_summary(response) == [("Select milestones from the list", "#feed_of")]
    assert db.session.scalar(select(func.count(CalendarFeed.id))) == 0
    assert open_one.id


def test_choosing_nothing_is_an_error(staff_client):
    response = staff_client.post("/profile/calendar-feeds", data={})
    assert error_summary(response) == [("Select the milestones the feed lists", "#feed_of")]


def test_a_proposal_feed_stops_while_its_owner_may_not_see_the_proposal(expert_client, client):
    """The feed is read as its owner: once the proposal leaves co-creation an expert who was
    not asked for input may not see it, so the feed answers 404 (and the profile says why)."""
    proposal = factories.make_proposal(title="Clean tech", stage=ProposalStage.CO_CREATION)
    factories.make_milestone(proposal, due_on=DUE)
    path = make_feed(expert_client, str(proposal.id))
    assert client.get(path).status_code == 200

    proposal.stage = ProposalStage.BOARD_REVIEW
    db.session.commit()

    assert client.get(path).status_code == 404
    page = soup(expert_client.get("/profile/"))
    assert "A proposal you can no longer see" in text(page)
    assert "Clean tech" not in text(page.select_one("#calendar-feeds ~ table"))
    feed = db.session.scalar(select(CalendarFeed))
    assert expert_client.post(f"/profile/calendar-feeds/{feed.id}/reset").status_code == 403


def test_a_deactivated_persons_feed_is_404(staff_client, client):
    path = make_feed(staff_client)
    db.session.get(User, staff_client.user.id).is_active_account = False
    db.session.commit()
    assert client.get(path).status_code == 404


def test_nobody_resets_or_removes_someone_elses_feed(staff_client, client_as, client):
    path = make_feed(staff_client)
    feed = db.session.scalar(select(CalendarFeed))
    other = client_as(Role.STAFF)
    assert other.post(f"/profile/calendar-feeds/{feed.id}/reset").status_code == 404
    assert other.post(f"/profile/calendar-feeds/{feed.id}/remove").status_code == 404
    assert client.get(path).status_code == 200


def test_making_a_feed_needs_the_csrf_token(staff_client, csrf_on):
    response = staff_client.post("/profile/calendar-feeds", data={"feed_of": "own"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(CalendarFeed.id))) == 0


@pytest.mark.parametrize("today,rag,forecast", [
    (date(2026, 3, 2), "RAG: Amber", "Forecast: 16 March 2026"),  # not started, due within 14 days
    (date(2026, 2, 1), "RAG: Green", "Forecast: 16 March 2026"),
    (date(2026, 3, 20), "RAG: Red", "Forecast: 20 March 2026 (4 days late)"),
])
def test_the_description_gives_the_rag_and_forecast_for_the_day(today, rag, forecast):
    milestone = factories.make_milestone(due_on=DUE)
    db.session.expire_all()
    milestone = db.session.scalar(select(Milestone).where(Milestone.id == milestone.id).options(
        joinedload(Milestone.proposal), joinedload(Milestone.programme), joinedload(Milestone.owner)))

    described = feeds.description(milestone, plan([milestone], {}, today)[milestone.id])

    assert rag in described and forecast in described and "Due: 16 March 2026" in described
