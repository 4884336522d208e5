"""Experts endorsing or challenging a proposal's priorities while it is open for input (once
each, changeable; a challenge needs a comment), what the page shows of it, and staff answering
a challenge (the expert is told; a reply to a changed challenge gets 409; a reply given before
the expert changed their stance stays, marked as given to the earlier one)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, error_summary, soup, summary_errors, table_column, text
from tests.test_priorities import form_data, url
from tracker.auth.models import Role
from tracker.contributions.models import InputRequest
from tracker.extensions import db
from tracker.notifications.models import Notification
from tracker.priorities.models import PriorityStance, StanceKind
from tracker.priorities.queries import priority_of
from tracker.priorities.services import add_priority
from tracker.priorities.stances import StanceRefused, answer_challenge, take_stance
from tracker.proposals.models import ProposalStage


@pytest.fixture
def world():
    """A proposal open for input for a week, ranked Health tech then Clean tech."""
    staff = factories.make_user(Role.STAFF, name="Sam Staff")
    proposal = factories.make_proposal(
        owner=staff, stage=ProposalStage.CO_CREATION, input_closes_on=date.today() + timedelta(days=7),
    )
    health = add_priority(proposal, factories.make_sector("Health tech"), Decimal("60"), "Devices.", staff)
    clean = add_priority(proposal, factories.make_sector("Clean tech"), Decimal("20"), "Emissions.", staff)
    db.session.commit()
    return {"proposal": proposal, "staff": staff, "health": health, "clean": clean}


@pytest.fixture
def expert(client_as):
    return client_as(Role.EXPERT, name="Erin Expert", organisation=factories.make_organisation("MedTech Cluster"))


def stance_url(world, priority) -> str:
    return f"{url(world['proposal'])}/{priority.id}/stance"


def say(client, world, priority, kind="endorse", comment=""):
    response = client.post(stance_url(world, priority), data={"kind": kind, "comment": comment})
    if response.status_code == 302:
        client.get(response.location)
    return response


def stances() -> list[PriorityStance]:
    return list(db.session.scalars(select(PriorityStance).order_by(PriorityStance.id)))


def said(page, priority) -> list[str]:
    """What the page lists under one priority: each stance's line, comment and reply."""
    section = soup(page).find(id=f"priority-{priority.id}").find_parent("div")
    return [text(item) for item in section.select("li[id^='stance-']")]


def test_an_expert_endorses_a_priority_and_everyone_sees_it(expert, world, board_client):
    response = say(expert, world, world["health"], "endorse", "Strong cluster here.")

    assert response.status_code == 302
    assert response.location.endswith(f"#priority-{world['health'].id}")
    [stance] = stances()
    assert (stance.kind, stance.comment, stance.expert_id) == (StanceKind.ENDORSE, "Strong cluster here.", expert.user.id)
    [entry] = activities("priority.endorsed")
    assert entry.summary == "Erin Expert endorsed Health tech"
    assert entry.proposal_id == world["proposal"].id
    for client in (expert, board_client):
        page = client.get(url(world["proposal"]))
        assert table_column(page, 3) == ["Endorsed 1, challenged 0", "Endorsed 0, challenged 0"]
        [line] = said(page, world["health"])
        assert line.startswith("Endorsed Erin Expert , MedTech Cluster")
        assert line.endswith("Strong cluster here.")
        assert "Endorsed by 1 expert, challenged by 0 experts." in text(soup(page))


def test_a_challenge_needs_a_comment(expert, world):
    health = world["health"]
    response = say(expert, world, health, "challenge", "   ")
    assert response.status_code == 400
    assert error_summary(response) == [("Say why you challenge Health tech", f"#comment-{health.id}")]
    # The choice stays made on the form of that priority only.
    assert form_data(response, f"/{health.id}/stance")["kind"] == "challenge"
    assert "kind" not in form_data(response, f"/{world['clean'].id}/stance")
    assert stances() == []

    assert say(expert, world, health, "challenge", "The evidence is thin.").status_code == 302
    assert stances()[0].kind is StanceKind.CHALLENGE


