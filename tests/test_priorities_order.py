"""Putting a proposal's priorities in a new order: one form with a position for each, saved in
one step, that works without JavaScript; the positions must be 1 to n, each once; a form
shown before someone else changed the list is refused with 409; one activity entry records
the old and new order. The JavaScript enhancement's own logic is checked through node."""

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from tests import factories
from tests.pages import activities, error_summary, inline_error, soup, summary_errors, text
from tests.test_priorities import add, form_data, priorities, priority_named, url
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.priorities.models import SectorPriority
from tracker.priorities.services import OrderChanged, ReorderRefused, order_key, ranked_priorities, reorder_priorities
from tracker.proposals.models import ProposalStage


@pytest.fixture
def three(staff_client):
    """A draft proposal with Health tech, Clean tech and Skills, ranked 1, 2, 3."""
    proposal = factories.make_proposal()
    sectors = [factories.make_sector(name) for name in ("Health tech", "Clean tech", "Skills")]
    for sector in sectors:
        add(staff_client, proposal, sector, "10")
    ids = [priority_named(proposal, sector).id for sector in sectors]
    return {"proposal": proposal, "sectors": sectors, "ids": ids}


def order_url(proposal) -> str:
    return f"{url(proposal)}/order"


def names(proposal) -> list[str]:
    return [priority.sector.name for priority in ranked_priorities(proposal.id)]


def positions(three, *numbers) -> dict[str, str]:
    return {f"position_{priority_id}": str(number) for priority_id, number in zip(three["ids"], numbers, strict=True)}


def test_staff_reorder_every_priority_in_one_save(staff_client, three):
    proposal = three["proposal"]
    listing = soup(staff_client.get(url(proposal)))
    assert listing.select_one(f"a[href='{order_url(proposal)}']") is not None
    page = staff_client.get(order_url(proposal))
    form = form_data(page)
    assert {key: value for key, value in form.items() if key.startswith("position_")} == positions(three, 1, 2, 3)

    response = staff_client.post(order_url(proposal), data={**form, **positions(three, 2, 3, 1)})

    assert response.status_code == 302
    assert names(proposal) == ["Skills", "Health tech", "Clean tech"]
    assert [rank for rank, _, _ in priorities(proposal)] == [1, 2, 3]
    [entry] = activities("priority.reordered")
    assert entry.summary == ("Changed the order of priorities: Health tech, Clean tech, Skills → "
                             "Skills, Health tech, Clean tech")
    assert entry.changes == {"order": [["Health tech", "Clean tech", "Skills"], ["Skills", "Health tech", "Clean tech"]]}
    assert entry.proposal_id == proposal.id and entry.actor_id == staff_client.user.id
    assert "The new order has been saved" in text(soup(staff_client.get(response.location)))


def test_reordering_keeps_each_priority_s_version(staff_client, three):
    """Ranks change in one statement: a form open to change a share is not made stale by it."""
    proposal = three["proposal"]
    before = {p.id: p.version for p in ranked_priorities(proposal.id)}
    form = form_data(staff_client.get(order_url(proposal)))
    staff_client.post(order_url(proposal), data={**form, **positions(three, 3, 2, 1)})
    db.session.expire_all()
    assert {p.id: p.version for p in ranked_priorities(proposal.id)} == before


def test_the_same_order_saves_nothing(staff_client, three):
    proposal = three["proposal"]
    response = staff_client.post(order_url(proposal), data=form_data(staff_client.get(order_url(proposal))))
    assert response.status_code == 302
    assert "The order was not changed" in text(soup(staff_client.get(response.location)))
    assert activities("priority.reordered") == []


