"""Query-count guard for the milestone files: the calendar feeds, the CSV exports and the import
preview cost as many SQL statements for 30 milestones as for 1, each with its own owner (and,
where the file spans several, its own proposal and programme), linked in a chain."""

import io

import pytest

from tests import factories
from tests.test_query_counts import assert_one_row_costs_what_thirty_cost
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.milestones.models import CalendarFeed, Milestone, MilestoneState


def _feed(user_id: int, proposal_id: int | None = None) -> str:
    feed, token = CalendarFeed.with_new_token(user_id, proposal_id)
    db.session.add(feed)
    db.session.commit()
    return f"/calendar/{token}.ics"


class _Chain:
    """Milestones added one by one, each depending on the one before, in turn done or blocked."""

    def __init__(self):
        self.last = None

    def add(self, name: str, proposal=None, programme=None, owner=None) -> Milestone:
        state = [MilestoneState.NOT_STARTED, MilestoneState.DONE, MilestoneState.BLOCKED][len(name) % 3]
        milestone = factories.make_milestone(
            proposal, programme=programme, owner=owner or factories.make_user(Role.EXPERT), title=name,
            state=state, depends_on=[self.last] if self.last is not None else (),
        )
        self.last = milestone
        return milestone


def test_a_persons_feed_does_not_query_per_milestone(client, count_queries):
    owner = factories.make_user(Role.STAFF)
    url = _feed(owner.id)

    def add_row(name):  # each on a proposal of its own, in a programme of its own
        factories.make_milestone(factories.make_proposal(title=f"Proposal for {name}"), owner=owner, title=name)

    assert_one_row_costs_what_thirty_cost(client, url, count_queries, add_row, shown=30)


@pytest.mark.parametrize("kind", ["feed", "csv"])
def test_a_proposals_feed_and_csv_do_not_query_per_milestone(client, staff_client, count_queries, kind):
    proposal = factories.make_proposal()
    chain = _Chain()
    url = _feed(staff_client.user.id, proposal.id) if kind == "feed" else f"/proposals/{proposal.id}/milestones.csv"
    reader = client if kind == "feed" else staff_client
    assert_one_row_costs_what_thirty_cost(reader, url, count_queries, lambda name: chain.add(name, proposal), shown=30)


def test_a_programmes_csv_does_not_query_per_milestone(board_client, count_queries):
    programme = factories.make_programme()

    def add_row(name):
        factories.make_milestone(factories.make_proposal(programme=programme), title=name)

    assert_one_row_costs_what_thirty_cost(
        board_client, f"/programmes/{programme.id}/milestones.csv", count_queries, add_row, shown=30
    )


def test_the_import_preview_does_not_query_per_row(staff_client, count_queries):
    proposal = factories.make_proposal()
    chain = _Chain()
    rows = []

    def preview_queries() -> int:
        content = "id,title,kind,owner,due,depends on\n" + "".join(rows)
        with count_queries() as counter:
            response = staff_client.post(f"/proposals/{proposal.id}/milestones/import", content_type="multipart/form-data",
                                         data={"csv_file": (io.BytesIO(content.encode()), "m.csv")})
        assert response.status_code == 200 and "Confirm import" in response.get_data(as_text=True)
        return counter.count

    def add_row(n: int):
        milestone = chain.add(f"Listed {n:02}", proposal)
        expert = factories.make_user(Role.EXPERT)
        depends = chain_ids[-1] if chain_ids else ""
        chain_ids.append(str(milestone.id))
        rows.append(f"{milestone.id},Renamed {n:02},internal,{expert.email},2026-04-{n % 28 + 1:02},{depends}\n")
        rows.append(f",New {n:02},delivery,{expert.email},2026-05-{n % 28 + 1:02},{milestone.id}\n")

    chain_ids: list[str] = []
    add_row(1)
    one = preview_queries()
    for n in range(2, 31):
        add_row(n)
    assert preview_queries() == one
