"""Creating and changing proposals: every change with its audit entry, in one transaction."""

from sqlalchemy import select

from tracker.activity.services import diff, record_activity
from tracker.concurrency import check_version
from tracker.extensions import db
from tracker.organisations.models import Organisation
from tracker.auth.models import User
from tracker.notifications.models import FollowReason
from tracker.notifications.services import follow
from tracker.proposals.models import Proposal, ProposalStage
from tracker.sections.services import add_sections_from_template
from tracker.timeutil import utcnow

FIELD_LABELS = {
    "programme_id": "Programme",
    "title": "Title",
    "lead_organisation_id": "Lead organisation",
    "partner_ids": "Partner organisations",
    "owner_id": "Owner",
    "funding_ask": "Funding ask",
    "summary": "Summary",
    "input_closes_on": "Input closes",
}


class ProposalFrozen(Exception):
    """The proposal's text is frozen (submitted or later) and cannot be edited."""


def _organisations(ids: list[int]) -> list[Organisation]:
    if not ids:
        return []
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(ids))))


def create_proposal(values: dict, actor) -> Proposal:
    """A new proposal at stage draft."""
    values = dict(values)
    partner_ids = values.pop("partner_ids", [])
    proposal = Proposal(**values, stage=ProposalStage.DRAFT)
    proposal.partners = _organisations(partner_ids)
    db.session.add(proposal)
    db.session.flush()
    add_sections_from_template(proposal)
    follow(db.session.get(User, proposal.owner_id), proposal, FollowReason.OWNER)
    record_activity(
        actor, "proposal.created", proposal, f"Created proposal {proposal.title}",
        proposal_id=proposal.id,
    )
    return proposal


def proposal_values(proposal: Proposal) -> dict:
    """The editable values of a proposal, keyed as in the form."""
    return {
        "programme_id": proposal.programme_id,
        "title": proposal.title,
        "lead_organisation_id": proposal.lead_organisation_id,
        "partner_ids": sorted(organisation.id for organisation in proposal.partners),
        "owner_id": proposal.owner_id,
        "funding_ask": proposal.funding_ask,
        "summary": proposal.summary,
        "input_closes_on": proposal.input_closes_on,
    }


def update_proposal(proposal: Proposal, values: dict, started_from: int | None, actor) -> None:
    """Apply the form's values; EditConflict when someone saved in between."""
    if proposal.stage.is_frozen:
        raise ProposalFrozen(proposal.stage.label)
    check_version(proposal, started_from)
    before = proposal_values(proposal)
    values = dict(values)
    partner_ids = values.pop("partner_ids", [])
    # Loaded before anything changes, so that its query's autoflush cannot write the row early
    # (which would move the version on twice for one edit).
    partners = _organisations(partner_ids)
    for key, value in values.items():
        setattr(proposal, key, value)
    proposal.partners = partners
    changes = diff(before, {**values, "partner_ids": sorted(partner_ids)})
    if changes:
        # Touching the row makes its version move on even when only the partners changed.
        proposal.updated_at = utcnow()
        if "owner_id" in changes:
            follow(db.session.get(User, proposal.owner_id), proposal, FollowReason.OWNER)
        record_activity(
            actor, "proposal.updated", proposal, f"Changed proposal {proposal.title}", changes,
            proposal_id=proposal.id,
        )
