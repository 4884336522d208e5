"""In headless Chromium, on the demo data: a board member signs in and lands on their home (what
waits for their decision, then the dashboard), opens the dashboard, follows the number of funded
proposals to the proposals list and finds exactly those, comes back and downloads the board
pack as a PDF. axe-core's WCAG 2.2 A and AA rules run on every page state on the way."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.test_milestones_browser import walk  # noqa: F401  (the demo, signed-in pages checked by axe)
from tracker.extensions import db
from tracker.proposals.models import Proposal, ProposalStage

pytestmark = pytest.mark.e2e

BOARD = "board@example.org"


def test_a_board_member_follows_a_number_to_its_list_and_downloads_the_pack(walk):  # noqa: F811
    funded = sorted(db.session.scalars(select(Proposal.title).where(Proposal.stage == ProposalStage.FUNDED)))
    board = walk.open_as(BOARD, accept_downloads=True)

    # Home: what waits for their decision first, then the dashboard.
    expect(board.locator("h1")).to_have_text("Home")
    expect(board.locator("h2").first).to_have_text("Waiting for your decision")
    walk.check(board)

    board.get_by_role("link", name="Dashboard", exact=True).click()
    expect(board.locator("h1")).to_have_text("Dashboard")
    dashboard_url = board.url
    walk.check(board)

    # The number of funded proposals, to the list behind it: exactly those proposals.
    row = board.locator("#stage-table tbody tr").filter(has=board.locator("th", has_text="Funded"))
    expect(row.locator("td").first).to_have_text(f"{len(funded)} Funded proposals")
    row.locator("td").first.get_by_role("link").click()
    expect(board.locator("h1")).to_have_text("Proposals")
    titles = board.locator("main table tbody tr td:first-child a")
    expect(titles).to_have_count(len(funded))
    assert sorted(titles.all_inner_texts()) == funded
    walk.check(board)

    # Back on the dashboard, the board pack as a PDF.
    board.goto(dashboard_url)
    with board.expect_download() as downloading:
        board.get_by_role("link", name="Board pack as a PDF").click()
    download = downloading.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    assert not walk.failures, "axe-core violations:\n" + "\n".join(walk.failures)
    assert len(walk.runs) == 3, walk.runs
