"""Imports every model, so that mappers and Alembic see the whole schema."""

from tracker.activity.models import Activity
from tracker.api.models import ApiToken
from tracker.assessments.models import (
    AssessorReview,
    AssessorScore,
    Clarification,
    Outcome,
    SubmittedSection,
    SubmittedVersion,
)
from tracker.board.models import BoardDecision, ReviewRound
from tracker.contributions.models import (
    Attachment,
    Contribution,
    ContributionEdit,
    ContributionResponse,
    InputRequest,
)
from tracker.milestones.models import CalendarFeed, Milestone, ReminderSent, milestone_dependency
from tracker.notifications.models import Follow, Notification, NotificationPreference
from tracker.outbox.models import OutboxMessage
from tracker.portfolio.models import ProgrammeTarget
from tracker.prioritisation.models import Criterion, CriterionScore, proposal_dependency
from tracker.priorities.models import PriorityStance, SectorPriority
from tracker.sections.models import Section, SectionRevision, SectionTemplate
from tracker.auth.models import Invitation, User
from tracker.organisations.models import Organisation
from tracker.programmes.models import Programme
from tracker.proposals.models import Proposal, proposal_partner
from tracker.sectors.models import Sector

__all__ = [
    "Activity",
    "ApiToken",
    "Attachment",
    "Contribution",
    "ContributionEdit",
    "ContributionResponse",
    "InputRequest",
    "AssessorReview",
    "AssessorScore",
    "BoardDecision",
    "Clarification",
    "CalendarFeed",
    "Follow",
    "Milestone",
    "milestone_dependency",
    "ReminderSent",
    "Notification",
    "NotificationPreference",
    "OutboxMessage",
    "Outcome",
    "ReviewRound",
    "Section",
    "SectionRevision",
    "SectionTemplate",
    "SectorPriority",
    "PriorityStance",
    "ProgrammeTarget",
    "Criterion",
    "CriterionScore",
    "proposal_dependency",
    "SubmittedSection",
    "SubmittedVersion",
    "Invitation",
    "Organisation",
    "Programme",
    "Proposal",
    "Sector",
    "User",
    "proposal_partner",
]
