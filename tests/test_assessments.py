"""Innovate UK's assessment: the arithmetic, the assessment page, and recording assessors'
reviews (who may, at which stages, replacing a review, and every kind of bad input)."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tests import factories
from tests.pages import (
    activities,
    csrf_token_from,
    inline_error,
    input_value,
    soup,
    summary_errors,
    summary_list,
    text,
)
from tracker.assessments import services
from tracker.assessments.models import AssessorReview, AssessorScore
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.proposals.models import Proposal, ProposalStage

ASSESSED_KEYS = [
    "need", "approach", "team", "market", "outcomes", "wider_impacts", "project_management",
    "risks", "additionality", "costs",
]


def reload(proposal: Proposal) -> Proposal:
    """The proposal afresh, with its programme (relationships are lazy="raise")."""
    return db.session.scalar(
        select(Proposal)
        .where(Proposal.id == proposal.id)
        .options(joinedload(Proposal.programme))
        .execution_options(populate_existing=True)
    )


def assessed_proposal(stage=ProposalStage.UNDER_ASSESSMENT, **values) -> Proposal:
    """A proposal with the default sections (ten of them assessed), at `stage`."""
    return reload(factories.make_proposal(stage=stage, **values))


def add_review(proposal, number: int, scores: list[int], fund: bool, feedback: str = "",
               actor=None) -> None:
    """Record assessor `number`'s scores (one per assessed section, in order) with the service."""
    services.record_review(
        proposal, number, dict(zip(ASSESSED_KEYS, scores, strict=True)), fund, feedback,
        actor or factories.make_user(Role.STAFF),
    )
    db.session.commit()


def review_post(number="1", scores=None, fund="yes", feedback="Strong team.") -> dict:
    """A review form post; every score 7 unless `scores` ({key: value}) says otherwise."""
    data = {f"score_{key}": "7" for key in ASSESSED_KEYS}
    data.update({f"score_{key}": value for key, value in (scores or {}).items()})
    data.update({"assessor_number": number, "fund": fund, "feedback": feedback})
    return {key: value for key, value in data.items() if value is not None}


def review_count() -> int:
    return db.session.scalar(select(func.count(AssessorReview.id)))


# Sums to 71 and 70 out of 100: five assessors with four of the first and one of the second
# give 354 of 500, which is 70.8%.
SEVENTY_ONE = [8] + [7] * 9
SEVENTY = [7] * 10


def review_the_west_midlands_bid(proposal, fund_votes: int) -> None:
    """Five assessors, 354 of 500 (70.8%), the first `fund_votes` of them saying fund."""
    for number in range(1, 6):
        add_review(proposal, number, SEVENTY if number == 5 else SEVENTY_ONE,
                   fund=number <= fund_votes)


# The arithmetic --------------------------------------------------------------------


def test_five_assessors_scoring_354_of_500_average_70_8_percent_above_the_threshold():
    proposal = assessed_proposal()
    review_the_west_midlands_bid(proposal, fund_votes=5)

    summary = services.summarise(reload(proposal))

    assert summary.assessors == 5
    assert summary.average_percent == Decimal("70.8")
    assert summary.threshold == Decimal("70")
    assert summary.meets_threshold is True
    assert summary.fund_votes == 5
    assert summary.majority_fund is True


def test_the_west_midlands_bid_passed_the_threshold_but_most_assessors_said_do_not_fund():
    """The real case: 70.8% against a 70% threshold, yet 3 of 5 assessors did not recommend it."""
    proposal = assessed_proposal()
    review_the_west_midlands_bid(proposal, fund_votes=2)

    summary = services.summarise(reload(proposal))

    assert summary.average_percent == Decimal("70.8")
    assert summary.meets_threshold is True
    assert summary.fund_votes == 2
    assert summary.majority_fund is False


@pytest.mark.parametrize("assessors,votes,majority", [
    (4, 2, False),  # exactly half is not a majority
    (4, 3, True),
    (3, 2, True),
    (2, 1, False),
    (1, 1, True),
    (1, 0, False),
])
def test_a_majority_is_more_than_half_of_the_assessors(assessors, votes, majority):
    proposal = assessed_proposal()
    for number in range(1, assessors + 1):
        add_review(proposal, number, SEVENTY, fund=number <= votes)

    summary = services.summarise(reload(proposal))

    assert (summary.assessors, summary.fund_votes) == (assessors, votes)
    assert summary.majority_fund is majority


