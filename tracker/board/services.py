"""Opening and closing review rounds, recording board decisions, and the tally."""

from dataclasses import dataclass

from sqlalchemy import func, select

from tracker.activity.services import record_activity
from tracker.auth.models import Role, User
from tracker.board.models import BoardDecision, BoardDecisionKind, ReviewRound
from tracker.extensions import db
from tracker.notifications.models import FollowReason
from tracker.notifications.services import follow, notify_followers
from tracker.proposals.models import ProposalStage
from tracker.timeutil import utcnow


class DecisionRefused(Exception):
    """Only board members decide, and only while a review round is open."""


@dataclass(frozen=True)
class Tally:
    """The decisions in a round against the programme's quorum."""

    endorsements: int
    with_conditions: int
    requests: int
    quorum: int

    @property
    def endorsed(self) -> bool:
        """Endorsements reach the quorum and outnumber the requests for changes (DOMAIN.md)."""
        return self.endorsements >= self.quorum and self.endorsements > self.requests


def current_round(proposal_id: int) -> ReviewRound | None:
    """The open round, or else the latest one."""
    return db.session.scalar(
        select(ReviewRound)
        .where(ReviewRound.proposal_id == proposal_id)
        .order_by(ReviewRound.number.desc())
        .limit(1)
    )


def open_round(proposal) -> ReviewRound:
    """Start a new round; every active board member follows the proposal."""
    latest = db.session.scalar(
        select(func.max(ReviewRound.number)).where(ReviewRound.proposal_id == proposal.id)
    )
    review_round = ReviewRound(proposal_id=proposal.id, number=(latest or 0) + 1)
    db.session.add(review_round)
    board = db.session.scalars(
        select(User).where(User.role == Role.BOARD, User.is_active_account.is_(True))
    )
    for member in board:
        follow(member, proposal, FollowReason.BOARD)
    return review_round


def close_round(proposal, outcome: str) -> None:
    review_round = current_round(proposal.id)
    if review_round is not None and review_round.is_open:
        review_round.closed_at = utcnow()
        review_round.outcome = outcome


def tally(review_round: ReviewRound, quorum: int) -> Tally:
    """Count a round's decisions in SQL."""
    counts = dict(
        db.session.execute(
            select(BoardDecision.decision, func.count(BoardDecision.id))
            .where(BoardDecision.round_id == review_round.id)
            .group_by(BoardDecision.decision)
        ).all()
    )
    endorse = counts.get(BoardDecisionKind.ENDORSE, 0)
    conditions = counts.get(BoardDecisionKind.ENDORSE_WITH_CONDITIONS, 0)
    return Tally(
        endorsements=endorse + conditions,
        with_conditions=conditions,
        requests=counts.get(BoardDecisionKind.REQUEST_CHANGES, 0),
        quorum=quorum,
    )


def record_decision(proposal, member, kind: BoardDecisionKind, comment: str) -> BoardDecision:
    """Record or change a board member's decision in the open round."""
    if not member.is_board:
        raise DecisionRefused("Only board members record board decisions")
    review_round = current_round(proposal.id)
    if proposal.stage is not ProposalStage.BOARD_REVIEW or review_round is None or not review_round.is_open:
        raise DecisionRefused("This proposal is not in board review, so decisions are closed")
    decision = db.session.scalar(
        select(BoardDecision).where(
            BoardDecision.round_id == review_round.id, BoardDecision.member_id == member.id
        )
    )
    before = None
    if decision is None:
        decision = BoardDecision(
            round_id=review_round.id, member_id=member.id, decision=kind, comment=comment
        )
        db.session.add(decision)
    else:
        before = decision.decision.value
        decision.decision, decision.comment = kind, comment
    entry = record_activity(
        member, "board.decision", proposal,
        f"{member.name}: {kind.label} (round {review_round.number})",
        {"decision": [before, kind.value], "comment": comment},
        proposal_id=proposal.id,
    )
    notify_followers(
        proposal, entry, f"{member.name} recorded “{kind.label}” on {proposal.title}", member
    )
    return decision
