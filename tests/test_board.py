"""Board review: members record and change decisions while the round is open, the tally
against the quorum, rounds closing and reopening, and who may decide."""

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, error_summary, inline_error, soup, summary_errors, summary_list, text
from tests.test_stages import ready_proposal, reload
from tracker.auth.models import Role
from tracker.board.models import BoardDecision, BoardDecisionKind, ReviewRound
from tracker.board.services import (
    DecisionRefused,
    current_round,
    open_round,
    record_decision,
    tally,
    tally_sentence,
)
from tracker.extensions import db
from tracker.notifications.models import Notification
from tracker.proposals.models import ProposalStage

K = BoardDecisionKind
S = ProposalStage


def in_board_review(quorum: int = 3, **values):
    """A proposal in board review with its first round open."""
    proposal = factories.make_proposal(
        programme=factories.make_programme(board_quorum=quorum), stage=S.BOARD_REVIEW, **values
    )
    open_round(proposal)
    db.session.commit()
    return reload(proposal)


def post(client, url: str, data: dict):
    """Post, and after a redirect read the next page as a browser would (showing its flash once)."""
    response = client.post(url, data=data)
    if response.status_code == 302:
        client.get(response.location)
    return response


def decide(client, proposal, decision: str, comment: str = ""):
    return post(client, f"/proposals/{proposal.id}/board", {"decision": decision, "comment": comment})


def move(client, proposal, target: str):
    return post(client, f"/proposals/{proposal.id}/stage", {"target": target, "comment": "Moving"})


def decisions() -> list[BoardDecision]:
    return list(db.session.scalars(select(BoardDecision).order_by(BoardDecision.id)))


def decision_rows(response, round_number: int) -> list[list[str]]:
    table = next(
        t for t in soup(response).select("table")
        if text(t.caption) == f"Decisions in round {round_number}"
    )
    return [[text(cell) for cell in row.find_all(["th", "td"])] for row in table.select("tbody tr")]


# Recording and changing decisions --------------------------------------------------------


def test_a_board_member_records_a_decision(board_client):
    proposal = in_board_review(title="Health tech accelerator")
    owner_notes = select(func.count(Notification.id)).where(Notification.user_id == proposal.owner_id)

    response = decide(board_client, proposal, "endorse_with_conditions", "Report quarterly.")

    assert response.status_code == 302
    [decision] = decisions()
    assert (decision.member_id, decision.decision, decision.comment) == (
        board_client.user.id, K.ENDORSE_WITH_CONDITIONS, "Report quarterly.",
    )
    [entry] = activities("board.decision")
    assert entry.actor_id == board_client.user.id
    assert db.session.scalar(owner_notes) == 1
    page = board_client.get(f"/proposals/{proposal.id}/board")
    [[name, label, comment, when]] = decision_rows(page, 1)
    assert (name, label, comment) == (board_client.user.name, "Endorse with conditions", "Report quarterly.")
    assert "Changed" not in when


def test_the_form_shows_the_members_current_decision(board_client):
    proposal = in_board_review()
    decide(board_client, proposal, "request_changes", "More evidence on demand.")
    page = soup(board_client.get(f"/proposals/{proposal.id}/board"))
    assert page.select_one("input[name=decision][checked]")["value"] == "request_changes"
    assert text(page.select_one("textarea#comment")) == "More evidence on demand."


def test_submitting_again_changes_the_decision(board_client):
    proposal = in_board_review()
    decide(board_client, proposal, "request_changes", "More evidence on demand.")

    decide(board_client, proposal, "endorse", "Now convinced.")

    [decision] = decisions()
    assert (decision.decision, decision.comment) == (K.ENDORSE, "Now convinced.")
    entries = activities("board.decision")
    assert [e.changes["decision"] for e in entries] == [[None, "request_changes"], ["request_changes", "endorse"]]
    [[_, label, comment, when]] = decision_rows(board_client.get(f"/proposals/{proposal.id}/board"), 1)
    assert (label, comment) == ("Endorse", "Now convinced.")
    assert when.endswith("Changed")


def test_submitting_the_same_decision_again_changes_nothing(board_client):
    proposal = in_board_review()
    decide(board_client, proposal, "endorse", "Good.")
    decide(board_client, proposal, "endorse", "Good.")
    assert len(activities("board.decision")) == 1
    assert not decisions()[0].was_changed


