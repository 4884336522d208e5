"""Following proposals, the notifications stage moves and board decisions send, the
notifications page, marking them read, and the unread count in the header."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import sign_in
from tests.pages import soup, table_column, text
from tracker.auth.models import Role
from tracker.board.models import BoardDecisionKind
from tracker.board.services import open_round, record_decision
from tracker.extensions import db
from tracker.notifications.models import Follow, FollowReason, Notification
from tracker.notifications.services import follow, is_following, unfollow, unread_count
from tracker.priorities.models import SectorPriority
from tracker.proposals.models import ProposalStage
from tracker.proposals.stages import move_stage
from tracker.sections.models import Section, SectionState
from tracker.sections.services import save_section

WHEN, WHAT, STATUS = range(3)


def notify(user, proposal, message, *, when=None, read=False) -> Notification:
    """A notification as notify_followers writes it, at a chosen time."""
    note = Notification(
        user_id=user.id, proposal_id=proposal.id, message=message,
        created_at=when or datetime.now(UTC), read_at=datetime.now(UTC) if read else None,
    )
    db.session.add(note)
    db.session.commit()
    return note


def notes_of(user) -> list[str]:
    return list(db.session.scalars(
        select(Notification.message).where(Notification.user_id == user.id).order_by(Notification.id)
    ))


def header_link(response):
    """The notifications link in the header's account area, or None."""
    return soup(response).select_one('.govuk-service-navigation a[href="/notifications"]')


# The unread count in the header ----------------------------------------------------------------


def test_the_header_shows_how_many_notifications_are_unread(staff_client):
    proposal = factories.make_proposal()
    for n in range(3):
        notify(staff_client.user, proposal, f"Message {n}")
    notify(staff_client.user, proposal, "Already read", read=True)
    notify(factories.make_user(Role.STAFF), proposal, "Someone else's")

    link = header_link(staff_client.get("/"))

    visible = link.find(attrs={"aria-hidden": "true"})
    hidden = link.select_one(".govuk-visually-hidden")
    assert text(link).startswith("Notifications (3)")
    assert text(visible) == "(3)"
    assert text(hidden) == ": 3 unread notifications"


def test_one_unread_notification_is_singular(staff_client):
    notify(staff_client.user, factories.make_proposal(), "Only one")

    link = header_link(staff_client.get("/"))

    assert text(link.select_one(".govuk-visually-hidden")) == ": 1 unread notification"


def test_with_nothing_unread_the_header_just_says_notifications(board_client):
    notify(board_client.user, factories.make_proposal(), "Old news", read=True)

    link = header_link(board_client.get("/proposals/"))

    assert text(link) == "Notifications"
    assert not link.select(".govuk-visually-hidden")


def test_visitors_have_no_notifications_link(client):
    assert header_link(client.get("/accessibility")) is None


# The notifications page ------------------------------------------------------------------------


def test_the_page_lists_only_your_own_notifications_newest_first(expert_client):
    open_to_experts = factories.make_proposal(stage=ProposalStage.CO_CREATION, title="Open one")
    start = datetime(2023, 3, 1, 9, 0, tzinfo=UTC)
    notify(expert_client.user, open_to_experts, "Older and read", when=start, read=True)
    notify(expert_client.user, open_to_experts, "Newer and unread", when=start + timedelta(days=1))
    notify(factories.make_user(Role.EXPERT), open_to_experts, "Not yours")

    response = expert_client.get("/notifications")

    assert response.status_code == 200
    assert table_column(response, WHAT) == ["Newer and unread", "Older and read"]
    assert table_column(response, STATUS) == ["New", "Read"]
    assert table_column(response, WHEN) == ["2 March 2023 at 9:00am", "1 March 2023 at 9:00am"]
    links = [row.find_all("td")[WHAT].a for row in soup(response).select("tbody tr")]
    assert [link["href"] for link in links] == [f"/proposals/{open_to_experts.id}"] * 2
    assert "Not yours" not in response.get_data(as_text=True)


def test_unread_notifications_are_marked_with_words_not_only_colour(staff_client):
    notify(staff_client.user, factories.make_proposal(), "Fresh")

    tag = soup(staff_client.get("/notifications")).select_one("tbody .govuk-tag")

    assert text(tag) == "New"


def test_a_proposal_you_can_no_longer_see_is_named_but_not_linked(expert_client):
    gone_to_the_board = factories.make_proposal(stage=ProposalStage.BOARD_REVIEW)
    notify(expert_client.user, gone_to_the_board, "It moved to board review")

    response = expert_client.get("/notifications")

    cell = soup(response).select_one("tbody tr").find_all("td")[WHAT]
    assert text(cell) == "It moved to board review"
    assert cell.a is None