def test_a_position_given_twice_is_refused_in_place(staff_client, three):
    proposal = three["proposal"]
    form = form_data(staff_client.get(order_url(proposal)))

    response = staff_client.post(order_url(proposal), data={**form, **positions(three, 1, 1, 3)})

    assert response.status_code == 400
    clean_id = three["ids"][1]
    assert error_summary(response) == [(
        "Health tech is already at position 1: give Clean tech a position of its own", f"#position_{clean_id}",
    )]
    assert inline_error(response, f"position_{clean_id}") == (
        "Health tech is already at position 1: give Clean tech a position of its own"
    )
    # What was chosen stays chosen.
    assert {k: v for k, v in form_data(response).items() if k.startswith("position_")} == positions(three, 1, 1, 3)
    assert names(proposal) == ["Health tech", "Clean tech", "Skills"]
    assert activities("priority.reordered") == []


@pytest.mark.parametrize("bad,message", [
    ("", "Choose a position for Skills"),
    ("4", "Position of Skills must be a number from 1 to 3"),
    ("0", "Position of Skills must be a number from 1 to 3"),
    ("first", "Choose a position for Skills"),
])
def test_a_position_outside_1_to_n_is_refused(staff_client, three, bad, message):
    proposal = three["proposal"]
    form = form_data(staff_client.get(order_url(proposal)))
    response = staff_client.post(order_url(proposal), data={**form, **positions(three, 2, 1, 3),
                                                           f"position_{three['ids'][2]}": bad})
    assert response.status_code == 400
    assert summary_errors(response) == [message]
    assert names(proposal) == ["Health tech", "Clean tech", "Skills"]


def test_a_form_shown_before_a_priority_was_added_answers_409(staff_client, three):
    proposal = three["proposal"]
    form = form_data(staff_client.get(order_url(proposal)))
    add(staff_client, proposal, factories.make_sector("Digital"), "5")

    response = staff_client.post(order_url(proposal), data={**form, **positions(three, 3, 2, 1)})

    assert response.status_code == 409
    assert summary_errors(response) == [
        "The priorities changed while you were ordering them: someone added, removed or reordered "
        "one. Nothing has been saved: check the order below, then save it again."
    ]
    # The positions chosen are kept for the priorities still there; the new one shows its rank.
    digital = ranked_priorities(proposal.id)[-1]
    shown = {k: v for k, v in form_data(response).items() if k.startswith("position_")}
    assert shown == {**positions(three, 3, 2, 1), f"position_{digital.id}": "4"}
    assert names(proposal) == ["Health tech", "Clean tech", "Skills", "Digital"]
    assert activities("priority.reordered") == []


def test_a_form_shown_before_someone_else_reordered_answers_409(client_as, three):
    proposal = three["proposal"]
    first, second = client_as(Role.STAFF), client_as(Role.STAFF)
    mine = form_data(first.get(order_url(proposal)))
    theirs = form_data(second.get(order_url(proposal)))
    assert second.post(order_url(proposal), data={**theirs, **positions(three, 1, 3, 2)}).status_code == 302

    response = first.post(order_url(proposal), data={**mine, **positions(three, 2, 1, 3)})

    assert response.status_code == 409
    assert names(proposal) == ["Health tech", "Skills", "Clean tech"]
    assert first.post(order_url(proposal), data=form_data(response)).status_code == 302
    assert names(proposal) == ["Clean tech", "Health tech", "Skills"]


def test_the_service_checks_the_positions_are_a_permutation(three):
    proposal = db.session.get(type(three["proposal"]), three["proposal"].id)
    seen = order_key(ranked_priorities(proposal.id))
    a, b, c = three["ids"]
    with pytest.raises(ReorderRefused) as refused:
        reorder_priorities(proposal, {a: 2, b: 2, c: None}, seen, None)
    assert refused.value.problems == {
        b: "Health tech is already at position 2: give Clean tech a position of its own",
        c: "Choose a position for Skills",
    }
    with pytest.raises(OrderChanged):
        reorder_priorities(proposal, {a: 1, b: 2}, seen, None)
    with pytest.raises(OrderChanged):
        reorder_priorities(proposal, {a: 1, b: 2, c: 3}, f"{c},{b},{a}", None)
    db.session.rollback()
    assert names(proposal) == ["Health tech", "Clean tech", "Skills"]


