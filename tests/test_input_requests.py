"""Requests for input at the service level: the status rule (table-driven, fixed dates), who is
asked, the notifications and audit entries, every refusal (nothing half-saved), the answered
counts, the input window's close date, and which proposals an expert who was asked may see."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, insert, select

from tests import factories
from tests.pages import activities
from tests.test_sections import section_of
from tracker.activity.models import Activity
from tracker.auth.models import Role
from tracker.contributions import input_requests, services
from tracker.contributions.input_requests import RequestRefused, request_status
from tracker.contributions.models import (
    ContributionKind,
    InputRequest,
    InputRequestStatus,
    expert_sector,
)
from tracker.extensions import db
from tracker.notifications.models import Notification
from tracker.proposals.models import ProposalStage
from tracker.proposals.queries import visible_among, visible_proposals

ST = InputRequestStatus
TODAY = date.today()
JUNE_10 = date(2025, 6, 10)


# The status rule -------------------------------------------------------------------------


@pytest.mark.parametrize("today,recipients,answered,expected", [
    (date(2025, 6, 1), 5, 0, ST.OPEN),       # well before the due date, nobody answered
    (date(2025, 6, 9), 5, 2, ST.OPEN),       # some answered, still time
    (JUNE_10, 5, 4, ST.OPEN),                # the due date itself is still open
    (date(2025, 6, 11), 5, 4, ST.OVERDUE),   # the day after, one still to answer
    (date(2026, 1, 1), 5, 0, ST.OVERDUE),
    (date(2025, 6, 1), 5, 5, ST.ANSWERED),   # everyone answered early
    (date(2025, 6, 30), 5, 5, ST.ANSWERED),  # answered stays answered after the due date
    (date(2025, 6, 11), 1, 0, ST.OVERDUE),   # one expert's own view: not yet answered
    (date(2025, 6, 11), 1, 1, ST.ANSWERED),  # ... and answered
])
def test_the_status_rule(today, recipients, answered, expected):
    assert request_status(JUNE_10, recipients, answered, today) is expected


# Fixtures ------------------------------------------------------------------------------


def register(expert, *sectors):
    """Put an expert under sectors, as their profile would."""
    db.session.execute(insert(expert_sector),
                       [{"user_id": expert.id, "sector_id": sector.id} for sector in sectors])
    db.session.commit()


@pytest.fixture
def world():
    """A proposal in co-creation (input open for three weeks), staff, two experts registered
    under clean tech, one named expert registered nowhere, and an empty sector."""
    staff = factories.make_user(Role.STAFF, name="Sam Staff")
    proposal = factories.make_proposal(
        owner=staff, stage=ProposalStage.CO_CREATION, title="Biochar accelerator",
        input_closes_on=TODAY + timedelta(days=21),
    )
    clean_tech = factories.make_sector("Clean tech")
    ann, bob = factories.make_user(Role.EXPERT, name="Ann"), factories.make_user(Role.EXPERT, name="Bob")
    register(ann, clean_tech)
    register(bob, clean_tech)
    return {
        "staff": staff, "proposal": proposal, "clean_tech": clean_tech, "ann": ann, "bob": bob,
        "cat": factories.make_user(Role.EXPERT, name="Cat"),
        "empty": factories.make_sector("Digital"),
    }


def ask(world, **values) -> InputRequest:
    """A request through the service, committed; named experts and the sector as given."""
    values = {"message": "What evidence is there on soil carbon?", "due_on": TODAY + timedelta(days=7),
              "today": TODAY, **values}
    request = input_requests.ask_for_input(world["proposal"], world["staff"], **values)
    db.session.commit()
    return request


def give(world, expert, section=None, proposal=None):
    contribution = services.submit_contribution(
        proposal or world["proposal"], expert, kind=ContributionKind.EVIDENCE, title="Soil data",
        body="Trials in Telford.", sector=world["clean_tech"], section=section,
    )
    db.session.commit()
    return contribution


def recipient_ids(request) -> list[int]:
    return sorted(db.session.scalars(
        select(input_requests.recipient.user_id).where(input_requests.recipient.request_id == request.id)
    ))


def counts() -> tuple[int, int, int]:
    """Requests, notifications and request activity entries saved."""
    return (
        db.session.scalar(select(func.count(InputRequest.id))),
        db.session.scalar(select(func.count(Notification.id))),
        db.session.scalar(select(func.count(Activity.id)).where(Activity.verb == "input_request.made")),
    )


def row_of(request, today=TODAY, reader=None):
    db.session.expire_all()
    [row] = input_requests.request_rows([db.session.get(InputRequest, request.id)], today,
                                        reader_id=reader.id if reader else None)
    return row


# Making a request ------------------------------------------------------------------------


def test_named_experts_are_asked_and_each_is_notified(world):
    section = section_of(world["proposal"], "risks")
    request = ask(world, experts=[world["ann"], world["cat"]], section=section)

    assert recipient_ids(request) == sorted([world["ann"].id, world["cat"].id])
    assert request.sector_id is None and request.section_id == section.id
    assert request.created_by_id == world["staff"].id
    [entry] = activities("input_request.made")
    assert entry.proposal_id == world["proposal"].id and entry.subject_id == request.id
    assert entry.actor_id == world["staff"].id
    assert "Asked 2 experts for input on Risks" in entry.summary
    notes = db.session.scalars(select(Notification).order_by(Notification.user_id)).all()
    assert sorted(note.user_id for note in notes) == sorted([world["ann"].id, world["cat"].id])
    for note in notes:
        assert note.activity_id == entry.id and note.proposal_id == world["proposal"].id
        assert note.message.startswith("Sam Staff asked you for input on Risks in “Biochar accelerator” by")


def test_a_sector_asks_everyone_registered_under_it_at_the_time(world):
    inactive = factories.make_user(Role.EXPERT, active=False)
    register(inactive, world["clean_tech"])
    request = ask(world, sector=world["clean_tech"], experts=[world["ann"], world["cat"]])
    later = factories.make_user(Role.EXPERT)
    register(later, world["clean_tech"])

    # Ann is named and registered: asked once. The inactive expert and the later one are not.
    assert recipient_ids(request) == sorted([world["ann"].id, world["bob"].id, world["cat"].id])
    assert request.sector_id == world["clean_tech"].id
    assert counts() == (1, 3, 1)
    assert row_of(request).sector_name == "Clean tech" and row_of(request).recipients == 3


def refusal_cases(world):
    closes = world["proposal"].input_closes_on
    other_section = section_of(factories.make_proposal(), "risks")
    retired = factories.make_sector("Retired", retired=True)
    register(world["ann"], retired)
    return {
        "nobody": ({}, "expert_ids", "Choose at least one expert, or a sector or theme"),
        "an empty sector": ({"sector": world["empty"]}, "sector_id",
                            "No experts are registered under Digital"),
        "a retired sector": ({"sector": retired}, "sector_id", "Choose a sector or theme that is in use"),
        "a past due date": ({"due_on": TODAY - timedelta(days=1)}, "due_on",
                            "The due date must be today or later"),
        "a due date after input closes": (
            {"due_on": closes + timedelta(days=1)}, "due_on",
            f"The due date must be on or before {closes.day} {closes:%B %Y}, when input closes. "
            "To ask for a later date, extend the input window first"),
        "another proposal's section": ({"section": other_section}, "section",
                                       "Choose a section of this proposal"),
        "no message": ({"message": "  "}, "message", "Say what you would like input on"),
        "someone who is not an expert": ({"experts": [world["staff"]]}, "expert_ids",
                                         "Sam Staff is not an active sector expert"),
    }


CASES = ["nobody", "an empty sector", "a retired sector", "a past due date",
         "a due date after input closes", "another proposal's section", "no message",
         "someone who is not an expert"]


@pytest.mark.parametrize("case", CASES)
def test_each_refusal_says_why_and_saves_nothing(world, case):
    values, field, message = refusal_cases(world)[case]
    if case not in ("nobody", "an empty sector", "a retired sector", "someone who is not an expert"):
        values = {"experts": [world["ann"]], **values}

    with pytest.raises(RequestRefused) as refused:
        ask(world, **values)

    assert str(refused.value) == message and refused.value.field == field
    db.session.rollback()
    assert counts() == (0, 0, 0)


def test_the_due_date_may_be_today_or_the_day_input_closes(world):
    for due_on in (TODAY, world["proposal"].input_closes_on):
        ask(world, experts=[world["ann"]], due_on=due_on)
    assert counts() == (2, 2, 2)


@pytest.mark.parametrize("stage", [ProposalStage.DRAFT, ProposalStage.BOARD_REVIEW])
def test_requests_are_made_only_in_co_creation(world, stage):
    world["proposal"].stage = stage
    db.session.commit()
    with pytest.raises(RequestRefused, match=f"only while the proposal is in co-creation: it is at {stage.label}"):
        ask(world, experts=[world["ann"]])
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("role", [Role.EXPERT, Role.BOARD])
def test_only_staff_ask_for_input(world, role):
    with pytest.raises(RequestRefused, match="Only programme staff"):
        input_requests.ask_for_input(world["proposal"], factories.make_user(role), message="Help",
                                     due_on=TODAY, today=TODAY, experts=[world["ann"]])
    assert counts() == (0, 0, 0)


# Answered, overdue, open ---------------------------------------------------------------


def test_a_recipient_answers_by_giving_input_after_the_request(world):
    before = give(world, world["ann"])  # given before anyone asked: it does not answer
    request = ask(world, experts=[world["ann"], world["bob"], world["cat"]])
    before.created_at = request.created_at - timedelta(minutes=1)
    db.session.commit()
    assert (row_of(request).answered, row_of(request).status) == (0, ST.OPEN)

    give(world, world["ann"])
    give(world, world["ann"])  # a second piece from the same person counts once
    give(world, factories.make_user(Role.EXPERT))  # someone not asked
    row = row_of(request)
    assert (row.recipients, row.answered, row.status) == (3, 1, ST.OPEN)
    assert row_of(request, today=request.due_on + timedelta(days=1)).status is ST.OVERDUE

    give(world, world["bob"])
    give(world, world["cat"])
    assert (row_of(request).answered, row_of(request).status) == (3, ST.ANSWERED)
    assert row_of(request, today=request.due_on + timedelta(days=30)).status is ST.ANSWERED


def test_each_request_is_answered_by_input_after_it_and_on_its_own_section(world):
    """Listed together, requests are counted one by one: input answers the request made before
    it, not a later one, and a request about one section is not answered by input on another."""
    need, risks = section_of(world["proposal"], "need"), section_of(world["proposal"], "risks")
    earlier = ask(world, experts=[world["ann"]], section=need)
    given = give(world, world["ann"], section=need)
    later = ask(world, experts=[world["ann"]], section=need)
    on_risks = ask(world, experts=[world["ann"]], section=risks)
    later.created_at = on_risks.created_at = given.created_at + timedelta(minutes=1)
    db.session.commit()
    db.session.expire_all()

    rows = input_requests.request_rows(
        [db.session.get(InputRequest, r.id) for r in (earlier, later, on_risks)], TODAY
    )
    assert [(row.answered, row.status) for row in rows] == [(1, ST.ANSWERED), (0, ST.OPEN), (0, ST.OPEN)]


def test_withdrawn_input_and_input_elsewhere_do_not_answer(world):
    risks = section_of(world["proposal"], "risks")
    request = ask(world, experts=[world["ann"], world["bob"]], section=risks)

    withdrawn = give(world, world["ann"], section=risks)
    services.withdraw_contribution(withdrawn, world["ann"], world["proposal"])
    give(world, world["ann"], section=section_of(world["proposal"], "need"))  # another section
    give(world, world["ann"])  # no particular section
    other = factories.make_proposal(stage=ProposalStage.CO_CREATION, input_closes_on=TODAY)
    give(world, world["bob"], section=section_of(other, "risks"), proposal=other)
    assert row_of(request).answered == 0

    give(world, world["ann"], section=section_of(world["proposal"], "risks"))
    assert row_of(request).answered == 1


def test_input_on_any_section_answers_a_request_about_the_whole_proposal(world):
    request = ask(world, experts=[world["ann"]])
    give(world, world["ann"], section=section_of(world["proposal"], "need"))
    assert row_of(request).status is ST.ANSWERED


def test_an_experts_own_status_is_whether_they_answered(world):
    request = ask(world, experts=[world["ann"], world["bob"]])
    give(world, world["ann"])
    late = request.due_on + timedelta(days=1)

    assert row_of(request, late, reader=world["ann"]).status is ST.ANSWERED
    assert row_of(request, late, reader=world["bob"]).status is ST.OVERDUE
    assert row_of(request, late).status is ST.OVERDUE  # staff see the whole request


def test_an_experts_requests_list_those_to_answer_first_soonest_due_first(world):
    answered = ask(world, experts=[world["ann"]], due_on=TODAY)
    later = ask(world, experts=[world["ann"]], due_on=TODAY + timedelta(days=10))
    sooner = ask(world, experts=[world["ann"]], due_on=TODAY + timedelta(days=2))
    ask(world, experts=[world["bob"]])  # not Ann's
    give(world, world["ann"], section=None)  # answers every request to Ann made so far

    fresh = ask(world, experts=[world["ann"]], due_on=TODAY + timedelta(days=5))
    order = db.session.scalars(input_requests.requests_to(world["ann"].id)).all()
    assert [request.id for request in order] == [fresh.id, answered.id, sooner.id, later.id]


# The input window ----------------------------------------------------------------------


def test_extending_the_window_reopens_input_and_is_recorded_as_a_proposal_change(world):
    proposal = world["proposal"]
    proposal.input_closes_on = TODAY - timedelta(days=2)
    db.session.commit()
    assert not services.input_is_open(proposal)

    changed = input_requests.set_input_close_date(proposal, TODAY + timedelta(days=5), world["staff"], TODAY)
    db.session.commit()

    assert changed and proposal.input_closes_on == TODAY + timedelta(days=5)
    assert services.input_is_open(proposal)
    [entry] = activities("proposal.updated")
    assert entry.changes == {"input_closes_on": [(TODAY - timedelta(days=2)).isoformat(),
                                                 (TODAY + timedelta(days=5)).isoformat()]}
    assert entry.actor_id == world["staff"].id and entry.proposal_id == proposal.id


def test_the_same_date_changes_nothing(world):
    proposal = world["proposal"]
    assert not input_requests.set_input_close_date(proposal, proposal.input_closes_on, world["staff"], TODAY)
    assert activities("proposal.updated") == []


def test_a_close_date_in_the_past_is_refused(world):
    proposal, before = world["proposal"], world["proposal"].input_closes_on
    with pytest.raises(RequestRefused, match="must be today or later") as refused:
        input_requests.set_input_close_date(proposal, TODAY - timedelta(days=1), world["staff"], TODAY)
    assert refused.value.field == "input_closes_on"
    db.session.rollback()
    assert proposal.input_closes_on == before and activities("proposal.updated") == []


def test_the_window_is_changed_only_in_co_creation_and_only_by_staff(world):
    proposal = world["proposal"]
    with pytest.raises(RequestRefused, match="Only programme staff"):
        input_requests.set_input_close_date(proposal, TODAY, world["ann"], TODAY)
    proposal.stage = ProposalStage.BOARD_REVIEW
    db.session.commit()
    with pytest.raises(RequestRefused, match="only while the proposal is in co-creation"):
        input_requests.set_input_close_date(proposal, TODAY + timedelta(days=30), world["staff"], TODAY)
    db.session.rollback()
    assert activities("proposal.updated") == []


# What an expert who was asked may see ----------------------------------------------------


def test_an_expert_asked_sees_the_proposal_at_any_stage_and_others_do_not(world):
    ask(world, experts=[world["ann"]])
    proposal = world["proposal"]
    proposal.stage = ProposalStage.BOARD_REVIEW
    db.session.commit()

    assert proposal.can_view(world["ann"])
    assert not proposal.can_view(world["bob"])
    assert not proposal.can_view(world["cat"])
    assert db.session.scalars(visible_proposals(world["ann"])).all() == [proposal]
    assert db.session.scalars(visible_proposals(world["bob"])).all() == []


def test_visible_among_picks_the_proposals_a_person_may_see_in_one_query(world, count_queries):
    ask(world, experts=[world["ann"]])
    asked, other = world["proposal"], factories.make_proposal(stage=ProposalStage.BOARD_REVIEW)
    open_one = factories.make_proposal(stage=ProposalStage.CO_CREATION)
    asked.stage = ProposalStage.BOARD_REVIEW
    db.session.commit()
    ids = [asked.id, other.id, open_one.id]
    assert world["ann"].is_expert  # loaded before counting

    with count_queries() as counter:
        assert visible_among(world["ann"], ids) == {asked.id, open_one.id}
    assert counter.count == 1
    assert visible_among(world["bob"], ids) == {open_one.id}
    assert visible_among(world["staff"], ids) == set(ids)
    assert visible_among(world["ann"], []) == set()
