"""The stage x action x role matrix: every (from, to) pair of stages, posted by staff, is
refused unless it is one of the moves drawn in DOMAIN.md; each move that exists succeeds when
its guards are met, writes one activity and tells the followers; experts and board members
cannot move anything."""

from datetime import date
from decimal import Decimal
from itertools import product

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tests import factories
from tests.pages import activities, summary_errors
from tracker.assessments.services import assessed_sections, record_review
from tracker.auth.models import Role
from tracker.board.models import BoardDecisionKind, ReviewRound
from tracker.board.services import open_round, record_decision
from tracker.extensions import db
from tracker.notifications.models import Follow, FollowReason, Notification
from tracker.notifications.services import follow
from tracker.priorities.services import add_priority
from tracker.proposals.models import Proposal, ProposalStage
from tracker.proposals.stages import MOVES
from tracker.sections.models import SectionState
from tracker.sections.queries import sections_of
from tracker.sections.services import save_section

S = ProposalStage
ALL_PAIRS = list(product(ProposalStage, ProposalStage))
ALLOWED = [(before, after) for before, after in ALL_PAIRS if after in MOVES[before]]
NOT_ALLOWED = [(before, after) for before, after in ALL_PAIRS if after not in MOVES[before]]


def pair_id(pair) -> str:
    return f"{pair[0].value}->{pair[1].value}"


def reload(proposal) -> Proposal:
    """The proposal afresh, with its programme (relationships are lazy="raise")."""
    return db.session.scalar(
        select(Proposal)
        .where(Proposal.id == proposal.id)
        .options(joinedload(Proposal.programme))
        .execution_options(populate_existing=True)
    )


def ready_proposal(stage: ProposalStage) -> Proposal:
    """A proposal at `stage` that meets every guard, set up with the services: a summary, a
    funding ask, a sector priority and an input close date; every section complete; an endorsed
    open round when in board review; an assessor's review when under assessment."""
    author = factories.make_user(Role.STAFF)
    board_member = factories.make_user(Role.BOARD)
    proposal = factories.make_proposal(
        programme=factories.make_programme(board_quorum=1), summary="Health tech for the region.",
        funding_ask=1_500_000, input_closes_on=date(2023, 1, 31),
    )
    add_priority(proposal, factories.make_sector(), Decimal("60"), "Most of the work.", author)
    for section in sections_of(proposal.id):
        save_section(
            section, text=f"{section.title} text.", note="", assignee_id=None,
            state=SectionState.COMPLETE, started_from=section.version, actor=author, proposal=proposal,
        )
    proposal.stage = stage
    if stage is S.BOARD_REVIEW:
        open_round(proposal)
        record_decision(proposal, board_member, BoardDecisionKind.ENDORSE, "")
    if stage in (S.UNDER_ASSESSMENT, S.CLARIFICATION_REQUESTED):
        scores = {key: 8 for key, _ in assessed_sections(proposal.id)}
        record_review(proposal, 1, scores, True, "Fund it.", author)
    db.session.commit()
    return reload(proposal)


def move_post(target: ProposalStage) -> dict:
    data = {"target": target.value, "comment": "Moving it on"}
    if target is S.WITHDRAWN:
        data["reason"] = "The partners pulled out"
    return data


def notified(activity_id: int) -> set[int]:
    return set(db.session.scalars(select(Notification.user_id).where(Notification.activity_id == activity_id)))


def followers(proposal) -> set[int]:
    return set(db.session.scalars(select(Follow.user_id).where(Follow.proposal_id == proposal.id)))


def notification_ids() -> set[int]:
    return set(db.session.scalars(select(Notification.id)))


def nothing_changed(proposal, stage: ProposalStage, notifications_before: set[int]) -> None:
    assert reload(proposal).stage is stage
    assert activities("proposal.stage_changed") == []
    assert notification_ids() == notifications_before


@pytest.mark.parametrize("pair", ALLOWED, ids=pair_id)
def test_each_move_succeeds_when_its_guards_are_met(staff_client, pair):
    before, after = pair
    proposal = ready_proposal(before)
    watcher = factories.make_user(Role.STAFF)
    follow(watcher, proposal, FollowReason.CHOSEN)
    follow(staff_client.user, proposal, FollowReason.CHOSEN)
    db.session.commit()

    response = staff_client.post(f"/proposals/{proposal.id}/stage", data=move_post(after))

    assert response.status_code == 302, summary_errors(response)
    assert response.location.endswith(f"/proposals/{proposal.id}")
    assert reload(proposal).stage is after
    [entry] = activities("proposal.stage_changed")
    assert entry.actor_id == staff_client.user.id
    assert entry.proposal_id == proposal.id
    assert entry.changes["stage"] == [before.value, after.value]
    assert entry.changes["comment"] == "Moving it on"
    assert entry.created_at is not None
    told = notified(entry.id)
    assert watcher.id in told
    assert staff_client.user.id not in told
    assert told == followers(proposal) - {staff_client.user.id}


