"""Search finds only what the reader may see: each hidden thing is made with a word of its own
and searched for, as someone guessing would. The SQL rule for contributions is checked against
the model's rule (Contribution.can_view and get_contribution) for every case."""

import itertools
from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from tests.pages import soup, text
from tests.test_search import give, result_links, result_titles, results
from tests.test_sections import save
from tracker.auth.models import Role
from tracker.contributions.models import Contribution, ContributionStatus, InputRequest
from tracker.contributions.queries import visible_contributions
from tracker.extensions import db
from tracker.proposals.models import ProposalStage


def _asked(proposal, expert):
    """A request for input on `proposal` addressed to `expert` (saved as it stands)."""
    request = InputRequest(proposal_id=proposal.id, message="Your view?", due_on=date(2030, 1, 1))
    request.recipients = [expert]
    db.session.add(request)
    db.session.commit()


def test_an_expert_never_finds_another_experts_unanswered_input(client_as):
    reader = client_as(Role.EXPERT)
    other = factories.make_user(Role.EXPERT)
    proposal = factories.make_proposal(title="Open bid", stage=ProposalStage.CO_CREATION)
    give(proposal, other, "Submitted aardvark", status=ContributionStatus.SUBMITTED)
    give(proposal, other, "Reviewed aardvark", status=ContributionStatus.UNDER_REVIEW)
    give(proposal, other, "Withdrawn aardvark", status=ContributionStatus.WITHDRAWN)
    answered = give(proposal, other, "Noted aardvark", status=ContributionStatus.NOTED)
    own = give(proposal, reader.user, "My own aardvark", status=ContributionStatus.SUBMITTED)

    found = result_titles(reader.get("/search?q=aardvark&kind=contribution"))

    assert sorted(found) == [
        "Contribution My own aardvark", "Contribution Noted aardvark"]
    assert set(result_links(reader.get("/search?q=aardvark"))) == {
        f"/contributions/{answered.id}", f"/contributions/{own.id}"}


def test_an_expert_finds_nothing_of_a_proposal_they_may_not_see(client_as):
    reader = client_as(Role.EXPERT)
    hidden = factories.make_proposal(title="Secret pangolin bid", summary="Pangolin summary",
                                     stage=ProposalStage.DRAFT)
    save(hidden, "Pangolin section text.", key="risks")
    # Answered input is shown to other experts only on a proposal they may see.
    give(hidden, factories.make_user(Role.EXPERT), "Pangolin input", status=ContributionStatus.ACCEPTED)

    response = reader.get("/search?q=pangolin")

    assert results(response) == []
    page = response.get_data(as_text=True)
    for secret in ("Secret", "Pangolin summary", "Pangolin section", "Pangolin input", f"/proposals/{hidden.id}"):
        assert secret not in page
    assert [text(item) for item in soup(response).select("#result-kinds li")] == [
        "Everything (0)", "Proposals (0)", "Sections (0)", "Contributions (0)"]


def test_an_expert_finds_what_they_were_asked_about_and_their_own_input_anywhere(client_as):
    reader = client_as(Role.EXPERT)
    asked = factories.make_proposal(title="Asked ibex bid", stage=ProposalStage.BOARD_REVIEW)
    _asked(asked, reader.user)
    elsewhere = factories.make_proposal(title="Other bid", stage=ProposalStage.SUBMITTED)
    give(elsewhere, reader.user, "My ibex input", status=ContributionStatus.SUBMITTED)

    found = result_titles(reader.get("/search?q=ibex"))

    assert sorted(found) == [
        "Contribution My ibex input", "Proposal Asked ibex bid"]


def test_staff_and_board_find_every_contribution(client_as):
    proposal = factories.make_proposal(stage=ProposalStage.DRAFT)
    give(proposal, factories.make_user(Role.EXPERT), "Unanswered okapi")
    for role in (Role.STAFF, Role.ADMIN, Role.BOARD):
        assert len(results(client_as(role).get("/search?q=okapi"))) == 1, role


CASES = list(itertools.product(
    ContributionStatus, (True, False), (ProposalStage.DRAFT, ProposalStage.CO_CREATION)))


@pytest.mark.parametrize("role", [Role.EXPERT, Role.STAFF, Role.BOARD])
def test_the_sql_rule_is_the_models_rule(role):
    reader = factories.make_user(role)
    other = factories.make_user(Role.EXPERT)
    proposals = {stage: factories.make_proposal(stage=stage) for stage in
                 (ProposalStage.DRAFT, ProposalStage.CO_CREATION)}
    made = [give(proposals[stage], reader if own and role is Role.EXPERT else other, "Case", status=status)
            for status, own, stage in CASES]
    found = set(db.session.scalars(visible_contributions(reader).with_only_columns(Contribution.id)))

    for contribution in db.session.scalars(select(Contribution).where(Contribution.id.in_([c.id for c in made]))):
        proposal = proposals[ProposalStage.DRAFT if contribution.proposal_id == proposals[ProposalStage.DRAFT].id
                             else ProposalStage.CO_CREATION]
        may_open = contribution.can_view(reader) and (
            contribution.author_id == reader.id or proposal.can_view(reader))
        assert (contribution.id in found) == may_open, (contribution.status, contribution.author_id, proposal.stage)
