"""In headless Chromium, staff and board members walk one proposal from draft through
co-creation, board endorsement, submission and assessment to funded; every page on the way
passes axe-core's WCAG 2.2 A and AA rules."""

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.test_accessibility import DEMO_PASSWORD, WCAG_TAGS, sign_in
from tracker.demo.seed import seed_demo
from tracker.extensions import db

pytestmark = pytest.mark.e2e

TITLE = "Walked-through accelerator"
BOARD = ["board@example.org", "gurinder.singh@example.org", "claire.robinson@example.org"]


class Walk:
    """A signed-in page that checks each new page with axe as it goes."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url = browser, base_url
        self.axe = Axe()
        self.checked: set[str] = set()
        self.failures: list[str] = []
        self.contexts = []

    def open_as(self, email):
        context = self.browser.new_context()
        self.contexts.append(context)
        page = context.new_page()
        sign_in(page, self.base_url, email)
        return page

    def check(self, page):
        """Run axe once per kind of page (ids in the path replaced), and after every error."""
        kind = re.sub(r"/\d+", "/<id>", urlsplit(page.url).path)
        if page.locator(".govuk-error-summary").count():
            kind += " (with errors)"
        if kind in self.checked:
            return
        self.checked.add(kind)
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        for violation in results.response["violations"]:
            self.failures.append(f"{page.url}: {violation['id']} {[n['target'] for n in violation['nodes']][:3]}")

    def close(self):
        for context in self.contexts:
            context.close()


def move(walk, page, proposal_url, label):
    page.goto(proposal_url)
    walk.check(page)
    page.get_by_label(label).check()
    page.get_by_label("Comment (optional)").fill(f"{label}: the walk goes on")
    page.get_by_role("button", name="Move proposal").click()
    page.wait_for_load_state()
    walk.check(page)
    assert page.locator(".govuk-error-summary").count() == 0, page.locator("main").inner_text()


def test_a_proposal_walks_from_draft_to_funded(app, live_server, browser):
    seed_demo(DEMO_PASSWORD)
    db.session.commit()
    walk = Walk(browser, live_server)
    try:
        staff = walk.open_as("staff@example.org")

        # Draft: create it, with the close date for input.
        staff.goto(f"{live_server}/proposals/new")
        walk.check(staff)
        staff.get_by_label("Programme").select_option(label="West Midlands Innovation Accelerator 2022")
        staff.get_by_label("Title").fill(TITLE)
        staff.get_by_label("Lead organisation").select_option(label="Aston University")
        staff.get_by_label("Funding ask").fill("2,500,000")
        staff.locator("#input_closes_on-day").fill("30")
        staff.locator("#input_closes_on-month").fill("12")
        staff.locator("#input_closes_on-year").fill("2030")
        staff.get_by_label("Summary").fill("A **walk** through every stage.")
        staff.get_by_role("button", name="Save proposal").click()
        staff.wait_for_load_state()
        assert staff.locator("h1").inner_text() == TITLE
        proposal_url = staff.url
        walk.check(staff)

        # The move not yet possible says what is missing.
        assert "Add at least one sector priority" in staff.locator("main").inner_text()

        staff.goto(f"{proposal_url}/priorities")
        walk.check(staff)
        staff.get_by_label("Sector or theme").select_option(label="Health tech and life sciences (sector)")
        staff.get_by_label("Share of the funding ask").fill("100")
        staff.get_by_label("Rationale").fill("It is a health tech accelerator.")
        staff.get_by_role("button", name="Add priority").click()
        staff.wait_for_load_state()
        walk.check(staff)

        move(walk, staff, proposal_url, "Open for co-creation")
        assert "Co-creation" in staff.locator("main").inner_text()

        # Co-creation: write every section and mark it complete.
        keys = staff.eval_on_selector_all(
            "a[href*='/sections/']", "els => els.map(e => e.getAttribute('href'))"
        )
        sections = sorted({href for href in keys if re.fullmatch(r".*/sections/[a-z_]+", href)})
        assert len(sections) == 12
        for href in sections:
            staff.goto(f"{live_server}{href}/edit")
            walk.check(staff)
            staff.get_by_label("Text", exact=True).fill("We will do this well, with partners, on time.")
            staff.get_by_label("Complete").check()
            staff.get_by_role("button", name="Save section").click()
            staff.wait_for_load_state()
            walk.check(staff)
            assert staff.locator(".govuk-error-summary").count() == 0

        move(walk, staff, proposal_url, "Send to board review")

        # Board review: three board members endorse (the quorum is 3).
        for email in BOARD:
            member = walk.open_as(email)
            member.goto(f"{proposal_url}/board")
            walk.check(member)
            member.get_by_label("Endorse", exact=True).check()
            member.get_by_label("Comment").fill("Endorsed on the walk.")
            member.get_by_role("button", name="Record your decision").click()
            member.wait_for_load_state()
            walk.check(member)

        move(walk, staff, proposal_url, "Submit to Innovate UK")
        staff.goto(f"{proposal_url}/submitted")
        walk.check(staff)
        assert "We will do this well" in staff.locator("main").inner_text()

        move(walk, staff, proposal_url, "Mark as under assessment")

        # Assessment: one assessor, 8 out of 10 throughout, recommends funding.
        staff.goto(f"{proposal_url}/assessment")
        walk.check(staff)
        staff.get_by_label("Assessor", exact=True).select_option("1")
        for field in staff.locator("input[id^='score_']").all():
            field.fill("8")
        staff.locator("input[name='fund'][value='yes']").check()
        staff.get_by_role("button", name="Save review").click()
        staff.wait_for_load_state()
        walk.check(staff)
        assert "80%" in staff.locator("main").inner_text()

        staff.locator("input[name='result'][value='funded']").check()
        staff.locator("#decided_on-day").fill("15")
        staff.locator("#decided_on-month").fill("3")
        staff.locator("#decided_on-year").fill("2023")
        staff.get_by_role("button", name="Record decision").click()
        staff.wait_for_load_state()
        walk.check(staff)

        staff.goto(proposal_url)
        assert "Funded" in staff.locator("main").inner_text()
        staff.goto(f"{proposal_url}/activity")
        walk.check(staff)
        assert "Under assessment" in staff.locator("main").inner_text()
        staff.goto(f"{live_server}/notifications")
        walk.check(staff)

        assert not walk.failures, "axe-core violations:\n" + "\n".join(walk.failures)
        assert len(walk.checked) >= 12
    finally:
        walk.close()