def test_opening_the_page_does_not_mark_anything_read(staff_client):
    notify(staff_client.user, factories.make_proposal(), "Still new")

    staff_client.get("/notifications")
    response = staff_client.get("/notifications")

    assert unread_count(staff_client.user) == 1
    assert table_column(response, STATUS) == ["New"]
    assert text(header_link(response)).startswith("Notifications (1)")


def test_mark_all_as_read_marks_only_your_own(staff_client):
    proposal = factories.make_proposal()
    other = factories.make_user(Role.STAFF)
    for n in range(2):
        notify(staff_client.user, proposal, f"Mine {n}")
    notify(other, proposal, "Theirs")

    response = staff_client.post("/notifications/read")

    assert response.status_code == 302
    assert response.location == "/notifications"
    assert unread_count(staff_client.user) == 0
    assert unread_count(other) == 1
    page = staff_client.get("/notifications")
    assert table_column(page, STATUS) == ["Read", "Read"]
    assert text(header_link(page)) == "Notifications"
    assert "All your notifications are marked as read" in text(soup(page).main)


def test_the_mark_all_button_shows_only_when_something_is_unread(staff_client):
    proposal = factories.make_proposal()
    notify(staff_client.user, proposal, "Read already", read=True)
    assert not soup(staff_client.get("/notifications")).select('form[action="/notifications/read"]')

    notify(staff_client.user, proposal, "New one")
    form = soup(staff_client.get("/notifications")).select_one('form[action="/notifications/read"]')

    assert "You have 1 unread notification." in text(form)
    assert text(form.button) == "Mark all as read"


def test_mark_all_as_read_needs_the_forms_token(staff_client, csrf_on):
    notify(staff_client.user, factories.make_proposal(), "Keep me new")

    response = staff_client.post("/notifications/read")

    assert response.status_code == 400
    assert unread_count(staff_client.user) == 1


def test_no_notifications_says_so(admin_client):
    response = admin_client.get("/notifications")

    assert "You have no notifications yet." in text(soup(response).main)
    assert not soup(response).select("table")


def test_the_page_is_paginated(staff_client):
    proposal = factories.make_proposal()
    start = datetime(2023, 3, 1, tzinfo=UTC)
    for n in range(30):
        notify(staff_client.user, proposal, f"Message {n:02}", when=start + timedelta(hours=n))

    first = staff_client.get("/notifications")
    second = staff_client.get("/notifications?page=2")

    assert len(table_column(first, WHAT)) == 25
    assert table_column(first, WHAT)[0] == "Message 29"
    assert table_column(second, WHAT) == [f"Message {n:02}" for n in range(4, -1, -1)]


# Following --------------------------------------------------------------------------------------


def test_staff_follow_and_unfollow_a_proposal_by_choice(staff_client):
    proposal = factories.make_proposal()

    response = staff_client.post(f"/proposals/{proposal.id}/follow")

    assert response.location == f"/proposals/{proposal.id}"
    follow_row = db.session.get(Follow, (staff_client.user.id, proposal.id))
    assert follow_row.reason is FollowReason.CHOSEN
    detail = soup(staff_client.get(f"/proposals/{proposal.id}"))
    assert "You now follow" in text(detail.main)
    assert text(detail.select_one(f'form[action="/proposals/{proposal.id}/unfollow"] button')) == (
        "Stop following"
    )

    staff_client.post(f"/proposals/{proposal.id}/unfollow")

    assert not is_following(staff_client.user, proposal)


def test_experts_follow_only_proposals_they_can_see(expert_client):
    draft = factories.make_proposal()
    open_one = factories.make_proposal(stage=ProposalStage.CO_CREATION)

    assert expert_client.post(f"/proposals/{draft.id}/follow").status_code == 403
    assert expert_client.post(f"/proposals/{open_one.id}/follow").status_code == 302

    assert not is_following(expert_client.user, draft)
    assert is_following(expert_client.user, open_one)


def test_following_twice_keeps_one_follow(board_client):
    proposal = factories.make_proposal()

    board_client.post(f"/proposals/{proposal.id}/follow")
    board_client.post(f"/proposals/{proposal.id}/follow")

    count = db.session.scalar(select(func.count()).select_from(Follow).where(
        Follow.proposal_id == proposal.id, Follow.user_id == board_client.user.id))
    assert count == 1


def test_owners_assignees_and_board_members_follow_automatically(staff_client):
    owner = factories.make_user(Role.STAFF)
    assignee = factories.make_user(Role.STAFF)
    member = factories.make_user(Role.BOARD)
    proposal = factories.make_proposal(owner=owner, stage=ProposalStage.CO_CREATION)
    section = db.session.scalars(select(Section).where(Section.proposal_id == proposal.id)).first()

    save_section(section, text="Some text.", note="", assignee_id=assignee.id,
                 state=SectionState.IN_PROGRESS, started_from=section.version, actor=staff_client.user,
                 proposal=proposal)
    open_round(proposal)
    db.session.commit()

    reasons = dict(db.session.execute(
        select(Follow.user_id, Follow.reason).where(Follow.proposal_id == proposal.id)).all())
    assert reasons == {
        owner.id: FollowReason.OWNER, assignee.id: FollowReason.ASSIGNEE, member.id: FollowReason.BOARD,
    }