def test_the_average_rounds_half_up_to_one_decimal_place():
    """281 of 400 is 70.25%: half up gives 70.3 (rounding half to even would give 70.2)."""
    proposal = assessed_proposal()
    for number, scores in enumerate([SEVENTY, SEVENTY, SEVENTY, SEVENTY_ONE], start=1):
        add_review(proposal, number, scores, fund=True)

    assert services.summarise(reload(proposal)).average_percent == Decimal("70.3")


def test_the_threshold_is_compared_with_the_unrounded_average():
    """69.96% shows as 70.0% but is below a 70% threshold: rounding never lets a bid pass."""
    summary = services.AssessmentSummary(
        assessors=3, average_percent=Decimal("70.0"), threshold=Decimal("70"), fund_votes=3,
        exact_percent=Decimal("69.96"),
    )
    assert summary.meets_threshold is False
    exact = services.AssessmentSummary(
        assessors=3, average_percent=Decimal("70.0"), threshold=Decimal("70"), fund_votes=3,
        exact_percent=Decimal("70"),
    )
    assert exact.meets_threshold is True


def test_below_the_threshold():
    proposal = assessed_proposal()
    add_review(proposal, 1, [6] * 10, fund=True)

    summary = services.summarise(reload(proposal))

    assert summary.average_percent == Decimal("60.0")
    assert summary.meets_threshold is False


def test_the_threshold_is_the_programmes():
    proposal = assessed_proposal(programme=factories.make_programme(assessment_threshold=75))
    add_review(proposal, 1, SEVENTY_ONE, fund=True)

    summary = services.summarise(reload(proposal))

    assert summary.threshold == Decimal("75")
    assert summary.meets_threshold is False


def test_with_no_reviews_there_is_no_average():
    summary = services.summarise(assessed_proposal())

    assert summary.assessors == 0
    assert summary.average_percent is None
    assert summary.meets_threshold is None
    assert summary.majority_fund is False
    assert services.assessment_is_recorded(assessed_proposal()) is False


# The assessment page ---------------------------------------------------------------


def test_the_page_shows_the_figures_in_words(staff_client):
    proposal = assessed_proposal()
    review_the_west_midlands_bid(proposal, fund_votes=2)

    response = staff_client.get(f"/proposals/{proposal.id}/assessment")

    assert response.status_code == 200
    figures = summary_list(response)
    assert figures["Average score"] == "70.8% Above the threshold"
    assert figures["Programme threshold"] == "70%"
    assert figures["Fund votes"] == "2 of 5 assessors said fund No majority said fund"


def test_the_page_says_when_the_average_is_below_the_threshold_and_a_majority_said_fund(board_client):
    proposal = assessed_proposal()
    add_review(proposal, 1, [6] * 10, fund=True)

    figures = summary_list(board_client.get(f"/proposals/{proposal.id}/assessment"))

    assert figures["Average score"] == "60% Below the threshold"
    assert figures["Fund votes"] == "1 of 1 assessor said fund A majority said fund"


def test_an_average_exactly_on_the_threshold_meets_it(staff_client):
    proposal = assessed_proposal()
    add_review(proposal, 1, SEVENTY, fund=True)

    figures = summary_list(staff_client.get(f"/proposals/{proposal.id}/assessment"))

    assert figures["Average score"] == "70% Meets the threshold"


def test_the_scores_table_numbers_the_assessors_and_never_names_them(staff_client):
    proposal = assessed_proposal()
    recorder = factories.make_user(Role.STAFF, name="Rita Recorder")
    add_review(proposal, 1, SEVENTY_ONE, fund=True, feedback="A **strong** team.", actor=recorder)
    add_review(proposal, 3, [5] * 10, fund=False, feedback="Weak on risks.", actor=recorder)

    response = staff_client.get(f"/proposals/{proposal.id}/assessment")

    table = soup(response).select_one("table#scores")
    headers = [text(th) for th in table.select("thead th")]
    assert headers == ["Section", "Assessor 1", "Assessor 3"]
    rows = {text(row.th): [text(td) for td in row.select("td")] for row in table.select("tbody tr")}
    assert rows["Need or challenge"] == ["8", "5"]
    assert rows["Costs and value for money"] == ["7", "5"]
    assert "Summary" not in rows and "Co-creation" not in rows  # not assessed
    assert rows["Total"] == ["71 of 100", "50 of 100"]
    assert rows["Said fund"] == ["Yes", "No"]
    page = response.get_data(as_text=True)
    assert "<strong>strong</strong>" in page and "Weak on risks." in page
    assert "Rita Recorder" not in page