def test_the_order_page_is_ready_for_javascript_and_works_without(staff_client, three):
    page = soup(staff_client.get(order_url(three["proposal"])))
    form = page.select_one("form[data-module='tracker-reorder']")
    assert form is not None
    assert form.select_one("[aria-live='polite'][data-reorder-status]") is not None
    rows = form.select("tbody tr[data-priority-id]")
    assert [row["data-name"] for row in rows] == ["Health tech", "Clean tech", "Skills"]
    labels = [text(label) for label in form.select("tbody label")]
    assert labels == ["Position of Health tech", "Position of Clean tech", "Position of Skills"]
    assert [text(button) for button in form.select("button")] == ["Save order"]


@pytest.mark.parametrize("role", [Role.EXPERT, Role.BOARD])
def test_experts_and_board_cannot_reorder(client_as, three, role):
    proposal = three["proposal"]
    proposal.stage = ProposalStage.CO_CREATION
    db.session.commit()
    client = client_as(role)
    assert soup(client.get(url(proposal))).select_one("a[href$='/order']") is None
    assert client.get(order_url(proposal)).status_code == 403
    assert client.post(order_url(proposal), data=positions(three, 3, 2, 1)).status_code == 403
    assert names(proposal) == ["Health tech", "Clean tech", "Skills"]


def test_a_frozen_proposal_cannot_be_reordered(staff_client, three):
    proposal = three["proposal"]
    form = form_data(staff_client.get(order_url(proposal)))
    proposal.stage = ProposalStage.SUBMITTED
    db.session.commit()
    assert staff_client.post(order_url(proposal), data={**form, **positions(three, 3, 2, 1)}).status_code == 403
    assert names(proposal) == ["Health tech", "Clean tech", "Skills"]


def test_a_single_priority_offers_no_reordering(staff_client):
    proposal = factories.make_proposal()
    add(staff_client, proposal, factories.make_sector(), "10")
    assert soup(staff_client.get(url(proposal))).select_one("a[href$='/order']") is None


def test_removing_after_reordering_keeps_ranks_consecutive(staff_client, three):
    proposal = three["proposal"]
    form = form_data(staff_client.get(order_url(proposal)))
    staff_client.post(order_url(proposal), data={**form, **positions(three, 3, 1, 2)})
    skills = db.session.scalar(select(SectorPriority).where(SectorPriority.id == three["ids"][2]))
    staff_client.post(f"{url(proposal)}/{skills.id}/remove")
    assert [(rank, share) for rank, _, share in priorities(proposal)] == [(1, Decimal("10")), (2, Decimal("10"))]
    assert names(proposal) == ["Clean tech", "Health tech"]


def test_the_browser_moves_rows_as_the_form_expects():
    """static/src/reorder.mjs: moving an item, and what the live region says."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (npm run build needs it too)")
    module = Path(__file__).parent.parent / "static" / "src" / "reorder.mjs"
    script = (
        f"import {{ move, movedMessage, edgeMessage }} from {json.dumps(module.as_uri())};"
        "const items = ['a', 'b', 'c', 'd'];"
        "console.log(JSON.stringify({"
        " up: move(items, 2, 1), down: move(items, 0, 3), same: move(items, 1, 1),"
        " outside: move(items, 0, -1), beyond: move(items, 3, 4), untouched: items,"
        " moved: movedMessage('Clean tech', 2, 4),"
        " first: edgeMessage('Health tech', 1), last: edgeMessage('Skills', 4)}));"
    )
    result = subprocess.run(  # noqa: S603 - node on our own module
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, check=True,
    )
    assert json.loads(result.stdout) == {
        "up": ["a", "c", "b", "d"], "down": ["b", "c", "d", "a"], "same": ["a", "b", "c", "d"],
        "outside": ["a", "b", "c", "d"], "beyond": ["a", "b", "c", "d"], "untouched": ["a", "b", "c", "d"],
        "moved": "Clean tech moved to position 2 of 4",
        "first": "Health tech is already at position 1", "last": "Skills is already last",
    }
