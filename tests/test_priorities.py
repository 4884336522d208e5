"""Sector priorities kept by staff: add, change (share and rationale, with optimistic locking),
remove, on a proposal that is not frozen; bad input is refused in place and nothing is saved;
everyone who may see the proposal reads the list. Ordering, stances and taking input in have
their own test modules (test_priorities_*.py), which share the helpers here."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import (
    activities,
    error_summary,
    inline_error,
    input_value,
    soup,
    summary_errors,
    table_column,
    text,
)
from tests.test_sections import form_values
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.priorities.models import SectorPriority
from tracker.priorities.services import PriorityRefused, add_priority
from tracker.proposals.models import ProposalStage
from tracker.sectors.models import SectorKind


def url(proposal) -> str:
    return f"/proposals/{proposal.id}/priorities"


def add(client, proposal, sector, share="25", rationale="Devices and diagnostics."):
    response = client.post(url(proposal), data={"sector_id": str(sector.id), "share": share, "rationale": rationale})
    if response.status_code == 302:
        client.get(response.location)  # shows the flash once, as a browser would
    return response


def priorities(proposal) -> list[tuple[int, str, Decimal]]:
    rows = db.session.execute(
        select(SectorPriority.rank, SectorPriority.sector_id, SectorPriority.share)
        .where(SectorPriority.proposal_id == proposal.id)
        .order_by(SectorPriority.rank)
    )
    return [tuple(row) for row in rows]


def test_staff_add_priorities_ranked_in_turn(staff_client):
    proposal = factories.make_proposal()
    health = factories.make_sector("Health tech")
    skills = factories.make_sector("Skills", kind=SectorKind.THEME)

    assert add(staff_client, proposal, health, "60", "Most of the work.").status_code == 302
    add(staff_client, proposal, skills, "12.5", "Training nurses.")

    assert priorities(proposal) == [(1, health.id, Decimal("60")), (2, skills.id, Decimal("12.5"))]
    response = staff_client.get(url(proposal))
    assert table_column(response, 0) == ["1", "2"]
    assert [text(th) for th in soup(response).select("tbody th")] == [
        "Health tech (sector)", "Skills (cross-sector theme)",
    ]
    assert table_column(response, 1) == ["60%", "12.5%"]
    assert table_column(response, 2) == ["Most of the work.", "Training nurses."]
    assert "72.5% of the funding ask" in text(soup(response).select_one("caption"))
    [first, second] = activities("priority.added")
    assert first.actor_id == staff_client.user.id and first.proposal_id == proposal.id
    assert second.changes == {"sector": "Skills", "rank": 2, "share": "12.5", "rationale": "Training nurses."}


def test_a_sector_cannot_be_listed_twice(staff_client):
    proposal = factories.make_proposal()
    health = factories.make_sector("Health tech")
    add(staff_client, proposal, health, "30")

    response = add(staff_client, proposal, health, "10", rationale="Again")

    assert response.status_code == 400
    assert error_summary(response) == [("Health tech is already one of this proposal's priorities", "#sector_id")]
    assert inline_error(response, "sector_id") == "Health tech is already one of this proposal's priorities"
    assert input_value(response, "share") == "10"
    assert text(soup(response).select_one("textarea#rationale")) == "Again"
    assert priorities(proposal) == [(1, health.id, Decimal("30"))]
    assert len(activities("priority.added")) == 1


def test_shares_cannot_add_up_to_more_than_100_percent(staff_client):
    proposal = factories.make_proposal()
    add(staff_client, proposal, factories.make_sector(), "70")
    add(staff_client, proposal, factories.make_sector(), "20.5")

    response = add(staff_client, proposal, factories.make_sector(), "10")

    assert error_summary(response) == [(
        "Shares would add up to 100.5%, over 100%: the priorities already take 90.5%, "
        "so at most 9.5% is left", "#share",
    )]
    assert len(priorities(proposal)) == 2


def test_shares_may_add_up_to_exactly_100_percent(staff_client):
    proposal = factories.make_proposal()
    add(staff_client, proposal, factories.make_sector(), "70")
    assert add(staff_client, proposal, factories.make_sector(), "30").status_code == 302
    assert len(priorities(proposal)) == 2


@pytest.mark.parametrize(
    "share,message",
    [
        ("-5", "Share of the funding ask must be between 0 and 100"),
        ("101", "Share of the funding ask must be between 0 and 100"),
        ("a lot", "Share of the funding ask must be a number, like 70"),
        ("", "Enter the share of the funding ask, from 0 to 100"),
    ],
)
def test_a_share_must_be_a_percentage(staff_client, share, message):
    proposal = factories.make_proposal()
    response = add(staff_client, proposal, factories.make_sector(), share)
    assert response.status_code == 400
    assert error_summary(response) == [(message, "#share")]
    assert priorities(proposal) == []


def test_the_service_refuses_a_negative_share():
    proposal = factories.make_proposal()
    with pytest.raises(PriorityRefused) as refused:
        add_priority(proposal, factories.make_sector(), Decimal("-1"), "", factories.make_user())
    assert refused.value.field == "share"


def test_a_retired_sector_is_not_offered_and_is_refused(staff_client):
    proposal = factories.make_proposal()
    retired = factories.make_sector("Coal", retired=True)
    factories.make_sector("Clean tech")

    offered = [text(option) for option in soup(staff_client.get(url(proposal))).select("#sector_id option")]
    assert offered == ["Select a sector or theme", "Clean tech (sector)"]

    response = add(staff_client, proposal, retired)
    assert error_summary(response) == [
        ("Coal has been retired: select a sector or theme still in use", "#sector_id")
    ]
    assert priorities(proposal) == []


@pytest.mark.parametrize("sector_id", ["", "999999", "nonsense"])
def test_a_sector_must_be_chosen(staff_client, sector_id):
    proposal = factories.make_proposal()
    response = staff_client.post(url(proposal), data={"sector_id": sector_id, "share": "5", "rationale": "x"})
    assert error_summary(response) == [("Select a sector or theme", "#sector_id")]
    assert priorities(proposal) == []


def test_a_rationale_is_needed(staff_client):
    proposal = factories.make_proposal()
    response = add(staff_client, proposal, factories.make_sector(), "5", rationale="  ")
    assert error_summary(response) == [("Enter why the proposal serves this sector or theme", "#rationale")]
    assert priorities(proposal) == []


def test_removing_a_priority_moves_the_others_up(staff_client):
    proposal = factories.make_proposal()
    one, two, three = (factories.make_sector(f"Sector {name}") for name in "ABC")
    for sector in (one, two, three):
        add(staff_client, proposal, sector, "10")
    first = db.session.scalar(select(SectorPriority).where(SectorPriority.sector_id == one.id))

    response = staff_client.post(f"{url(proposal)}/{first.id}/remove")

    assert response.status_code == 302
    staff_client.get(response.location)
    assert priorities(proposal) == [(1, two.id, Decimal("10")), (2, three.id, Decimal("10"))]
    [entry] = activities("priority.removed")
    assert entry.summary == "Removed Sector A (priority 1, 10% of the ask)"
    add(staff_client, proposal, one, "10")
    assert priorities(proposal)[-1] == (3, one.id, Decimal("10"))


def test_a_priority_of_another_proposal_cannot_be_removed_here(staff_client):
    mine, theirs = factories.make_proposal(), factories.make_proposal()
    add(staff_client, theirs, factories.make_sector())
    priority_id = db.session.scalar(select(SectorPriority.id))
    assert staff_client.post(f"{url(mine)}/{priority_id}/remove").status_code == 404
    assert staff_client.post(f"{url(mine)}/999999/remove").status_code == 404
    assert db.session.scalar(select(func.count(SectorPriority.id))) == 1


def test_a_frozen_proposal_shows_its_priorities_but_no_form(staff_client):
    proposal = factories.make_proposal()
    sector = factories.make_sector("Health tech")
    add(staff_client, proposal, sector)
    proposal.stage = ProposalStage.SUBMITTED
    db.session.commit()
    priority_id = db.session.scalar(select(SectorPriority.id))

    page = soup(staff_client.get(url(proposal)))
    assert page.select_one("form[action$='/priorities']") is None
    assert not [button for button in page.select("button") if "Remove" in text(button)]
    assert staff_client.post(url(proposal), data={"sector_id": factories.make_sector().id, "share": "5",
                                                  "rationale": "x"}).status_code == 403
    assert staff_client.post(f"{url(proposal)}/{priority_id}/remove").status_code == 403
    assert len(priorities(proposal)) == 1


@pytest.mark.parametrize("role", [Role.EXPERT, Role.BOARD])
def test_experts_and_board_read_but_cannot_change(client_as, staff_client, role):
    proposal = factories.make_proposal(stage=ProposalStage.CO_CREATION)
    add(staff_client, proposal, factories.make_sector("Clean tech"))
    client = client_as(role)

    page = client.get(url(proposal))
    assert page.status_code == 200
    assert table_column(page, 1) == ["25%"]
    assert soup(page).select_one("#sector_id") is None
    assert client.post(url(proposal), data={"sector_id": "1", "share": "5", "rationale": "x"}).status_code == 403
    priority_id = db.session.scalar(select(SectorPriority.id))
    assert client.post(f"{url(proposal)}/{priority_id}/remove").status_code == 403
    assert len(priorities(proposal)) == 1


def test_the_proposal_page_links_to_its_priorities(staff_client):
    proposal = factories.make_proposal()
    page = soup(staff_client.get(f"/proposals/{proposal.id}"))
    assert page.select_one(f"a[href='{url(proposal)}']") is not None


def priority_named(proposal, sector) -> SectorPriority:
    return db.session.scalar(select(SectorPriority).where(
        SectorPriority.proposal_id == proposal.id, SectorPriority.sector_id == sector.id
    ))


class _Fragment:
    """Part of a page, readable as a response is."""

    def __init__(self, html: str):
        self.html = html

    def get_data(self, as_text: bool = True) -> str:
        return self.html


def form_data(response, action: str | None = None) -> dict[str, str]:
    """What a form on the page sends as it stands: the first in <main> whose action contains
    `action`, or the first of all (read as tests.test_sections.form_values reads it)."""
    if action is None:
        return form_values(response)
    forms = soup(response).select("main form[method=post]")
    form = next(form for form in forms if action in form.get("action", ""))
    return form_values(_Fragment(f"<main>{form}</main>"))


# Changing a priority --------------------------------------------------------------------


@pytest.fixture
def listed(staff_client):
    """A draft proposal with Health tech at 60% and Clean tech at 30%."""
    proposal = factories.make_proposal()
    health, clean = factories.make_sector("Health tech"), factories.make_sector("Clean tech")
    add(staff_client, proposal, health, "60", "Most of the work.")
    add(staff_client, proposal, clean, "30", "Lower emissions.")
    return {"proposal": proposal, "health": priority_named(proposal, health),
            "clean": priority_named(proposal, clean)}


def edit_url(proposal, priority) -> str:
    return f"{url(proposal)}/{priority.id}/edit"


def test_staff_change_a_share_and_rationale(staff_client, listed):
    proposal, health = listed["proposal"], listed["health"]
    page = staff_client.get(url(proposal))
    assert soup(page).select_one(f"a[href='{edit_url(proposal, health)}']") is not None
    form = staff_client.get(edit_url(proposal, health))
    assert input_value(form, "share") == "60"
    assert "The other priorities take 30%" in text(soup(form))

    response = staff_client.post(edit_url(proposal, health), data={
        **form_data(form), "share": "65.5", "rationale": "Devices and diagnostics.",
    })

    assert response.status_code == 302
    changed = db.session.get(SectorPriority, health.id)
    assert (changed.share, changed.rationale, changed.rank) == (Decimal("65.5"), "Devices and diagnostics.", 1)
    [entry] = activities("priority.changed")
    assert entry.summary == "Changed Health tech (priority 1, 65.5% of the ask)"
    assert entry.changes == {"share": ["60", "65.5"], "rationale": ["Most of the work.", "Devices and diagnostics."]}
    assert entry.proposal_id == proposal.id


def test_saving_without_a_change_records_nothing(staff_client, listed):
    proposal, health = listed["proposal"], listed["health"]
    form = staff_client.get(edit_url(proposal, health))
    assert staff_client.post(edit_url(proposal, health), data=form_data(form)).status_code == 302
    assert activities("priority.changed") == []


def test_a_changed_share_still_keeps_the_total_within_100_percent(staff_client, listed):
    proposal, health = listed["proposal"], listed["health"]
    form = form_data(staff_client.get(edit_url(proposal, health)))

    response = staff_client.post(edit_url(proposal, health), data={**form, "share": "70.5", "rationale": "More."})

    assert response.status_code == 400
    assert error_summary(response) == [(
        "Shares would add up to 100.5%, over 100%: the other priorities take 30%, so at most 70% is left",
        "#share",
    )]
    assert input_value(response, "share") == "70.5"
    assert text(soup(response).select_one("textarea#rationale")) == "More."
    assert db.session.get(SectorPriority, health.id).share == Decimal("60")
    assert activities("priority.changed") == []
    assert staff_client.post(edit_url(proposal, health), data={**form, "share": "70"}).status_code == 302


@pytest.mark.parametrize("share,message", [
    ("-1", "Share of the funding ask must be between 0 and 100"),
    ("", "Enter the share of the funding ask, from 0 to 100"),
    ("1.234", "Share of the funding ask can have at most 2 decimal places"),
])
def test_a_changed_share_must_be_a_percentage(staff_client, listed, share, message):
    proposal, health = listed["proposal"], listed["health"]
    form = form_data(staff_client.get(edit_url(proposal, health)))
    response = staff_client.post(edit_url(proposal, health), data={**form, "share": share})
    assert response.status_code == 400
    assert error_summary(response) == [(message, "#share")]
    assert db.session.get(SectorPriority, health.id).share == Decimal("60")


def test_a_stale_save_answers_409_and_keeps_what_was_typed(client_as, listed):
    proposal, health = listed["proposal"], listed["health"]
    first, second = client_as(Role.STAFF), client_as(Role.STAFF)
    mine = form_data(first.get(edit_url(proposal, health)))
    theirs = form_data(second.get(edit_url(proposal, health)))
    assert second.post(edit_url(proposal, health), data={**theirs, "share": "50"}).status_code == 302

    response = first.post(edit_url(proposal, health), data={**mine, "share": "55", "rationale": "Mine."})

    assert response.status_code == 409
    assert summary_errors(response) == [
        "Someone else changed this priority while you were editing it. Your changes have not been "
        "saved yet: check the differences below, then save again."
    ]
    assert input_value(response, "share") == "55"
    assert text(soup(response).select_one("textarea#rationale")) == "Mine."
    conflicts = [[text(cell) for cell in row.select("th, td")] for row in soup(response).select(".tracker-conflicts tbody tr")]
    assert conflicts == [["Share of the funding ask", "50%", "55%"], ["Rationale", "Most of the work.", "Mine."]]
    saved = db.session.get(SectorPriority, health.id)
    assert (saved.share, saved.rationale) == (Decimal("50"), "Most of the work.")
    # The form now carries the version it was shown against: saving again works.
    assert first.post(edit_url(proposal, health), data=form_data(response)).status_code == 302
    assert db.session.get(SectorPriority, health.id).share == Decimal("55")


def test_a_priority_of_another_proposal_cannot_be_changed_here(staff_client, listed):
    other = factories.make_proposal()
    assert staff_client.get(edit_url(other, listed["health"])).status_code == 404


def test_the_service_refuses_changes_to_a_frozen_proposal(listed):
    from tracker.priorities.services import update_priority

    proposal, health = listed["proposal"], listed["health"]
    proposal.stage = ProposalStage.SUBMITTED
    with pytest.raises(PriorityRefused) as refused:
        update_priority(proposal, health, Decimal("1"), "x", health.version, factories.make_user())
    assert refused.value.message == f"{proposal.title} is at Submitted: its priorities can no longer change"
    with pytest.raises(PriorityRefused):
        add_priority(proposal, factories.make_sector(), Decimal("1"), "x", factories.make_user())


@pytest.mark.parametrize("stage", [ProposalStage.SUBMITTED, ProposalStage.FUNDED])
def test_a_frozen_proposal_cannot_be_changed(staff_client, listed, stage):
    proposal, health = listed["proposal"], listed["health"]
    proposal.stage = stage
    db.session.commit()
    assert staff_client.get(edit_url(proposal, health)).status_code == 403
    assert staff_client.post(edit_url(proposal, health), data={"share": "1", "rationale": "x",
                                                                 "edit_version": "1"}).status_code == 403
    page = soup(staff_client.get(url(proposal)))
    assert page.select_one("a[href$='/edit']") is None
    assert page.select_one("a[href$='/order']") is None


@pytest.mark.parametrize("role", [Role.EXPERT, Role.BOARD])
def test_experts_and_board_cannot_change_a_priority(client_as, listed, role):
    proposal, health = listed["proposal"], listed["health"]
    proposal.stage = ProposalStage.CO_CREATION
    db.session.commit()
    client = client_as(role)
    page = soup(client.get(url(proposal)))
    assert page.select_one("a[href$='/edit']") is None
    assert client.get(edit_url(proposal, health)).status_code == 403
    assert client.post(edit_url(proposal, health), data={"share": "1", "rationale": "x"}).status_code == 403
    assert db.session.get(SectorPriority, health.id).share == Decimal("60")


def test_the_page_shows_counts_of_endorsements_and_challenges(staff_client, listed):
    page = staff_client.get(url(listed["proposal"]))
    assert table_column(page, 3) == ["Endorsed 0, challenged 0", "Endorsed 0, challenged 0"]
    assert [text(h) for h in soup(page).select("h3")] == ["1. Health tech", "2. Clean tech"]


def test_the_list_is_paginated(staff_client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    proposal = factories.make_proposal()
    for n in range(3):
        add_priority(proposal, factories.make_sector(f"Sector {n}"), Decimal("1"), "Why.", None)
    db.session.commit()
    assert table_column(staff_client.get(url(proposal)), 0) == ["1", "2"]
    second = staff_client.get(f"{url(proposal)}?page=2")
    assert table_column(second, 0) == ["3"]
    assert [text(h) for h in soup(second).select("h3")] == ["3. Sector 2"]