def test_a_stance_must_be_chosen(expert, world):
    health = world["health"]
    response = say(expert, world, health, "", "Hmm.")
    assert error_summary(response) == [
        ("Choose whether you endorse or challenge this priority", f"#kind-{health.id}")
    ]
    assert stances() == []


def test_one_stance_each_and_it_can_be_changed(expert, world):
    health = world["health"]
    say(expert, world, health, "endorse", "Good.")
    response = say(expert, world, health, "challenge", "On reflection, the market is small.")

    assert response.status_code == 302
    [stance] = stances()
    assert (stance.kind, stance.comment) == (StanceKind.CHALLENGE, "On reflection, the market is small.")
    [entry] = activities("priority.stance_changed")
    assert entry.summary == "Erin Expert changed their stance on Health tech: Challenge"
    assert entry.changes == {"stance": ["Endorse", "Challenge"], "comment": ["Good.", "On reflection, the market is small."]}
    page = expert.get(url(world["proposal"]))
    assert table_column(page, 3)[0] == "Endorsed 0, challenged 1"
    mine = form_data(page, f"/{health.id}/stance")
    assert mine == {"csrf_token": mine["csrf_token"], "kind": "challenge",
                    "comment": "On reflection, the market is small."}
    assert "Change your stance" in [text(b) for b in soup(page).select("button")]

    same = expert.post(stance_url(world, health), data={"kind": "challenge",
                                                        "comment": "On reflection, the market is small."})
    assert "Your stance was not changed" in text(soup(expert.get(same.location)))
    assert len(activities("priority.stance_changed")) == 1
    assert len(stances()) == 1


def test_stances_of_several_experts_are_counted(client_as, world):
    for kind in ("endorse", "endorse", "challenge"):
        say(client_as(Role.EXPERT), world, world["clean"], kind, "Because.")
    page = client_as(Role.BOARD).get(url(world["proposal"]))
    assert table_column(page, 3) == ["Endorsed 0, challenged 0", "Endorsed 2, challenged 1"]
    assert len(said(page, world["clean"])) == 3


def test_after_input_closes_experts_cannot_take_a_stance(expert, world):
    proposal = world["proposal"]
    proposal.input_closes_on = date.today() - timedelta(days=1)
    db.session.commit()

    page = expert.get(url(proposal))
    closed = f"Input on this proposal closed on {proposal.input_closes_on.day} {proposal.input_closes_on:%B %Y}"
    assert closed in text(soup(page))
    assert soup(page).select_one("form[action$='/stance']") is None

    response = say(expert, world, world["health"], "endorse", "Late.")
    assert response.status_code == 403
    assert closed in text(soup(response).select_one(".govuk-notification-banner"))
    assert stances() == []


def test_an_expert_asked_about_a_proposal_in_board_review_reads_but_cannot_take_a_stance(expert, world):
    proposal = world["proposal"]
    proposal.stage = ProposalStage.BOARD_REVIEW
    request = InputRequest(proposal_id=proposal.id, due_on=date.today(), message="Please")
    request.recipients = [expert.user]
    db.session.add(request)
    db.session.commit()

    assert expert.get(url(proposal)).status_code == 200
    response = say(expert, world, world["health"], "endorse")
    assert response.status_code == 403
    assert ("This proposal is at Board review: it is not open for input, so its priorities cannot be "
            "endorsed or challenged") in text(soup(response))
    assert stances() == []


def test_an_expert_who_may_not_see_the_proposal_is_refused(expert, world):
    world["proposal"].stage = ProposalStage.DRAFT
    db.session.commit()
    assert say(expert, world, world["health"]).status_code == 403


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN, Role.BOARD])
def test_only_experts_take_a_stance(client_as, world, role):
    client = client_as(role)
    assert soup(client.get(url(world["proposal"]))).select_one("form[action$='/stance']") is None
    assert say(client, world, world["health"]).status_code == 403
    assert stances() == []