@pytest.mark.parametrize(
    "decision,message",
    [
        ("endorse_with_conditions", "Enter the conditions of your endorsement"),
        ("request_changes", "Enter the changes you are asking for"),
    ],
)
def test_a_comment_is_needed_for_conditions_and_changes(board_client, decision, message):
    proposal = in_board_review()

    response = decide(board_client, proposal, decision, "   ")

    assert response.status_code == 400
    assert error_summary(response) == [(message, "#comment")]
    assert inline_error(response, "comment") == message
    assert soup(response).select_one(f"input[name=decision][value={decision}]").has_attr("checked")
    assert decisions() == []


@pytest.mark.parametrize("value", ["", "abstain"])
def test_a_decision_must_be_chosen(board_client, value):
    proposal = in_board_review()
    response = decide(board_client, proposal, value, "Hmm")
    assert error_summary(response) == [
        ("Select endorse, endorse with conditions or request changes", "#decision")
    ]
    assert text(soup(response).select_one("textarea#comment")) == "Hmm"
    assert decisions() == []


def test_the_service_needs_a_comment_too():
    proposal = in_board_review()
    with pytest.raises(DecisionRefused, match="Say why"):
        record_decision(proposal, factories.make_user(Role.BOARD), K.REQUEST_CHANGES, " ")


# Who may decide, and when ----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN, Role.EXPERT])
def test_only_board_members_may_decide(client_as, role):
    proposal = in_board_review()
    response = decide(client_as(role), proposal, "endorse", "Fine")
    assert response.status_code == 403
    assert decisions() == []
    assert activities("board.decision") == []


def test_the_service_refuses_non_board_members():
    proposal = in_board_review()
    with pytest.raises(DecisionRefused, match="Only board members"):
        record_decision(proposal, factories.make_user(Role.STAFF), K.ENDORSE, "")


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_staff_see_the_tally_and_a_link_to_move_the_proposal_but_no_form(client_as, role):
    proposal = in_board_review()
    page = soup(client_as(role).get(f"/proposals/{proposal.id}/board"))
    assert page.select("input[name=decision]") == []
    assert page.select_one(f"a[href='/proposals/{proposal.id}#stage']") is not None
    assert "0 endorsements of the 3 needed; 0 requests for changes" in text(page)


def test_a_decision_on_a_proposal_not_in_board_review_is_refused_in_place(staff_client, board_client):
    proposal = ready_proposal(S.BOARD_REVIEW)  # ready to move back to co-creation
    decide(board_client, proposal, "request_changes", "Add the partners' letters.")
    move(staff_client, proposal, "co_creation")
    assert reload(proposal).stage is S.CO_CREATION

    response = decide(board_client, proposal, "endorse", "Changed my mind")

    assert response.status_code == 400
    assert summary_errors(response) == [
        f"{proposal.title} is not in board review (Co-creation), so board decisions cannot be "
        "recorded or changed"
    ]
    assert "Decisions are closed" in text(soup(response))
    assert soup(response).select("input[name=decision]") == []
    mine = db.session.scalar(
        select(BoardDecision).where(BoardDecision.member_id == board_client.user.id)
        .join(ReviewRound).where(ReviewRound.proposal_id == proposal.id)
    )
    assert (mine.decision, mine.comment) == (K.REQUEST_CHANGES, "Add the partners' letters.")


@pytest.mark.parametrize("decision", ["endorse", ""])
def test_a_decision_on_a_draft_is_refused_whatever_was_typed(board_client, decision):
    proposal = factories.make_proposal()
    response = decide(board_client, proposal, decision, "")
    assert response.status_code == 400
    assert error_summary(response) == [(
        f"{proposal.title} is not in board review (Draft), so board decisions cannot be recorded "
        "or changed", "#main-content",
    )]
    assert decisions() == []


# The tally -------------------------------------------------------------------------------


def record(proposal, *kinds: BoardDecisionKind):
    for kind in kinds:
        record_decision(proposal, factories.make_user(Role.BOARD), kind, "Because.")
    db.session.commit()


