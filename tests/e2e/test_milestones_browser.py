"""In headless Chromium, on the demo data: staff build a chain of three milestones on a proposal
through the forms (one refused first for its errors), read the timeline's table and chart, make
the first step overdue and see the forecasts after it move out by as much and the critical path
follow them, have a dependency cycle refused by name with nothing saved, mark the first step done
and see the forecasts come back, and read their own milestones grouped at /me/milestones.
axe-core's WCAG 2.2 A and AA rules run on every page state on the way."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.test_accessibility import DEMO_PASSWORD
from tests.e2e.test_co_creation_browser import CoCreationWalk, banner, summary_value
from tracker.auth.models import User
from tracker.demo.seed import seed_demo
from tracker.extensions import db
from tracker.milestones.timeline import short_date
from tracker.proposals.models import Proposal
from tracker.templating import long_date

pytestmark = pytest.mark.e2e

PROPOSAL = "Inclusive Innovation Skills Pathway"
STAFF = "staff@example.org"
A, B, C = "Scope agreed", "Partners sign", "Full proposal sent"
DEMO_GATEWAY = "Submitted at the Innovate UK gateway"  # the demo's own last step before delivery
SLIP = 10  # A is moved to this many days ago
# The timeline table's cells after the milestone's own <th>, by column heading.
COLUMNS = ("Kind", "Owner", "Start", "Due", "Forecast", "State", "RAG", "Depends on", "Critical path")


@pytest.fixture
def walk(app, live_server, browser):
    seed_demo(DEMO_PASSWORD)
    db.session.commit()
    walk = CoCreationWalk(browser, live_server)
    yield walk
    walk.close()


def cell(page, milestone_id: int, column: str):
    return page.locator(f"#row-{milestone_id} td").nth(COLUMNS.index(column))


def fill_date(page, prefix: str, day: date | None) -> None:
    for part, value in (("day", day and day.day), ("month", day and day.month), ("year", day and day.year)):
        page.locator(f"#{prefix}-{part}").fill("" if value is None else str(value))


def add_milestone(walk, page, timeline_url: str, title: str, kind: str, due: date,
                  depends_on: tuple[str, date] | None = None) -> int:
    """Add a milestone from the timeline's button; returns its id, from the page it lands on."""
    page.goto(timeline_url)
    page.get_by_role("link", name="Add a milestone").click()
    expect(page.locator("h1")).to_have_text("Add a milestone")
    page.get_by_label("Title").fill(title)
    page.get_by_label(kind, exact=True).check()
    fill_date(page, "due_on", due)
    if depends_on:
        page.get_by_label(f"{depends_on[0]}, due {long_date(depends_on[1])}", exact=True).check()
    page.get_by_role("button", name="Add milestone").click()
    expect(page.locator("h1")).to_have_text(title)
    expect(banner(page)).to_contain_text(f"{title} has been added")
    walk.check(page)
    return int(page.url.rsplit("/", 1)[1])


def change(walk, page, milestone_id: int, title: str):
    """Open the milestone and its Change form."""
    page.goto(f"{walk.base_url}/milestones/{milestone_id}")
    page.get_by_role("link", name=f"Change {title}").click()
    expect(page.locator("h1")).to_have_text(f"Change {title}")
    walk.check(page)


def expect_row(page, milestone_id: int, *, forecast: str, rag: str, critical: str, note: str = "") -> None:
    expect(cell(page, milestone_id, "Forecast")).to_have_text(forecast)
    expect(cell(page, milestone_id, "RAG")).to_contain_text(rag)
    if note:
        expect(cell(page, milestone_id, "RAG")).to_contain_text(note)
    expect(cell(page, milestone_id, "Critical path")).to_have_text(critical)


