"""Notifications that go by email at once: written to the outbox in the same transaction as the
event (rolled back with it), only for people who chose "at once" for that kind (or whose default
it is), never without a mail server or to a deactivated account; each place that notifies
sets its kind; invitations and milestone reminders go through the outbox too."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import sign_in
from tests.pages import soup, text
from tests.test_outbox_sender import use_mail
from tracker.auth.models import Role
from tracker.board.models import BoardDecisionKind
from tracker.board.services import open_round, record_decision
from tracker.contributions import input_requests
from tracker.contributions.models import ContributionKind, ContributionStatus
from tracker.contributions.services import respond, submit_contribution
from tracker.extensions import db
from tracker.milestones.reminders import record_reminders
from tracker.notifications.models import Delivery, FollowReason, Notification, NotificationKind, NotificationPreference
from tracker.notifications.services import follow
from tracker.outbox.models import OutboxMessage, OutboxPurpose, OutboxStatus
from tracker.priorities.models import PriorityStance, StanceKind
from tracker.priorities.services import add_priority
from tracker.proposals.models import ProposalStage
from tracker.proposals.stages import move_stage

TODAY = date.today()


@pytest.fixture
def mail(app, monkeypatch):
    use_mail(app, monkeypatch)


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def notes() -> list[Notification]:
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def choose(user, kind: NotificationKind, delivery: Delivery) -> None:
    db.session.add(NotificationPreference(user_id=user.id, kind=kind, delivery=delivery))
    db.session.commit()


@pytest.fixture
def followed():
    """A proposal in co-creation, its owner (stage moves at once), a board member (the daily
    default), an expert who hears of stage moves never, and the staff member who acts."""
    owner = factories.make_user(Role.STAFF, name="Olu Owner", email="olu@example.org")
    proposal = factories.make_proposal(owner=owner, stage=ProposalStage.CO_CREATION, title="Biochar")
    member = factories.make_user(Role.BOARD, name="Bea Board")
    expert = factories.make_user(Role.EXPERT, name="Erin Expert")
    actor = factories.make_user(Role.STAFF, name="Actor")
    for person in (member, expert):
        follow(person, proposal, FollowReason.CHOSEN)
    db.session.commit()
    choose(owner, NotificationKind.STAGE, Delivery.IMMEDIATE)
    choose(expert, NotificationKind.STAGE, Delivery.NEVER)
    return {"proposal": proposal, "owner": owner, "member": member, "expert": expert, "actor": actor}


def test_an_immediate_choice_queues_the_email_in_the_events_transaction(mail, followed):
    move_stage(followed["proposal"], ProposalStage.DRAFT, followed["actor"], "Not ready")
    db.session.flush()

    [message] = outbox()
    by_person = {note.user_id: note for note in notes()}
    assert set(by_person) == {followed["owner"].id, followed["member"].id}  # the expert no longer sees it
    owners = by_person[followed["owner"].id]
    assert (owners.kind, owners.emailed_at) == (NotificationKind.STAGE, owners.created_at)
    assert by_person[followed["member"].id].emailed_at is None  # waits for the daily digest
    assert (message.to_address, message.user_id, message.purpose, message.status) == (
        "olu@example.org", followed["owner"].id, OutboxPurpose.NOTIFICATION.value, OutboxStatus.PENDING)
    assert message.subject == "Biochar moved from Co-creation to Draft"
    assert message.body.startswith("Hello Olu Owner,\n\nBiochar moved from Co-creation to Draft\n")
    assert "because of your choice for “A proposal you follow changes stage”" in message.body

    db.session.rollback()  # the event fails: its email goes with it

    assert outbox() == [] and notes() == []


def test_never_means_no_email_and_the_notification_still_shows(mail, followed):
    choose(followed["member"], NotificationKind.STAGE, Delivery.NEVER)

    move_stage(followed["proposal"], ProposalStage.DRAFT, followed["actor"], "Not ready")
    db.session.commit()

    assert [message.to_address for message in outbox()] == ["olu@example.org"]
    [members] = [note for note in notes() if note.user_id == followed["member"].id]
    assert members.emailed_at is None


def test_without_a_mail_server_nothing_is_queued_and_the_tracker_works_as_before(followed):
    move_stage(followed["proposal"], ProposalStage.DRAFT, followed["actor"], "Not ready")
    db.session.commit()

    assert outbox() == []
    assert len(notes()) == 2
    assert all(note.emailed_at is None for note in notes())


def test_a_deactivated_account_gets_no_email(mail, followed):
    followed["owner"].is_active_account = False
    db.session.commit()

    move_stage(followed["proposal"], ProposalStage.DRAFT, followed["actor"], "Not ready")
    db.session.commit()

    assert outbox() == []


def test_an_email_sent_from_a_page_links_to_the_proposal(app, mail, followed):
    mover = app.test_client()
    sign_in(mover, followed["actor"])

    mover.post(f"/proposals/{followed['proposal'].id}/stage", data={"target": "draft", "comment": "Later"})

    [message] = outbox()
    assert f"See it in the tracker: http://localhost/proposals/{followed['proposal'].id}" in message.body
    assert "go to http://localhost/profile/notifications" in message.body


# Each place that notifies sets its kind -------------------------------------------------------


@pytest.fixture
def open_proposal():
    staff = factories.make_user(Role.STAFF, name="Sam Staff")
    expert = factories.make_user(Role.EXPERT, name="Erin Expert", email="erin@example.org")
    proposal = factories.make_proposal(owner=staff, stage=ProposalStage.CO_CREATION, title="Biochar",
                                       input_closes_on=TODAY + timedelta(days=7))
    return {"proposal": proposal, "staff": staff, "expert": expert}


def only_email_to(address: str, purpose=OutboxPurpose.NOTIFICATION) -> OutboxMessage:
    [message] = outbox()
    assert (message.to_address, message.purpose) == (address, purpose.value)
    return message


def test_a_request_for_input(mail, open_proposal):
    world = open_proposal
    input_requests.ask_for_input(world["proposal"], world["staff"], message="Help", due_on=TODAY + timedelta(days=3),
                                 today=TODAY, experts=[world["expert"]])
    db.session.commit()

    [note] = notes()
    assert note.kind is NotificationKind.REQUEST
    assert only_email_to("erin@example.org").subject.startswith("Sam Staff asked you for input on “Biochar”")


def test_a_response_to_input(mail, open_proposal):
    world = open_proposal
    contribution = submit_contribution(world["proposal"], world["expert"], kind=ContributionKind.COMMENT,
                                       title="Soil data", body="See the trial.", sector=factories.make_sector())
    respond(contribution, world["proposal"], outcome=ContributionStatus.NOTED, reason="", actor=world["staff"])
    db.session.commit()

    [note] = notes()
    assert note.kind is NotificationKind.RESPONSE
    assert only_email_to("erin@example.org").subject == "Your input “Soil data” was noted"


def test_an_answer_to_a_challenge(app, mail, open_proposal):
    world = open_proposal
    priority = add_priority(world["proposal"], factories.make_sector("Clean tech"), Decimal("60"), "Emissions.",
                            world["staff"])
    db.session.commit()
    url = f"/proposals/{world['proposal'].id}/priorities/{priority.id}"
    expert, staff = app.test_client(), app.test_client()
    sign_in(expert, world["expert"])
    sign_in(staff, world["staff"])
    expert.post(f"{url}/stance", data={"kind": StanceKind.CHALLENGE.value, "comment": "Too high"})
    stance = db.session.scalar(select(PriorityStance))

    staff.post(f"{url}/stances/{stance.id}/reply", data={"reply": "We checked", "edit_version": stance.version})

    [note] = notes()
    assert note.kind is NotificationKind.PRIORITY
    assert only_email_to("erin@example.org").subject == "Your challenge to Clean tech on “Biochar” was answered"


def test_a_board_decision_follows_the_members_choice(mail, open_proposal):
    world = open_proposal
    proposal = world["proposal"]
    proposal.stage = ProposalStage.BOARD_REVIEW
    open_round(proposal)
    db.session.commit()
    choose(world["staff"], NotificationKind.BOARD, Delivery.IMMEDIATE)

    record_decision(proposal, factories.make_user(Role.BOARD, name="Bea Board"), BoardDecisionKind.ENDORSE, "Good")
    db.session.commit()

    assert {note.kind for note in notes()} == {NotificationKind.BOARD}
    assert only_email_to(world["staff"].email).subject.startswith("Bea Board recorded")


def test_a_milestone_reminder_is_queued_with_its_own_wording(mail):
    owner = factories.make_user(Role.STAFF, name="Olu Owner", email="olu@example.org")
    factories.make_milestone(owner=owner, title="Board sign-off", due_on=TODAY + timedelta(days=7))

    run = record_reminders(TODAY)
    db.session.commit()

    [note] = notes()
    assert note.kind is NotificationKind.MILESTONE and note.emailed_at is not None
    message = only_email_to("olu@example.org", OutboxPurpose.REMINDER)
    assert message.subject == "Milestone due soon: Board sign-off"
    assert message.body.startswith("Hello Olu Owner,\n\nThe milestone “Board sign-off”")
    assert "1 queued to email" in run.summary()


def test_a_milestone_reminder_follows_a_digest_choice(mail):
    owner = factories.make_user(Role.STAFF)
    choose(owner, NotificationKind.MILESTONE, Delivery.DAILY)
    factories.make_milestone(owner=owner, due_on=TODAY + timedelta(days=1))

    run = record_reminders(TODAY)
    db.session.commit()

    assert outbox() == [] and notes()[0].emailed_at is None
    assert "0 queued to email" in run.summary()


# Sign-in links --------------------------------------------------------------------------------


def test_an_invitation_is_queued_not_sent_during_the_request(admin_client, mail):
    response = admin_client.post("/admin/users/invite", data={
        "name": "Sam Patel", "email": "sam.patel@example.org", "role": "expert", "organisation_id": ""})

    link = text(soup(response).select_one("code.tracker-code"))
    message = only_email_to("sam.patel@example.org", OutboxPurpose.INVITATION)
    assert link in message.body and message.status is OutboxStatus.PENDING
    assert "The link is queued to be emailed to sam.patel@example.org" in text(soup(response))


def test_without_mail_the_invitation_page_says_to_give_the_link_yourself(admin_client):
    response = admin_client.post("/admin/users/invite", data={
        "name": "Sam Patel", "email": "sam.patel@example.org", "role": "expert", "organisation_id": ""})

    assert "Email is not set up for this tracker" in text(soup(response))
    assert outbox() == []
