"""Reading the API per role: what each endpoint answers, with the pages' permissions (an expert
sees proposals open to them, their own input and never another expert's unanswered input),
the id-guessing refusals, the filters with their notices, and pagination."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import current_app
from sqlalchemy import select

from tests import factories
from tests.test_api_auth import Reader, api_reader, assert_problem, new_secret
from tracker.api.views import common
from tracker.auth.models import Role
from tracker.contributions import services as contributions
from tracker.contributions.models import ContributionKind, ContributionStatus, InputRequest
from tracker.extensions import db
from tracker.milestones.models import MilestoneKind, MilestoneState
from tracker.organisations.models import OrganisationType
from tracker.priorities.models import StanceKind
from tracker.priorities.queries import priority_of, stance_on
from tracker.priorities.services import add_priority
from tracker.priorities.stances import answer_challenge, take_stance
from tracker.proposals.models import ProposalStage
from tracker.sections.models import Section, SectionState
from tracker.sections.services import save_section

TODAY = date(2026, 3, 2)


def seed_world() -> dict:
    """A programme with a deadline; a proposal open for input (with a section written, a priority
    challenged and answered, a milestone that depends on the deadline, input from two experts:
    one answered, one not); and a draft proposal no expert may see."""
    staff = factories.make_user(Role.STAFF, name="Sam Staff")
    programme = factories.make_programme("West Midlands Innovation Accelerator", total_pot=33_000_000)
    open_one = factories.make_proposal(
        programme=programme, owner=staff, stage=ProposalStage.CO_CREATION, title="Health tech accelerator",
        funding_ask=14_500_000, input_closes_on=date.today() + timedelta(days=7),
        lead_organisation_id=factories.make_organisation("Aston University", OrganisationType.UNIVERSITY).id,
        partners=[factories.make_organisation("MedTech Cluster")],
    )
    draft = factories.make_proposal(programme=programme, owner=staff, title="Biochar testbed")
    section = db.session.scalar(select(Section).where(Section.proposal_id == open_one.id, Section.key == "risks"))
    save_section(section, text="Supply chains **may** slip.", note="", assignee_id=staff.id,
                 state=SectionState.IN_PROGRESS, started_from=section.version, actor=staff, proposal=open_one)
    sector = factories.make_sector("Health tech")
    priority = add_priority(open_one, sector, Decimal("60"), "Devices and diagnostics.", staff)
    answered_by = factories.make_user(Role.EXPERT, name="Erin Answered",
                                      organisation=factories.make_organisation("NHS Trust", OrganisationType.NHS_BODY))
    waiting_by = factories.make_user(Role.EXPERT, name="Wes Waiting")
    answered = contributions.submit_contribution(
        open_one, answered_by, kind=ContributionKind.EVIDENCE, title="Trial results", body="See the trial.",
        sector=sector, section=section, declaration="I advise the lead.",
    )
    waiting = contributions.submit_contribution(
        open_one, waiting_by, kind=ContributionKind.RISK, title="Secret worry", body="Not answered yet.",
        sector=sector,
    )
    db.session.flush()
    contributions.respond(answered, open_one, outcome=ContributionStatus.NOTED, reason="Thank you.", actor=staff)
    db.session.commit()
    priority = priority_of(open_one.id, priority.id)
    stance = take_stance(open_one, priority, answered_by, StanceKind.CHALLENGE, "Too high a share.")
    db.session.commit()
    stance = stance_on(priority.id, stance.id)
    answer_challenge(open_one, priority, stance, "It follows the bid.", stance.version, staff)
    deadline = factories.make_milestone(programme=programme, title="Full proposals due",
                                        kind=MilestoneKind.FULL_PROPOSAL_DEADLINE, due_on=TODAY + timedelta(days=30))
    late = factories.make_milestone(programme=programme, title="EoI", kind=MilestoneKind.EOI_DEADLINE,
                                    due_on=TODAY - timedelta(days=3))
    step = factories.make_milestone(open_one, title="Letters of support", owner=staff,
                                    due_on=TODAY + timedelta(days=20), depends_on=[late])
    db.session.commit()
    return {
        "staff": staff, "programme": programme, "open": open_one, "draft": draft, "section": section,
        "sector": sector, "priority": priority, "answered": answered, "waiting": waiting,
        "answered_by": answered_by, "waiting_by": waiting_by, "deadline": deadline, "late": late, "step": step,
    }


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr(common, "today", lambda: TODAY)
    return seed_world()


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["data"]]


# Programmes --------------------------------------------------------------------------------------


def test_programmes_list_shows_figures_money_and_dates(world):
    body = api_reader(Role.EXPERT).get("/api/v1/programmes").get_json()

    [programme] = body["data"]
    assert programme["name"] == "West Midlands Innovation Accelerator"
    assert programme["total_pot"] == 33_000_000 and programme["assessment_threshold"] == 70.0
    assert programme["proposal_count"] == 2 and programme["funding_asked"] == 15_500_000
    assert programme["key_dates"]["full_proposal_deadline"] == "2022-11-30"
    assert programme["links"]["self"].endswith(f"/api/v1/programmes/{world['programme'].id}")
    assert body["meta"] == {"page": 1, "per_page": 25, "total": 1, "pages": 1}
    assert body["notices"] == []


def test_one_programme_and_a_missing_one(world):
    reader = api_reader(Role.BOARD)

    assert reader.get(f"/api/v1/programmes/{world['programme'].id}").get_json()["data"]["board_quorum"] == 3
    assert_problem(reader.get("/api/v1/programmes/999999"), 404)
    assert_problem(reader.get(f"/api/v1/programmes/{2**64}"), 404)


def test_programme_milestones_with_rag_and_forecast_for_today(world):
    body = api_reader(Role.BOARD).get(f"/api/v1/programmes/{world['programme'].id}/milestones").get_json()

    by_title = {item["title"]: item for item in body["data"]}
    assert list(by_title) == ["EoI", "Letters of support", "Full proposals due"]  # by due date
    eoi, step = by_title["EoI"], by_title["Letters of support"]
    assert eoi["rag"] == {"value": "red", "label": "Red"} and eoi["overdue"] and eoi["proposal"] is None
    assert eoi["forecast"] == TODAY.isoformat() and eoi["slip_days"] == 3
    assert step["proposal"] == {"id": world["open"].id, "title": "Health tech accelerator"}
    assert step["depends_on"] == [world["late"].id] and step["dependency_late"]
    assert step["rag"]["value"] == "amber" and step["forecast"] == (TODAY + timedelta(days=23)).isoformat()
    assert step["kind"] == {"value": "internal", "label": "Internal"}


# Proposals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role,visible", [
    (Role.ADMIN, {"open", "draft"}), (Role.STAFF, {"open", "draft"}), (Role.BOARD, {"open", "draft"}),
    (Role.EXPERT, {"open"}),
])
def test_proposals_are_those_the_reader_may_see(world, role, visible):
    assert set(ids(api_reader(role).get("/api/v1/proposals"))) == {world[name].id for name in visible}


def test_an_expert_also_sees_a_proposal_they_were_asked_about(world):
    reader = api_reader(Role.EXPERT)
    request = InputRequest(proposal_id=world["draft"].id, due_on=date.today(), message="Please look.")
    request.recipients = [reader.user]
    db.session.add(request)
    db.session.commit()

    assert world["draft"].id in ids(reader.get("/api/v1/proposals"))
    assert reader.get(f"/api/v1/proposals/{world['draft'].id}").status_code == 200


def test_a_proposal_in_full(world):
    data = api_reader(Role.STAFF).get(f"/api/v1/proposals/{world['open'].id}").get_json()["data"]

    assert data["title"] == "Health tech accelerator" and data["funding_ask"] == 14_500_000
    assert data["stage"] == {"value": "co_creation", "label": "Co-creation"}
    assert data["lead_organisation"]["type"] == {"value": "university", "label": "University"}
    assert [partner["name"] for partner in data["partners"]] == ["MedTech Cluster"]
    assert data["owner"] == {"id": world["staff"].id, "name": "Sam Staff"}
    assert data["programme"]["name"] == "West Midlands Innovation Accelerator"
    assert data["summary"] == "A summary."
    assert data["links"]["milestones"].endswith(f"/api/v1/proposals/{world['open'].id}/milestones")
    assert data["created_at"].endswith("+00:00")


PARTS = ["", "/sections", "/contributions", "/priorities", "/milestones", "/activity"]


@pytest.mark.parametrize("part", PARTS)
def test_id_guessing_an_expert_learns_nothing_of_a_proposal_not_open_to_them(world, part):
    """As on the pages: 403 for a proposal that exists but is not theirs to see, 404 for none;
    neither says anything about it."""
    reader = api_reader(Role.EXPERT)

    refused = assert_problem(reader.get(f"/api/v1/proposals/{world['draft'].id}{part}"), 403)
    missing = assert_problem(reader.get(f"/api/v1/proposals/{world['draft'].id + 1000}{part}"), 404)

    for body in (refused, missing):
        assert "Biochar" not in str(body) and "Sam Staff" not in str(body)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.STAFF, Role.BOARD, Role.EXPERT])
@pytest.mark.parametrize("part", PARTS)
def test_every_part_of_a_visible_proposal_answers_every_role(world, role, part):
    response = api_reader(role).get(f"/api/v1/proposals/{world['open'].id}{part}")

    assert response.status_code == 200 and response.mimetype == "application/json"


def test_filters_by_programme_stage_and_sector(world):
    reader = api_reader(Role.STAFF)
    other = factories.make_proposal(stage=ProposalStage.CO_CREATION)

    assert set(ids(reader.get(f"/api/v1/proposals?programme={world['programme'].id}"))) == {
        world["open"].id, world["draft"].id}
    assert set(ids(reader.get("/api/v1/proposals?stage=co_creation"))) == {world["open"].id, other.id}
    assert set(ids(reader.get("/api/v1/proposals?stage=draft&stage=co_creation"))) == {
        world["open"].id, world["draft"].id, other.id}
    assert set(ids(reader.get("/api/v1/proposals?stage=draft,co_creation"))) == {
        world["open"].id, world["draft"].id, other.id}
    assert ids(reader.get(f"/api/v1/proposals?sector={world['sector'].id}")) == [world["open"].id]
    assert set(ids(reader.get("/api/v1/proposals?sector=none"))) == {world["open"].id, world["draft"].id,
                                                                     other.id}  # 60% taken, 0%, 0%
    assert ids(reader.get("/api/v1/proposals?q=BIOCHAR")) == [world["draft"].id]


@pytest.mark.parametrize("query,notice", [
    ("stage=nonsense", "Unknown stage ignored: “nonsense”"),
    ("programme=abc", "programme must be a programme's id: “abc” was ignored"),
    ("sector=%25", "sector must be a sector or theme (or “none”)'s id: “%” was ignored"),
    ("owner=-1", "owner must be a person's id"),
    ("page=two", "page must be a whole number"),
    ("per_page=0", "per_page must be at least 1"),
])
def test_a_filter_value_that_names_nothing_is_ignored_with_a_notice(world, query, notice):
    body = api_reader(Role.STAFF).get(f"/api/v1/proposals?{query}").get_json()

    assert len(body["data"]) == 2  # as if the value had not been given
    assert any(notice in each for each in body["notices"]), body["notices"]


def test_an_id_that_names_nothing_matches_nothing_and_says_so(world):
    body = api_reader(Role.STAFF).get("/api/v1/proposals?programme=999999").get_json()

    assert body["data"] == [] and body["notices"] == ["There is no programme 999999: no proposal matches."]


# Pagination --------------------------------------------------------------------------------------


def test_pages_with_links_that_keep_the_filters(world):
    reader = api_reader(Role.STAFF)
    for n in range(3):
        factories.make_proposal(programme=world["programme"], stage=ProposalStage.CO_CREATION, title=f"More {n}")

    first = reader.get(f"/api/v1/proposals?per_page=2&stage=co_creation&programme={world['programme'].id}")
    body = first.get_json()

    assert body["meta"] == {"page": 1, "per_page": 2, "total": 4, "pages": 2}
    assert body["links"]["prev"] is None
    second = reader.get(body["links"]["next"].removeprefix("http://localhost")).get_json()
    assert second["meta"]["page"] == 2 and second["links"]["next"] is None
    assert "stage=co_creation" in second["links"]["self"] and "per_page=2" in second["links"]["self"]
    assert len({*ids(first), *[item["id"] for item in second["data"]]}) == 4  # no row twice, none missed


def test_a_page_past_the_end_is_empty_with_a_notice(world):
    body = api_reader(Role.STAFF).get("/api/v1/proposals?page=9&per_page=1").get_json()

    assert body["data"] == []
    assert body["meta"] == {"page": 9, "per_page": 1, "total": 2, "pages": 2}
    assert body["links"]["next"] is None and "page=2" in body["links"]["prev"]
    assert body["notices"] == ["Page 9 is past the last page (2): there is nothing on it."]


def test_per_page_is_capped_at_100(world):
    body = api_reader(Role.STAFF).get("/api/v1/programmes?per_page=5000").get_json()

    assert body["meta"]["per_page"] == 100
    assert body["notices"] == ["per_page can be at most 100: showing 100 a page."]


def test_a_huge_page_number_is_just_past_the_end(world):
    body = api_reader(Role.STAFF).get(f"/api/v1/programmes?page={10**30}").get_json()

    assert body["data"] == [] and body["meta"]["total"] == 1


# The parts of a proposal ---------------------------------------------------------------------------


def test_sections_in_order_with_text_and_state(world):
    body = api_reader(Role.EXPERT).get(f"/api/v1/proposals/{world['open'].id}/sections").get_json()

    keys = [item["key"] for item in body["data"]]
    assert keys[0] == "summary" and len(keys) == 12
    risks = next(item for item in body["data"] if item["key"] == "risks")
    assert risks["text"] == "Supply chains **may** slip." and risks["word_count"] == 4
    assert risks["state"] == {"value": "in_progress", "label": "In progress"}
    assert risks["assignee"]["name"] == "Sam Staff" and risks["revision_number"] == 1


def test_staff_and_board_see_all_input_with_responses(world):
    for role in (Role.STAFF, Role.BOARD):
        body = api_reader(role).get(f"/api/v1/proposals/{world['open'].id}/contributions").get_json()
        by_title = {item["title"]: item for item in body["data"]}
        assert set(by_title) == {"Trial results", "Secret worry"}
    answered = by_title["Trial results"]
    assert answered["status"]["value"] == "noted" and answered["response"]["reason"] == "Thank you."
    assert answered["author"]["name"] == "Erin Answered" and answered["organisation"]["name"] == "NHS Trust"
    assert answered["section"]["key"] == "risks" and answered["declaration_of_interest"] == "I advise the lead."
    assert by_title["Secret worry"]["response"] is None


@pytest.mark.parametrize("author,shown", [("answered_by", {"Trial results"}), ("waiting_by", {"Secret worry"}),
                                          (None, set())])
def test_an_expert_sees_only_their_own_input(world, author, shown):
    """As on the contributions page: never another expert's input, answered or not."""
    user = world[author] if author else factories.make_user(Role.EXPERT)
    reader = Reader(user, new_secret(user), current_app.test_client())

    body = reader.get(f"/api/v1/proposals/{world['open'].id}/contributions").get_json()

    assert {item["title"] for item in body["data"]} == shown