def test_staff_build_a_chain_and_watch_the_forecast_move(walk):
    today = date.today()
    due = {A: today + timedelta(days=5), B: today + timedelta(days=20), C: today + timedelta(days=30)}
    proposal_id = db.session.scalar(select(Proposal.id).where(Proposal.title == PROPOSAL))
    staff_name = db.session.scalar(select(User.name).where(User.email == STAFF))
    staff = walk.open_as(STAFF)

    # The proposal's milestones, from the proposal page.
    staff.goto(f"{walk.base_url}/proposals/{proposal_id}")
    staff.get_by_role("link", name="Milestones", exact=True).click()
    expect(staff.locator("h1")).to_have_text(f"Milestones for {PROPOSAL}")
    timeline_url = staff.url
    walk.check(staff)

    # The form, then the form with its errors (no title, 31 February).
    staff.get_by_role("link", name="Add a milestone").click()
    expect(staff.locator("h1")).to_have_text("Add a milestone")
    walk.check(staff)
    staff.locator("#due_on-day").fill("31")
    staff.locator("#due_on-month").fill("2")
    staff.locator("#due_on-year").fill(str(today.year + 1))
    staff.get_by_role("button", name="Add milestone").click()
    summary = staff.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the milestone's title")
    assert staff.title().startswith("Error: Add a milestone")
    walk.check(staff)

    # The chain: A, then B after A, then C (the gateway) after B.
    a = add_milestone(walk, staff, timeline_url, A, "Internal", due[A])
    expect(summary_value(staff, "Owner")).to_have_text(staff_name)  # the form starts with the reader
    expect(staff.locator("#rag-status")).to_contain_text("▲ Amber")  # due within 14 days, not started
    b = add_milestone(walk, staff, timeline_url, B, "Internal", due[B], (A, due[A]))
    expect(staff.locator("#depends-on")).to_contain_text(A)
    c = add_milestone(walk, staff, timeline_url, C, "Innovate UK gateway", due[C], (B, due[B]))

    # On time: each forecast is its due date; the demo's own gateway (later) sets the end date.
    staff.goto(timeline_url)
    expect_row(staff, a, forecast=long_date(due[A]), rag="▲ Amber", critical="No")
    expect_row(staff, b, forecast=long_date(due[B]), rag="● Green", critical="No")
    expect_row(staff, c, forecast=long_date(due[C]), rag="● Green", critical="No")
    expect(cell(staff, c, "Depends on")).to_have_text(B)
    expect(cell(staff, c, "Kind")).to_have_text("Innovate UK gateway")
    expect(staff.locator("#milestones tbody tr").filter(
        has=staff.locator("td:last-child", has_text="Yes"))).not_to_have_count(0)
    expect(summary_value(staff, "Forecast end")).to_contain_text(f"set by {DEMO_GATEWAY}")
    chart = staff.locator("svg[role=img]")
    expect(chart).to_have_count(1)
    expect(chart.locator("title")).to_contain_text(f"Timeline of {PROPOSAL}")
    expect(chart.locator("text", has_text=f"Today, {short_date(today)}")).to_have_count(1)
    expect(chart.locator(f"g[data-milestone='{c}']")).to_contain_text(f"● Green {C}")
    walk.check(staff)

    # A moved to 10 days ago, not started: overdue, so red; B and C move out 10 days, amber.
    change(walk, staff, a, A)
    expect(staff.locator("#due_on-day")).to_have_value(str(due[A].day))
    fill_date(staff, "due_on", today - timedelta(days=SLIP))
    staff.get_by_role("button", name="Save milestone").click()
    expect(banner(staff)).to_contain_text(f"{A} has been saved")
    expect(staff.locator("#rag-status")).to_contain_text(f"! Red Overdue: it was due on {long_date(today - timedelta(days=SLIP))}")
    walk.check(staff)
    staff.goto(timeline_url)
    late = f"({SLIP} days late)"
    expect_row(staff, a, forecast=f"{long_date(today)} {late}", rag="! Red", note="Overdue", critical="Yes")
    expect_row(staff, b, forecast=f"{long_date(due[B] + timedelta(days=SLIP))} {late}", rag="▲ Amber",
               note="Waits on a late milestone", critical="Yes")
    expect_row(staff, c, forecast=f"{long_date(due[C] + timedelta(days=SLIP))} {late}", rag="▲ Amber",
               note="Waits on a late milestone", critical="Yes")
    forecast_end = summary_value(staff, "Forecast end")
    expect(forecast_end).to_contain_text(long_date(due[C] + timedelta(days=SLIP)))
    expect(forecast_end).to_contain_text(f"set by {C}")
    expect(staff.locator(f"svg g[data-milestone='{c}']")).to_contain_text("critical path")
    walk.check(staff)

    # B's page names what holds it up.
    staff.goto(f"{walk.base_url}/milestones/{b}")
    expect(summary_value(staff, "Forecast")).to_contain_text(f"Held up by {A}")
    walk.check(staff)

    # The owner's own list: A overdue, B and C later.
    staff.goto(f"{walk.base_url}/me/milestones")
    expect(staff.locator("h1")).to_have_text("Your milestones")
    expect(staff.locator("#overdue caption")).to_contain_text("Overdue (")
    expect(staff.locator("#overdue")).to_contain_text(A)
    expect(staff.locator("#later").locator("tr", has_text=B)).to_contain_text(late)
    expect(staff.locator("#later")).to_contain_text(C)
    expect(staff.locator("#overdue, #this-week")).not_to_contain_text(B)
    walk.check(staff)

    # A after C would close a cycle: refused, named, nothing saved.
    change(walk, staff, a, A)
    staff.get_by_label(f"{C}, due {long_date(due[C])}", exact=True).check()
    fill_date(staff, "due_on", due[A])  # typed, but not to be saved either
    staff.get_by_role("button", name="Save milestone").click()
    cycle = f"That would make a cycle: {A} → {C} → {B} → {A}"
    expect(staff.locator(".govuk-error-summary")).to_contain_text(cycle)
    expect(staff.locator("#depends_on-error, .govuk-error-message").first).to_contain_text(cycle)
    assert staff.title().startswith(f"Error: Change {A}")
    walk.check(staff)
    staff.goto(f"{walk.base_url}/milestones/{a}")
    expect(staff.locator("main")).to_contain_text("It does not depend on any other milestone.")
    expect(summary_value(staff, "Due date")).to_have_text(long_date(today - timedelta(days=SLIP)))

    # A done today, 10 days late: done late is still late, so B and C stay out.
    change(walk, staff, a, A)
    staff.get_by_label("Done", exact=True).check()
    staff.get_by_role("button", name="Save milestone").click()
    expect(summary_value(staff, "Done on")).to_have_text(long_date(today))
    walk.check(staff)
    staff.goto(timeline_url)
    expect_row(staff, a, forecast=f"Done on {long_date(today)} {late}", rag="✓ Done", critical="Yes")
    expect_row(staff, b, forecast=f"{long_date(due[B] + timedelta(days=SLIP))} {late}", rag="▲ Amber",
               critical="Yes")

    # Its due date put back to the plan, so it was done early: the forecasts return.
    change(walk, staff, a, A)
    fill_date(staff, "due_on", due[A])
    staff.get_by_role("button", name="Save milestone").click()
    expect(banner(staff)).to_contain_text(f"{A} has been saved")
    staff.goto(timeline_url)
    expect_row(staff, a, forecast=f"Done on {long_date(today)} (5 days early)", rag="✓ Done", critical="No")
    expect_row(staff, b, forecast=long_date(due[B]), rag="● Green", critical="No")
    expect_row(staff, c, forecast=long_date(due[C]), rag="● Green", critical="No")
    expect(summary_value(staff, "Forecast end")).to_contain_text(f"set by {DEMO_GATEWAY}")
    walk.check(staff)

    assert not walk.failures, "axe-core violations:\n" + "\n".join(walk.failures)
    assert len(walk.runs) >= 14, walk.runs