# What sends notifications ----------------------------------------------------------------------


@pytest.fixture
def followed():
    """A proposal in co-creation followed by its owner, a board member and an expert who chose
    to, and the person who will act; and once followed by someone who has since stopped."""
    owner = factories.make_user(Role.STAFF, name="Owner")
    proposal = factories.make_proposal(owner=owner, stage=ProposalStage.CO_CREATION, title="Biochar")
    chooser = factories.make_user(Role.BOARD, name="Chooser")
    expert = factories.make_user(Role.EXPERT, name="Expert")
    actor = factories.make_user(Role.STAFF, name="Actor")
    quitter = factories.make_user(Role.STAFF, name="Quitter")
    bystander = factories.make_user(Role.STAFF, name="Bystander")
    for person in (chooser, expert, actor, quitter):
        follow(person, proposal, FollowReason.CHOSEN)
    db.session.commit()
    unfollow(quitter, proposal)
    db.session.commit()
    return {"proposal": proposal, "owner": owner, "chooser": chooser, "expert": expert,
            "actor": actor, "quitter": quitter, "bystander": bystander}


def test_a_stage_move_notifies_followers_but_not_the_person_who_moved_it(followed):
    move_stage(followed["proposal"], ProposalStage.DRAFT, followed["actor"], "Not ready")
    db.session.commit()

    expected = ["Biochar moved from Co-creation to Draft"]
    assert notes_of(followed["owner"]) == expected
    assert notes_of(followed["chooser"]) == expected
    assert notes_of(followed["actor"]) == []
    assert notes_of(followed["quitter"]) == []
    assert notes_of(followed["bystander"]) == []


def test_followers_are_told_only_what_they_may_see(followed):
    """The expert saw it in co-creation: not told when it goes to board review or is
    withdrawn from there, told when it comes back to co-creation."""
    proposal = followed["proposal"]
    proposal.stage = ProposalStage.BOARD_REVIEW
    # What co-creation needs, in case its guard also applies on the way back.
    proposal.input_closes_on = date(2023, 1, 31)
    db.session.add(SectorPriority(proposal_id=proposal.id, sector_id=factories.make_sector().id,
                                  rank=1, share=Decimal("100")))
    db.session.commit()

    move_stage(proposal, ProposalStage.CO_CREATION, followed["actor"], "Changes requested")
    move_stage(proposal, ProposalStage.WITHDRAWN, followed["actor"], "", reason="Merged into another bid")
    db.session.commit()

    assert notes_of(followed["expert"]) == ["Biochar moved from Board review to Co-creation"]
    assert notes_of(followed["owner"]) == [
        "Biochar moved from Board review to Co-creation", "Biochar moved from Co-creation to Withdrawn",
    ]


def test_a_stage_move_through_the_page_shows_in_the_followers_header(followed, app):
    mover = app.test_client()
    sign_in(mover, followed["actor"])
    owner = app.test_client()
    sign_in(owner, followed["owner"])

    moved = mover.post(f"/proposals/{followed['proposal'].id}/stage",
                       data={"target": "draft", "comment": "Back to the drawing board"})

    assert moved.status_code == 302
    assert text(header_link(owner.get("/"))).startswith("Notifications (1)")
    assert text(header_link(mover.get("/"))) == "Notifications"
    page = owner.get("/notifications")
    assert table_column(page, WHAT) == ["Biochar moved from Co-creation to Draft"]


def test_a_board_decision_notifies_followers_but_not_the_member_who_decided(followed):
    proposal = followed["proposal"]
    deciding = factories.make_user(Role.BOARD, name="Deciding Member")
    other_member = factories.make_user(Role.BOARD, name="Other Member")
    proposal.stage = ProposalStage.BOARD_REVIEW
    open_round(proposal)
    db.session.commit()

    record_decision(proposal, deciding, BoardDecisionKind.ENDORSE, "A strong bid")
    db.session.commit()

    [message] = notes_of(followed["owner"])
    assert "Deciding Member" in message and "Endorse" in message and "Biochar" in message
    assert notes_of(other_member) == [message]
    assert notes_of(followed["chooser"]) == [message]
    assert notes_of(deciding) == []
    assert notes_of(followed["expert"]) == []  # experts do not see board review
    assert notes_of(followed["quitter"]) == []
    assert notes_of(followed["bystander"]) == []
