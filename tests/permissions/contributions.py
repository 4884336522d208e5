"""Who may reach the experts' input pages. The proposal in the shared URLs is a draft (not open
for input); the contribution in them is another expert's, unanswered, on a proposal in
co-creation, with one attachment row whose file is not on disk (downloads by role are tested
with real files in test_contributions_views.py)."""

from datetime import date, timedelta

from tests import factories
from tests.permissions import row
from tracker.auth.models import Role
from tracker.contributions.models import Attachment, Contribution, ContributionKind
from tracker.extensions import db
from tracker.proposals.models import ProposalStage

OWN_INPUT = row(302, 403, 403, 404, 403)  # only the author; another expert cannot tell it exists

ROWS = {
    # The draft proposal is not open: experts are refused by the proposal, everyone else by role.
    ("contributions.new", "GET"): row(302, 403, 403, 403, 403),
    ("contributions.new", "POST"): row(302, 403, 403, 403, 403),
    ("contributions.view", "GET"): row(302, 200, 200, 404, 200),
    ("contributions.edit", "GET"): OWN_INPUT,
    ("contributions.edit", "POST"): OWN_INPUT,
    ("contributions.withdraw", "POST"): OWN_INPUT,
    # Staff and board get past every check; the row's file is not on disk, so they get 404 too.
    ("contributions.download", "GET"): row(302, 404, 404, 404, 404),
    ("contributions.mine", "GET"): row(302, 403, 403, 200, 403),
}


def add_objects(objects):
    proposal = factories.make_proposal(
        stage=ProposalStage.CO_CREATION, input_closes_on=date.today() + timedelta(days=7)
    )
    author = factories.make_user(Role.EXPERT)
    contribution = Contribution(
        proposal_id=proposal.id, sector_id=objects["sector_id"], author_id=author.id,
        kind=ContributionKind.COMMENT, title="A thought", body="Consider the supply chain.",
    )
    db.session.add(contribution)
    db.session.flush()
    attachment = Attachment(
        contribution_id=contribution.id, display_name="evidence.pdf",
        stored_name="0" * 32 + ".pdf", kind="pdf", media_type="application/pdf", size=10,
        sha256="0" * 64,
    )
    db.session.add(attachment)
    db.session.commit()
    objects["contribution_id"] = contribution.id
    objects["attachment_id"] = attachment.id