def test_before_any_review_the_page_says_the_assessment_is_not_recorded(board_client):
    proposal = assessed_proposal()

    response = board_client.get(f"/proposals/{proposal.id}/assessment")

    assert "The assessment has not been recorded yet" in text(soup(response).select_one("#not-recorded"))
    assert soup(response).select_one("table#scores") is None


def test_feedback_is_sanitised(staff_client):
    proposal = assessed_proposal()
    add_review(proposal, 1, SEVENTY, fund=True,
               feedback='<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))')

    page = soup(staff_client.get(f"/proposals/{proposal.id}/assessment"))

    feedback = page.select_one("#scores ~ .tracker-prose")
    assert feedback.select("script, img") == []
    assert all(not link.get("href", "").startswith("javascript:") for link in feedback.select("a"))
    assert "alert(1)" in text(feedback)  # shown as text, inert


@pytest.mark.parametrize("stage", [ProposalStage.UNDER_ASSESSMENT, ProposalStage.CLARIFICATION_REQUESTED])
def test_staff_get_the_review_form_while_the_proposal_is_assessed(staff_client, stage):
    proposal = assessed_proposal(stage=stage)

    page = soup(staff_client.get(f"/proposals/{proposal.id}/assessment"))

    form = page.select_one(f'form[action="/proposals/{proposal.id}/assessment/reviews"]')
    assert form is not None
    assert [option["value"] for option in form.select("#assessor_number option")] == [
        "", "1", "2", "3", "4", "5"
    ]
    assert [field["id"] for field in form.select("input[name^=score_]")] == [
        f"score_{key}" for key in ASSESSED_KEYS
    ]


@pytest.mark.parametrize("stage", [
    ProposalStage.DRAFT, ProposalStage.BOARD_REVIEW, ProposalStage.SUBMITTED,
    ProposalStage.FUNDED, ProposalStage.NOT_FUNDED, ProposalStage.WITHDRAWN,
])
def test_no_review_form_outside_assessment(staff_client, stage):
    proposal = assessed_proposal(stage=stage)

    page = soup(staff_client.get(f"/proposals/{proposal.id}/assessment"))

    assert page.select_one("form[action$='/assessment/reviews']") is None


def test_the_board_reads_the_assessment_without_forms(board_client):
    proposal = assessed_proposal()

    response = board_client.get(f"/proposals/{proposal.id}/assessment")

    assert response.status_code == 200
    assert soup(response).select("main form") == []


def test_experts_cannot_see_an_assessment(expert_client):
    proposal = assessed_proposal()

    assert expert_client.get(f"/proposals/{proposal.id}/assessment").status_code == 403


def test_the_replace_option_names_assessors_already_recorded(staff_client):
    proposal = assessed_proposal()
    add_review(proposal, 2, SEVENTY, fund=True)

    page = soup(staff_client.get(f"/proposals/{proposal.id}/assessment"))

    labels = [text(option) for option in page.select("#assessor_number option")]
    assert labels[2] == "Assessor 2 (replace the recorded review)"
    assert labels[1] == "Assessor 1"


def test_change_fills_the_form_with_the_recorded_review(staff_client):
    proposal = assessed_proposal()
    add_review(proposal, 2, SEVENTY_ONE, fund=False, feedback="Needs work.")

    response = staff_client.get(f"/proposals/{proposal.id}/assessment?assessor=2")

    page = soup(response)
    assert page.select_one("#assessor_number option[selected]")["value"] == "2"
    assert input_value(response, "score_need") == "8"
    assert input_value(response, "score_risks") == "7"
    assert page.select_one("input[name=fund][checked]")["value"] == "no"
    assert text(page.select_one("#feedback")) == "Needs work."
    [change] = [link for link in page.select("main a") if text(link).startswith("Change")]
    assert text(change) == "Change assessor 2's review"
    assert change["href"].endswith("assessment?assessor=2#record-review")


# Recording a review -------------------------------------------------------------------


@pytest.mark.parametrize("role,status", [(Role.STAFF, 302), (Role.ADMIN, 302),
                                         (Role.BOARD, 403), (Role.EXPERT, 403)])
def test_who_may_record_a_review(client_as, role, status):
    proposal = assessed_proposal()
    client = client_as(role)

    response = client.post(f"/proposals/{proposal.id}/assessment/reviews", data=review_post())

    assert response.status_code == status
    assert review_count() == (1 if status == 302 else 0)


def test_a_visitor_is_sent_to_sign_in(client):
    proposal = assessed_proposal()

    response = client.post(f"/proposals/{proposal.id}/assessment/reviews", data=review_post())

    assert response.status_code == 302 and "/auth/sign-in" in response.location
    assert review_count() == 0