@pytest.mark.parametrize(
    "quorum,kinds,endorsed,sentence",
    [
        # The quorum is reached but the requests are as many: not endorsed.
        (3, [K.ENDORSE] * 3 + [K.REQUEST_CHANGES] * 3, False,
         "3 endorsements of the 3 needed; 3 requests for changes; "
         "endorsements must outnumber requests for changes"),
        # Exactly the quorum, more than the requests: endorsed.
        (3, [K.ENDORSE] * 3 + [K.REQUEST_CHANGES] * 2, True,
         "3 endorsements of the 3 needed; 2 requests for changes"),
        # Endorsing with conditions counts as an endorsement.
        (2, [K.ENDORSE, K.ENDORSE_WITH_CONDITIONS], True,
         "2 endorsements (1 with conditions) of the 2 needed; 0 requests for changes"),
        (3, [K.ENDORSE, K.ENDORSE, K.REQUEST_CHANGES], False,
         "2 endorsements of the 3 needed; 1 request for changes"),
        (1, [K.ENDORSE_WITH_CONDITIONS], True,
         "1 endorsement (1 with conditions) of the 1 needed; 0 requests for changes"),
        (1, [], False, "0 endorsements of the 1 needed; 0 requests for changes"),
    ],
)
def test_tally_arithmetic(staff_client, quorum, kinds, endorsed, sentence):
    proposal = in_board_review(quorum=quorum)
    record(proposal, *kinds)

    result = tally(current_round(proposal.id), quorum)

    assert result.endorsed is endorsed
    assert tally_sentence(result) == sentence
    details = summary_list(staff_client.get(f"/proposals/{proposal.id}/board"))
    assert details["Tally"] == sentence
    assert details["Endorsed"] == ("Yes" if endorsed else "Not yet")
    assert details["Status"] == "Open"


# Rounds ----------------------------------------------------------------------------------


def test_requesting_changes_and_moving_back_starts_a_new_round_later(staff_client, board_client):
    proposal = ready_proposal(S.BOARD_REVIEW)  # round 1: one endorsement, quorum 1
    decide(board_client, proposal, "request_changes", "Tighten the costs.")

    move(staff_client, proposal, "co_creation")
    move(staff_client, proposal, "board_review")
    decide(board_client, proposal, "endorse", "Costs now clear.")

    response = board_client.get(f"/proposals/{proposal.id}/board")
    page = soup(response)
    headings = [text(h) for h in page.select("h2, h3")]
    assert headings.index("Round 2 (open)") < headings.index("Earlier rounds") < headings.index("Round 1 (closed)")
    assert [row[1:3] for row in decision_rows(response, 2)] == [["Endorse", "Costs now clear."]]
    assert ["Request changes", "Tighten the costs."] in [row[1:3] for row in decision_rows(response, 1)]
    earlier = page.select_one("#round-1").find_next("dl")
    assert "Changes requested: back to co-creation" in text(earlier)
    assert "Closed on" in text(earlier)
    # The form belongs to the open round, with this round's decision in it.
    assert page.select_one("input[name=decision][checked]")["value"] == "endorse"


def test_a_new_round_starts_with_no_decisions(board_client):
    proposal = ready_proposal(S.BOARD_REVIEW)
    rounds = select(ReviewRound).where(ReviewRound.proposal_id == proposal.id).order_by(ReviewRound.number)
    first = db.session.scalars(rounds).one()
    first.closed_at, first.outcome = first.opened_at, "returned"
    open_round(proposal)
    db.session.commit()
    page = soup(board_client.get(f"/proposals/{proposal.id}/board"))
    assert "No board member has recorded a decision in round 2." in text(page)
    assert page.select_one("input[name=decision][checked]") is None


def test_after_submission_the_round_shows_its_outcome_and_the_form_is_gone(staff_client, board_client):
    proposal = ready_proposal(S.BOARD_REVIEW)
    move(staff_client, proposal, "submitted")
    response = board_client.get(f"/proposals/{proposal.id}/board")
    details = summary_list(response)
    assert details["Outcome"] == "Endorsed and submitted to Innovate UK"
    assert details["Endorsed"] == "Yes"
    assert heading_texts(response)[0] == "Round 1 (closed)"
    assert soup(response).select("input[name=decision]") == []
    assert "Decisions are closed" in text(soup(response))


def heading_texts(response) -> list[str]:
    return [text(h) for h in soup(response).select("h2")]


def test_before_any_round_the_page_says_so(staff_client):
    proposal = factories.make_proposal(stage=S.CO_CREATION)
    page = soup(staff_client.get(f"/proposals/{proposal.id}/board"))
    assert "The board has not reviewed this proposal yet" in text(page)


def test_entering_board_review_makes_the_board_follow(staff_client):
    member = factories.make_user(Role.BOARD)
    proposal = ready_proposal(S.CO_CREATION)
    move(staff_client, proposal, "board_review")
    notes = db.session.scalars(select(Notification.message).where(Notification.user_id == member.id)).all()
    assert notes == [f"{proposal.title} moved from Co-creation to Board review"]
