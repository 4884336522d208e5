"""Query-count guard for the home pages and the staff home's whole lists: as many SQL statements
for 30 rows as for 1, list by list, each row on its own proposal (and from its own expert)."""

from dataclasses import dataclass
from collections.abc import Callable

import pytest

from tests import factories
from tests.test_home import asked, days_ago, given
from tests.test_query_counts import assert_one_row_costs_what_thirty_cost
from tracker.auth.models import Role
from tracker.contributions.models import ContributionResponse, ContributionStatus
from tracker.extensions import db
from tracker.main.queries import HOME_LIST_SIZE
from tracker.proposals.models import ProposalStage

PAGE_SIZE = 25  # the testing configuration's


def _waiting(reader, name):
    given(factories.make_proposal(title=name.replace("Listed", "Bid")), name, 3)


def _overdue_request(reader, name):
    asked(factories.make_proposal(), [factories.make_user(Role.EXPERT)], -2, message=name)


def _own_milestone(reader, name):
    factories.make_milestone(factories.make_proposal(), title=name, owner=reader, due_on=days_ago(1).date())


def _owned_proposal(reader, name):
    factories.make_proposal(title=name, owner=reader)


def _request_to_reader(reader, name):
    asked(factories.make_proposal(stage=ProposalStage.CO_CREATION), [reader], 3, message=name)


def _own_input(reader, name):
    given(factories.make_proposal(stage=ProposalStage.CO_CREATION), name, 1, author=reader)


def _answered_input(reader, name):
    contribution = given(factories.make_proposal(stage=ProposalStage.CO_CREATION), name, 1,
                         ContributionStatus.NOTED, author=reader)
    db.session.add(ContributionResponse(contribution_id=contribution.id, outcome=ContributionStatus.NOTED))
    db.session.commit()


@dataclass
class Case:
    role: Role
    url: str
    add_row: Callable
    shown: int


CASES = {
    "staff home, input waiting": Case(Role.STAFF, "/", _waiting, HOME_LIST_SIZE),
    "staff home, requests overdue": Case(Role.STAFF, "/", _overdue_request, HOME_LIST_SIZE),
    "staff home, milestones": Case(Role.STAFF, "/", _own_milestone, HOME_LIST_SIZE),
    "admin home, proposals owned": Case(Role.ADMIN, "/", _owned_proposal, HOME_LIST_SIZE),
    "input waiting in full": Case(Role.STAFF, "/waiting-input", _waiting, PAGE_SIZE),
    "requests overdue in full": Case(Role.STAFF, "/overdue-requests", _overdue_request, PAGE_SIZE),
    "expert home, requests": Case(Role.EXPERT, "/", _request_to_reader, HOME_LIST_SIZE),
    "expert home, input and responses": Case(Role.EXPERT, "/", _answered_input, HOME_LIST_SIZE),
    "expert home, own input": Case(Role.EXPERT, "/", _own_input, HOME_LIST_SIZE),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_home_lists_do_not_query_per_row(client_as, count_queries, case):
    client = client_as(case.role)
    assert_one_row_costs_what_thirty_cost(
        client, case.url, count_queries, lambda name: case.add_row(client.user, name), case.shown
    )
