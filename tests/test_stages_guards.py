"""Stage guards name exactly what is missing; a refused move keeps the typed comment, links
the error to the radios and changes nothing; the proposal page shows open and blocked moves."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from tests import factories
from tests.pages import activities, error_summary, inline_error, soup, summary_errors, text
from tests.test_stages import ready_proposal, reload
from tracker.auth.models import Role
from tracker.board.models import BoardDecisionKind
from tracker.board.services import record_decision
from tracker.extensions import db
from tracker.priorities.models import SectorPriority
from tracker.proposals.models import ProposalStage
from tracker.proposals.stages import NoSuchMove, StageMoveRefused, WithdrawalNeedsReason, move_stage
from tracker.sections.models import SectionState
from tracker.sections.queries import section_by_key
from tracker.sections.services import save_section

S = ProposalStage


def post_move(client, proposal, target: str, comment="Ready for the board", **extra):
    return client.post(
        f"/proposals/{proposal.id}/stage", data={"target": target, "comment": comment, **extra}
    )


def assert_unchanged(proposal, stage):
    assert reload(proposal).stage is stage
    assert activities("proposal.stage_changed") == []


def reopen_sections(proposal, *keys: str, required: bool = True):
    """Mark these sections in progress again with the service (and optional, if asked)."""
    for key in keys:
        section = section_by_key(proposal.id, key)
        save_section(
            section, text=section.text, note="", assignee_id=None, state=SectionState.IN_PROGRESS,
            started_from=section.version, actor=factories.make_user(Role.STAFF), proposal=proposal,
        )
        section.required = required
    db.session.commit()


def drop_priorities(proposal):
    for priority in db.session.scalars(select(SectorPriority).where(SectorPriority.proposal_id == proposal.id)):
        db.session.delete(priority)


@pytest.mark.parametrize(
    "missing,message",
    [
        ("summary", "Add a summary"),
        ("funding_ask", "Add a funding ask"),
        ("priority", "Add at least one sector priority"),
        ("input_closes_on", "Set a close date for input"),
    ],
)
def test_the_co_creation_guard_names_exactly_what_is_missing(staff_client, missing, message):
    proposal = ready_proposal(S.DRAFT)
    if missing == "summary":
        proposal.summary = "  "
    elif missing == "funding_ask":
        proposal.funding_ask = 0
    elif missing == "priority":
        drop_priorities(proposal)
    else:
        proposal.input_closes_on = None
    db.session.commit()

    response = post_move(staff_client, proposal, "co_creation")

    assert response.status_code == 400
    assert summary_errors(response) == [f"Open for co-creation is not possible yet. {message}"]
    assert_unchanged(proposal, S.DRAFT)


def test_the_co_creation_guard_lists_everything_missing_at_once():
    proposal = ready_proposal(S.DRAFT)
    drop_priorities(proposal)
    proposal.summary, proposal.input_closes_on = "", None
    with pytest.raises(StageMoveRefused) as refused:
        move_stage(proposal, S.CO_CREATION, factories.make_user(Role.STAFF), "")
    assert refused.value.problems == [
        "Add a summary", "Add at least one sector priority", "Set a close date for input",
    ]


def test_returning_from_board_review_to_co_creation_is_guarded_too(staff_client):
    proposal = ready_proposal(S.BOARD_REVIEW)
    drop_priorities(proposal)
    db.session.commit()
    response = post_move(staff_client, proposal, "co_creation")
    assert summary_errors(response) == [
        "Open for co-creation is not possible yet. Add at least one sector priority"
    ]
    assert_unchanged(proposal, S.BOARD_REVIEW)


def test_the_board_review_guard_names_the_incomplete_sections(staff_client):
    proposal = ready_proposal(S.CO_CREATION)
    reopen_sections(proposal, "risks", "additionality")

    response = post_move(staff_client, proposal, "board_review")

    assert summary_errors(response) == [
        "Send to board review is not possible yet. Sections not complete: Risks, Additionality"
    ]
    assert_unchanged(proposal, S.CO_CREATION)


def test_optional_sections_do_not_block_board_review(staff_client):
    proposal = ready_proposal(S.CO_CREATION)
    reopen_sections(proposal, "risks", required=False)
    assert post_move(staff_client, proposal, "board_review").status_code == 302


def test_the_submission_guard_gives_the_tally(staff_client):
    proposal = ready_proposal(S.BOARD_REVIEW)  # quorum 1, one endorsement
    record_decision(proposal, factories.make_user(Role.BOARD), BoardDecisionKind.REQUEST_CHANGES, "More data")
    db.session.commit()

    response = post_move(staff_client, proposal, "submitted")

    assert summary_errors(response) == [
        "Submit to Innovate UK is not possible yet. The board has not endorsed it: 1 endorsement "
        "of the 1 needed; 1 request for changes; endorsements must outnumber requests for changes"
    ]
    assert_unchanged(proposal, S.BOARD_REVIEW)


@pytest.mark.parametrize("target,label", [("funded", "Record as funded"), ("not_funded", "Record as not funded")])
def test_the_outcome_guard_needs_the_assessment(staff_client, target, label):
    proposal = factories.make_proposal(stage=S.UNDER_ASSESSMENT)
    response = post_move(staff_client, proposal, target)
    assert summary_errors(response) == [f"{label} is not possible yet. Record the Innovate UK assessment first"]
    assert_unchanged(proposal, S.UNDER_ASSESSMENT)


def test_withdrawal_needs_a_reason(staff_client):
    proposal = factories.make_proposal(stage=S.CO_CREATION)

    response = post_move(staff_client, proposal, "withdrawn", comment="Sad news", reason="  ")

    assert response.status_code == 400
    assert error_summary(response) == [("Give a reason for withdrawing the proposal", "#reason")]
    assert inline_error(response, "reason") == "Give a reason for withdrawing the proposal"
    assert text(soup(response).select_one("textarea#comment")) == "Sad news"
    assert_unchanged(proposal, S.CO_CREATION)


def test_withdrawal_without_a_reason_is_refused_by_the_service_too():
    proposal = factories.make_proposal()
    with pytest.raises(WithdrawalNeedsReason):
        move_stage(proposal, S.WITHDRAWN, factories.make_user(Role.STAFF), "comment", reason="")
    assert proposal.stage is S.DRAFT


def test_a_refused_move_links_to_the_radios_and_keeps_the_comment(staff_client):
    proposal = ready_proposal(S.DRAFT)
    drop_priorities(proposal)
    db.session.commit()

    response = post_move(staff_client, proposal, "co_creation", comment="Opening it up now")

    [(message, href)] = error_summary(response)
    assert href == "#target"
    radio = soup(response).select_one("#target")
    assert radio.name == "input" and radio["type"] == "radio" and radio["name"] == "target"
    assert inline_error(response, "target") == message
    assert text(soup(response).select_one("textarea#comment")) == "Opening it up now"
    assert soup(response).title.get_text().startswith("Error: ")
    assert_unchanged(proposal, S.DRAFT)


def test_a_move_not_drawn_is_refused_with_the_moves_that_exist(staff_client):
    proposal = ready_proposal(S.DRAFT)
    response = post_move(staff_client, proposal, "funded")
    assert summary_errors(response) == [
        "A proposal cannot move from Draft to Funded: from Draft it can move to Co-creation or Withdrawn"
    ]
    assert_unchanged(proposal, S.DRAFT)


def test_nothing_moves_out_of_a_final_stage(staff_client):
    proposal = factories.make_proposal(stage=S.FUNDED)
    response = post_move(staff_client, proposal, "draft")
    assert summary_errors(response) == ["A proposal cannot move from Funded to Draft: Funded is final"]
    assert "Funded is a final stage" in text(soup(response).select_one("#target"))
    assert_unchanged(proposal, S.FUNDED)


def test_the_service_refuses_a_move_not_drawn():
    proposal = factories.make_proposal()
    with pytest.raises(NoSuchMove):
        move_stage(proposal, S.FUNDED, factories.make_user(Role.STAFF), "")


@pytest.mark.parametrize(
    "value,message",
    [
        ("", "Select the stage to move the proposal to"),
        ("bogus", "“bogus” is not a stage: select one of the moves shown"),
    ],
)
def test_an_unknown_target_is_refused(staff_client, value, message):
    proposal = factories.make_proposal()
    response = post_move(staff_client, proposal, value)
    assert response.status_code == 400
    assert summary_errors(response) == [message]
    assert_unchanged(proposal, S.DRAFT)


def test_the_page_shows_open_moves_as_radios_and_blocked_ones_with_what_is_missing(staff_client):
    proposal = ready_proposal(S.CO_CREATION)
    reopen_sections(proposal, "costs")

    page = soup(staff_client.get(f"/proposals/{proposal.id}"))

    radios = [radio["value"] for radio in page.select("input[name=target]")]
    assert radios == ["draft", "withdrawn"]
    blocked = [text(item) for item in page.select("#stage ~ ul li")]
    assert blocked == [
        "Send to board review (to Board review): Sections not complete: Costs and value for money"
    ]
    assert page.select_one("textarea#reason") is not None


@pytest.mark.parametrize("role", [Role.BOARD, Role.EXPERT])
def test_only_staff_see_the_moves(client_as, role):
    proposal = factories.make_proposal(stage=S.CO_CREATION)
    page = soup(client_as(role).get(f"/proposals/{proposal.id}"))
    assert page.select_one("#stage") is None
    assert page.select("input[name=target]") == []


def test_a_move_records_from_to_and_the_comment(staff_client):
    proposal = ready_proposal(S.DRAFT)
    post_move(staff_client, proposal, "co_creation")
    [entry] = activities("proposal.stage_changed")
    assert entry.summary == f"Moved {proposal.title} from Draft to Co-creation"
    assert entry.changes == {"stage": ["draft", "co_creation"], "comment": "Ready for the board"}


def test_priorities_count_as_set_only_once_added(staff_client):
    proposal = ready_proposal(S.DRAFT)
    drop_priorities(proposal)
    db.session.commit()
    assert post_move(staff_client, proposal, "co_creation").status_code == 400
    staff_client.post(
        f"/proposals/{proposal.id}/priorities",
        data={"sector_id": factories.make_sector("Clean tech").id, "share": "40", "rationale": "Biochar."},
    )
    assert db.session.scalar(select(SectorPriority.share)) == Decimal("40")
    assert post_move(staff_client, proposal, "co_creation").status_code == 302
