"""Query-count guard for the audit log and notifications pages: 30 rows cost what 1 row costs.

Each row has its own person, proposal and named objects in its changes, so a query per row
(for the actor, the proposal, or a name in a before/after) would show as a higher count.
"""

from datetime import date

import pytest

from tests import factories
from tests.test_query_counts import ListPage
from tests.test_query_counts import test_list_pages_do_not_query_per_row as check_list_page
from tracker.activity.services import record_activity
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.contributions.models import InputRequest
from tracker.notifications.models import Notification
from tracker.proposals.models import ProposalStage


def _changes() -> dict:
    """Before/after values that name people, organisations and a programme by id."""
    people = [factories.make_user(Role.STAFF) for _ in range(2)]
    organisations = [factories.make_organisation() for _ in range(2)]
    return {
        "stage": ["draft", "co_creation"],
        "owner_id": [people[0].id, people[1].id],
        "partner_ids": [[organisations[0].id], [organisations[1].id]],
        "programme_id": [None, factories.make_programme().id],
        "comment": "A comment",
    }


def _entry(proposal, name) -> None:
    record_activity(factories.make_user(Role.STAFF), "proposal.updated", proposal, name, _changes(),
                    proposal_id=proposal.id)
    db.session.commit()


def _entry_on_the_proposal(context, name):
    if "proposal" not in context:
        context["proposal"] = factories.make_proposal(title="The proposal")
    _entry(context["proposal"], name)


def _entry_on_a_proposal_of_its_own(context, name):
    _entry(factories.make_proposal(), name)


def _notification_for_the_reader(context, name):
    db.session.add(Notification(
        user_id=context["reader"].id, proposal_id=factories.make_proposal().id, message=name
    ))
    db.session.commit()


def _notification_on_a_proposal_the_expert_was_asked_about(context, name):
    """Past co-creation, so whether the expert may open it depends on a request for input."""
    proposal = factories.make_proposal(stage=ProposalStage.BOARD_REVIEW)
    request = InputRequest(proposal_id=proposal.id, due_on=date(2030, 1, 1), message="Please")
    request.recipients = [context["reader"]]
    db.session.add_all([request, Notification(
        user_id=context["reader"].id, proposal_id=proposal.id, message=name
    )])
    db.session.commit()


PAGES = {
    "proposal activity": ListPage(
        Role.STAFF, lambda c: f"/proposals/{c['proposal'].id}/activity", _entry_on_the_proposal, 25
    ),
    "activity": ListPage(Role.ADMIN, lambda c: "/activity", _entry_on_a_proposal_of_its_own, 25),
    "filtered activity": ListPage(
        Role.ADMIN,
        lambda c: "/activity?kind=proposal.updated&date_from-day=1&date_from-month=1&date_from-year=2020",
        _entry_on_a_proposal_of_its_own, 25,
    ),
    "notifications": ListPage(Role.STAFF, lambda c: "/notifications", _notification_for_the_reader, 25),
    "expert's notifications": ListPage(
        Role.EXPERT, lambda c: "/notifications", _notification_on_a_proposal_the_expert_was_asked_about, 25
    ),
}


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_activity_and_notification_pages_do_not_query_per_row(client_as, count_queries, page):
    check_list_page(client_as, count_queries, page)
