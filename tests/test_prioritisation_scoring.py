"""Scoring a proposal against the programme's criteria: who may and at which stages, every kind
of bad score, saving again (replacing one's own scores), and two tabs of the same person."""

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, inline_error, input_value, soup, summary_errors, text
from tests.test_prioritisation import demo_programme, scorable, score
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.prioritisation import queries
from tracker.prioritisation.models import CriterionScore
from tracker.prioritisation.services import ScoringRefused, record_scores
from tracker.proposals.models import ProposalStage


def url(proposal) -> str:
    return f"/programmes/{proposal.programme_id}/prioritisation/proposals/{proposal.id}"


def score_post(proposal, values, notes=(), seen="") -> dict:
    """The score form: one value per criterion in order (None leaves the field out)."""
    criteria = queries.criteria_of(proposal.programme_id)
    data = {"seen_scores": seen}
    for criterion, value in zip(criteria, values, strict=True):
        if value is not None:
            data[f"criterion_{criterion.id}"] = value
    for criterion, note in zip(criteria, notes, strict=False):
        data[f"note_{criterion.id}"] = note
    return data


def score_count() -> int:
    return db.session.scalar(select(func.count(CriterionScore.id)))


@pytest.mark.parametrize("role", [Role.BOARD, Role.STAFF, Role.ADMIN])
def test_staff_and_board_members_score_a_proposal(client_as, role):
    client = client_as(role)
    proposal = scorable(demo_programme())

    response = client.post(f"{url(proposal)}/scores", data=score_post(
        proposal, ["8", "6", "7", "5", "9"], notes=["Hundreds of jobs in Coventry."],
    ))

    assert response.status_code == 302
    assert response.location.endswith(url(proposal))
    mine = queries.scores_of(proposal.id, client.user.id)
    assert sorted(s.score for s in mine.values()) == [5, 6, 7, 8, 9]
    page = client.get(url(proposal))
    row = soup(page).select_one("#scores tbody tr")
    assert text(row).startswith(f"{client.user.name} {role.label} 8 Hundreds of jobs in Coventry. 6 7 5 9")
    entry = activities("scores.recorded")[0]
    assert (entry.proposal_id, entry.actor_id) == (proposal.id, client.user.id)
    assert entry.summary == ("Scored against the regional criteria: Regional economy 8, National "
                             "economy 6, Sector priority fit 7, Co-investment 5, Inclusive growth 9")


def test_the_page_shows_every_scorer_the_averages_and_the_total(board_client):
    proposal = scorable(demo_programme())
    score(proposal, [8, 6, 7, 5, 9], scorer=factories.make_user(Role.BOARD, name="Ada Board"))
    score(proposal, [6, 6, 9, 7, 5], scorer=factories.make_user(Role.STAFF, name="Ben Staff"))

    page = board_client.get(url(proposal))

    averages = [[text(cell) for cell in row.find_all(["th", "td"])]
                for row in soup(page).select("#averages tbody tr")]
    assert averages == [
        ["Regional economy", "40%", "7.0", "2"],
        ["National economy", "10%", "6.0", "2"],
        ["Sector priority fit", "20%", "8.0", "2"],
        ["Co-investment", "15%", "6.0", "2"],
        ["Inclusive growth", "15%", "7.0", "2"],
        ["Weighted score", "100%", "6.95", "2 scorers"],
    ]
    scorers = [text(th) for th in soup(page).select("#scores tbody th")]
    assert scorers[0].startswith("Ada Board") and scorers[1].startswith("Ben Staff")
    summary = text(soup(page).select_one("#prioritisation-summary"))
    assert "Weighted score 6.95 out of 10 (69.5%)" in summary
    assert "Scorers 2" in summary


def test_saving_again_replaces_ones_own_scores(board_client):
    proposal = scorable(demo_programme())
    first = board_client.post(f"{url(proposal)}/scores",
                              data=score_post(proposal, ["8", "6", "7", "5", "9"]))
    assert first.status_code == 302
    page = board_client.get(url(proposal))
    assert input_value(page, f"criterion_{queries.criteria_of(proposal.programme_id)[0].id}") == "8"
    seen = soup(page).select_one("input[name=seen_scores]")["value"]

    again = board_client.post(f"{url(proposal)}/scores",
                              data=score_post(proposal, ["2", "6", "7", "5", "9"], seen=seen))

    assert again.status_code == 302
    assert score_count() == 5
    mine = queries.scores_of(proposal.id, board_client.user.id)
    criteria = queries.criteria_of(proposal.programme_id)
    assert mine[criteria[0].id].score == 2
    assert mine[criteria[0].id].version == 2
    assert activities("scores.recorded")[-1].changes == {"Regional economy": [8, 2]}


def test_a_second_tab_does_not_silently_replace_the_first(board_client):
    """Two tabs opened before either saved: the second save is refused with 409 and keeps
    what was typed in it; saving once more replaces the scores."""
    proposal = scorable(demo_programme())
    seen = soup(board_client.get(url(proposal))).select_one("input[name=seen_scores]")["value"]
    assert board_client.post(f"{url(proposal)}/scores",
                             data=score_post(proposal, ["8"] * 5, seen=seen)).status_code == 302

    response = board_client.post(f"{url(proposal)}/scores",
                                 data=score_post(proposal, ["3"] * 5, seen=seen))

    assert response.status_code == 409
    assert "You saved scores for this proposal in another window or tab" in summary_errors(response)[0]
    first = queries.criteria_of(proposal.programme_id)[0]
    assert input_value(response, f"criterion_{first.id}") == "3"
    assert {s.score for s in queries.scores_of(proposal.id, board_client.user.id).values()} == {8}

    seen_now = soup(response).select_one("input[name=seen_scores]")["value"]
    again = board_client.post(f"{url(proposal)}/scores", data=score_post(proposal, ["3"] * 5, seen=seen_now))

    assert again.status_code == 302
    assert {s.score for s in queries.scores_of(proposal.id, board_client.user.id).values()} == {3}


