"""Query-count guard for the board page: as many SQL statements for 30 decisions (30 board
members) as for 1, and for several earlier rounds as for none."""

from tests import factories
from tests.test_board import in_board_review
from tracker.auth.models import Role
from tracker.board.models import BoardDecisionKind
from tracker.board.services import close_round, open_round, record_decision
from tracker.extensions import db


def count_page(client, proposal, count_queries, names):
    with count_queries() as counter:
        response = client.get(f"/proposals/{proposal.id}/board")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return counter.count, sum(name in page for name in names)


def test_the_board_page_does_not_query_per_decision(staff_client, count_queries):
    names = [f"Member {n:02}" for n in range(1, 31)]
    members = [factories.make_user(Role.BOARD, name=name) for name in names]
    proposal = in_board_review(quorum=3)

    record_decision(proposal, members[0], BoardDecisionKind.ENDORSE, "Yes.")
    db.session.commit()
    one, shown = count_page(staff_client, proposal, count_queries, names)
    assert shown == 1

    for number, member in enumerate(members[1:]):
        kind = list(BoardDecisionKind)[number % 3]
        record_decision(proposal, member, kind, f"Comment {number}.")
    db.session.commit()
    thirty, shown = count_page(staff_client, proposal, count_queries, names)
    assert shown == 30

    assert thirty == one


def test_the_board_page_does_not_query_per_round(board_client, count_queries):
    member = factories.make_user(Role.BOARD, name="Round member")
    proposal = in_board_review(quorum=1)
    record_decision(proposal, member, BoardDecisionKind.REQUEST_CHANGES, "Changes.")
    db.session.commit()
    one, _ = count_page(board_client, proposal, count_queries, [])

    for _ in range(4):
        close_round(proposal, "returned")
        open_round(proposal)
        db.session.flush()
        record_decision(proposal, member, BoardDecisionKind.REQUEST_CHANGES, "Changes.")
    db.session.commit()
    rounds = ["Round 5 (open)"] + [f"Round {n} (closed)" for n in range(1, 5)]
    five, shown = count_page(board_client, proposal, count_queries, rounds)
    assert shown == 5

    assert five == one
