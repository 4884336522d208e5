"""In headless Chromium, on the demo data: an expert suggests a change to a section with a PDF
attached, staff triage it and accept it into a new revision (and merge a suggestion whose
section changed since), the expert sees the response, and the co-creation report and its CSV
show it; staff answer input by keyboard alone and with JavaScript off. Every page on the way
passes axe-core's WCAG 2.2 A and AA rules."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import DEMO_PASSWORD, WCAG_TAGS, sign_in
from tests.e2e.test_lifecycle_walk import Walk
from tracker.demo.inputs import _pdf
from tracker.demo.seed import seed_demo
from tracker.extensions import db

pytestmark = pytest.mark.e2e

PROPOSAL = "Hydrogen for Heavy Industry Demonstrator"
EXPERT, OWNER, STAFF = "expert@example.org", "james.patel@example.org", "staff@example.org"
SECTION, SECTION_KEY = "Market awareness", "market"
TITLE = "Foundries are asking for this"
ADDED = " Since then 14 foundries have written to ask when the first call opens."
PDF_NAME, PDF_BYTES = "foundry-letters.pdf", _pdf("Letters from foundries")
# The demo's suggested change to "Wider impacts", made before staff changed that section.
CONFLICTED = "Report carbon in tonnes"
LATER_EDIT = "Partners confirmed their commitments in writing."
MERGED_END = " Both changes are kept."


class CoCreationWalk(Walk):
    """The walk, with axe run on each page every time it is checked, not once per address: the
    same address shows a form, then its errors, a conflict, or the answer given."""

    def __init__(self, browser, base_url):
        super().__init__(browser, base_url)
        self.person: dict[int, str] = {}
        self.runs: list[str] = []

    def open_as(self, email, **context_options):
        context = self.browser.new_context(**context_options)
        self.contexts.append(context)
        page = context.new_page()
        sign_in(page, self.base_url, email)
        assert page.url == f"{self.base_url}/", f"{email} could not sign in"
        self.person[id(page)] = email
        return page

    def check(self, page):
        seen = f"{self.person[id(page)]} on {page.url} ({page.title()})"
        self.runs.append(seen)
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            self.failures.append(f"{seen}: {violation['id']} ({violation['impact']}) {targets}")


def banner(page):
    return page.locator(".govuk-notification-banner")


def row_of(page, text: str):
    """The one row of the contributions table that mentions `text`."""
    row = page.locator("#contributions tbody tr").filter(has_text=text)
    expect(row).to_have_count(1)
    return row


def summary_value(page, key: str):
    return page.locator(".govuk-summary-list__row").filter(
        has=page.locator("dt", has_text=key)).locator("dd")


def filter_triage(walk, page, **chosen):
    """Narrow the triage page with its own filter form (labels as shown)."""
    for label, option in chosen.items():
        page.get_by_label(label, exact=True).select_option(label=option)
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#matching")).to_contain_text("match these filters")
    walk.check(page)


def section_text(walk, page, proposal_url: str, key: str) -> str:
    """The section's saved text exactly, from its edit box (staff only)."""
    page.goto(f"{proposal_url}/sections/{key}/edit")
    walk.check(page)
    return page.get_by_label("Text", exact=True).input_value()


