"""Moving a proposal between stages: only the moves drawn in DOMAIN.md, each behind its guards."""

from sqlalchemy import func, select

from tracker.activity.services import record_activity
from tracker.extensions import db
from tracker.notifications.models import NotificationKind
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

# How a move reads beside its radio button.
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


# What a move does besides changing the stage, where that is not obvious.
_ASSESSMENT_PAGE = "the assessment page records Innovate UK's"
MOVE_HINTS = {
    S.BOARD_REVIEW: "Opens a new review round for the board",
    S.SUBMITTED: "Freezes the text as the submitted version; sections can no longer change",
    S.CLARIFICATION_REQUESTED: f"Records no question: {_ASSESSMENT_PAGE} question and answer",
    S.FUNDED: f"Records no date or conditions: {_ASSESSMENT_PAGE} decision in full",
    S.NOT_FUNDED: f"Records no date: {_ASSESSMENT_PAGE} decision in full",
    S.WITHDRAWN: "Give the reason below",
}


class StageMoveRefused(Exception):
    """The move does not exist or a guard refused it; `problems` says what is missing."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class NoSuchMove(StageMoveRefused):
    """The move is not drawn in DOMAIN.md (draft to funded, funded to anything, ...)."""


class WithdrawalNeedsReason(StageMoveRefused):
    """A withdrawal was asked for without saying why."""


class UnknownStage(StageMoveRefused):
    """The form named no stage, or something that is not one."""


def stage_named(value: str) -> ProposalStage:
    """The stage a form asked for; UnknownStage when it is blank or not a stage."""
    try:
        return ProposalStage(value)
    except ValueError:
        if not value.strip():
            raise UnknownStage(["Select the stage to move the proposal to"]) from None
        raise UnknownStage([f"“{value[:40]}” is not a stage: select one of the moves shown"]) from None


def moves_from(stage: ProposalStage) -> tuple[ProposalStage, ...]:
    """The stages a proposal at `stage` may move to, guards aside."""
    return MOVES[stage]


def no_such_move_message(stage: ProposalStage, target: ProposalStage) -> str:
    """Why a move that does not exist is refused, and which moves do."""
    open_to = " or ".join(move.label for move in MOVES[stage])
    after = f"from {stage.label} it can move to {open_to}" if open_to else f"{stage.label} is final"
    return f"A proposal cannot move from {stage.label} to {target.label}: {after}"


def guard_problems(proposal: Proposal, target: ProposalStage) -> list[str]:
    """What stops `proposal` moving to `target`, in words for staff; [] when nothing does."""
    if target not in MOVES[proposal.stage]:
        return [no_such_move_message(proposal.stage, target)]
    check = _GUARDS.get(target)
    return check(proposal) if check else []


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
    from tracker.contributions.services import unanswered_count
    from tracker.sections.services import incomplete_required_sections

    problems = []
    incomplete = incomplete_required_sections(proposal.id)
    if incomplete:
        problems.append(f"Sections not complete: {', '.join(incomplete)}")
    waiting = unanswered_count(proposal.id)
    if waiting:
        problems.append(
            f"{waiting} contribution{'s' if waiting != 1 else ''} without a response"
        )
    return problems


def _ready_for_submission(proposal: Proposal) -> list[str]:
    from tracker.board.services import current_round, tally, tally_sentence

    review_round = current_round(proposal.id)
    if review_round is None:
        return ["The board has not reviewed this proposal"]
    result = tally(review_round, proposal.programme.board_quorum)
    if not result.endorsed:
        return [f"The board has not endorsed it: {tally_sentence(result)}"]
    return []


def _ready_for_outcome(proposal: Proposal) -> list[str]:
    from tracker.assessments.services import assessment_is_recorded

    if not assessment_is_recorded(proposal):
        return ["Record the Innovate UK assessment first"]
    return []


_GUARDS = {
    S.CO_CREATION: _ready_for_co_creation,
    S.BOARD_REVIEW: _ready_for_board_review,
    S.SUBMITTED: _ready_for_submission,
    S.FUNDED: _ready_for_outcome,
    S.NOT_FUNDED: _ready_for_outcome,
}


def move_stage(proposal: Proposal, target: ProposalStage, actor, comment: str,
               reason: str = "") -> None:
    """Move `proposal` to `target`, record who moved it and why, and tell its followers.

    Raises NoSuchMove, WithdrawalNeedsReason or StageMoveRefused (a guard) and changes
    nothing when the move is not allowed.
    """
    if target not in MOVES[proposal.stage]:
        raise NoSuchMove([no_such_move_message(proposal.stage, target)])
    problems = guard_problems(proposal, target)
    if problems:
        raise StageMoveRefused(problems)
    if target is S.WITHDRAWN and not reason.strip():
        raise WithdrawalNeedsReason(["Give a reason for withdrawing the proposal"])
    before = proposal.stage
    _leave(proposal, before, target)
    proposal.stage = target
    proposal.stage_changed_at = utcnow()
    _enter(proposal, target, actor)
    changes = {"stage": [before.value, target.value], "comment": comment.strip()}
    if reason.strip():
        changes["reason"] = reason.strip()
    entry = record_activity(
        actor, "proposal.stage_changed", proposal,
        f"Moved {proposal.title} from {before.label} to {target.label}", changes,
        proposal_id=proposal.id,
    )
    notify_followers(
        proposal, entry, f"{proposal.title} moved from {before.label} to {target.label}", actor,
        NotificationKind.STAGE,
    )


def _leave(proposal: Proposal, before: ProposalStage, target: ProposalStage) -> None:
    """Leaving board review closes its round, with what became of the proposal."""
    if before is S.BOARD_REVIEW:
        from tracker.board.services import close_round, outcome_of_move

        close_round(proposal, outcome_of_move(target))


def _enter(proposal: Proposal, target: ProposalStage, actor) -> None:
    """Entering board review opens a new round; submission freezes the text."""
    if target is S.BOARD_REVIEW:
        from tracker.board.services import open_round

        open_round(proposal)
    elif target is S.SUBMITTED:
        from tracker.assessments.services import freeze_submitted_version

        freeze_submitted_version(proposal, actor)