def test_staff_record_a_review(staff_client):
    proposal = assessed_proposal()

    response = staff_client.post(
        f"/proposals/{proposal.id}/assessment/reviews",
        data=review_post("3", scores={"need": "10", "costs": "0"}, fund="no", feedback="Costly."),
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "Assessor 3's review has been recorded" in text(soup(response))
    review = db.session.scalar(select(AssessorReview))
    assert (review.assessor_number, review.fund, review.feedback) == (3, False, "Costly.")
    scores = dict(db.session.execute(select(AssessorScore.section_key, AssessorScore.score)).all())
    assert scores == {key: 7 for key in ASSESSED_KEYS} | {"need": 10, "costs": 0}
    [entry] = activities("assessment.recorded")
    assert entry.actor_id == staff_client.user.id
    assert entry.proposal_id == proposal.id
    assert entry.changes["assessor"] == 3 and entry.changes["fund"] is False


def test_recording_again_for_the_same_assessor_replaces_their_review(staff_client):
    proposal = assessed_proposal()
    url = f"/proposals/{proposal.id}/assessment/reviews"
    staff_client.post(url, data=review_post("2", fund="yes", feedback="First read."))

    page = staff_client.get(f"/proposals/{proposal.id}/assessment?assessor=2")
    seen = soup(page).select_one("input[name=seen_reviews]")["value"]
    assert seen == "2:1"
    response = staff_client.post(url, data=review_post("2", scores={"team": "4"}, fund="no",
                                                       feedback="Second read.") | {"seen_reviews": seen})

    assert response.status_code == 302
    review = db.session.scalar(select(AssessorReview).where(AssessorReview.assessor_number == 2))
    assert review_count() == 1
    assert (review.fund, review.feedback) == (False, "Second read.")
    assert db.session.scalar(select(func.count(AssessorScore.id))) == 10
    assert db.session.scalar(
        select(AssessorScore.score).where(AssessorScore.section_key == "team")
    ) == 4
    assert len(activities("assessment.recorded")) == 2


def test_two_people_recording_the_same_assessor_never_lose_scores(client_as):
    """Both open the page; the first saves assessor 3; the second's save is refused with 409,
    their typed scores kept in the form, and the first person's scores stay recorded."""
    proposal = assessed_proposal()
    first, second = client_as(Role.STAFF), client_as(Role.STAFF)
    url = f"/proposals/{proposal.id}/assessment"
    seen_first = soup(first.get(url)).select_one("input[name=seen_reviews]")["value"]
    seen_second = soup(second.get(url)).select_one("input[name=seen_reviews]")["value"]
    assert seen_first == seen_second == ""

    saved = first.post(f"{url}/reviews", data=review_post("3", feedback="First person.")
                       | {"seen_reviews": seen_first})
    assert saved.status_code == 302
    refused = second.post(f"{url}/reviews", data=review_post("3", scores={"need": "2"},
                                                             feedback="Second person.")
                          | {"seen_reviews": seen_second})

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Someone else recorded assessor 3" in page
    assert input_value(refused, "score_need") == "2"
    assert soup(refused).select_one("input[name=seen_reviews]")["value"] == "3:1"
    review = db.session.scalar(select(AssessorReview))
    assert review.feedback == "First person." and review_count() == 1
    again = second.post(f"{url}/reviews", data=review_post("3", scores={"need": "2"},
                                                           feedback="Second person.")
                        | {"seen_reviews": "3:1"})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(AssessorReview)).feedback == "Second person."


@pytest.mark.parametrize("overrides,field,message", [
    ({"scores": {"need": "11"}}, "score_need",
     "The score for Need or challenge must be a whole number from 0 to 10"),
    ({"scores": {"risks": "-1"}}, "score_risks",
     "The score for Risks must be a whole number from 0 to 10"),
    ({"scores": {"team": "seven"}}, "score_team",
     "The score for Team and resources must be a whole number from 0 to 10"),
    ({"scores": {"team": "7.5"}}, "score_team",
     "The score for Team and resources must be a whole number from 0 to 10"),
    ({"scores": {"costs": ""}}, "score_costs", "Enter a score for Costs and value for money"),
    ({"scores": {"market": None}}, "score_market", "Enter a score for Market awareness"),
    ({"number": "6"}, "assessor_number",
     "Innovate UK uses at most 5 assessors: choose an assessor from 1 to 5"),
    ({"number": "0"}, "assessor_number",
     "Innovate UK uses at most 5 assessors: choose an assessor from 1 to 5"),
    ({"number": "one"}, "assessor_number",
     "Innovate UK uses at most 5 assessors: choose an assessor from 1 to 5"),
    ({"number": ""}, "assessor_number", "Choose which assessor this review is from"),
    ({"fund": None}, "fund", "Say whether this assessor recommended funding"),
    ({"fund": "maybe"}, "fund", "Say whether this assessor recommended funding"),
    ({"feedback": "x" * 10001}, "feedback", "Feedback must be 10,000 characters or fewer"),
])
def test_bad_reviews_are_refused_in_place_and_nothing_is_saved(staff_client, overrides, field,
                                                               message):
    proposal = assessed_proposal()
    data = review_post(**overrides)

    response = staff_client.post(f"/proposals/{proposal.id}/assessment/reviews", data=data)

    assert response.status_code == 400
    assert summary_errors(response) == [message]
    assert inline_error(response, field) == message
    assert review_count() == 0
    assert activities("assessment.recorded") == []