@pytest.mark.parametrize("value", ["11", "-1", "7.5", "seven", "1e1"])
def test_a_score_outside_0_to_10_is_refused_and_nothing_is_saved(board_client, value):
    proposal = scorable(demo_programme())

    response = board_client.post(f"{url(proposal)}/scores",
                                 data=score_post(proposal, [value, "6", "7", "5", "9"]))

    assert response.status_code == 400
    first = queries.criteria_of(proposal.programme_id)[0]
    message = "The score for Regional economy must be a whole number from 0 to 10"
    assert inline_error(response, f"criterion_{first.id}") == message
    assert summary_errors(response) == [message]
    assert input_value(response, f"criterion_{first.id}") == value
    assert score_count() == 0
    assert activities("scores.recorded") == []


def test_every_criterion_needs_a_score(board_client):
    proposal = scorable(demo_programme())

    response = board_client.post(f"{url(proposal)}/scores",
                                 data=score_post(proposal, ["8", None, "7", "5", ""]))

    assert response.status_code == 400
    assert summary_errors(response) == ["Enter a score for National economy",
                                        "Enter a score for Inclusive growth"]
    assert score_count() == 0


def test_the_service_refuses_out_of_range_and_missing_scores():
    proposal = scorable(demo_programme())
    criteria = queries.criteria_of(proposal.programme_id)
    scorer = factories.make_user(Role.BOARD)

    with pytest.raises(ScoringRefused) as refused:
        record_scores(proposal, {c.id: 11 for c in criteria}, {}, scorer)
    assert str(refused.value) == "The score for Regional economy must be a whole number from 0 to 10"
    assert refused.value.criterion_id == criteria[0].id
    with pytest.raises(ScoringRefused, match="Give a score for every criterion"):
        record_scores(proposal, {criteria[0].id: 5}, {}, scorer)


@pytest.mark.parametrize("stage,allowed", [
    (ProposalStage.DRAFT, False),
    (ProposalStage.WITHDRAWN, False),
    (ProposalStage.CO_CREATION, True),
    (ProposalStage.UNDER_ASSESSMENT, True),
    (ProposalStage.FUNDED, True),
])
def test_drafts_and_withdrawn_proposals_cannot_be_scored(board_client, stage, allowed):
    proposal = scorable(demo_programme(), stage=stage)

    page = board_client.get(url(proposal))
    response = board_client.post(f"{url(proposal)}/scores", data=score_post(proposal, ["5"] * 5))

    assert (soup(page).select_one("#your-scores") is not None) is allowed
    assert response.status_code == (302 if allowed else 403)
    if not allowed:
        assert f"{stage.label} proposals are not scored" in text(soup(page))
        with pytest.raises(ScoringRefused):
            score(proposal, [5] * 5)


def test_experts_cannot_score(expert_client):
    proposal = scorable(demo_programme())

    response = expert_client.post(f"{url(proposal)}/scores", data=score_post(proposal, ["5"] * 5))

    assert response.status_code == 403
    assert score_count() == 0


def test_a_programme_without_criteria_has_nothing_to_score(staff_client):
    proposal = scorable(factories.make_programme())

    page = staff_client.get(url(proposal))
    response = staff_client.post(f"{url(proposal)}/scores", data={"seen_scores": ""})

    assert "The programme has no criteria yet" in text(soup(page))
    assert soup(page).select_one("#your-scores") is None
    assert response.status_code == 400
    assert summary_errors(response) == ["The programme has no criteria to score against yet"]


def test_the_score_form_beside_another_forms_errors_still_knows_ones_scores(staff_client):
    proposal = scorable(demo_programme())
    score(proposal, [8] * 5, scorer=staff_client.user)

    refused = staff_client.post(f"{url(proposal)}/dependencies", data={"depends_on": ""})
    assert refused.status_code == 400
    seen = soup(refused).select_one("input[name=seen_scores]")["value"]

    response = staff_client.post(f"{url(proposal)}/scores",
                                 data=score_post(proposal, ["4"] * 5, seen=seen))

    assert response.status_code == 302
    assert {s.score for s in queries.scores_of(proposal.id, staff_client.user.id).values()} == {4}


def test_every_form_on_the_page_works_with_csrf_protection_on(staff_client, csrf_on):
    programme = demo_programme()
    proposal, other = scorable(programme), scorable(programme, "Other")
    page = soup(staff_client.get(url(proposal)))
    forms = {form["action"]: {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
             for form in page.select("main form")}

    scored = staff_client.post(f"{url(proposal)}/scores", data=forms[f"{url(proposal)}/scores"]
                               | score_post(proposal, ["5"] * 5))
    depended = staff_client.post(f"{url(proposal)}/dependencies",
                                 data=forms[f"{url(proposal)}/dependencies"] | {"depends_on": other.id})
    unprotected = staff_client.post(f"{url(proposal)}/dependencies/{other.id}/remove")

    assert (scored.status_code, depended.status_code, unprotected.status_code) == (302, 302, 400)
