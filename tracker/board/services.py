"""Opening and closing review rounds, recording board decisions, and the tally."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.activity.services import record_activity
from tracker.auth.models import Role, User
from tracker.board.models import BoardDecision, BoardDecisionKind, ReviewRound, RoundOutcome
from tracker.extensions import db
from tracker.notifications.models import FollowReason, NotificationKind
from tracker.notifications.services import follow, notify_followers
from tracker.proposals.models import ProposalStage
from tracker.timeutil import utcnow


class DecisionRefused(Exception):
    """Only board members decide, only while a review round is open, and say why when not endorsing."""


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


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def tally_sentence(result: Tally) -> str:
    """'2 endorsements of the 3 needed; 1 request for changes', and why when that is not enough."""
    endorsements = _count(result.endorsements, "endorsement", "endorsements")
    if result.with_conditions:
        endorsements += f" ({result.with_conditions} with conditions)"
    sentence = (
        f"{endorsements} of the {result.quorum} needed; "
        f"{_count(result.requests, 'request', 'requests')} for changes"
    )
    if result.endorsements >= result.quorum and not result.endorsed:
        sentence += "; endorsements must outnumber requests for changes"
    return sentence


def current_round(proposal_id: int) -> ReviewRound | None:
    """The open round, or else the latest one."""
    return db.session.scalar(
        select(ReviewRound)
        .where(ReviewRound.proposal_id == proposal_id)
        .order_by(ReviewRound.number.desc())
        .limit(1)
    )


def rounds_with_decisions(proposal_id: int, newest_first: bool = True):
    """A select of the proposal's rounds with their decisions and members loaded (for db.paginate)."""
    order = ReviewRound.number.desc() if newest_first else ReviewRound.number
    return (
        select(ReviewRound)
        .where(ReviewRound.proposal_id == proposal_id)
        .order_by(order)
        .options(selectinload(ReviewRound.decisions).joinedload(BoardDecision.member))
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


def outcome_of_move(target: ProposalStage) -> RoundOutcome:
    """What a move out of board review means for the round it closes."""
    if target is ProposalStage.SUBMITTED:
        return RoundOutcome.ENDORSED
    if target is ProposalStage.WITHDRAWN:
        return RoundOutcome.WITHDRAWN
    return RoundOutcome.RETURNED


def close_round(proposal, outcome: RoundOutcome | str) -> None:
    """Close the open round (if any) with its outcome; its decisions no longer change."""
    review_round = current_round(proposal.id)
    if review_round is not None and review_round.is_open:
        review_round.closed_at = utcnow()
        review_round.outcome = RoundOutcome(outcome).value


def tallies(round_ids: list[int], quorum: int) -> dict[int, Tally]:
    """The tally of each round, in one grouped query."""
    counts: dict[int, dict[BoardDecisionKind, int]] = {round_id: {} for round_id in round_ids}
    if round_ids:
        rows = db.session.execute(
            select(BoardDecision.round_id, BoardDecision.decision, func.count(BoardDecision.id))
            .where(BoardDecision.round_id.in_(round_ids))
            .group_by(BoardDecision.round_id, BoardDecision.decision)
        )
        for round_id, kind, number in rows:
            counts[round_id][kind] = number
    return {round_id: _tally(by_kind, quorum) for round_id, by_kind in counts.items()}


def _tally(counts: dict[BoardDecisionKind, int], quorum: int) -> Tally:
    endorse = counts.get(BoardDecisionKind.ENDORSE, 0)
    conditions = counts.get(BoardDecisionKind.ENDORSE_WITH_CONDITIONS, 0)
    return Tally(
        endorsements=endorse + conditions,
        with_conditions=conditions,
        requests=counts.get(BoardDecisionKind.REQUEST_CHANGES, 0),
        quorum=quorum,
    )


def tally(review_round: ReviewRound, quorum: int) -> Tally:
    """Count a round's decisions in SQL."""
    return tallies([review_round.id], quorum)[review_round.id]


def round_open_to(proposal, member) -> ReviewRound:
    """The round `member` may decide in now; DecisionRefused when they are not on the board or
    the proposal is not in an open board review round."""
    if not member.is_board:
        raise DecisionRefused("Only board members record board decisions")
    review_round = current_round(proposal.id)
    if review_round is None or not review_round.can_decide(member, proposal):
        raise DecisionRefused(
            f"{proposal.title} is not in board review ({proposal.stage.label}), "
            "so board decisions cannot be recorded or changed"
        )
    return review_round


def record_decision(proposal, member, kind: BoardDecisionKind, comment: str) -> BoardDecision:
    """Record or change a board member's decision in the open round.

    Raises DecisionRefused, changing nothing, when the person is not on the board, the
    proposal is not in board review, or a comment is missing where one is needed.
    """
    comment = (comment or "").strip()
    review_round = round_open_to(proposal, member)
    if kind.needs_comment and not comment:
        raise DecisionRefused(f"Say why you chose “{kind.label}” in the comment")
    decision = db.session.scalar(
        select(BoardDecision)
        .where(BoardDecision.round_id == review_round.id, BoardDecision.member_id == member.id)
    )
    if decision is not None and (decision.decision, decision.comment) == (kind, comment):
        return decision
    before = None
    if decision is None:
        now = utcnow()
        decision = BoardDecision(
            round_id=review_round.id, member_id=member.id, decision=kind, comment=comment,
            created_at=now, updated_at=now,
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
        proposal, entry, f"{member.name} recorded “{kind.label}” on {proposal.title}", member,
        NotificationKind.BOARD,
    )
    return decision
