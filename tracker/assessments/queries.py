"""Reads for the submitted version and assessment pages, each in a fixed number of queries."""

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tracker.assessments.models import (
    AssessorReview,
    Clarification,
    Outcome,
    SubmittedSection,
    SubmittedVersion,
)
from tracker.extensions import db


def submitted_version_of(proposal_id: int) -> SubmittedVersion | None:
    """The submitted version with who submitted it and each pinned revision (two queries)."""
    return db.session.scalar(
        select(SubmittedVersion)
        .where(SubmittedVersion.proposal_id == proposal_id)
        .options(
            joinedload(SubmittedVersion.submitted_by),
            selectinload(SubmittedVersion.sections).joinedload(SubmittedSection.revision),
        )
    )


def reviews_of(proposal_id: int) -> list[AssessorReview]:
    """The assessors' reviews in assessor order, with their scores."""
    return list(
        db.session.scalars(
            select(AssessorReview)
            .where(AssessorReview.proposal_id == proposal_id)
            .options(selectinload(AssessorReview.scores))
            .order_by(AssessorReview.assessor_number)
        )
    )


def clarifications_page(proposal_id: int):
    """The page asked for (?page=) of the proposal's clarification requests, newest first."""
    return db.paginate(
        select(Clarification)
        .where(Clarification.proposal_id == proposal_id)
        .order_by(Clarification.asked_on.desc(), Clarification.id.desc()),
        per_page=current_app.config["PAGE_SIZE"], error_out=False,
    )


def open_clarification(proposal_id: int) -> Clarification | None:
    """The latest question still waiting for an answer."""
    return db.session.scalar(
        select(Clarification)
        .where(Clarification.proposal_id == proposal_id, Clarification.answered_on.is_(None))
        .order_by(Clarification.asked_on.desc(), Clarification.id.desc())
        .limit(1)
    )


def clarification_of(proposal_id: int, clarification_id: int) -> Clarification | None:
    """A clarification, only if it belongs to this proposal."""
    return db.session.scalar(
        select(Clarification).where(
            Clarification.id == clarification_id, Clarification.proposal_id == proposal_id
        )
    )


def outcome_of(proposal_id: int) -> Outcome | None:
    return db.session.scalar(select(Outcome).where(Outcome.proposal_id == proposal_id))
