"""In headless Chromium, on the demo data: staff set a proposal's sector priorities (change a
share, add one, have a total over 100% refused, reorder by keyboard with JavaScript and by the
plain form without it), an expert challenges and endorses them, staff answer the challenge, and
a board member scores the proposal against the regional criteria and reads the ranking and the
portfolio. axe-core's WCAG 2.2 A and AA rules run on every page state on the way."""

import re
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urldefrag

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.test_accessibility import DEMO_PASSWORD
from tests.e2e.test_co_creation_browser import CoCreationWalk, banner, summary_value
from tracker.demo.seed import seed_demo
from tracker.extensions import db
from tracker.priorities.models import SectorPriority
from tracker.proposals.models import Proposal
from tracker.sectors.models import Sector

pytestmark = pytest.mark.e2e

PROPOSAL = "Hydrogen for Heavy Industry Demonstrator"
DEPENDS_ON = "Net Zero Advanced Manufacturing Testbed"
PROGRAMME = "West Midlands Innovation Accelerator 2022"
OWNER, OWNER_NAME = "james.patel@example.org", "James Patel"
EXPERT, EXPERT_NAME = "expert@example.org", "Dr Amara Okafor"
BOARD, BOARD_NAME = "board@example.org", "Helen Clarke"
CLEAN, PRECISION, NEW = "Clean tech", "Precision engineering and modern manufacturing", "Sustainability"
RATIONALE = "Every foundry that switches to hydrogen cuts its carbon."
CHALLENGE = "Name the carbon savings you will measure, and how."
ENDORSEMENT = "Clean tech is plainly the lead sector here."
CHANGED_MIND = "On reflection: the share leaves too little for the supply chain."
REPLY = "We will report tonnes of CO2 saved per foundry, audited each year."
# The board member's new scores, in the criteria's order, and a note on the first.
SCORES = {"Regional economy": 9, "National economy": 8, "Sector priority fit": 7,
          "Co-investment": 6, "Inclusive growth": 5}
NOTE = "Foundries across the region have asked for it."


class PrioritiesWalk(CoCreationWalk):
    """axe on every page state, as in the co-creation walk, pages seen with JavaScript off
    included: axe cannot run where scripts do not, so such a page's DOM, its scripts taken
    out, is served again at its own address to a page that runs axe (the site's CSS loads)."""

    def __init__(self, browser, base_url):
        super().__init__(browser, base_url)
        self.scriptless: set[int] = set()
        self.viewer = None

    def open_as(self, email, **context_options):
        page = super().open_as(email, **context_options)
        if context_options.get("java_script_enabled") is False:
            self.scriptless.add(id(page))
        return page

    def check(self, page):
        if id(page) not in self.scriptless:
            super().check(page)
            return
        html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.S | re.I)
        url = urldefrag(page.url).url
        if self.viewer is None:
            context = self.browser.new_context()
            self.contexts.append(context)
            self.viewer = context.new_page()

        def served(route):
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

        self.viewer.route(lambda address: address == url, served)
        self.viewer.goto(url)
        self.viewer.unroute_all()
        assert "js-enabled" not in (self.viewer.locator("body").get_attribute("class") or "")
        self.person[id(self.viewer)] = f"{self.person[id(page)]} with JavaScript off"
        super().check(self.viewer)


@pytest.fixture
def walk(app, live_server, browser):
    seed_demo(DEMO_PASSWORD)
    db.session.commit()
    walk = PrioritiesWalk(browser, live_server)
    yield walk
    walk.close()


def test_priorities_are_set_challenged_answered_and_scored(walk):
    staff = walk.open_as(OWNER)
    url = staff_set_the_priorities(walk, staff)
    staff_reorder_by_keyboard(walk, staff, url)
    staff_reorder_without_javascript(walk, url)
    the_activity_shows_both_orders(walk, staff, url)
    expert_challenges_and_endorses(walk, url)
    staff_answer_the_challenge(walk, staff, url)
    expert_sees_the_reply(walk, url)
    board = walk.open_as(BOARD)
    board_member_scores(walk, board)
    board_member_reads_the_portfolio(walk, board)

    assert not walk.failures, "axe-core violations:\n" + "\n".join(walk.failures)
    assert len(walk.runs) >= 25, walk.runs


