"""Contributions at the service level: the window, who may change what, responses, and
accepting a suggested change with and without a conflicting edit."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.pages import activities
from tracker.auth.models import Role
from tracker.concurrency import EditConflict
from tracker.contributions import services
from tracker.contributions.models import (
    Contribution,
    ContributionEdit,
    ContributionKind,
    ContributionResponse,
    ContributionStatus,
)
from tracker.extensions import db
from tracker.activity.models import Activity
from tracker.notifications.models import Notification
from tracker.proposals.models import ProposalStage
from tracker.proposals.stages import guard_problems
from tracker.sections.models import Section, SectionRevision, SectionState
from tracker.sections.services import save_section

K, S = ContributionKind, ContributionStatus


@pytest.fixture
def world():
    """A proposal in co-creation (input open for a week), an expert, a sector, staff."""
    staff = factories.make_user(Role.STAFF)
    proposal = factories.make_proposal(
        owner=staff, stage=ProposalStage.CO_CREATION,
        input_closes_on=date.today() + timedelta(days=7),
    )
    expert = factories.make_user(Role.EXPERT, organisation=factories.make_organisation())
    section = db.session.scalar(select(Section).where(
        Section.proposal_id == proposal.id, Section.key == "risks"))
    save_section(section, text="Supply chains may slip.", note="", assignee_id=None,
                 state=SectionState.IN_PROGRESS, started_from=section.version, actor=staff,
                 proposal=proposal)
    db.session.commit()
    return {"staff": staff, "proposal": proposal, "expert": expert, "section": section,
            "sector": factories.make_sector()}


def give(world, kind=K.COMMENT, **values):
    contribution = services.submit_contribution(
        world["proposal"], world["expert"], kind=kind, title=values.pop("title", "A thought"),
        body=values.pop("body", "Consider the supply chain."), sector=world["sector"], **values,
    )
    db.session.commit()
    return contribution


def test_an_expert_gives_input_while_the_window_is_open(world):
    contribution = give(world)
    assert contribution.status is S.SUBMITTED
    assert contribution.organisation_id == world["expert"].organisation_id
    assert [a.subject_id for a in activities("contribution.submitted")] == [contribution.id]


@pytest.mark.parametrize("change,message", [
    ({"input_closes_on": date.today() - timedelta(days=1)}, "Input closed on"),
    ({"stage": ProposalStage.DRAFT}, "not open for input"),
    ({"stage": ProposalStage.BOARD_REVIEW}, "not open for input"),
])
def test_input_outside_the_window_is_refused(world, change, message):
    for key, value in change.items():
        setattr(world["proposal"], key, value)
    db.session.commit()
    with pytest.raises(services.ContributionRefused, match=message):
        give(world)
    db.session.rollback()
    assert db.session.scalar(select(Contribution)) is None


def test_the_close_date_itself_is_still_open(world):
    world["proposal"].input_closes_on = date.today()
    assert services.input_is_open(world["proposal"])
    assert not services.input_is_open(world["proposal"], date.today() + timedelta(days=1))


def test_only_experts_give_input(world):
    with pytest.raises(services.ContributionRefused, match="Only sector experts"):
        services.submit_contribution(world["proposal"], world["staff"], kind=K.COMMENT, title="x",
                                     body="y", sector=world["sector"])


def test_a_retired_sector_is_refused(world):
    world["sector"].is_retired = True
    with pytest.raises(services.ContributionRefused, match="sector or theme that is in use"):
        give(world)


def test_a_suggested_change_needs_a_section_and_a_change(world):
    with pytest.raises(services.ContributionRefused, match="needs the section"):
        give(world, kind=K.SUGGESTED_CHANGE, suggested_text="New text")
    with pytest.raises(services.ContributionRefused, match="Change the section's text"):
        give(world, kind=K.SUGGESTED_CHANGE, section=world["section"],
             suggested_text=world["section"].text)


def test_the_author_edits_before_review_and_the_old_wording_is_kept(world):
    contribution = give(world, title="First")
    services.edit_contribution(contribution, world["expert"], world["proposal"], title="Second",
                               body="Better.", suggested_text=None, started_from=contribution.version)
    db.session.commit()
    assert contribution.title == "Second"
    assert [e.title for e in db.session.scalars(select(ContributionEdit))] == ["First"]


def test_a_stale_edit_is_refused(world):
    contribution = give(world)
    with pytest.raises(EditConflict):
        services.edit_contribution(contribution, world["expert"], world["proposal"], title="x",
                                   body="y", suggested_text=None, started_from=contribution.version - 1)


def test_nobody_else_edits_or_withdraws_and_review_ends_changes(world):
    contribution = give(world)
    other = factories.make_user(Role.EXPERT)
    with pytest.raises(services.ContributionRefused):
        services.withdraw_contribution(contribution, other, world["proposal"])
    assert services.mark_under_review(world["proposal"], [contribution.id], world["staff"]) == 1
    db.session.commit()
    db.session.refresh(contribution)
    assert contribution.status is S.UNDER_REVIEW
    with pytest.raises(services.ContributionRefused):
        services.withdraw_contribution(contribution, world["expert"], world["proposal"])


def test_mark_under_review_touches_only_this_proposals_submitted_input(world):
    mine = give(world)
    elsewhere = factories.make_proposal(stage=ProposalStage.CO_CREATION)
    other = services.submit_contribution(elsewhere, world["expert"], kind=K.COMMENT, title="t",
                                         body="b", sector=world["sector"])
    db.session.commit()
    assert services.mark_under_review(world["proposal"], [mine.id, other.id], world["staff"]) == 1
    db.session.commit()
    db.session.refresh(other)
    assert other.status is S.SUBMITTED


@pytest.mark.parametrize("outcome", [S.DECLINED, S.PARTLY_ACCEPTED])
def test_declined_and_partly_accepted_need_a_reason(world, outcome):
    contribution = give(world)
    with pytest.raises(services.ContributionRefused, match="Give a reason"):
        services.respond(contribution, world["proposal"], outcome=outcome, reason="  ",
                         actor=world["staff"])
    db.session.rollback()
    assert db.session.scalar(select(ContributionResponse)) is None


def test_a_response_tells_the_author(world):
    contribution = give(world)
    services.respond(contribution, world["proposal"], outcome=S.NOTED, reason="",
                     actor=world["staff"])
    db.session.commit()
    assert contribution.status is S.NOTED
    [note] = db.session.scalars(select(Notification).where(
        Notification.user_id == world["expert"].id)).all()
    assert "was noted" in note.message
    answered = db.session.get(Activity, note.activity_id)
    assert (answered.verb, answered.subject_id) == ("contribution.answered", contribution.id)
    with pytest.raises(services.ContributionRefused, match="cannot be answered"):
        services.respond(contribution, world["proposal"], outcome=S.DECLINED, reason="x",
                         actor=world["staff"])


def test_accepting_a_suggested_change_applies_it_as_a_credited_revision(world):
    section = world["section"]
    contribution = give(world, kind=K.SUGGESTED_CHANGE, section=section,
                        suggested_text="Supply chains may slip; we hold two suppliers.")
    response = services.respond(contribution, world["proposal"], outcome=S.ACCEPTED, reason="",
                                actor=world["staff"])
    db.session.commit()
    revision = db.session.get(SectionRevision, response.revision_id)
    assert revision.text == "Supply chains may slip; we hold two suppliers."
    assert f"input #{contribution.id}" in revision.note
    assert db.session.get(Section, section.id).text == revision.text


def test_a_conflicting_edit_is_never_overwritten_silently(world):
    section = world["section"]
    contribution = give(world, kind=K.SUGGESTED_CHANGE, section=section,
                        suggested_text="Supply chains may slip; we hold two suppliers.")
    save_section(section, text="Supply chains and staffing may slip.", note="", assignee_id=None,
                 state=SectionState.IN_PROGRESS, started_from=section.version, actor=world["staff"],
                 proposal=world["proposal"])
    db.session.commit()
    with pytest.raises(services.SuggestionConflict) as conflict:
        services.respond(contribution, world["proposal"], outcome=S.ACCEPTED, reason="",
                         actor=world["staff"])
    assert conflict.value.current_text == "Supply chains and staffing may slip."
    assert conflict.value.base_text == "Supply chains may slip."
    db.session.rollback()
    assert db.session.get(Section, section.id).text == "Supply chains and staffing may slip."
    merged = "Supply chains and staffing may slip; we hold two suppliers."
    response = services.respond(contribution, world["proposal"], outcome=S.ACCEPTED, reason="",
                                actor=world["staff"], final_text=merged)
    db.session.commit()
    assert db.session.get(Section, section.id).text == merged
    assert response.revision_id is not None


def test_board_review_waits_for_every_contribution_to_be_answered(world):
    give(world)
    give(world, title="Another")
    problems = guard_problems(world["proposal"], ProposalStage.BOARD_REVIEW)
    assert "2 contributions without a response" in problems