def test_priorities_with_stances_and_replies(world):
    [priority] = api_reader(Role.EXPERT).get(f"/api/v1/proposals/{world['open'].id}/priorities").get_json()["data"]

    assert priority["rank"] == 1 and priority["share"] == 60.0 and priority["sector"]["name"] == "Health tech"
    assert priority["stance_counts"] == {"endorse": 0, "challenge": 1}
    [stance] = priority["stances"]
    assert stance["kind"]["value"] == "challenge" and stance["comment"] == "Too high a share."
    assert stance["expert"]["name"] == "Erin Answered" and stance["organisation"] == "NHS Trust"
    assert stance["reply"] == "It follows the bid." and stance["replied_by"]["name"] == "Sam Staff"


def test_proposal_milestones_include_the_programmes_dates(world):
    body = api_reader(Role.EXPERT).get(f"/api/v1/proposals/{world['open'].id}/milestones").get_json()

    assert [item["title"] for item in body["data"]] == ["EoI", "Letters of support", "Full proposals due"]
    assert body["data"][1]["state"] == {"value": "not_started", "label": "Not started"}


def test_milestones_paginate_after_planning_them_all(world):
    body = api_reader(Role.STAFF).get(f"/api/v1/proposals/{world['open'].id}/milestones?per_page=1&page=2").get_json()

    [step] = body["data"]
    assert step["title"] == "Letters of support" and step["dependency_late"]  # planned with the EoI
    assert body["meta"] == {"page": 2, "per_page": 1, "total": 3, "pages": 3}