# Readers of the priorities page.

def ranked(page) -> list[tuple[str, str, str]]:
    """(rank, sector, share) of each row of the priorities table, top first."""
    rows = page.locator("table").first.locator("tbody tr")
    found = []
    for i in range(rows.count()):
        row = rows.nth(i)
        name = row.locator("th").inner_text().split(" (")[0].strip()
        cells = row.locator("td")
        found.append((cells.nth(0).inner_text().strip(), name, cells.nth(1).inner_text().strip()))
    return found


def caption(page):
    return page.locator("table").first.locator("caption")


def block(page, sector: str):
    """The "What experts said" part about one priority: its heading and what follows it."""
    heading = page.locator("h3").filter(has_text=re.compile(rf"^\d+\. {re.escape(sector)}$"))
    expect(heading).to_have_count(1)
    return heading.locator("xpath=..")


def counts(page, sector: str) -> tuple[int, int]:
    """(endorsed, challenged) as the priority's part of the page says it."""
    text = block(page, sector).locator("p").first.inner_text()
    found = re.fullmatch(r"Endorsed by (\d+) experts?, challenged by (\d+) experts?\.", text.strip())
    assert found, text
    return int(found[1]), int(found[2])


def stance_of(page, sector: str, name: str):
    """The one entry by `name` under the priority."""
    entry = block(page, sector).locator("li[id^=stance-]").filter(has_text=name)
    expect(entry).to_have_count(1)
    return entry


def stance_form(page, sector: str):
    return page.locator("form").filter(
        has=page.get_by_role("group", name=f"Do you endorse or challenge {sector}?"))


# 1. Staff.

def staff_set_the_priorities(walk, staff) -> str:
    """Make room in one share, have a priority that takes too much refused, then add it.
    Returns the priorities page's address."""
    walk.check(staff)
    staff.goto(f"{walk.base_url}/proposals/")
    staff.get_by_role("link", name=PROPOSAL, exact=True).click()
    expect(staff.locator("h1")).to_have_text(PROPOSAL)
    proposal_url = staff.url
    url = f"{proposal_url}/priorities"
    staff.goto(url)
    expect(staff.locator("h1")).to_have_text("Sector priorities")
    assert ranked(staff) == [("1", CLEAN, "70%"), ("2", PRECISION, "30%")]
    expect(caption(staff)).to_have_text("Priorities: 100% of the funding ask")
    walk.check(staff)

    # Make room: 30% to 20%.
    staff.get_by_role("link", name=f"Change {PRECISION}").click()
    expect(staff.locator("h1")).to_have_text(f"Change {PRECISION}")
    share = staff.get_by_label("Share of the funding ask")
    expect(share).to_have_value("30")
    walk.check(staff)
    share.fill("20")
    staff.get_by_role("button", name="Save priority").click()
    expect(banner(staff)).to_contain_text(f"{PRECISION} has been saved")
    assert ranked(staff) == [("1", CLEAN, "70%"), ("2", PRECISION, "20%")]
    expect(caption(staff)).to_have_text("Priorities: 90% of the funding ask")
    walk.check(staff)

    # 15% more would make 105%: refused, shown in place, nothing saved.
    staff.get_by_label("Sector or theme").select_option(label=f"{NEW} (cross-sector theme)")
    staff.get_by_label("Share of the funding ask").fill("15")
    staff.get_by_label("Rationale").fill(RATIONALE)
    staff.get_by_role("button", name="Add priority").click()
    message = ("Shares would add up to 105%, over 100%: the priorities already take 90%, so at "
               "most 10% is left")
    expect(staff.locator(".govuk-error-summary")).to_contain_text(message)
    expect(staff.locator("#share-error")).to_contain_text(message)
    assert staff.title().startswith("Error: Sector priorities")
    expect(staff.get_by_label("Share of the funding ask")).to_have_value("15")  # as typed
    expect(staff.get_by_label("Rationale")).to_have_value(RATIONALE)
    walk.check(staff)
    staff.goto(url)
    assert ranked(staff) == [("1", CLEAN, "70%"), ("2", PRECISION, "20%")]
    expect(caption(staff)).to_have_text("Priorities: 90% of the funding ask")

    staff.get_by_label("Sector or theme").select_option(label=f"{NEW} (cross-sector theme)")
    staff.get_by_label("Share of the funding ask").fill("10")
    staff.get_by_label("Rationale").fill(RATIONALE)
    staff.get_by_role("button", name="Add priority").click()
    expect(banner(staff)).to_contain_text("Priority 3 has been added")
    assert ranked(staff) == [("1", CLEAN, "70%"), ("2", PRECISION, "20%"), ("3", NEW, "10%")]
    expect(caption(staff)).to_have_text("Priorities: 100% of the funding ask")
    expect(staff.locator("table").first.locator("tbody tr").last).to_contain_text(RATIONALE)
    walk.check(staff)
    return url


