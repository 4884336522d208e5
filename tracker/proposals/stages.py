"""Moving a proposal between stages: only the moves drawn in DOMAIN.md, each behind its guards."""

from sqlalchemy import func, select

from tracker.activity.services import record_activity
from tracker.extensions import db
from tracker.notifications.services import notify_followers
from tracker.proposals.models import Proposal, ProposalStage
from tracker.timeutil import utcnow

S = ProposalStage

# Every move that exists; anything else is refused. Withdrawal is open until a decision.
MOVES: dict[ProposalStage, tuple[ProposalStage, ...]] = {
    S.DRAFT: (S.CO_CREATION, S.WITHDRAWN),
    S.CO_CREATION: (S.BOARD_REVIEW, S.DRAFT, S.WITHDRAWN),
    S.BOARD_REVIEW: (S.SUBMITTED, S.CO_CREATION, S.WITHDRAWN),
    S.SUBMITTED: (S.UNDER_ASSESSMENT, S.WITHDRAWN),
    S.UNDER_ASSESSMENT: (S.CLARIFICATION_REQUESTED, S.FUNDED, S.NOT_FUNDED, S.WITHDRAWN),
    S.CLARIFICATION_REQUESTED: (S.UNDER_ASSESSMENT, S.WITHDRAWN),
    S.FUNDED: (),
    S.NOT_FUNDED: (),
    S.WITHDRAWN: (),
}

# How a move reads on a button.
MOVE_LABELS = {
    S.CO_CREATION: "Open for co-creation",
    S.DRAFT: "Return to draft",
    S.BOARD_REVIEW: "Send to board review",
    S.SUBMITTED: "Submit to Innovate UK",
    S.UNDER_ASSESSMENT: "Mark as under assessment",
    S.CLARIFICATION_REQUESTED: "Record a clarification request",
    S.FUNDED: "Record as funded",
    S.NOT_FUNDED: "Record as not funded",
    S.WITHDRAWN: "Withdraw",
}


class StageMoveRefused(Exception):
    """The move does not exist or a guard refused it; `problems` says what is missing."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def moves_from(stage: ProposalStage) -> tuple[ProposalStage, ...]:
    return MOVES[stage]


def guard_problems(proposal: Proposal, target: ProposalStage) -> list[str]:
    """What stops `proposal` moving to `target`, in words for staff; [] when nothing does."""
    if target not in MOVES[proposal.stage]:
        return [f"A proposal cannot move from {proposal.stage.label} to {target.label}"]
    checks = {
        S.CO_CREATION: _ready_for_co_creation,
        S.BOARD_REVIEW: _ready_for_board_review,
        S.SUBMITTED: _ready_for_submission,
        S.FUNDED: _ready_for_outcome,
        S.NOT_FUNDED: _ready_for_outcome,
    }
    check = checks.get(target)
    if check is None or (target is S.CO_CREATION and proposal.stage is not S.DRAFT):
        return []
    return check(proposal)


def _ready_for_co_creation(proposal: Proposal) -> list[str]:
    from tracker.priorities.models import SectorPriority

    problems = []
    if not (proposal.summary or "").strip():
        problems.append("Add a summary")
    if not proposal.funding_ask:
        problems.append("Add a funding ask")
    priorities = db.session.scalar(
        select(func.count(SectorPriority.id)).where(SectorPriority.proposal_id == proposal.id)
    )
    if not priorities:
        problems.append("Add at least one sector priority")
    if proposal.input_closes_on is None:
        problems.append("Set a close date for input")
    return problems


def _ready_for_board_review(proposal: Proposal) -> list[str]:
    from tracker.sections.services import incomplete_required_sections

    problems = []
    incomplete = incomplete_required_sections(proposal.id)
    if incomplete:
        problems.append(f"Sections not complete: {', '.join(incomplete)}")
    # Every contribution has a response: contributions arrive with the co-creation issue.
    return problems


def _ready_for_submission(proposal: Proposal) -> list[str]:
    from tracker.board.services import current_round, tally

    review_round = current_round(proposal.id)
    if review_round is None:
        return ["The board has not reviewed this proposal"]
    result = tally(review_round, proposal.programme.board_quorum)
    if not result.endorsed:
        return [
            f"The board has not endorsed it: {result.endorsements} endorsement"
            f"{'s' if result.endorsements != 1 else ''} of the {result.quorum} needed, "
            f"{result.requests} request{'s' if result.requests != 1 else ''} for changes"
        ]
    return []


def _ready_for_outcome(proposal: Proposal) -> list[str]:
    from tracker.assessments.services import assessment_is_recorded

    if not assessment_is_recorded(proposal):
        return ["Record the Innovate UK assessment first"]
    return []


def move_stage(proposal: Proposal, target: ProposalStage, actor, comment: str,
               reason: str = "") -> None:
    """Move `proposal` to `target`, or raise StageMoveRefused and change nothing."""
    problems = guard_problems(proposal, target)
    if target is S.WITHDRAWN and not reason.strip():
        problems.append("Give a reason for withdrawing the proposal")
    if problems:
        raise StageMoveRefused(problems)
    before = proposal.stage
    _leave(proposal, before, target, actor)
    proposal.stage = target
    proposal.stage_changed_at = utcnow()
    _enter(proposal, target, actor)
    changes = {"stage": [before.value, target.value]}
    if comment.strip():
        changes["comment"] = comment.strip()
    if reason.strip():
        changes["reason"] = reason.strip()
    entry = record_activity(
        actor, "proposal.stage_changed", proposal,
        f"Moved {proposal.title} from {before.label} to {target.label}", changes,
        proposal_id=proposal.id,
    )
    notify_followers(
        proposal, entry, f"{proposal.title} moved from {before.label} to {target.label}", actor
    )


def _leave(proposal: Proposal, before: ProposalStage, target: ProposalStage, actor) -> None:
    if before is S.BOARD_REVIEW:
        from tracker.board.services import close_round

        close_round(proposal, "endorsed" if target is S.SUBMITTED else target.value)


def _enter(proposal: Proposal, target: ProposalStage, actor) -> None:
    if target is S.BOARD_REVIEW:
        from tracker.board.services import open_round

        open_round(proposal)
    elif target is S.SUBMITTED:
        from tracker.assessments.services import freeze_submitted_version

        freeze_submitted_version(proposal, actor)
