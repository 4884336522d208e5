"""The submitted version, Innovate UK's assessment, clarifications and the outcome."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.activity.services import record_activity
from tracker.assessments.models import (
    MAX_ASSESSORS,
    MAX_SCORE,
    AssessorReview,
    AssessorScore,
    Clarification,
    Outcome,
    OutcomeResult,
    SubmittedSection,
    SubmittedVersion,
)
from tracker.concurrency import EditConflict
from tracker.extensions import db
from tracker.proposals.models import ProposalStage
from tracker.sections.models import Section, SectionRevision

ASSESSABLE_STAGES = (ProposalStage.UNDER_ASSESSMENT, ProposalStage.CLARIFICATION_REQUESTED)


class AssessmentRefused(Exception):
    """Bad scores, too many assessors, or the wrong stage; `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def freeze_submitted_version(proposal, actor) -> SubmittedVersion:
    """Pin the exact current revision of every section as the submitted version."""
    version = SubmittedVersion(proposal_id=proposal.id, submitted_by_id=actor.id if actor else None)
    db.session.add(version)
    db.session.flush()
    rows = db.session.execute(
        select(Section.id, Section.title, Section.position, SectionRevision.id)
        .join(
            SectionRevision,
            (SectionRevision.section_id == Section.id)
            & (SectionRevision.number == Section.revision_number),
            isouter=True,
        )
        .where(Section.proposal_id == proposal.id)
        .order_by(Section.position)
    ).all()
    db.session.add_all(
        SubmittedSection(
            submitted_version_id=version.id, section_id=section_id, revision_id=revision_id,
            title=title, position=position,
        )
        for section_id, title, position, revision_id in rows
    )
    return version


def assessed_sections(proposal_id: int) -> list[tuple[str, str]]:
    """(key, title) of the sections assessors score, in order."""
    return list(
        db.session.execute(
            select(Section.key, Section.title)
            .where(Section.proposal_id == proposal_id, Section.assessed.is_(True))
            .order_by(Section.position)
        )
    )


ANY_VERSION = object()


def record_review(proposal, number: int, scores: dict[str, int], fund: bool, feedback: str,
                  actor, seen_version=ANY_VERSION) -> AssessorReview:
    """Record (or replace) assessor `number`'s scores; every assessed section needs one, 0-10.

    `seen_version` is the version of this assessor's review the person saw (None: they saw
    none). When someone recorded or changed it since, EditConflict is raised and nothing
    changes, so that nobody's scores are replaced unseen.
    """
    if proposal.stage not in ASSESSABLE_STAGES:
        raise AssessmentRefused("Scores can be recorded only while the proposal is under assessment")
    if not 1 <= number <= MAX_ASSESSORS:
        raise AssessmentRefused(
            f"Innovate UK uses at most {MAX_ASSESSORS} assessors", field="assessor_number"
        )
    keys = [key for key, _ in assessed_sections(proposal.id)]
    missing = [key for key in keys if key not in scores]
    if missing or set(scores) - set(keys):
        raise AssessmentRefused("Give a score for every assessed section, and only those")
    if any(not 0 <= score <= MAX_SCORE for score in scores.values()):
        raise AssessmentRefused(f"Scores must be whole numbers from 0 to {MAX_SCORE}")
    review = db.session.scalar(
        select(AssessorReview)
        .where(AssessorReview.proposal_id == proposal.id, AssessorReview.assessor_number == number)
        .options(selectinload(AssessorReview.scores))
    )
    current_version = review.version if review is not None else None
    if seen_version is not ANY_VERSION and seen_version != current_version:
        raise EditConflict(current_version or 0)
    if review is None:
        count = db.session.scalar(
            select(func.count(AssessorReview.id)).where(AssessorReview.proposal_id == proposal.id)
        )
        if count >= MAX_ASSESSORS:
            raise AssessmentRefused(
                f"Innovate UK uses at most {MAX_ASSESSORS} assessors", field="assessor_number"
            )
        review = AssessorReview(proposal_id=proposal.id, assessor_number=number, fund=fund,
                                feedback=feedback, recorded_by_id=actor.id)
        db.session.add(review)
        review.scores = []
    review.fund, review.feedback = fund, feedback
    existing = {score.section_key: score for score in review.scores}
    for key, value in scores.items():
        if key in existing:
            existing[key].score = value
        else:
            review.scores.append(AssessorScore(section_key=key, score=value))
    record_activity(
        actor, "assessment.recorded", proposal,
        f"Recorded assessor {number}'s scores ({'fund' if fund else 'do not fund'})",
        {"assessor": number, "scores": scores, "fund": fund}, proposal_id=proposal.id,
    )
    return review


@dataclass(frozen=True)
class AssessmentSummary:
    """What Innovate UK's assessors said, in figures."""

    assessors: int
    average_percent: Decimal | None  # rounded to one decimal place, for display
    threshold: Decimal
    fund_votes: int
    exact_percent: Decimal | None = None  # unrounded: what the threshold is compared with

    @property
    def meets_threshold(self) -> bool | None:
        """Compared unrounded, so a score just under the threshold never passes by rounding."""
        if self.exact_percent is None:
            return None
        return self.exact_percent >= self.threshold

    @property
    def majority_fund(self) -> bool:
        """More than half the assessors said fund."""
        return self.assessors > 0 and self.fund_votes * 2 > self.assessors


def summarise(proposal) -> AssessmentSummary:
    """Average score as a percentage, against the threshold, and the fund votes, in SQL."""
    total, count = db.session.execute(
        select(func.sum(AssessorScore.score), func.count(AssessorScore.id))
        .join(AssessorReview, AssessorReview.id == AssessorScore.review_id)
        .where(AssessorReview.proposal_id == proposal.id)
    ).one()
    assessors, votes = db.session.execute(
        select(
            func.count(AssessorReview.id),
            func.coalesce(func.sum(func.cast(AssessorReview.fund, db.Integer)), 0),
        ).where(AssessorReview.proposal_id == proposal.id)
    ).one()
    average = exact = None
    if count:
        exact = Decimal(total) * 100 / (Decimal(count) * MAX_SCORE)
        average = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return AssessmentSummary(
        assessors=assessors, average_percent=average, exact_percent=exact,
        threshold=Decimal(proposal.programme.assessment_threshold), fund_votes=int(votes),
    )


def assessment_is_recorded(proposal) -> bool:
    """At least one assessor's full set of scores."""
    return bool(
        db.session.scalar(
            select(func.count(AssessorReview.id)).where(AssessorReview.proposal_id == proposal.id)
        )
    )


def ask_clarification(proposal, question: str, asked_on: date, actor) -> Clarification:
    """Record Innovate UK's question; the proposal moves to clarification requested."""
    from tracker.proposals.stages import move_stage

    clarification = Clarification(
        proposal_id=proposal.id, question=question, asked_on=asked_on, recorded_by_id=actor.id
    )
    db.session.add(clarification)
    move_stage(proposal, ProposalStage.CLARIFICATION_REQUESTED, actor, f"Question: {question}")
    return clarification


def answer_clarification(proposal, clarification: Clarification, answer: str,
                         answered_on: date, actor) -> None:
    """Record the answer; the proposal goes back to under assessment."""
    from tracker.proposals.stages import move_stage

    if clarification.proposal_id != proposal.id:
        raise AssessmentRefused("That clarification belongs to another proposal")
    if clarification.is_answered:
        raise AssessmentRefused("That question has already been answered")
    if answered_on < clarification.asked_on:
        asked = clarification.asked_on
        raise AssessmentRefused(
            f"The date answered cannot be before the question was asked ({asked.day} "
            f"{asked:%B %Y})", field="answered_on",
        )
    clarification.answer, clarification.answered_on = answer, answered_on
    move_stage(proposal, ProposalStage.UNDER_ASSESSMENT, actor, f"Answered: {answer}")


def record_outcome(proposal, result: OutcomeResult, decided_on: date, conditions: str,
                   actor) -> Outcome:
    """Innovate UK's decision closes the proposal as funded or not funded."""
    from tracker.proposals.stages import move_stage

    target = ProposalStage.FUNDED if result is OutcomeResult.FUNDED else ProposalStage.NOT_FUNDED
    move_stage(proposal, target, actor, conditions or result.label)
    outcome = Outcome(
        proposal_id=proposal.id, result=result, decided_on=decided_on, conditions=conditions,
        recorded_by_id=actor.id,
    )
    db.session.add(outcome)
    return outcome