def test_activity_newest_first_without_other_experts_unanswered_input(world):
    staff_view = api_reader(Role.STAFF).get(f"/api/v1/proposals/{world['open'].id}/activity").get_json()
    expert_view = api_reader(Role.EXPERT).get(f"/api/v1/proposals/{world['open'].id}/activity").get_json()

    def summaries(body):
        return [item["summary"] for item in body["data"]]

    assert any("Secret worry" in summary for summary in summaries(staff_view))
    assert not any("Secret worry" in summary for summary in summaries(expert_view))
    assert any("Trial results" in summary for summary in summaries(expert_view))
    times = [item["created_at"] for item in staff_view["data"]]
    assert times == sorted(times, reverse=True)
    saved = next(item for item in staff_view["data"] if item["kind"]["value"] == "section.saved")
    assert saved["actor"]["name"] == "Sam Staff" and saved["subject"]["type"] == "section"
    assert {"field": "Assignee", "before": None, "after": "Sam Staff"} in saved["changes"]


def test_a_state_the_milestone_rules_would_call_done(world):
    factories.make_milestone(world["open"], title="Done early", state=MilestoneState.DONE,
                             due_on=TODAY + timedelta(days=5), done_on=TODAY - timedelta(days=1))

    body = api_reader(Role.STAFF).get(f"/api/v1/proposals/{world['open'].id}/milestones").get_json()

    done = next(item for item in body["data"] if item["title"] == "Done early")
    assert done["rag"]["value"] == "done" and done["slip_days"] == -6 and done["done_on"] == "2026-03-01"
