"""Innovate UK's decision: funded or not funded closes the proposal, but only once the
assessment is recorded; followers are told and the page shows the decision."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, inline_error, soup, summary_errors, summary_list, text
from tests.test_assessments import SEVENTY, add_review, assessed_proposal, reload
from tests.test_assessments_clarifications import date_fields
from tracker.assessments.models import Outcome, OutcomeResult
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.notifications.models import Notification
from tracker.proposals.models import ProposalStage


def outcome_post(result="funded", decided_on=date(2023, 3, 15), conditions="Quarterly reports."):
    data = {"result": result, "conditions": conditions, **date_fields("decided_on", decided_on)}
    return {key: value for key, value in data.items() if value is not None}


def outcome_count() -> int:
    return db.session.scalar(select(func.count(Outcome.id)))


@pytest.fixture
def reviewed():
    """A proposal under assessment with one assessor's review recorded."""
    proposal = assessed_proposal(owner=factories.make_user(Role.STAFF))
    add_review(proposal, 1, SEVENTY, fund=True)
    return proposal


@pytest.mark.parametrize("result,stage", [("funded", ProposalStage.FUNDED),
                                          ("not_funded", ProposalStage.NOT_FUNDED)])
def test_recording_the_decision_closes_the_proposal(staff_client, reviewed, result, stage):
    response = staff_client.post(f"/proposals/{reviewed.id}/assessment/outcome",
                                 data=outcome_post(result), follow_redirects=True)

    assert response.status_code == 200
    assert f"is now at {stage.label}" in text(soup(response))
    assert reload(reviewed).stage is stage
    outcome = db.session.scalar(select(Outcome))
    assert outcome.result is OutcomeResult(result)
    assert (outcome.decided_on, outcome.conditions) == (date(2023, 3, 15), "Quarterly reports.")
    assert outcome.recorded_by_id == staff_client.user.id
    [move] = activities("proposal.stage_changed")
    assert move.changes["stage"] == ["under_assessment", stage.value]
    assert move.actor_id == staff_client.user.id


def test_the_owner_is_told_of_the_decision(staff_client, reviewed):
    staff_client.post(f"/proposals/{reviewed.id}/assessment/outcome", data=outcome_post())

    messages = db.session.scalars(
        select(Notification.message).where(Notification.user_id == reviewed.owner_id)
    ).all()
    assert messages == [f"{reviewed.title} moved from Under assessment to Funded"]


def test_the_page_shows_the_decision_and_no_more_forms(staff_client, reviewed):
    staff_client.post(f"/proposals/{reviewed.id}/assessment/outcome",
                      data=outcome_post(conditions="Report *quarterly*."))

    response = staff_client.get(f"/proposals/{reviewed.id}/assessment")

    rows = summary_list(response)
    assert rows["Decision"] == "Funded"
    assert rows["Decided on"] == "15 March 2023"
    assert rows["Conditions"] == "Report quarterly ."
    assert soup(response).select("main form") == []


def test_the_decision_needs_a_recorded_assessment(staff_client):
    proposal = assessed_proposal()

    response = staff_client.post(f"/proposals/{proposal.id}/assessment/outcome",
                                 data=outcome_post())

    message = "Funded cannot be recorded yet: Record the Innovate UK assessment first"
    assert response.status_code == 400
    assert summary_errors(response) == [message]
    assert inline_error(response, "result") == message
    assert reload(proposal).stage is ProposalStage.UNDER_ASSESSMENT
    assert outcome_count() == 0
    assert activities("proposal.stage_changed") == []


def test_the_form_says_to_record_the_assessment_first(staff_client):
    proposal = assessed_proposal()

    page = soup(staff_client.get(f"/proposals/{proposal.id}/assessment"))

    assert "Record at least one assessor's review first" in text(page.select_one("#result-hint"))


@pytest.mark.parametrize("data,field,message", [
    (outcome_post(result=None), "result", "Choose funded or not funded"),
    (outcome_post(result="postponed"), "result", "Choose funded or not funded"),
    (outcome_post(decided_on=None), "decided_on-day", "Enter the date of the decision"),
    ({**outcome_post(), "decided_on-day": "32"}, "decided_on-day",
     "Date of the decision must be a real date, like 27 3 2023"),
])
def test_bad_decisions_are_refused_in_place(staff_client, reviewed, data, field, message):
    response = staff_client.post(f"/proposals/{reviewed.id}/assessment/outcome", data=data)

    assert response.status_code == 400
    assert summary_errors(response) == [message]
    assert inline_error(response, field) == message
    assert reload(reviewed).stage is ProposalStage.UNDER_ASSESSMENT
    assert outcome_count() == 0


@pytest.mark.parametrize("stage", [ProposalStage.DRAFT, ProposalStage.SUBMITTED,
                                   ProposalStage.CLARIFICATION_REQUESTED, ProposalStage.FUNDED])
def test_a_decision_is_recorded_only_under_assessment(staff_client, stage):
    proposal = assessed_proposal(stage=stage)

    response = staff_client.post(f"/proposals/{proposal.id}/assessment/outcome",
                                 data=outcome_post("not_funded"))

    assert response.status_code == 400
    [message] = summary_errors(response)
    assert message.startswith(
        f"Not funded cannot be recorded yet: A proposal cannot move from {stage.label} to Not funded"
    )
    assert reload(proposal).stage is stage
    assert outcome_count() == 0


@pytest.mark.parametrize("role", [Role.BOARD, Role.EXPERT])
def test_only_staff_record_the_decision(client_as, reviewed, role):
    response = client_as(role).post(f"/proposals/{reviewed.id}/assessment/outcome",
                                    data=outcome_post())

    assert response.status_code == 403
    assert reload(reviewed).stage is ProposalStage.UNDER_ASSESSMENT
    assert outcome_count() == 0