def tab_to(page, condition: str, limit: int = 150) -> None:
    """Press Tab until the focused element meets `condition` (a JS expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {condition}; }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {condition}")


@pytest.fixture
def walk(app, live_server, browser):
    seed_demo(DEMO_PASSWORD)
    db.session.commit()
    walk = CoCreationWalk(browser, live_server)
    yield walk
    walk.close()


def test_expert_input_is_answered_taken_in_and_reported(walk):
    proposal_url, contribution_url, latest = expert_suggests_a_change(walk)
    staff = walk.open_as(OWNER)
    revision = staff_accept_it(walk, staff, proposal_url, contribution_url, latest + 1)
    staff_merge_a_suggestion_whose_section_changed(walk, staff, proposal_url)
    expert_sees_the_response(walk, contribution_url, revision)
    the_report_shows_it(walk, staff, proposal_url, revision, latest + 1)
    staff_respond_by_keyboard(walk, proposal_url)
    staff_respond_without_javascript(walk, proposal_url)

    assert not walk.failures, "axe-core violations:\n" + "\n".join(walk.failures)
    assert len(walk.runs) >= 25, walk.runs


def expert_suggests_a_change(walk) -> tuple[str, str, int]:
    """The expert opens the section and suggests a change from it, starting from its text, with a PDF.
    Returns the proposal's and the contribution's addresses, and the section's latest revision."""
    expert = walk.open_as(EXPERT)
    walk.check(expert)
    expert.get_by_role("link", name=PROPOSAL).click()
    expect(expert.locator("h1")).to_have_text(PROPOSAL)
    proposal_url = expert.url
    walk.check(expert)

    # The section as it stands, then the form, started from that section's text.
    expert.get_by_role("link", name=SECTION, exact=True).click()
    expect(expert.locator("h1")).to_have_text(SECTION)
    walk.check(expert)
    shown = " ".join(expert.locator(".tracker-prose").inner_text().split())
    latest = int(re.match(r"Revision (\d+),", summary_value(expert, "Latest revision").inner_text())[1])
    expert.get_by_role("link", name=f"Suggest a change to {SECTION}").click()
    assert f"kind=suggested_change&section={SECTION_KEY}" in expert.url
    expect(expert.get_by_label("Suggested change to a section's text")).to_be_checked()
    expect(expert.get_by_label("Section (optional)")).to_have_value(SECTION_KEY)
    box = expert.get_by_label("Suggested text for the section")
    original = box.input_value()
    assert " ".join(original.split()) == shown
    walk.check(expert)

    # Edit the text in place: to the end of the box, then type.
    box.focus()
    expert.keyboard.press("Control+End")
    expert.keyboard.type(ADDED)
    assert box.input_value() == original + ADDED
    expert.get_by_label("Sector or theme").select_option(label="Clean tech")
    expert.get_by_label("Title").fill(TITLE)
    expert.get_by_label("Your input").fill("Letters from **14 foundries** show the demand is still growing.")
    expert.locator("input[type=file][name=attachments]").set_input_files(
        files=[{"name": PDF_NAME, "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    expert.get_by_role("button", name="Send your input").click()

    expect(expert.locator("h1")).to_have_text(TITLE)
    expect(banner(expert)).to_contain_text(f"Thank you: your input “{TITLE}” has been sent to the team")
    expect(summary_value(expert, "Status")).to_have_text("Submitted")
    expect(expert.locator(".tracker-comparison ins")).to_contain_text(ADDED.strip().split()[0])
    attachment = expert.get_by_role("link", name=PDF_NAME)
    expect(attachment).to_be_visible()
    expect(expert.locator("main")).to_contain_text(f"{PDF_NAME} (PDF, 1 KB)")
    walk.check(expert)
    with expert.expect_download() as downloading:
        attachment.click()
    download = downloading.value
    assert download.suggested_filename == PDF_NAME
    with open(download.path(), "rb") as saved:
        assert saved.read() == PDF_BYTES
    return proposal_url, expert.url, latest


def staff_accept_it(walk, staff, proposal_url: str, contribution_url: str, number: int) -> str:
    """Staff mark the new input under review from the triage page, then accept it; the
    suggested text becomes the section's next revision. Returns the revision link's text."""
    staff.goto(proposal_url)
    walk.check(staff)
    staff.get_by_role("link", name="Contributions (").click()
    expect(staff.locator("h1")).to_have_text("Contributions")
    walk.check(staff)
    filter_triage(walk, staff, Status="Submitted", Order="Newest first")
    row = row_of(staff, TITLE)
    expect(row).to_contain_text("Suggested change")
    expect(row).to_contain_text(SECTION)
    row.get_by_label(f"Select {TITLE}").check()
    staff.get_by_role("button", name="Mark selected as under review").click()
    expect(banner(staff)).to_contain_text("1 contribution marked as under review")
    expect(staff.get_by_label("Status", exact=True)).to_have_value("submitted")  # filters kept
    expect(staff.locator("#contributions")).not_to_contain_text(TITLE)
    walk.check(staff)

    filter_triage(walk, staff, Status="Under review")
    row = row_of(staff, TITLE)
    expect(row.locator(".govuk-tag")).to_have_text("Under review")
    row.get_by_role("link", name=TITLE).click()
    expect(staff.locator("h1")).to_have_text(TITLE)
    assert staff.url.split("?")[0] == contribution_url
    expect(staff.get_by_role("heading", name="Respond to this input")).to_be_visible()
    walk.check(staff)

    staff.get_by_label("Accepted", exact=True).check()
    staff.get_by_role("button", name="Save response").click()
    expect(banner(staff)).to_contain_text("Response saved: Accepted")
    expect(staff.locator("h1")).to_have_text("Contributions")  # back to the filtered list
    walk.check(staff)
    staff.goto(contribution_url)
    expect(summary_value(staff, "Status")).to_have_text("Accepted")
    expect(staff.get_by_role("heading", name="Respond to this input")).to_have_count(0)
    link = summary_value(staff, "Changed").get_by_role("link")
    expect(link).to_have_text(f"Revision {number} of {SECTION}")
    revision = link.inner_text()
    walk.check(staff)

    link.click()
    expect(staff.locator(".tracker-comparison ins")).to_contain_text(ADDED.strip().split()[0])
    walk.check(staff)
    staff.goto(f"{proposal_url}/sections/{SECTION_KEY}")
    expect(staff.locator(".tracker-prose")).to_contain_text(ADDED.strip())
    expect(summary_value(staff, "Latest revision")).to_contain_text(f"Revision {number}, saved by James Patel")
    return revision


def staff_merge_a_suggestion_whose_section_changed(walk, staff, proposal_url: str) -> None:
    before = section_text(walk, staff, proposal_url, "wider_impacts")
    assert before.endswith(LATER_EDIT)
    staff.goto(proposal_url)
    staff.get_by_role("link", name="Contributions (").click()
    filter_triage(walk, staff, Status="Under review", Kind="Suggested change to a section's text")
    row = row_of(staff, "Wider impacts")
    expect(row).to_contain_text(CONFLICTED)
    row.get_by_role("link", name=CONFLICTED).click()
    expect(staff.locator("h1")).to_have_text(CONFLICTED)
    walk.check(staff)

    staff.get_by_label("Accepted", exact=True).check()
    staff.get_by_role("button", name="Save response").click()

    # Nothing saved: both changes, each against the text the suggestion started from.
    summary = staff.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The section has changed since this suggestion was made")
    assert staff.title().startswith(f"Error: {CONFLICTED}")
    since = staff.get_by_role("heading", name="What changed in the section since")
    suggested = staff.get_by_role("heading", name="What the expert suggested")
    expect(since).to_be_visible()
    expect(suggested).to_be_visible()
    comparisons = staff.locator(".tracker-comparison")
    expect(comparisons).to_have_count(2)
    expect(comparisons.nth(0).locator("ins")).to_contain_text("Partners confirmed")
    expect(comparisons.nth(1).locator("ins")).to_contain_text("Each project will report")
    expect(staff.get_by_label("Accepted", exact=True)).to_be_checked()  # the choice is kept
    walk.check(staff)

    box = staff.get_by_label("The text to save")
    suggestion = box.input_value()
    assert "Each project will report" in suggestion and LATER_EDIT not in suggestion
    merged = f"{suggestion} {LATER_EDIT}{MERGED_END}"
    box.focus()
    staff.keyboard.press("Control+End")
    staff.keyboard.type(f" {LATER_EDIT}{MERGED_END}")
    assert box.input_value() == merged
    staff.get_by_role("button", name="Save response").click()
    expect(banner(staff)).to_contain_text("Response saved: Accepted")

    assert section_text(walk, staff, proposal_url, "wider_impacts") == merged


def expert_sees_the_response(walk, contribution_url: str, revision: str) -> None:
    expert = walk.open_as(EXPERT)
    expert.get_by_role("link", name=re.compile(r"input you have given")).click()
    expect(expert.locator("h1")).to_have_text("Your input")
    row = expert.locator("table").last.locator("tbody tr").filter(has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row.locator(".govuk-tag")).to_have_text("Accepted")
    expect(row.locator("td").last).to_contain_text("Accepted")
    expect(row.get_by_role("link", name=revision)).to_be_visible()
    walk.check(expert)

    row.get_by_role("link", name=TITLE).click()
    assert expert.url == contribution_url
    expect(expert.get_by_role("heading", name="The team's response")).to_be_visible()
    expect(summary_value(expert, "Outcome")).to_have_text("Accepted")
    expect(summary_value(expert, "Changed").get_by_role("link")).to_have_text(revision)
    expect(expert.get_by_role("button", name="Withdraw your input")).to_have_count(0)
    walk.check(expert)

    expert.goto(f"{walk.base_url}/notifications")
    expect(expert.locator("main")).to_contain_text(f"Your input “{TITLE}” was accepted")
    walk.check(expert)


def the_report_shows_it(walk, staff, proposal_url: str, revision: str, number: int) -> None:
    staff.goto(proposal_url)
    staff.get_by_role("link", name="Co-creation report").click()
    expect(staff.locator("h1")).to_have_text("Co-creation report")
    walk.check(staff)
    row = row_of(staff, TITLE)
    cells = row.locator("td")
    expect(cells.nth(4)).to_have_text("Accepted")  # status
    expect(cells.nth(5)).to_have_text("Accepted")  # response
    expect(cells.nth(7).get_by_role("link")).to_have_text(revision)
    accepted = staff.locator("#responses tbody tr").filter(
        has=staff.locator("th", has_text=re.compile(r"^Accepted$")))
    shown_accepted = int(accepted.locator("td").first.inner_text())
    assert shown_accepted > 0

    with staff.expect_download() as downloading:
        staff.get_by_role("link", name="Download the report as a spreadsheet (CSV)").click()
    download = downloading.value
    proposal_id = proposal_url.rsplit("/", 1)[1]
    assert re.fullmatch(rf"co-creation-report-proposal-{proposal_id}-\d{{4}}-\d{{2}}-\d{{2}}\.csv",
                        download.suggested_filename), download.suggested_filename
    with open(download.path(), encoding="utf-8", newline="") as saved:
        rows = list(csv.DictReader(io.StringIO(saved.read())))
    ours = [row for row in rows if row["Title"] == TITLE]
    assert len(ours) == 1, rows
    assert ours[0]["Status"] == ours[0]["Response"] == "Accepted"
    assert ours[0]["Section"] == SECTION and ours[0]["Kind"] == "Suggested change to a section's text"
    assert ours[0]["Revision number"] == str(number)
    assert ours[0]["Sector or theme"] == "Clean tech"
    merged = [row for row in rows if row["Title"] == CONFLICTED]
    assert merged and merged[0]["Status"] == "Accepted" and merged[0]["Revision number"]
    assert sum(row["Status"] == "Accepted" for row in rows) == shown_accepted


def staff_respond_by_keyboard(walk, proposal_url: str) -> None:
    """Another member of staff answers input with the keyboard alone: the radios, the reason
    and the button are reached by Tab, chosen by arrow keys, sent with Enter."""
    staff = walk.open_as(STAFF)
    staff.goto(proposal_url)
    expect(staff.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b"))
    staff.get_by_role("link", name="Contributions (").click()
    filter_triage(walk, staff, Status="Submitted")
    link = staff.locator("#contributions tbody tr").first.get_by_role("link")
    title = link.inner_text()
    link.click()
    expect(staff.locator("h1")).to_have_text(title)
    contribution_url = staff.url.split("?")[0]
    walk.check(staff)

    # Declined without a reason: refused, with the error in place.
    tab_to(staff, "el.name === 'outcome'")
    staff.keyboard.press("ArrowDown")  # Partly accepted
    staff.keyboard.press("ArrowDown")  # Declined
    assert staff.evaluate("document.activeElement.value") == "declined"
    tab_to(staff, "el.textContent.trim() === 'Save response'")
    staff.keyboard.press("Enter")
    expect(staff.locator(".govuk-error-summary")).to_contain_text("Give a reason when input is declined")
    expect(staff.locator("#reason-error")).to_contain_text("Give a reason when input is declined")
    walk.check(staff)

    # Then Noted, with a reason typed: saved.
    tab_to(staff, "el.name === 'outcome'")
    assert staff.evaluate("document.activeElement.value") == "declined"  # the choice was kept
    staff.keyboard.press("ArrowDown")
    assert staff.evaluate("document.activeElement.checked && document.activeElement.value") == "noted"
    tab_to(staff, "el.name === 'reason'")
    staff.keyboard.type("Noted for the delivery plan.")
    tab_to(staff, "el.textContent.trim() === 'Save response'")
    staff.keyboard.press("Enter")
    expect(banner(staff)).to_contain_text("Response saved: Noted")
    staff.goto(contribution_url)
    expect(summary_value(staff, "Outcome")).to_have_text("Noted")
    expect(summary_value(staff, "Reason")).to_have_text("Noted for the delivery plan.")


def staff_respond_without_javascript(walk, proposal_url: str) -> None:
    """With JavaScript off, staff still filter, mark input under review and answer it."""
    staff = walk.open_as(STAFF, java_script_enabled=False)
    staff.goto(proposal_url)
    assert "js-enabled" not in staff.locator("body").get_attribute("class")  # no script ran
    staff.get_by_role("link", name="Contributions (").click()
    staff.get_by_label("Status", exact=True).select_option(label="Submitted")
    staff.get_by_role("button", name="Filter").click()
    expect(staff.locator("#matching")).to_contain_text("match these filters")
    first = staff.locator("#contributions tbody tr").first
    title = first.get_by_role("link").inner_text()
    first.get_by_label(f"Select {title}").check()
    staff.get_by_role("button", name="Mark selected as under review").click()
    expect(banner(staff)).to_contain_text("1 contribution marked as under review")

    staff.get_by_label("Status", exact=True).select_option(label="Under review")
    staff.get_by_role("button", name="Filter").click()
    row = row_of(staff, title)
    row.get_by_role("link", name=title).click()
    contribution_url = staff.url.split("?")[0]
    expect(summary_value(staff, "Status")).to_have_text("Under review")
    staff.get_by_label("Noted", exact=True).check()
    staff.get_by_role("button", name="Save response").click()
    expect(banner(staff)).to_contain_text("Response saved: Noted")
    staff.goto(contribution_url)
    expect(summary_value(staff, "Status")).to_have_text("Noted")
    expect(summary_value(staff, "Reason")).to_have_text("No reason given")