def test_a_refused_review_keeps_what_was_typed(staff_client):
    proposal = assessed_proposal()

    response = staff_client.post(
        f"/proposals/{proposal.id}/assessment/reviews",
        data=review_post("4", scores={"need": "12", "team": "9"}, feedback="Kept."),
    )

    assert input_value(response, "score_need") == "12"
    assert input_value(response, "score_team") == "9"
    assert soup(response).select_one("#assessor_number option[selected]")["value"] == "4"
    assert text(soup(response).select_one("#feedback")) == "Kept."


def test_a_sixth_assessor_is_refused_when_five_are_recorded(staff_client):
    proposal = assessed_proposal()
    review_the_west_midlands_bid(proposal, fund_votes=2)

    response = staff_client.post(f"/proposals/{proposal.id}/assessment/reviews",
                                 data=review_post("6"))

    assert response.status_code == 400
    assert summary_errors(response) == [
        "Innovate UK uses at most 5 assessors: choose an assessor from 1 to 5"
    ]
    assert review_count() == 5
    assert services.summarise(reload(proposal)).average_percent == Decimal("70.8")


def test_the_service_refuses_a_sixth_assessor_and_missing_or_extra_scores():
    proposal = assessed_proposal()
    actor = factories.make_user(Role.STAFF)
    scores = dict.fromkeys(ASSESSED_KEYS, 7)

    with pytest.raises(services.AssessmentRefused, match="at most 5 assessors"):
        services.record_review(proposal, 6, scores, True, "", actor)
    with pytest.raises(services.AssessmentRefused, match="every assessed section"):
        services.record_review(proposal, 1, {**scores, "summary": 7}, True, "", actor)
    missing = {key: 7 for key in ASSESSED_KEYS[1:]}
    with pytest.raises(services.AssessmentRefused, match="every assessed section"):
        services.record_review(proposal, 1, missing, True, "", actor)
    with pytest.raises(services.AssessmentRefused, match="from 0 to 10"):
        services.record_review(proposal, 1, {**scores, "need": 11}, True, "", actor)
    db.session.rollback()
    assert review_count() == 0


@pytest.mark.parametrize("stage", [ProposalStage.DRAFT, ProposalStage.SUBMITTED, ProposalStage.FUNDED])
def test_scores_are_refused_outside_assessment(staff_client, stage):
    proposal = assessed_proposal(stage=stage)

    response = staff_client.post(f"/proposals/{proposal.id}/assessment/reviews", data=review_post())

    assert response.status_code == 400
    assert summary_errors(response) == [
        "Scores can be recorded only while the proposal is under assessment"
    ]
    assert review_count() == 0


def test_scores_may_be_recorded_while_a_clarification_is_requested(staff_client):
    proposal = assessed_proposal(stage=ProposalStage.CLARIFICATION_REQUESTED)

    response = staff_client.post(f"/proposals/{proposal.id}/assessment/reviews", data=review_post())

    assert response.status_code == 302
    assert review_count() == 1


def test_recording_a_review_with_csrf_protection_on(staff_client, csrf_on):
    proposal = assessed_proposal()
    url = f"/proposals/{proposal.id}/assessment"

    refused = staff_client.post(f"{url}/reviews", data=review_post())
    token = csrf_token_from(staff_client.get(url))
    accepted = staff_client.post(f"{url}/reviews", data=review_post() | {"csrf_token": token})

    assert refused.status_code == 400
    assert "This form had expired" in summary_errors(refused)[0]
    assert accepted.status_code == 302
    assert review_count() == 1


def test_a_review_for_a_missing_proposal_is_404(staff_client):
    assert staff_client.post("/proposals/999999/assessment/reviews", data=review_post()).status_code == 404
