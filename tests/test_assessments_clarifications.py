"""Clarification requests during assessment: asking moves the proposal to clarification
requested, answering moves it back; dates checked, stages enforced, followers told."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, inline_error, soup, summary_errors, text
from tests.test_assessments import assessed_proposal, reload
from tracker.assessments import services
from tracker.assessments.models import Clarification
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.notifications.models import Notification
from tracker.proposals.models import ProposalStage


def date_fields(name: str, day: date | None) -> dict:
    if day is None:
        return {}
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def question_post(question="Please break down the partner costs.", asked_on=date(2023, 1, 10)):
    return {"question": question, **date_fields("asked_on", asked_on)}


def answer_post(answer="Attached: the partner cost table.", answered_on=date(2023, 1, 12)):
    return {"answer": answer, **date_fields("answered_on", answered_on)}


def ask(proposal, question="Please explain the costs.", asked_on=date(2023, 1, 10)) -> Clarification:
    """A question recorded with the service (the proposal moves to clarification requested)."""
    clarification = services.ask_clarification(
        proposal, question, asked_on, factories.make_user(Role.STAFF)
    )
    db.session.commit()
    return clarification


def clarification_count() -> int:
    return db.session.scalar(select(func.count(Clarification.id)))


def stage_of(proposal) -> ProposalStage:
    return reload(proposal).stage


# Asking -------------------------------------------------------------------------------


def test_recording_a_question_moves_the_proposal_to_clarification_requested(staff_client):
    proposal = assessed_proposal()

    response = staff_client.post(
        f"/proposals/{proposal.id}/assessment/clarifications", data=question_post(),
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "is now at Clarification requested" in text(soup(response))
    assert stage_of(proposal) is ProposalStage.CLARIFICATION_REQUESTED
    clarification = db.session.scalar(select(Clarification))
    assert clarification.question == "Please break down the partner costs."
    assert clarification.asked_on == date(2023, 1, 10)
    assert clarification.answered_on is None
    [move] = activities("proposal.stage_changed")
    assert move.changes["stage"] == ["under_assessment", "clarification_requested"]
    assert move.changes["comment"] == "Question: Please break down the partner costs."
    assert move.actor_id == staff_client.user.id


def test_the_owner_who_follows_the_proposal_is_told(staff_client):
    owner = factories.make_user(Role.STAFF)
    proposal = assessed_proposal(owner=owner)

    staff_client.post(f"/proposals/{proposal.id}/assessment/clarifications", data=question_post())

    messages = db.session.scalars(select(Notification.message).where(Notification.user_id == owner.id)).all()
    assert messages == [f"{proposal.title} moved from Under assessment to Clarification requested"]


@pytest.mark.parametrize("data,field,message", [
    (question_post(question=""), "question", "Enter Innovate UK's question"),
    (question_post(asked_on=None), "asked_on-day", "Enter the date asked"),
    ({**question_post(), "asked_on-month": "13"}, "asked_on-day",
     "Date asked must be a real date, like 27 3 2023"),
    ({**question_post(), "asked_on-year": ""}, "asked_on-day", "Date asked must include a year"),
])
def test_bad_questions_are_refused_in_place(staff_client, data, field, message):
    proposal = assessed_proposal()

    response = staff_client.post(f"/proposals/{proposal.id}/assessment/clarifications", data=data)

    assert response.status_code == 400
    assert summary_errors(response) == [message]
    assert inline_error(response, field) == message
    assert clarification_count() == 0
    assert stage_of(proposal) is ProposalStage.UNDER_ASSESSMENT


@pytest.mark.parametrize("stage", [ProposalStage.DRAFT, ProposalStage.SUBMITTED,
                                   ProposalStage.CLARIFICATION_REQUESTED, ProposalStage.FUNDED])
def test_questions_are_recorded_only_under_assessment(staff_client, stage):
    proposal = assessed_proposal(stage=stage)

    response = staff_client.post(f"/proposals/{proposal.id}/assessment/clarifications",
                                 data=question_post())

    assert response.status_code == 400
    [message] = summary_errors(response)
    assert message.startswith(f"A proposal cannot move from {stage.label} to Clarification requested")
    assert clarification_count() == 0
    assert stage_of(proposal) is stage
    assert activities("proposal.stage_changed") == []


@pytest.mark.parametrize("role", [Role.BOARD, Role.EXPERT])
def test_only_staff_record_questions(client_as, role):
    proposal = assessed_proposal()

    response = client_as(role).post(f"/proposals/{proposal.id}/assessment/clarifications",
                                    data=question_post())

    assert response.status_code == 403
    assert clarification_count() == 0


def test_the_question_form_shows_only_under_assessment(staff_client):
    under = assessed_proposal()
    waiting = assessed_proposal()
    ask(waiting)

    assert soup(staff_client.get(f"/proposals/{under.id}/assessment")).select_one("#question")
    assert soup(staff_client.get(f"/proposals/{waiting.id}/assessment")).select_one("#question") is None


# Answering ----------------------------------------------------------------------------


def test_recording_the_answer_moves_the_proposal_back_under_assessment(staff_client):
    proposal = assessed_proposal()
    clarification = ask(proposal, asked_on=date(2023, 1, 10))

    response = staff_client.post(
        f"/proposals/{proposal.id}/assessment/clarifications/{clarification.id}/answer",
        data=answer_post(answered_on=date(2023, 1, 10)), follow_redirects=True,
    )

    assert response.status_code == 200
    assert "is now at Under assessment" in text(soup(response))
    assert stage_of(proposal) is ProposalStage.UNDER_ASSESSMENT
    answered = db.session.get(Clarification, clarification.id)
    assert (answered.answer, answered.answered_on) == ("Attached: the partner cost table.",
                                                       date(2023, 1, 10))
    moves = [entry.changes["stage"] for entry in activities("proposal.stage_changed")]
    assert ["clarification_requested", "under_assessment"] in moves
    told = db.session.scalars(
        select(Notification.message).where(Notification.user_id == proposal.owner_id)
    ).all()
    assert f"{proposal.title} moved from Clarification requested to Under assessment" in told


def test_the_page_shows_the_open_question_and_a_form_to_answer_it(staff_client):
    proposal = assessed_proposal()
    clarification = ask(proposal, "What is the *match funding*?", date(2023, 2, 1))

    page = soup(staff_client.get(f"/proposals/{proposal.id}/assessment"))

    form = page.select_one(
        f'form[action="/proposals/{proposal.id}/assessment/clarifications/{clarification.id}/answer"]'
    )
    assert form is not None
    inset = " ".join(page.select_one(".govuk-inset-text").get_text().split())
    assert inset == "Asked on 1 February 2023: What is the match funding?"


def test_the_list_shows_questions_answers_and_dates(board_client):
    proposal = assessed_proposal()
    first = ask(proposal, "First question?", date(2023, 1, 10))
    services.answer_clarification(proposal, first, "First answer.", date(2023, 1, 12),
                                  factories.make_user(Role.STAFF))
    db.session.commit()
    ask(reload(proposal), "Second question?", date(2023, 2, 3))

    response = board_client.get(f"/proposals/{proposal.id}/assessment")

    rows = [[text(cell) for cell in row.select("td")]
            for row in soup(response).select("#clarifications + table tbody tr")]
    assert rows == [
        ["Second question?", "3 February 2023", "Waiting for an answer", "Not yet"],
        ["First question?", "10 January 2023", "First answer.", "12 January 2023"],
    ]


def test_an_answer_dated_before_the_question_is_refused_in_place(staff_client):
    proposal = assessed_proposal()
    clarification = ask(proposal, asked_on=date(2023, 1, 10))

    response = staff_client.post(
        f"/proposals/{proposal.id}/assessment/clarifications/{clarification.id}/answer",
        data=answer_post(answer="Too early.", answered_on=date(2023, 1, 9)),
    )

    message = "The date answered cannot be before the question was asked (10 January 2023)"
    assert response.status_code == 400
    assert summary_errors(response) == [message]
    assert inline_error(response, "answered_on-day") == message
    assert text(soup(response).select_one("#answer")) == "Too early."
    assert db.session.get(Clarification, clarification.id).answered_on is None
    assert stage_of(proposal) is ProposalStage.CLARIFICATION_REQUESTED


@pytest.mark.parametrize("data,field,message", [
    (answer_post(answer=""), "answer", "Enter the answer sent to Innovate UK"),
    (answer_post(answered_on=None), "answered_on-day", "Enter the date answered"),
    ({**answer_post(), "answered_on-day": "31", "answered_on-month": "2"}, "answered_on-day",
     "Date answered must be a real date, like 27 3 2023"),
])
def test_bad_answers_are_refused_in_place(staff_client, data, field, message):
    proposal = assessed_proposal()
    clarification = ask(proposal)

    response = staff_client.post(
        f"/proposals/{proposal.id}/assessment/clarifications/{clarification.id}/answer", data=data
    )

    assert response.status_code == 400
    assert summary_errors(response) == [message]
    assert inline_error(response, field) == message
    assert stage_of(proposal) is ProposalStage.CLARIFICATION_REQUESTED


def test_an_answered_question_cannot_be_answered_again(staff_client):
    proposal = assessed_proposal()
    clarification = ask(proposal)
    url = f"/proposals/{proposal.id}/assessment/clarifications/{clarification.id}/answer"
    staff_client.post(url, data=answer_post(answer="The first answer."))

    response = staff_client.post(url, data=answer_post(answer="A rewrite."))

    assert response.status_code == 400
    assert summary_errors(response) == ["That question has already been answered"]
    assert db.session.get(Clarification, clarification.id).answer == "The first answer."


def test_a_question_of_another_proposal_is_404(staff_client):
    proposal = assessed_proposal()
    other = assessed_proposal()
    clarification = ask(other)

    response = staff_client.post(
        f"/proposals/{proposal.id}/assessment/clarifications/{clarification.id}/answer",
        data=answer_post(),
    )

    assert response.status_code == 404
    assert db.session.get(Clarification, clarification.id).answered_on is None


@pytest.mark.parametrize("role", [Role.BOARD, Role.EXPERT])
def test_only_staff_record_answers(client_as, role):
    proposal = assessed_proposal()
    clarification = ask(proposal)

    response = client_as(role).post(
        f"/proposals/{proposal.id}/assessment/clarifications/{clarification.id}/answer",
        data=answer_post(),
    )

    assert response.status_code == 403
    assert stage_of(proposal) is ProposalStage.CLARIFICATION_REQUESTED


def test_the_service_refuses_a_question_of_another_proposal():
    proposal = assessed_proposal()
    clarification = ask(assessed_proposal())

    with pytest.raises(services.AssessmentRefused, match="another proposal"):
        services.answer_clarification(reload(proposal), clarification, "No.", date(2023, 1, 12),
                                      factories.make_user(Role.STAFF))