@pytest.mark.parametrize("pair", NOT_ALLOWED, ids=pair_id)
def test_every_other_pair_is_refused_and_changes_nothing(staff_client, pair):
    before, after = pair
    proposal = ready_proposal(before)
    notifications = notification_ids()

    response = staff_client.post(f"/proposals/{proposal.id}/stage", data=move_post(after))

    assert response.status_code == 400
    [message] = summary_errors(response)
    assert message.startswith(f"A proposal cannot move from {before.label} to {after.label}")
    nothing_changed(proposal, before, notifications)


# The moves drawn in DOMAIN.md, written out by hand so that a move added to MOVES fails here.
DRAWN = {
    (S.DRAFT, S.CO_CREATION), (S.CO_CREATION, S.DRAFT), (S.CO_CREATION, S.BOARD_REVIEW),
    (S.BOARD_REVIEW, S.CO_CREATION), (S.BOARD_REVIEW, S.SUBMITTED), (S.SUBMITTED, S.UNDER_ASSESSMENT),
    (S.UNDER_ASSESSMENT, S.CLARIFICATION_REQUESTED), (S.CLARIFICATION_REQUESTED, S.UNDER_ASSESSMENT),
    (S.UNDER_ASSESSMENT, S.FUNDED), (S.UNDER_ASSESSMENT, S.NOT_FUNDED),
} | {(stage, S.WITHDRAWN) for stage in ProposalStage if not stage.is_closed}


def test_the_matrix_covers_all_81_pairs_and_only_the_drawn_moves_exist():
    assert len(ALL_PAIRS) == 81
    assert set(ALLOWED) == DRAWN
    assert len(ALLOWED) == 16


@pytest.mark.parametrize("role", [Role.EXPERT, Role.BOARD])
@pytest.mark.parametrize("pair", ALLOWED, ids=pair_id)
def test_experts_and_board_members_cannot_move_a_proposal(client_as, role, pair):
    before, after = pair
    client = client_as(role)
    proposal = ready_proposal(before)
    notifications = notification_ids()

    response = client.post(f"/proposals/{proposal.id}/stage", data=move_post(after))

    assert response.status_code == 403
    nothing_changed(proposal, before, notifications)


def test_a_visitor_is_sent_to_sign_in(client):
    proposal = ready_proposal(S.DRAFT)
    response = client.post(f"/proposals/{proposal.id}/stage", data=move_post(S.CO_CREATION))
    assert response.status_code == 302
    assert "/auth/sign-in" in response.location
    nothing_changed(proposal, S.DRAFT, set())


def test_admins_move_proposals_as_staff_do(admin_client):
    proposal = ready_proposal(S.DRAFT)
    response = admin_client.post(f"/proposals/{proposal.id}/stage", data=move_post(S.CO_CREATION))
    assert response.status_code == 302
    assert reload(proposal).stage is S.CO_CREATION


def test_leaving_board_review_closes_the_round_and_coming_back_opens_a_new_one(staff_client):
    proposal = ready_proposal(S.BOARD_REVIEW)

    staff_client.post(f"/proposals/{proposal.id}/stage", data=move_post(S.CO_CREATION))
    staff_client.post(f"/proposals/{proposal.id}/stage", data=move_post(S.BOARD_REVIEW))

    rounds = db.session.scalars(
        select(ReviewRound).where(ReviewRound.proposal_id == proposal.id).order_by(ReviewRound.number)
    ).all()
    assert [(r.number, r.is_open, r.outcome) for r in rounds] == [(1, False, "returned"), (2, True, "")]


def test_submission_closes_the_round_as_endorsed(staff_client):
    proposal = ready_proposal(S.BOARD_REVIEW)
    staff_client.post(f"/proposals/{proposal.id}/stage", data=move_post(S.SUBMITTED))
    review_round = db.session.scalar(select(ReviewRound).where(ReviewRound.proposal_id == proposal.id))
    assert not review_round.is_open
    assert review_round.outcome == "endorsed"


def test_withdrawal_records_the_reason(staff_client):
    proposal = ready_proposal(S.CO_CREATION)
    staff_client.post(f"/proposals/{proposal.id}/stage", data=move_post(S.WITHDRAWN))
    [entry] = activities("proposal.stage_changed")
    assert entry.changes["reason"] == "The partners pulled out"
