"""Imports every model, so that mappers and Alembic see the whole schema."""

from tracker.activity.models import Activity
from tracker.auth.models import Invitation, User
from tracker.organisations.models import Organisation
from tracker.programmes.models import Programme
from tracker.proposals.models import Proposal, proposal_partner
from tracker.sectors.models import Sector

__all__ = [
    "Activity",
    "Invitation",
    "Organisation",
    "Programme",
    "Proposal",
    "Sector",
    "User",
    "proposal_partner",
]