def staff_reorder_by_keyboard(walk, staff, url: str) -> None:
    """With JavaScript, the new priority moves up one place by its "Move up" button, pressed
    with the keyboard; the move is announced, and saved with the form."""
    staff.goto(url)
    expect(staff.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b"))
    staff.get_by_role("link", name="Change the order").click()
    expect(staff.locator("h1")).to_have_text("Change the order of priorities")
    up = staff.get_by_role("button", name=f"Move up {NEW}")
    expect(up).to_be_visible()
    walk.check(staff)

    status = staff.locator("[data-reorder-status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("")
    up.focus()
    staff.keyboard.press("Enter")
    expect(status).to_have_text(f"{NEW} moved to position 2 of 3")
    rows = staff.locator("tbody tr[data-priority-id]")
    assert [rows.nth(i).get_attribute("data-name") for i in range(3)] == [CLEAN, NEW, PRECISION]
    expect(staff.get_by_label(f"Position of {NEW}")).to_have_value("2")
    expect(staff.get_by_label(f"Position of {PRECISION}")).to_have_value("3")
    expect(staff.get_by_label(f"Position of {CLEAN}")).to_have_value("1")
    assert "Move up" in staff.evaluate("document.activeElement.textContent")  # focus stayed
    walk.check(staff)

    staff.get_by_role("button", name="Save order").click()
    expect(banner(staff)).to_contain_text("The new order has been saved")
    assert ranked(staff) == [("1", CLEAN, "70%"), ("2", NEW, "10%"), ("3", PRECISION, "20%")]


def staff_reorder_without_javascript(walk, url: str) -> None:
    """With JavaScript off, the plain form: a position for each; a position used twice is
    refused, then the order is saved."""
    staff = walk.open_as(OWNER, java_script_enabled=False)
    staff.goto(f"{url}/order")
    assert "js-enabled" not in (staff.locator("body").get_attribute("class") or "")
    expect(staff.locator("h1")).to_have_text("Change the order of priorities")
    expect(staff.get_by_role("button", name=re.compile("^Move (up|down)"))).to_have_count(0)
    walk.check(staff)

    staff.get_by_label(f"Position of {PRECISION}").select_option("1")
    staff.get_by_role("button", name="Save order").click()
    message = f"{CLEAN} is already at position 1: give {PRECISION} a position of its own"
    expect(staff.locator(".govuk-error-summary")).to_contain_text(message)
    assert staff.title().startswith("Error: Change the order of priorities")
    expect(staff.get_by_label(f"Position of {PRECISION}")).to_have_value("1")  # kept
    walk.check(staff)
    staff.goto(url)
    assert [name for _, name, _ in ranked(staff)] == [CLEAN, NEW, PRECISION]  # nothing saved

    staff.goto(f"{url}/order")
    staff.get_by_label(f"Position of {PRECISION}").select_option("1")
    staff.get_by_label(f"Position of {CLEAN}").select_option("3")
    staff.get_by_role("button", name="Save order").click()
    expect(banner(staff)).to_contain_text("The new order has been saved")
    assert ranked(staff) == [("1", PRECISION, "20%"), ("2", NEW, "10%"), ("3", CLEAN, "70%")]
    walk.check(staff)


def the_activity_shows_both_orders(walk, staff, url: str) -> None:
    staff.goto(url.removesuffix("/priorities") + "/activity")
    expect(staff.locator("h1")).to_have_text("Activity")
    main = staff.locator("main")
    expect(main).to_contain_text(
        f"Changed the order of priorities: {CLEAN}, {PRECISION}, {NEW} → {CLEAN}, {NEW}, {PRECISION}")
    expect(main).to_contain_text(
        f"Changed the order of priorities: {CLEAN}, {NEW}, {PRECISION} → {PRECISION}, {NEW}, {CLEAN}")
    expect(main).to_contain_text(f"Added {NEW} as priority 3 (10% of the ask)")
    walk.check(staff)


# 2. The expert.

def expert_challenges_and_endorses(walk, url: str) -> None:
    """A challenge without a comment is refused in place; with one it is saved. An endorsement,
    then changed to a challenge. The counts and comments follow, with the expert's name."""
    expert = walk.open_as(EXPERT)
    expert.goto(url)
    expect(expert.locator("h1")).to_have_text("Sector priorities")
    expect(expert.locator("main")).to_contain_text("You can endorse or challenge each priority")
    assert counts(expert, NEW) == (0, 0)
    expect(block(expert, NEW)).to_contain_text("No expert has endorsed or challenged this priority yet.")
    clean_before = counts(expert, CLEAN)
    walk.check(expert)

    form = stance_form(expert, NEW)
    form.get_by_label("Challenge", exact=True).check()
    form.get_by_role("button", name="Save your stance").click()
    message = f"Say why you challenge {NEW}"
    expect(expert.locator(".govuk-error-summary")).to_contain_text(message)
    assert expert.title().startswith("Error: Sector priorities")
    form = stance_form(expert, NEW)
    expect(form.locator(".govuk-error-message")).to_contain_text(message)  # beside its field
    expect(form.get_by_label("Challenge", exact=True)).to_be_checked()  # the choice is kept
    assert counts(expert, NEW) == (0, 0)  # nothing saved
    walk.check(expert)

    form.get_by_label("Comment").fill(CHALLENGE)
    form.get_by_role("button", name="Save your stance").click()
    expect(banner(expert)).to_contain_text(f"You challenged {NEW}")
    assert counts(expert, NEW) == (0, 1)
    entry = stance_of(expert, NEW, EXPERT_NAME)
    expect(entry.locator(".govuk-tag")).to_have_text("Challenged")
    expect(entry).to_contain_text(f"{EXPERT_NAME}, University of Birmingham")
    expect(entry).to_contain_text(CHALLENGE)
    expect(stance_form(expert, NEW)).to_contain_text("You challenged this priority. You can change what you said.")
    walk.check(expert)

    form = stance_form(expert, CLEAN)
    form.get_by_label("Endorse", exact=True).check()
    form.get_by_label("Comment").fill(ENDORSEMENT)
    form.get_by_role("button", name="Save your stance").click()
    expect(banner(expert)).to_contain_text(f"You endorsed {CLEAN}")
    assert counts(expert, CLEAN) == (clean_before[0] + 1, clean_before[1])
    entry = stance_of(expert, CLEAN, EXPERT_NAME)
    expect(entry.locator(".govuk-tag")).to_have_text("Endorsed")
    expect(entry).to_contain_text(ENDORSEMENT)
    walk.check(expert)

    form = stance_form(expert, CLEAN)
    expect(form.get_by_label("Endorse", exact=True)).to_be_checked()  # what they said before
    expect(form.get_by_label("Comment")).to_have_value(ENDORSEMENT)
    form.get_by_label("Challenge", exact=True).check()
    form.get_by_label("Comment").fill(CHANGED_MIND)
    form.get_by_role("button", name="Change your stance").click()
    expect(banner(expert)).to_contain_text(f"You challenged {CLEAN}")
    assert counts(expert, CLEAN) == (clean_before[0], clean_before[1] + 1)
    entry = stance_of(expert, CLEAN, EXPERT_NAME)
    expect(entry.locator(".govuk-tag")).to_have_text("Challenged")
    expect(entry).to_contain_text(CHANGED_MIND)
    expect(entry).not_to_contain_text(ENDORSEMENT)
    row = expert.locator("table").first.locator("tbody tr").filter(has_text=CLEAN)
    expect(row).to_contain_text(f"Endorsed {clean_before[0]}, challenged {clean_before[1] + 1}")
    walk.check(expert)


# 3. Staff answer; the expert sees it.

def staff_answer_the_challenge(walk, staff, url: str) -> None:
    staff.goto(url)
    entry = stance_of(staff, NEW, EXPERT_NAME)
    expect(entry).to_contain_text(CHALLENGE)
    entry.get_by_text(f"Reply to {EXPERT_NAME}'s challenge").click()
    entry.get_by_label(f"Your reply to {EXPERT_NAME}").fill(REPLY)
    walk.check(staff)
    entry.get_by_role("button", name="Send reply").click()
    expect(banner(staff)).to_contain_text(f"Your reply to {EXPERT_NAME} has been sent")
    entry = stance_of(staff, NEW, EXPERT_NAME)
    expect(entry).to_contain_text(f"Reply from {OWNER_NAME}")
    expect(entry).to_contain_text(REPLY)
    expect(entry.get_by_text(f"Reply to {EXPERT_NAME}'s challenge")).to_have_count(0)  # answered
    # The other challenge still waits for its answer.
    expect(stance_of(staff, CLEAN, EXPERT_NAME).get_by_text(f"Reply to {EXPERT_NAME}'s challenge")).to_have_count(1)
    walk.check(staff)


def expert_sees_the_reply(walk, url: str) -> None:
    expert = walk.open_as(EXPERT)
    expert.goto(f"{walk.base_url}/notifications")
    expect(expert.locator("main")).to_contain_text(f"Your challenge to {NEW} on “{PROPOSAL}” was answered")
    walk.check(expert)
    expert.goto(url)
    entry = stance_of(expert, NEW, EXPERT_NAME)
    expect(entry).to_contain_text(CHALLENGE)
    expect(entry.locator(".govuk-inset-text")).to_contain_text(f"Reply from {OWNER_NAME}")
    expect(entry.locator(".govuk-inset-text")).to_contain_text(REPLY)
    expect(entry.get_by_role("button", name="Send reply")).to_have_count(0)  # experts do not reply
    walk.check(expert)


# 4. The board member scores.

def half_up(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def scorer_table(page, criteria: list[str]) -> dict[str, list[int]]:
    """{scorer's name: their score per criterion} from the page's "Scores by scorer" table."""
    headers = [text.strip() for text in page.locator("#scores thead th").all_inner_texts()]
    assert headers == ["Scorer", *criteria], headers
    table = {}
    rows = page.locator("#scores tbody tr")
    for i in range(rows.count()):
        row = rows.nth(i)
        name = row.locator("th").inner_text().splitlines()[0].strip()
        table[name] = [int(cell.locator("strong").inner_text()) for cell in row.locator("td").all()]
    return table


def averages_table(page) -> dict[str, tuple[int, str, int]]:
    """{criterion: (weight, average as shown, number of scores)}, and "Weighted score"."""
    shown = {}
    rows = page.locator("#averages tbody tr")
    for i in range(rows.count()):
        row = rows.nth(i)
        cells = [text.strip() for text in row.locator("td").all_inner_texts()]
        shown[row.locator("th").inner_text().strip()] = (int(cells[0].rstrip("%")), cells[1], cells[2])
    return shown


def ranking_rows(page) -> dict[str, tuple[str, str]]:
    """{proposal: (rank as shown, weighted score as shown)} from the ranking table."""
    found = {}
    rows = page.locator("#ranking tbody tr")
    for i in range(rows.count()):
        row = rows.nth(i)
        title = row.locator("th a").inner_text().strip()
        cells = row.locator("td")
        found[title] = (cells.nth(0).inner_text().strip(), cells.nth(1).inner_text().split(" (")[0].strip())
    return found


def board_member_scores(walk, board) -> None:
    """An out-of-range score is refused with nothing saved; valid ones replace the board
    member's scores, and the averages, weighted score and ranking follow them."""
    board.goto(f"{walk.base_url}/programmes/")
    board.get_by_role("link", name=PROGRAMME, exact=True).click()
    walk.check(board)
    board.get_by_role("link", name=re.compile("^Regional prioritisation")).click()
    expect(board.locator("h1")).to_have_text("Regional prioritisation")
    walk.check(board)
    criteria = [text.strip() for text in board.locator("#criteria tbody th").all_inner_texts()]
    assert criteria == list(SCORES), criteria
    ours = board.locator("#ranking tbody tr").filter(has=board.get_by_role("link", name=PROPOSAL, exact=True))
    expect(ours).to_contain_text(f"Ineligible: depends on {DEPENDS_ON}, which did not reach the 70% threshold")
    theirs = board.locator("#ranking tbody tr").filter(has=board.get_by_role("link", name=DEPENDS_ON, exact=True))
    expect(theirs.locator("td").nth(3).locator(".govuk-tag")).to_have_text("Below 70%")

    ours.get_by_role("link", name=PROPOSAL, exact=True).click()
    expect(board.locator("h1")).to_have_text("Regional prioritisation scores")
    expect(board.locator(".govuk-caption-l")).to_have_text(PROPOSAL)
    expect(board.locator("main")).to_contain_text(f"Ineligible: depends on {DEPENDS_ON}")
    scoring_url = board.url
    before = scorer_table(board, criteria)
    assert BOARD_NAME in before  # the demo's scores, to be replaced
    walk.check(board)

    # Out of range: refused beside its field, what was typed kept, nothing saved.
    board.get_by_label("Regional economy", exact=True).fill("11")
    board.get_by_role("button", name="Save your scores").click()
    message = "The score for Regional economy must be a whole number from 0 to 10"
    expect(board.locator(".govuk-error-summary")).to_contain_text(message)
    expect(board.locator(".govuk-error-message").filter(has_text=message)).to_have_count(1)
    assert board.title().startswith("Error: Regional prioritisation scores")
    expect(board.get_by_label("Regional economy", exact=True)).to_have_value("11")
    walk.check(board)
    board.goto(scoring_url)
    assert scorer_table(board, criteria) == before

    for name, score in SCORES.items():
        board.get_by_label(name, exact=True).fill(str(score))
    board.get_by_label("Note on Regional economy (optional)").fill(NOTE)
    board.get_by_role("button", name="Save your scores").click()
    expect(banner(board)).to_contain_text(f"Your scores for {PROPOSAL} have been saved")
    walk.check(board)

    table = scorer_table(board, criteria)
    assert table[BOARD_NAME] == list(SCORES.values())
    assert {name: scores for name, scores in table.items() if name != BOARD_NAME} == {
        name: scores for name, scores in before.items() if name != BOARD_NAME}
    mine = board.locator("#scores tbody tr").filter(has=board.locator("th", has_text=BOARD_NAME))
    expect(mine.locator("td").first).to_contain_text(NOTE)

    # The figures, worked out from the per-scorer table.
    shown = averages_table(board)
    weighted = Decimal(0)
    for index, name in enumerate(criteria):
        column = [scores[index] for scores in table.values()]
        exact = Decimal(sum(column)) / Decimal(len(column))
        weight = shown[name][0]
        weighted += weight * exact
        assert shown[name][1:] == (str(half_up(exact, "0.1")), str(len(column))), (name, shown[name])
    total = str(half_up(weighted / 100, "0.01"))
    assert sum(shown[name][0] for name in criteria) == 100
    assert shown["Weighted score"][1:] == (total, f"{len(table)} scorers")
    expect(summary_value(board, "Weighted score").locator("strong")).to_have_text(total)
    expect(summary_value(board, "Scorers")).to_have_text(str(len(table)))

    # The ranking shows the new total, at the place it earns.
    board.get_by_role("link", name="Back to regional prioritisation").click()
    expect(board.locator("h1")).to_have_text("Regional prioritisation")
    rows = ranking_rows(board)
    assert rows[PROPOSAL][1] == total
    totals = [Decimal(score) for _, score in rows.values() if score != "Not scored"]
    above = sum(1 for other in totals if other > Decimal(total))
    tied = totals.count(Decimal(total)) > 1
    assert rows[PROPOSAL][0] == f"{'=' if tied else ''}{above + 1}", rows
    ours = board.locator("#ranking tbody tr").filter(has=board.get_by_role("link", name=PROPOSAL, exact=True))
    expect(ours.locator("td").nth(2)).to_have_text(str(len(table)))
    walk.check(board)


# 5. The board member reads the portfolio.

def balance_rows(page) -> list[str]:
    return [" ".join(text.split()) for text in page.locator("#balance tbody tr").all_inner_texts()]


def board_member_reads_the_portfolio(walk, board) -> None:
    """Funded only, then every stage again; a figure's link lists exactly the proposals behind it."""
    board.goto(f"{walk.base_url}/programmes/")
    board.get_by_role("link", name=PROGRAMME, exact=True).click()
    board.get_by_role("link", name=re.compile("^Portfolio balance")).click()
    expect(board.locator("h1")).to_have_text("Portfolio balance")
    views = board.locator("ul.govuk-list--inline")
    expect(views.locator("[aria-current=true]")).to_have_text("All stages")
    expect(board.locator("#showing")).to_contain_text("at every stage")
    everything = balance_rows(board)
    walk.check(board)

    views.get_by_role("link", name="Funded").click()
    expect(views.locator("[aria-current=true]")).to_have_text("Funded")
    expect(board.locator("#showing")).to_contain_text("at Funded,")
    funded = balance_rows(board)
    assert funded != everything
    expect(board.locator("svg[role=img]")).to_have_count(1)
    walk.check(board)
    # Its total links to exactly the funded proposals.
    shown = int(re.match(r"(\d+) proposals? at Funded", board.locator("#showing").inner_text().strip())[1])
    assert shown >= 1
    board.get_by_role("link", name=re.compile(r": every proposal shown$")).click()
    expect(board.locator("h1")).to_have_text("Proposals")
    stages = board.locator("table tbody tr td:nth-child(4)").all_inner_texts()
    assert [stage.strip() for stage in stages] == ["Funded"] * shown, stages
    walk.check(board)
    board.go_back()

    views.get_by_role("link", name="All stages").click()
    expect(views.locator("[aria-current=true]")).to_have_text("All stages")
    assert balance_rows(board) == everything

    row = board.locator("#balance tbody tr").filter(has=board.locator("th", has_text=re.compile(rf"^{NEW} ")))
    expect(row).to_have_count(1)
    behind = int(row.locator("td").first.inner_text())
    row.get_by_role("link", name=re.compile(rf": the proposals behind {NEW}$")).click()
    expect(board.locator("h1")).to_have_text("Proposals")
    expect(board.get_by_label("Sector or theme")).to_have_value(str(_sector_id(NEW)))
    listed = board.locator("table tbody tr td:first-child a").all_inner_texts()
    assert sorted(listed) == sorted(_proposals_serving(NEW)), listed
    assert len(listed) == behind and PROPOSAL in listed
    walk.check(board)


def _sector_id(name: str) -> int:
    return db.session.scalar(select(Sector.id).where(Sector.name == name))


def _proposals_serving(name: str) -> list[str]:
    """What the database says: the proposals with `name` among their priorities."""
    db.session.rollback()  # see what the server saved
    return list(db.session.scalars(
        select(Proposal.title).join(SectorPriority, SectorPriority.proposal_id == Proposal.id)
        .join(Sector, Sector.id == SectorPriority.sector_id).where(Sector.name == name)
    ))