def test_a_priority_of_another_proposal_is_not_found(expert, world):
    other = factories.make_proposal(stage=ProposalStage.CO_CREATION)
    assert expert.post(f"/proposals/{other.id}/priorities/{world['health'].id}/stance",
                       data={"kind": "endorse"}).status_code == 404


def test_the_service_refuses_a_challenge_without_a_comment_and_non_experts(world):
    expert = factories.make_user(Role.EXPERT)
    health = priority_of(world["proposal"].id, world["health"].id)
    with pytest.raises(StanceRefused) as refused:
        take_stance(world["proposal"], health, expert, StanceKind.CHALLENGE, "")
    assert refused.value.field == "comment"
    with pytest.raises(StanceRefused) as refused:
        take_stance(world["proposal"], health, world["staff"], StanceKind.ENDORSE, "")
    assert refused.value.message == "Only sector experts endorse or challenge priorities"


# Staff answering a challenge ----------------------------------------------------------------


@pytest.fixture
def challenged(expert, world):
    say(expert, world, world["health"], "challenge", "The evidence is thin.")
    say(expert, world, world["clean"], "endorse", "Yes.")
    challenge, endorsement = stances()
    return {"challenge": challenge, "endorsement": endorsement}


def reply_url(world, stance, priority=None) -> str:
    return f"{url(world['proposal'])}/{(priority or world['health']).id}/stances/{stance.id}/reply"


def test_staff_answer_a_challenge_and_the_expert_is_told(staff_client, expert, world, challenged):
    challenge = challenged["challenge"]
    page = staff_client.get(url(world["proposal"]))
    replies = [form["action"] for form in soup(page).select("form[action*='/reply']")]
    assert replies == [reply_url(world, challenge)]  # an endorsement needs no answer

    response = staff_client.post(reply_url(world, challenge), data={
        **form_data(page, "/reply"), "reply": "See the NHS trial figures in section 3.",
    })

    assert response.status_code == 302
    db.session.expire_all()
    stance = db.session.get(PriorityStance, challenge.id)
    assert (stance.reply, stance.replied_by_id) == ("See the NHS trial figures in section 3.", staff_client.user.id)
    assert stance.replied_at is not None and not stance.reply_is_to_earlier_stance
    [entry] = activities("priority.challenge_answered")
    assert entry.summary == "Answered Erin Expert's challenge to Health tech"
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == expert.user.id))
    assert note.activity_id == entry.id and note.proposal_id == world["proposal"].id
    assert note.message == f"Your challenge to Health tech on “{world['proposal'].title}” was answered"
    [line, _] = said(expert.get(url(world["proposal"])), world["health"]) + [None]
    assert "Reply from " in line and "See the NHS trial figures in section 3." in line
    assert "earlier stance" not in line
    # Answered: no reply form any more.
    assert soup(staff_client.get(url(world["proposal"]))).select_one("form[action*='/reply']") is None


def test_a_reply_needs_words(staff_client, world, challenged):
    challenge = challenged["challenge"]
    page = staff_client.get(url(world["proposal"]))
    response = staff_client.post(reply_url(world, challenge), data={**form_data(page, "/reply"), "reply": " "})
    assert response.status_code == 400
    assert error_summary(response) == [("Enter your reply to the challenge", f"#reply-{challenge.id}")]
    assert soup(response).select_one("details[open]") is not None
    assert db.session.get(PriorityStance, challenge.id).reply == ""
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.activity_id.is_not(None))) == 0


def test_a_reply_to_a_challenge_changed_meanwhile_answers_409_and_keeps_the_reply(staff_client, expert, world,
                                                                                  challenged):
    challenge = challenged["challenge"]
    page = staff_client.get(url(world["proposal"]))
    say(expert, world, world["health"], "challenge", "The evidence is thin, and the market small.")

    response = staff_client.post(reply_url(world, challenge), data={**form_data(page, "/reply"), "reply": "Section 3."})

    assert response.status_code == 409
    assert summary_errors(response) == [
        "The expert changed what they said while you were replying. Your reply has not been saved "
        "yet: read their stance again below, then send your reply."
    ]
    assert text(soup(response).select_one(f"textarea#reply-{challenge.id}")) == "Section 3."
    assert db.session.get(PriorityStance, challenge.id).reply == ""
    assert activities("priority.challenge_answered") == []
    # Sent again from the page as it is now, it is saved.
    again = staff_client.post(reply_url(world, challenge), data=form_data(response, "/reply"))
    assert again.status_code == 302
    assert db.session.get(PriorityStance, challenge.id).reply == "Section 3."


