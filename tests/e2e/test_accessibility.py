"""In headless Chromium: each demo role signs in, sees its home page (screenshot saved), and
every page that role can reach passes axe-core's WCAG 2.2 A and AA rules."""

import re
from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import SCREENSHOTS
from tracker.demo.seed import seed_demo
from tracker.extensions import db

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "demo tracker password for browser tests"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
HOME_HEADINGS = {"admin": "Home", "staff": "Home", "expert": "Home", "board": "Home"}
# The crawl checks every kind of page (its path with ids replaced) a role can reach, at most
# PER_KIND of each, so that 47 contributions do not crowd out the pages behind them.
MAX_PAGES_PER_ROLE = 120
PER_KIND = 1
DOWNLOADS = (".csv", ".xlsx", ".pdf", ".ics", ".json")


@pytest.fixture
def demo_data(app):
    seed_demo(DEMO_PASSWORD)
    db.session.commit()


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/auth/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def reachable_pages(page, base_url: str) -> list[str]:
    """Every same-site page linked from the pages the signed-in person can open (GET only)."""
    seen: set[str] = set()
    kinds: Counter = Counter()
    # Search is a form, not a link: start from one search with results as well as the home page.
    queue = deque([f"{base_url}/", f"{base_url}/search?q=hydrogen"])
    pages = []
    while queue and len(pages) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        kind = re.sub(r"/\d+", "/<id>", urlsplit(url).path)
        if url in seen or kinds[kind] >= PER_KIND:
            continue
        seen.add(url)
        kinds[kind] += 1
        response = page.goto(url)
        if response is None or response.status != 200 or "/auth/sign-in" in page.url:
            continue
        pages.append(url)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            href = urldefrag(href).url
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != base_url:
                continue
            if parts.path.startswith(("/static/", "/api/")) or parts.path.endswith(DOWNLOADS) \
                    or "/attachments/" in parts.path:
                continue  # files, not pages
            if "page=" in parts.query and parts.query.count("=") > 1:
                continue  # one page of each filtered list is enough
            if href not in seen:
                queue.append(href)
    return pages


@pytest.mark.parametrize("role", ["admin", "staff", "expert", "board"])
def test_every_page_a_role_reaches_passes_axe(app, live_server, browser, demo_data, role):
    context = browser.new_context()
    page = context.new_page()
    try:
        sign_in(page, live_server, f"{role}@example.org")
        assert page.url == f"{live_server}/", f"{role} did not land on the home page"
        assert page.locator("h1").inner_text() == HOME_HEADINGS[role]
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{role}-home.png"), full_page=True)

        axe = Axe()
        failures = []
        pages = reachable_pages(page, live_server)
        assert len(pages) >= 3, f"{role} reached too few pages: {pages}"
        for url in pages:
            page.goto(url)
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            for violation in results.response["violations"]:
                targets = [node["target"] for node in violation["nodes"]][:3]
                failures.append(f"{url}: {violation['id']} ({violation['impact']}) {targets}")
        assert not failures, "axe-core violations:\n" + "\n".join(failures)
    finally:
        context.close()


def test_keyboard_only_sign_in_and_sign_out(app, live_server, browser, demo_data):
    """A person using only the keyboard can sign in, reach the navigation and sign out."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{live_server}/auth/sign-in")
        page.keyboard.press("Tab")  # the skip link comes first
        assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
        page.get_by_label("Email address").focus()
        page.keyboard.type("staff@example.org")
        page.keyboard.press("Tab")
        page.keyboard.type(DEMO_PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server}/")
        sign_out = page.get_by_role("button", name="Sign out")
        sign_out.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server}/auth/sign-in")
        assert "You have signed out" in page.content()
    finally:
        context.close()


def test_pages_work_without_javascript(app, live_server, browser, demo_data):
    """With JavaScript off, a member of staff can still sign in and create a proposal."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, "staff@example.org")
        page.goto(f"{live_server}/proposals/new")
        page.get_by_label("Programme").select_option(label="West Midlands Innovation Accelerator 2022")
        page.get_by_label("Title").fill("Keyboard and no-script test proposal")
        page.get_by_label("Lead organisation").select_option(label="Aston University")
        page.get_by_label("Funding ask").fill("250,000")
        page.get_by_role("button", name="Save proposal").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Keyboard and no-script test proposal"
        assert "£250,000" in page.content()
    finally:
        context.close()
