"""A priority recommendation given as input becomes a priority in one step, by staff, from
the input's page: the priority is credited to the input and, while the input waits for an
answer, it is answered as accepted ("Taken in as priority N") and its author told; any
refusal shows the form again with the reason and saves nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, error_summary, soup, summary_errors, text
from tests.test_priorities import form_data, priorities, url
from tracker.auth.models import Role
from tracker.contributions import services as contributions
from tracker.contributions.models import ContributionKind, ContributionResponse, ContributionStatus
from tracker.extensions import db
from tracker.notifications.models import Notification
from tracker.priorities.models import SectorPriority
from tracker.priorities.services import add_priority
from tracker.proposals.models import ProposalStage

TITLE = "Make clean tech a priority"


@pytest.fixture
def world():
    """A proposal open for input with Health tech at 60%, and an expert's recommendation that
    Clean tech be a priority."""
    staff = factories.make_user(Role.STAFF)
    proposal = factories.make_proposal(
        owner=staff, stage=ProposalStage.CO_CREATION, input_closes_on=date.today() + timedelta(days=7),
    )
    add_priority(proposal, factories.make_sector("Health tech"), Decimal("60"), "Devices.", staff)
    clean = factories.make_sector("Clean tech")
    expert = factories.make_user(Role.EXPERT, name="Erin Expert")
    recommendation = contributions.submit_contribution(
        proposal, expert, kind=ContributionKind.PRIORITY_RECOMMENDATION, title=TITLE,
        body="Biochar and low-carbon manufacturing.", sector=clean,
    )
    db.session.commit()
    return {"proposal": proposal, "clean": clean, "expert": expert, "recommendation": recommendation,
            "staff": staff}


def page_url(contribution) -> str:
    return f"/contributions/{contribution.id}"


def take_in_url(world, contribution=None) -> str:
    contribution = contribution or world["recommendation"]
    return f"{url(world['proposal'])}/from-input/{contribution.id}"


def take_in(client, world, **values):
    page = client.get(page_url(world["recommendation"]))
    data = {**form_data(page, f"/from-input/{world['recommendation'].id}"), **values}
    return client.post(take_in_url(world), data=data)


def nothing_saved(world):
    """No priority credited to input, no answer to it, its author not told, no audit entry."""
    credited = select(func.count(SectorPriority.id)).where(SectorPriority.contribution_id.is_not(None))
    assert db.session.scalar(credited) == 0
    assert db.session.scalar(select(func.count(ContributionResponse.id))) == 0
    told = select(func.count(Notification.id)).where(Notification.user_id == world["expert"].id)
    assert db.session.scalar(told) == 0
    assert not any("from_input" in entry.changes for entry in activities("priority.added"))


def test_the_input_page_offers_staff_the_form_prefilled(staff_client, world):
    page = staff_client.get(page_url(world["recommendation"]))
    form = soup(page).select_one(f"form[action='{take_in_url(world)}']")
    assert form is not None
    assert "Make this a priority" in [text(h) for h in soup(page).select("h2")]
    assert form_data(page, f"/from-input/{world['recommendation'].id}") == {
        "csrf_token": form.select_one("[name=csrf_token]")["value"],
        "sector_id": str(world["clean"].id), "share": "", "rationale": TITLE,
    }
    assert soup(page).select_one("#take-in-sector-id") is not None


def test_staff_make_the_recommendation_a_priority_in_one_step(staff_client, world):
    response = take_in(staff_client, world, share="25")

    assert response.status_code == 302
    [health, clean] = db.session.scalars(select(SectorPriority).order_by(SectorPriority.rank)).all()
    assert (clean.rank, clean.sector_id, clean.share, clean.rationale) == (2, world["clean"].id, Decimal("25"), TITLE)
    assert clean.contribution_id == world["recommendation"].id and health.contribution_id is None
    recommendation = db.session.get(type(world["recommendation"]), world["recommendation"].id)
    assert recommendation.status is ContributionStatus.ACCEPTED
    [answer] = db.session.scalars(select(ContributionResponse))
    assert (answer.outcome, answer.reason, answer.responder_id) == (
        ContributionStatus.ACCEPTED, "Taken in as priority 2", staff_client.user.id)
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == world["expert"].id))
    assert note.message == f"Your input “{TITLE}” was accepted"
    [added] = [entry for entry in activities("priority.added") if "from_input" in entry.changes]
    assert added.summary == f"Added Clean tech as priority 2 (25% of the ask), from input: {TITLE}"
    assert len(activities("contribution.answered")) == 1

    listing = staff_client.get(response.location)
    assert f"Clean tech is now priority 2, from input “{TITLE}”" in text(soup(listing))
    link = soup(listing).select_one(f"a[href='{page_url(world['recommendation'])}']")
    assert link is not None and text(link) == TITLE
    assert "From input: " + TITLE in text(link.parent)
    # The input's page now says what became of it, and offers the step no more.
    page = soup(staff_client.get(page_url(world["recommendation"])))
    assert page.select_one(f"form[action='{take_in_url(world)}']") is None
    assert "This input became priority 2 of the proposal." in text(page)


def test_an_expert_sees_where_the_priority_came_from(client_as, staff_client, world):
    take_in(staff_client, world, share="25")
    other_expert = client_as(Role.EXPERT)
    link = soup(other_expert.get(url(world["proposal"]))).select_one(f"a[href='{page_url(world['recommendation'])}']")
    assert link is not None


def test_input_already_answered_is_taken_in_without_a_second_answer(staff_client, world):
    recommendation = world["recommendation"]
    contributions.respond(recommendation, world["proposal"], outcome=ContributionStatus.NOTED, reason="",
                          actor=world["staff"])
    db.session.commit()

    response = take_in(staff_client, world, share="10", rationale="Clean growth.")

    assert response.status_code == 302
    clean = db.session.scalar(select(SectorPriority).where(SectorPriority.contribution_id == recommendation.id))
    assert (clean.rank, clean.rationale) == (2, "Clean growth.")
    assert db.session.get(type(recommendation), recommendation.id).status is ContributionStatus.NOTED
    assert db.session.scalar(select(func.count(ContributionResponse.id))) == 1


def _refused_page(response, status, message, anchor):
    assert response.status_code == status
    assert error_summary(response) == [(message, anchor)]
    assert soup(response).h1.get_text(strip=True) == "Make this input a priority"


def test_a_sector_already_listed_is_refused_and_nothing_is_saved(staff_client, world):
    add_priority(world["proposal"], world["clean"], Decimal("5"), "Already.", world["staff"])
    db.session.commit()

    response = take_in(staff_client, world, share="10")

    _refused_page(response, 400, "Clean tech is already one of this proposal's priorities", "#take-in-sector-id")
    assert form_data(response)["share"] == "10" and form_data(response)["rationale"] == TITLE
    assert len(priorities(world["proposal"])) == 2
    nothing_saved(world)
    assert db.session.get(type(world["recommendation"]), world["recommendation"].id).status is ContributionStatus.SUBMITTED


def test_shares_over_100_percent_are_refused(staff_client, world):
    response = take_in(staff_client, world, share="45")
    _refused_page(response, 400, "Shares would add up to 105%, over 100%: the priorities already take 60%, "
                                 "so at most 40% is left", "#take-in-share")
    assert len(priorities(world["proposal"])) == 1
    nothing_saved(world)


def test_a_retired_sector_is_refused(staff_client, world):
    world["clean"].is_retired = True
    db.session.commit()
    response = take_in(staff_client, world, share="10", sector_id=str(world["clean"].id))
    _refused_page(response, 400, "Clean tech has been retired: select a sector or theme still in use",
                  "#take-in-sector-id")
    nothing_saved(world)


def test_a_missing_share_is_refused(staff_client, world):
    response = take_in(staff_client, world, share="")
    _refused_page(response, 400, "Enter the share of the funding ask, from 0 to 100", "#take-in-share")
    nothing_saved(world)


def test_a_frozen_proposal_takes_nothing_in(staff_client, world):
    page = staff_client.get(page_url(world["recommendation"]))
    world["proposal"].stage = ProposalStage.SUBMITTED
    db.session.commit()
    assert soup(staff_client.get(page_url(world["recommendation"]))).select_one(
        f"form[action='{take_in_url(world)}']") is None

    response = staff_client.post(take_in_url(world), data={**form_data(page, "/from-input/"), "share": "10"})

    assert response.status_code == 409
    assert summary_errors(response) == [f"{world['proposal'].title} is at Submitted: its priorities can no longer change"]
    assert len(priorities(world["proposal"])) == 1
    nothing_saved(world)


def test_the_same_input_is_taken_in_once(staff_client, world):
    page = staff_client.get(page_url(world["recommendation"]))
    data = {**form_data(page, "/from-input/"), "share": "10"}
    assert staff_client.post(take_in_url(world), data=data).status_code == 302

    again = staff_client.post(take_in_url(world), data=data)

    assert again.status_code == 409
    assert summary_errors(again) == ["This input has already become priority 2"]
    assert len(priorities(world["proposal"])) == 2


def test_other_kinds_of_input_are_not_offered_or_taken_in(staff_client, world):
    comment = contributions.submit_contribution(
        world["proposal"], world["expert"], kind=ContributionKind.COMMENT, title="A thought", body="Hm.",
        sector=world["clean"],
    )
    db.session.commit()
    assert soup(staff_client.get(page_url(comment))).select_one("form[action*='/from-input/']") is None
    response = staff_client.post(take_in_url(world, comment), data={
        "sector_id": str(world["clean"].id), "share": "10", "rationale": "x"})
    assert response.status_code == 409
    assert summary_errors(response) == ["Only a priority recommendation can become a priority"]
    nothing_saved(world)


def test_withdrawn_input_is_not_taken_in(staff_client, world):
    contributions.withdraw_contribution(world["recommendation"], world["expert"], world["proposal"])
    db.session.commit()
    assert soup(staff_client.get(page_url(world["recommendation"]))).select_one(
        "form[action*='/from-input/']") is None
    response = staff_client.post(take_in_url(world), data={
        "sector_id": str(world["clean"].id), "share": "10", "rationale": "x"})
    assert response.status_code == 409
    nothing_saved(world)


def test_input_on_another_proposal_is_not_found(staff_client, world):
    other = factories.make_proposal()
    response = staff_client.post(f"/proposals/{other.id}/priorities/from-input/{world['recommendation'].id}",
                                 data={"sector_id": str(world["clean"].id), "share": "10", "rationale": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.EXPERT, Role.BOARD])
def test_experts_and_board_are_not_offered_the_step(client_as, world, role):
    client = client_as(role)
    response = client.post(take_in_url(world), data={
        "sector_id": str(world["clean"].id), "share": "10", "rationale": "x"})
    assert response.status_code == 403
    nothing_saved(world)


def test_the_step_works_with_csrf_protection_on(staff_client, world, csrf_on):
    assert take_in(staff_client, world, share="25").status_code == 302
    assert db.session.scalar(select(func.count(SectorPriority.id))) == 2