def test_a_changed_stance_keeps_the_reply_given_to_the_earlier_one(staff_client, expert, world, challenged):
    challenge = challenged["challenge"]
    page = staff_client.get(url(world["proposal"]))
    staff_client.post(reply_url(world, challenge), data={**form_data(page, "/reply"), "reply": "Section 3."})

    say(expert, world, world["health"], "challenge", "Section 3 does not cover devices.")

    stance = db.session.get(PriorityStance, challenge.id)
    assert stance.reply == "Section 3." and stance.reply_is_to_earlier_stance
    page = staff_client.get(url(world["proposal"]))
    [line] = said(page, world["health"])
    assert "Given to Erin Expert's earlier stance, before they changed it." in line
    # Staff may answer the challenge as it now stands.
    assert [form["action"] for form in soup(page).select("form[action*='/reply']")] == [reply_url(world, challenge)]


@pytest.mark.parametrize("role", [Role.EXPERT, Role.BOARD])
def test_experts_and_board_cannot_answer(client_as, world, challenged, role):
    client = client_as(role)
    assert soup(client.get(url(world["proposal"]))).select_one("form[action*='/reply']") is None
    response = client.post(reply_url(world, challenged["challenge"]), data={"reply": "No.", "edit_version": "1"})
    assert response.status_code == 403
    assert db.session.get(PriorityStance, challenged["challenge"].id).reply == ""


def test_an_endorsement_is_not_answered(world, challenged):
    endorsement = challenged["endorsement"]
    with pytest.raises(StanceRefused):
        answer_challenge(world["proposal"], world["clean"], endorsement, "Thanks", endorsement.version, world["staff"])


def test_a_stance_on_another_priority_is_not_found(staff_client, world, challenged):
    url_ = reply_url(world, challenged["challenge"], priority=world["clean"])
    assert staff_client.post(url_, data={"reply": "x", "edit_version": "1"}).status_code == 404


def test_the_demo_can_say_when_an_expert_spoke(world):
    """take_stance(today=...) checks the window on that day, as input_is_open does."""
    proposal = world["proposal"]
    proposal.input_closes_on = date(2022, 10, 31)
    health = priority_of(proposal.id, world["health"].id)
    expert = factories.make_user(Role.EXPERT)
    with pytest.raises(StanceRefused):
        take_stance(proposal, health, expert, StanceKind.ENDORSE, "")
    stance = take_stance(proposal, health, expert, StanceKind.ENDORSE, "", today=date(2022, 10, 1))
    assert stance.kind is StanceKind.ENDORSE


def test_the_forms_work_with_csrf_protection_on(expert, staff_client, world, csrf_on):
    health = world["health"]
    page = expert.get(url(world["proposal"]))
    sent = expert.post(stance_url(world, health), data={**form_data(page, f"/{health.id}/stance"),
                                                        "kind": "challenge", "comment": "Thin."})
    assert sent.status_code == 302
    page = staff_client.get(url(world["proposal"]))
    answered = staff_client.post(reply_url(world, stances()[0]), data={**form_data(page, "/reply"), "reply": "Ok."})
    assert answered.status_code == 302
    order = staff_client.get(f"{url(world['proposal'])}/order")
    assert staff_client.post(f"{url(world['proposal'])}/order", data=form_data(order)).status_code == 302
    forged = expert.post(stance_url(world, health), data={"kind": "endorse"})
    assert forged.status_code == 400
    assert stances()[0].kind is StanceKind.CHALLENGE
