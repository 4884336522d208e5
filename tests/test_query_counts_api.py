"""Query-count guard for every API list: as many SQL statements for 30 rows as for 1. Each row
has its own people, organisations and named things, so a query per row would show."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import current_app
from sqlalchemy import func, select

from tests import factories
from tests.test_api_auth import new_secret
from tests.test_query_counts import assert_one_row_costs_what_thirty_cost
from tracker.activity.services import record_activity
from tracker.auth.models import Role
from tracker.contributions import services as contributions
from tracker.contributions.models import ContributionKind, ContributionStatus
from tracker.extensions import db
from tracker.priorities.models import StanceKind
from tracker.priorities.queries import priority_of, stance_on
from tracker.priorities.services import add_priority
from tracker.priorities.stances import answer_challenge, take_stance
from tracker.proposals.models import ProposalStage
from tracker.sections.models import Section


@dataclass
class TokenClient:
    """A client that sends the reader's token with every GET."""

    client: object
    secret: str

    def get(self, url: str):
        return self.client.get(url, headers={"Authorization": f"Bearer {self.secret}"})


def _staff():
    return factories.make_user(Role.STAFF, organisation=factories.make_organisation())


def _open_proposal(context):
    if "proposal" not in context:
        context["staff"] = _staff()
        context["proposal"] = factories.make_proposal(
            owner=context["staff"], stage=ProposalStage.CO_CREATION, input_closes_on=date.today() + timedelta(days=7),
        )
    return context["proposal"]


def _programme(context, name):
    factories.make_proposal(programme=factories.make_programme(name))


def _proposal(context, name):
    factories.make_proposal(title=name, stage=ProposalStage.CO_CREATION, partners=[factories.make_organisation()])


def _section(context, name):
    proposal = _open_proposal(context)
    number = db.session.scalar(select(func.count(Section.id)).where(Section.proposal_id == proposal.id))
    db.session.add(Section(proposal_id=proposal.id, key=f"extra_{number}", title=name, position=number + 1,
                           assignee_id=_staff().id))
    db.session.commit()


def _contribution(context, name):
    """Input from its own expert (or the reader, when an expert reads) with its own organisation,
    sector and section, answered by its own member of staff."""
    proposal = _open_proposal(context)
    author = context["reader"] if context["reader"].is_expert else factories.make_user(
        Role.EXPERT, organisation=factories.make_organisation())
    section = db.session.scalar(select(Section).where(Section.proposal_id == proposal.id).limit(1))
    given = contributions.submit_contribution(
        proposal, author, kind=ContributionKind.COMMENT, title=name, body="Body.",
        sector=factories.make_sector(), section=section,
    )
    db.session.flush()
    contributions.respond(given, proposal, outcome=ContributionStatus.NOTED, reason="Noted.", actor=_staff())
    db.session.commit()


def _priority(context, name):
    """A priority of its own sector, challenged by its own expert and answered by its own staff."""
    proposal = _open_proposal(context)
    priority = add_priority(proposal, factories.make_sector(name), Decimal("1"), "Why.", context["staff"])
    db.session.commit()
    priority = priority_of(proposal.id, priority.id)
    expert = factories.make_user(Role.EXPERT, organisation=factories.make_organisation())
    stance = take_stance(proposal, priority, expert, StanceKind.CHALLENGE, "Too much.")
    db.session.commit()
    answerer = _staff()  # made (and committed) before the stance and priority are loaded again
    stance, priority = stance_on(priority.id, stance.id), priority_of(proposal.id, priority.id)
    answer_challenge(proposal, priority, stance, "Not so.", stance.version, answerer)
    db.session.commit()


def _milestone_of_the_proposal(context, name):
    """Each with its own owner, depending on the one before, so the plan runs through them all."""
    proposal = _open_proposal(context)
    before = context.setdefault("milestones", [])
    before.append(factories.make_milestone(proposal, title=name, owner=_staff(), depends_on=before[-1:]))


def _milestone_of_the_programme(context, name):
    proposal = factories.make_proposal(programme=context["programme"])
    factories.make_milestone(proposal, title=name, owner=_staff())


def _activity(context, name):
    proposal = _open_proposal(context)
    people = [factories.make_user(Role.STAFF) for _ in range(2)]
    record_activity(factories.make_user(Role.STAFF), "proposal.updated", proposal, name,
                    {"owner_id": [people[0].id, people[1].id], "stage": ["draft", "co_creation"]},
                    proposal_id=proposal.id)
    db.session.commit()


LISTS = {
    "programmes": (Role.STAFF, lambda c: "/api/v1/programmes", _programme),
    "proposals": (Role.STAFF, lambda c: "/api/v1/proposals", _proposal),
    "proposals for experts": (Role.EXPERT, lambda c: "/api/v1/proposals", _proposal),
    "sections": (Role.STAFF, lambda c: f"/api/v1/proposals/{c['proposal'].id}/sections", _section),
    "contributions": (Role.STAFF, lambda c: f"/api/v1/proposals/{c['proposal'].id}/contributions", _contribution),
    "contributions for experts": (Role.EXPERT, lambda c: f"/api/v1/proposals/{c['proposal'].id}/contributions",
                                  _contribution),
    "priorities": (Role.STAFF, lambda c: f"/api/v1/proposals/{c['proposal'].id}/priorities", _priority),
    "proposal milestones": (Role.EXPERT, lambda c: f"/api/v1/proposals/{c['proposal'].id}/milestones",
                            _milestone_of_the_proposal),
    "programme milestones": (Role.BOARD, lambda c: f"/api/v1/programmes/{c['programme'].id}/milestones",
                             _milestone_of_the_programme),
    "activity": (Role.STAFF, lambda c: f"/api/v1/proposals/{c['proposal'].id}/activity", _activity),
    "activity for experts": (Role.EXPERT, lambda c: f"/api/v1/proposals/{c['proposal'].id}/activity", _activity),
}


@pytest.mark.parametrize("role,url,add_row", LISTS.values(), ids=LISTS.keys())
def test_api_lists_do_not_query_per_row(count_queries, role, url, add_row):
    reader = factories.make_user(role)
    client = TokenClient(current_app.test_client(), new_secret(reader))
    context = {"reader": reader, "programme": factories.make_programme("The programme")}
    client.get("/api/v1/programmes")  # the token's first use is noted now, not during the counts

    assert_one_row_costs_what_thirty_cost(
        client, lambda: url(context) + "?per_page=100", count_queries, lambda name: add_row(context, name), 30,
    )


def test_the_api_tokens_page_does_not_query_per_token(client_as, count_queries):
    client = client_as(Role.STAFF)

    assert_one_row_costs_what_thirty_cost(
        client, "/profile/api-tokens", count_queries, lambda name: new_secret(client.user, name=name), 25,
    )
