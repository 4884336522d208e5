"""In headless Chromium: the live word count follows the typing (and is announced politely),
and every section page, including the 409 comparison, passes axe-core's WCAG 2.2 AA rules."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests import factories
from tests.test_sections import save, section_of
from tracker.auth.models import Role
from tracker.extensions import db

pytestmark = pytest.mark.e2e

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def signed_in_page(browser, live_server):
    """open(person) -> a page signed in as that person, through the real sign-in form."""
    contexts = []

    def open_as(person):
        email = person.email
        db.session.commit()  # end the test's read, so the app (another connection) may write
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server}/auth/sign-in")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server}/")
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def proposal():
    proposal = factories.make_proposal(title="Health tech accelerator")
    section = section_of(proposal)
    section.word_limit = 5
    db.session.commit()
    save(proposal, "The quick brown fox.")
    save(proposal, "The slow brown fox.")
    return proposal


def test_the_word_count_follows_the_typing(signed_in_page, live_server, proposal):  # noqa: F811
    page = signed_in_page(factories.make_user(Role.STAFF))
    page.goto(f"{live_server}/proposals/{proposal.id}/sections/risks/edit")
    message = page.locator("#text-word-count")
    expect(message).to_have_text("You have 4 words of 5")
    assert page.get_by_label("Text").get_attribute("aria-describedby").endswith("text-word-count")

    page.get_by_label("Text").fill("One two three four five six.")

    expect(message).to_have_text("You have 6 words of 5: 1 over the limit")
    expect(message).to_have_class("govuk-body tracker-word-count__message tracker-word-count__message--over")
    announced = page.locator('.tracker-word-count [aria-live="polite"]')
    expect(announced).to_have_text("You have 6 words of 5: 1 over the limit")
    assert message.get_attribute("aria-hidden") == "true"


def test_section_pages_pass_axe(signed_in_page, live_server, proposal):  # noqa: F811
    base = f"{live_server}/proposals/{proposal.id}/sections/risks"
    first = signed_in_page(factories.make_user(Role.STAFF))
    second = signed_in_page(factories.make_user(Role.STAFF))
    axe = Axe()
    failures = []

    def check(page, what):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            failures.append(f"{what}: {violation['id']} ({violation['impact']}) {targets}")

    for address in ("", "/edit", "/history", "/compare?from=1&to=2", "/compare?from=x"):
        first.goto(base + address)
        check(first, address or "view")

    first.goto(base + "/edit")
    second.goto(base + "/edit")
    first.get_by_label("Text").fill("The slow red fox.")
    first.get_by_role("button", name="Save section").click()
    second.get_by_label("Text").fill("The slow brown dog.")
    second.get_by_role("button", name="Save section").click()
    expect(second.locator("h1")).to_have_text("Edit Risks")
    expect(second.locator(".tracker-comparison")).to_be_visible()
    check(second, "409 conflict")

    assert not failures, "axe-core violations:\n" + "\n".join(failures)
