"""The timelines: the chart's arithmetic (dates to x, month ticks, the today line, bars, diamonds,
forecast extensions, dependency links), the rows' groups and critical paths (milestones/rows.py),
a proposal's forecast against the deadline in words, and both pages through HTTP: table content
and order, RAG in words, the critical path marked, filters (unknown values named), who sees what."""

from datetime import date, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qsl

import pytest

from tests import factories
from tests.pages import soup, text
from tests.test_milestone_models import make_milestone
from tests.test_milestone_rules import DONE, IN_PROGRESS, NOT_STARTED
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.milestones import timeline as tl
from tracker.milestones.models import MilestoneKind, milestone_dependency
from tracker.milestones.rules import RAG, plan
from tracker.milestones.rows import Finish, TimelineFilter, build_groups, deadline_of
from tracker.milestones.timeline import Scale, layout
from tracker.proposals.models import ProposalStage

TODAY = date(2026, 11, 26)


def days(n: int) -> date:
    """TODAY moved by n days."""
    return TODAY + timedelta(days=n)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """The pages are drawn for TODAY, whatever the clock says."""
    monkeypatch.setattr("tracker.milestones.views.timelines.today", lambda: TODAY)


# -- Pure: the scale, ticks and today line --------------------------------------------------------

def test_the_scale_runs_whole_months_at_three_units_a_day():
    scale = Scale.covering([date(2026, 11, 26), date(2027, 7, 4), date(2026, 12, 1)])
    assert (scale.origin, scale.end, scale.day_width) == (date(2026, 11, 1), date(2027, 8, 1), 3.0)
    assert scale.x(date(2026, 11, 1)) == tl.SIDE
    assert scale.x(date(2026, 11, 26)) == tl.SIDE + 25 * 3
    assert scale.x(date(2027, 1, 1)) == tl.SIDE + 61 * 3
    assert scale.width == 2 * tl.SIDE + 273 * 3


def test_a_short_timeline_is_stretched_to_the_least_width():
    scale = Scale.covering([date(2026, 2, 10)])
    assert (scale.origin, scale.end) == (date(2026, 2, 1), date(2026, 3, 1))
    assert scale.day_width == pytest.approx(720 / 28)
    assert scale.width == 2 * tl.SIDE + 720
    assert scale.x(date(2026, 2, 15)) == round(tl.SIDE + 14 * 720 / 28, 1)


def test_december_rolls_into_the_next_year():
    scale = Scale.covering([date(2026, 12, 31)])
    assert (scale.origin, scale.end) == (date(2026, 12, 1), date(2027, 1, 1))


def record(id_, due, state=NOT_STARTED, starts=None, done_on=None, title=None, kind=MilestoneKind.BOARD,
           proposal_id=1, owner_id=1):
    """A milestone as plain values, with what the timeline reads of one."""
    return SimpleNamespace(id=id_, title=title or f"Milestone {id_}", state=state, starts_on=starts,
                           due_on=due, done_on=done_on, kind=kind, proposal_id=proposal_id, owner_id=owner_id)


def n(value: float) -> str:
    """A coordinate as the paths write it."""
    return f"{value:.1f}".removesuffix(".0")


def groups_of(milestones, dependencies=None, today=TODAY, deadline=None, proposals=None):
    dependencies = dependencies or {}
    planned = plan(milestones, dependencies, today)
    proposals = proposals or {1: SimpleNamespace(id=1, title="The proposal")}
    return build_groups(milestones, dependencies, planned, proposals, deadline)


def test_ticks_are_the_first_of_each_month_with_the_year_at_the_start_and_in_january():
    chart = layout(groups_of([record(1, date(2027, 6, 10), starts=date(2026, 11, 3))]), TODAY)
    assert chart.scale.day_width == 3
    assert [(tick.x, tick.label) for tick in chart.ticks[:4]] == [
        (12, "Nov 2026"), (12 + 30 * 3, "Dec"), (12 + 61 * 3, "Jan 2027"), (12 + 92 * 3, "Feb"),
    ]
    assert [tick.label for tick in chart.ticks[4:]] == ["Mar", "Apr", "May", "Jun"]
    assert chart.width == 2 * 12 + 242 * 3


def test_the_today_line_is_at_today_and_says_so():
    chart = layout(groups_of([record(1, date(2027, 6, 10))]), TODAY)
    assert chart.today_x == 12 + 25 * 3
    assert chart.today_label == "Today, 26 Nov 2026"
    assert chart.today_anchor == "start"
    # Today at the right-hand end: the label turns to end at the line.
    late = layout(groups_of([record(1, date(2026, 9, 2))], today=date(2026, 11, 29)), date(2026, 11, 29))
    assert late.today_anchor == "end"


def test_today_widens_the_scale_when_every_milestone_is_later():
    chart = layout(groups_of([record(1, date(2027, 8, 20))]), TODAY)
    assert (chart.scale.origin, chart.ticks[0].label) == (date(2026, 11, 1), "Nov 2026")
    assert chart.today_x == 12 + 25 * 3


# -- Pure: bars, diamonds, extensions, labels, links -----------------------------------------------

def test_a_bar_runs_from_start_to_due_and_a_diamond_marks_a_single_date():
    milestones = [
        record(1, date(2027, 1, 11), IN_PROGRESS, starts=date(2026, 12, 1)),
        record(2, date(2027, 1, 31)),
    ]
    chart = layout(groups_of(milestones + [record(3, date(2027, 8, 1))]), TODAY)
    assert chart.scale.day_width == 3
    first, second, _ = chart.bars
    assert (first.bar_x, first.bar_width, first.diamond) == (12 + 30 * 3, 41 * 3, None)
    assert (first.left, first.right) == (102, 225)
    top = tl.TOP + tl.HEADING_HEIGHT
    assert (first.top, first.text_y, first.bar_y, first.middle) == (top, top + 16, top + 22, top + 30)
    due_x = 12 + 91 * 3
    middle = second.middle
    assert second.bar_x is None
    assert second.diamond == f"{due_x},{n(middle - 9)} {due_x + 9},{n(middle)} {due_x},{n(middle + 9)} {due_x - 9},{n(middle)}"
    assert (second.left, second.right) == (due_x - 9, due_x + 9)
    assert chart.height == tl.TOP + tl.HEADING_HEIGHT + 3 * tl.ROW_HEIGHT + tl.BOTTOM


def test_a_bar_that_starts_and_ends_on_one_day_stays_visible():
    chart = layout(groups_of([record(1, days(30), IN_PROGRESS, starts=days(30))]), TODAY)
    assert chart.bars[0].bar_width == tl.MIN_BAR


def test_a_forecast_later_than_the_due_date_extends_the_bar_and_says_its_date():
    # 1 is 5 days overdue, so 2 (due in 20 days) is forecast 5 days later.
    milestones = [record(1, days(-5), IN_PROGRESS, starts=days(-20)), record(2, days(20))]
    chart = layout(groups_of(milestones, {2: {1}}), TODAY)
    first, second = chart.bars
    x = chart.scale.x
    assert first.extension_x == first.bar_x + first.bar_width == x(days(-5))
    assert first.extension_width == round(x(TODAY) - x(days(-5)), 1)  # out to today
    assert (second.extension_x, second.extension_width) == (x(days(20)), round(x(days(25)) - x(days(20)), 1))
    assert second.right == x(days(25))
    assert second.details == "due 16 Dec 2026 · forecast 21 Dec 2026 · critical path"
    assert (first.status, second.status) == ("! Red", "▲ Amber")


def test_done_early_has_no_extension_and_says_when_it_was_done():
    chart = layout(groups_of([record(1, days(10), DONE, done_on=days(-2))]), TODAY)
    bar = chart.bars[0]
    assert (bar.extension_x, bar.status) == (None, "✓ Done")
    assert bar.details == "due 6 Dec 2026 · done 24 Nov 2026 · critical path"


def test_labels_start_at_the_bar_unless_they_would_run_off_the_right():
    milestones = [record(1, date(2026, 11, 3)), record(2, date(2027, 3, 28), title="Near the end")]
    chart = layout(groups_of(milestones), TODAY)
    first, last = chart.bars
    assert (first.text_x, first.text_anchor) == (first.left, "start")
    assert (last.text_x, last.text_anchor) == (last.right, "end")


def test_long_titles_are_cut_short_on_the_chart():
    groups = groups_of([record(1, days(40), title="A" * 80)], deadline=days(40),
                       proposals={1: SimpleNamespace(id=1, title="B" * 61)})
    chart = layout(groups, TODAY)
    assert chart.bars[0].title == "A" * 59 + "…"
    assert chart.headings[0].text == "B" * 59 + "…: Forecast to finish on the day of the deadline"


def test_a_link_turns_once_when_there_is_room_and_goes_round_when_there_is_not():
    milestones = [
        record(1, days(10), IN_PROGRESS, starts=days(0)),
        record(2, days(40), IN_PROGRESS, starts=days(20)),
        record(3, days(50), IN_PROGRESS, starts=days(5)),  # starts before 1 is due
    ]
    chart = layout(groups_of(milestones, {2: {1}, 3: {1}}), TODAY)
    one, two, three = chart.bars
    forward, backward = chart.links
    assert (forward.from_id, forward.to_id) == (1, 2)
    assert forward.path == f"M{n(one.right)} {n(one.middle)} H{n(one.right + 8)} V{n(two.middle)} H{n(two.left)}"
    assert (backward.from_id, backward.to_id) == (1, 3)
    assert backward.path == (
        f"M{n(one.right)} {n(one.middle)} H{n(one.right + 8)} V{n(three.top + 2)} H{n(three.left - 8)}"
        f" V{n(three.middle)} H{n(three.left)}"
    )


def test_only_links_on_the_critical_chain_are_critical():
    # 1 (overdue) pushes 2, which sets the end; 3 is on time and also feeds 2.
    milestones = [record(1, days(-4)), record(3, days(5), IN_PROGRESS), record(2, days(30))]
    chart = layout(groups_of(milestones, {2: {1, 3}}), TODAY)
    assert {(link.from_id, link.critical) for link in chart.links} == {(1, True), (3, False)}


def test_links_to_rows_the_filters_hide_are_not_drawn():
    milestones = [record(1, days(-4), kind=MilestoneKind.INTERNAL), record(2, days(30))]
    groups = TimelineFilter(kind=MilestoneKind.BOARD).apply(groups_of(milestones, {2: {1}}))
    chart = layout(groups, TODAY)
    assert [bar.entry.id for bar in chart.bars] == [2]
    assert chart.links == []
    # The plan was made before the filter: 2 still moves out by 4 days.
    assert chart.bars[0].entry.planned.forecast == days(34)


def test_nothing_to_draw():
    assert layout([], TODAY) is None


# -- Pure: groups, critical paths, the deadline -----------------------------------------------------

def test_programme_dates_come_first_then_proposals_by_title_each_with_its_own_critical_path():
    proposals = {1: SimpleNamespace(id=1, title="Zephyr"), 2: SimpleNamespace(id=2, title="Aurora")}
    milestones = [
        record(10, days(5), kind=MilestoneKind.FULL_PROPOSAL_DEADLINE, proposal_id=None),
        record(11, days(60), kind=MilestoneKind.ANNOUNCEMENT, proposal_id=None),
        record(1, days(-3), proposal_id=1), record(2, days(3), proposal_id=1),
        record(3, days(20), IN_PROGRESS, proposal_id=2), record(4, days(1), proposal_id=2),
    ]
    groups = groups_of(sorted(milestones, key=lambda m: (m.due_on, m.id)), {2: {1}, 4: {10}},
                       deadline=days(5), proposals=proposals)
    assert [group.heading for group in groups] == ["Programme dates", "Aurora", "Zephyr"]
    assert [[entry.id for entry in group.entries] for group in groups] == [[10, 11], [4, 3], [1, 2]]
    critical = {entry.id for group in groups for entry in group.entries if entry.critical}
    # Zephyr ends with 2, pushed by 1; Aurora with 3; the programme with the announcement.
    assert critical == {1, 2, 3, 11}
    assert groups[0].finish is None
    assert (groups[1].finish.forecast, groups[1].finish.milestone.id) == (days(20), 3)
    assert groups[1].finish.words == "Forecast to finish 15 days after the deadline"
    assert groups[2].finish.words == "Forecast to finish 1 day after the deadline"


def test_delivery_milestones_are_not_held_against_the_deadline():
    milestones = [record(1, days(3), IN_PROGRESS), record(2, days(300), kind=MilestoneKind.DELIVERY)]
    group = groups_of(milestones, deadline=days(10))[0]
    assert (group.finish.milestone.id, group.finish.words) == (1, "Forecast to finish 7 days before the deadline")
    # The critical path leads to the same end...
    assert [entry.critical for entry in group.entries] == [True, False]
    # ...until the work before delivery is done: then to the proposal's last milestone.
    milestones[0] = record(1, days(-3), DONE, done_on=days(-4))
    group = groups_of(milestones, deadline=days(10))[0]
    assert group.finish.words == "Finished 14 days before the deadline"
    assert [entry.critical for entry in group.entries] == [False, True]


@pytest.mark.parametrize(("forecast", "deadline", "done", "words"), [
    (days(3), days(0), False, "Forecast to finish 3 days after the deadline"),
    (days(1), days(0), False, "Forecast to finish 1 day after the deadline"),
    (days(0), days(0), False, "Forecast to finish on the day of the deadline"),
    (days(-1), days(0), False, "Forecast to finish 1 day before the deadline"),
    (days(-12), days(0), True, "Finished 12 days before the deadline"),
    (days(2), days(0), True, "Finished 2 days after the deadline"),
    (None, days(0), False, "No milestones before delivery yet, so no forecast to hold against the deadline"),
    (days(2), None, False, "The programme has no full proposal deadline to hold the forecast against"),
])
def test_the_forecast_against_the_deadline_in_words(forecast, deadline, done, words):
    assert Finish(None, forecast, done, deadline).words == words


def test_the_deadline_is_the_programme_milestone_when_there_is_one():
    own = record(1, days(9), kind=MilestoneKind.FULL_PROPOSAL_DEADLINE, proposal_id=None)
    later = record(2, days(12), kind=MilestoneKind.FULL_PROPOSAL_DEADLINE, proposal_id=None)
    other = record(3, days(1), kind=MilestoneKind.PANEL_DATE, proposal_id=None)
    assert deadline_of(days(5), [other]).on == days(5)
    chosen = deadline_of(days(5), [later, other, own])
    assert (chosen.on, chosen.milestone, chosen.differs) == (days(9), own, True)
    assert not deadline_of(days(9), [own]).differs
    assert not deadline_of(None, [own]).differs


# -- Pure: filters ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "expected", "unknown"), [
    ({}, (None, None, None), ()),
    ({"kind": "", "owner": "", "rag": ""}, (None, None, None), ()),
    ({"kind": "board", "owner": "7", "rag": "amber"}, (MilestoneKind.BOARD, 7, RAG.AMBER), ()),
    ({"kind": "banana"}, (None, None, None), ("kind “banana”",)),
    ({"rag": "purple", "owner": "8"}, (None, None, None), ("RAG status “purple”", "owner “8”")),
    ({"owner": "someone"}, (None, None, None), ("owner “someone”",)),
    ({"kind": "gateway", "rag": "RED"}, (MilestoneKind.GATEWAY, None, None), ("RAG status “RED”",)),
])
def test_filters_are_read_from_the_query_string(args, expected, unknown):
    chosen = TimelineFilter.from_args(args, owner_ids={7})
    assert (chosen.kind, chosen.owner_id, chosen.rag) == expected
    assert chosen.unknown == unknown
    assert chosen.active == any(value is not None for value in expected)


# -- Pages ---------------------------------------------------------------------------------------------

def link(milestone, depends_on) -> None:
    """`milestone` depends on `depends_on`."""
    db.session.execute(milestone_dependency.insert().values(milestone_id=milestone.id, depends_on_id=depends_on.id))
    db.session.commit()


@pytest.fixture
def chain():
    """A proposal with a chain held up by an overdue milestone, a programme deadline it waits on,
    a programme milestone after it, and an owner of its own on each."""
    programme = factories.make_programme(full_proposal_deadline=days(40))
    proposal = factories.make_proposal(programme=programme, title="Biochar accelerator")
    alice = factories.make_user(Role.STAFF, name="Alice Adams")
    bola = factories.make_user(Role.EXPERT, name="Bola Bello")
    deadline = make_milestone(programme=programme, title="Full proposals due", due_on=days(40),
                              kind=MilestoneKind.FULL_PROPOSAL_DEADLINE, owner=alice)
    panel = make_milestone(programme=programme, title="Selection panel", due_on=days(70),
                           kind=MilestoneKind.PANEL_DATE, owner=alice)
    draft = make_milestone(proposal, title="Draft the case", starts_on=days(-30), due_on=days(-3),
                           kind=MilestoneKind.INTERNAL, state=IN_PROGRESS, owner=bola)
    board = make_milestone(proposal, title="Board sign-off", due_on=days(40), kind=MilestoneKind.BOARD, owner=alice)
    letters = make_milestone(proposal, title="Letters of support", starts_on=days(-10), due_on=days(-5),
                             kind=MilestoneKind.INTERNAL, state=DONE, done_on=days(-6), owner=bola)
    delivery = make_milestone(proposal, title="Kick-off", due_on=days(400), kind=MilestoneKind.DELIVERY, owner=alice)
    link(board, draft)
    link(board, letters)
    link(panel, deadline)
    return SimpleNamespace(programme=programme, proposal=proposal, alice=alice, bola=bola, deadline=deadline,
                           panel=panel, draft=draft, board=board, letters=letters, delivery=delivery)


def table_rows(response) -> list[list[str]]:
    """The milestones table, a list of cells per row; a group's heading is a row of one cell."""
    table = soup(response).select_one("table#milestones")
    return [[text(cell) for cell in row.find_all(["th", "td"])] for row in table.select("tbody tr")]


def test_the_proposal_timeline_table(staff_client, chain):
    response = staff_client.get(f"/proposals/{chain.proposal.id}/milestones")
    assert response.status_code == 200
    headings = [text(cell) for cell in soup(response).select("table#milestones thead th")]
    assert headings == ["Milestone", "Kind", "Owner", "Start", "Due", "Forecast", "State", "RAG", "Depends on",
                        "Critical path"]
    assert soup(response).select_one("th[scope=rowgroup]")["colspan"] == "10"
    rows = table_rows(response)
    assert rows[0] == ["Programme dates"]
    assert rows[1] == [
        "Full proposals due", "Full proposal deadline", "Alice Adams", "No start date", "5 January 2027",
        "5 January 2027", "Not started", "● Green", "Nothing", "No",
    ]
    # The panel ends the programme's own dates: its critical path.
    assert rows[2][:1] + rows[2][-2:] == ["Selection panel", "Full proposals due", "Yes"]
    assert rows[3] == ["Biochar accelerator Forecast to finish 3 days after the deadline"]
    assert [row[0] for row in rows[4:]] == ["Letters of support", "Draft the case", "Board sign-off", "Kick-off"]
    assert rows[4][5:] == ["Done on 20 November 2026 (1 day early)", "Done", "✓ Done", "Nothing", "No"]
    assert rows[5] == [
        "Draft the case", "Internal", "Bola Bello", "27 October 2026", "23 November 2026",
        "26 November 2026 (3 days late)", "In progress", "! Red Overdue", "Nothing", "Yes",
    ]
    assert rows[6] == [
        "Board sign-off", "Board", "Alice Adams", "No start date", "5 January 2027",
        "8 January 2027 (3 days late)", "Not started", "▲ Amber Waits on a late milestone",
        "Letters of support Draft the case", "Yes",
    ]
    # The critical path leads to the end held against the deadline, so not to the delivery.
    assert rows[7][-1] == "No"


def test_the_proposal_page_says_its_forecast_against_the_deadline(staff_client, chain):
    page = soup(staff_client.get(f"/proposals/{chain.proposal.id}/milestones"))
    assert text(page.select_one("#against-deadline")) == "Forecast to finish 3 days after the deadline."
    summary = text(page.select_one("#forecast-summary"))
    assert "8 January 2027 set by Board sign-off" in summary
    assert "5 January 2027 the programme's milestone Full proposals due" in summary
    assert page.select_one("#deadline-differs") is None


@pytest.mark.parametrize(("today", "words"), [
    (days(-10), "Forecast to finish on the day of the deadline"),  # nothing overdue yet
    (days(-3), "Forecast to finish on the day of the deadline"),  # the draft is due today
    (days(0), "Forecast to finish 3 days after the deadline"),
    (days(1), "Forecast to finish 4 days after the deadline"),
    (days(50), "Forecast to finish 53 days after the deadline"),  # the draft is 53 days overdue
])
def test_the_forecast_moves_with_today(staff_client, chain, monkeypatch, today, words):
    monkeypatch.setattr("tracker.milestones.views.timelines.today", lambda: today)
    page = soup(staff_client.get(f"/proposals/{chain.proposal.id}/milestones"))
    assert text(page.select_one("#against-deadline")) == f"{words}."


def test_when_the_deadline_milestone_and_the_key_date_disagree_the_page_says_so(staff_client, chain):
    chain.programme.full_proposal_deadline = days(38)
    db.session.commit()
    page = soup(staff_client.get(f"/proposals/{chain.proposal.id}/milestones"))
    assert text(page.select_one("#deadline-differs")).startswith(
        "The programme's key dates give the full proposal deadline as 3 January 2027; "
        "its milestone Full proposals due is due 5 January 2027."
    )
    assert text(page.select_one("#against-deadline")) == "Forecast to finish 3 days after the deadline."


def test_without_a_deadline_milestone_the_key_date_is_used(staff_client):
    proposal = factories.make_proposal(programme=factories.make_programme(full_proposal_deadline=days(10)))
    make_milestone(proposal, title="Only step", due_on=days(12), state=IN_PROGRESS)
    page = soup(staff_client.get(f"/proposals/{proposal.id}/milestones"))
    assert text(page.select_one("#against-deadline")) == "Forecast to finish 2 days after the deadline."
    assert "from the programme's key dates" in text(page.select_one("#forecast-summary"))


def test_the_chart_carries_rag_in_words_the_critical_path_today_and_links(staff_client, chain):
    page = soup(staff_client.get(f"/proposals/{chain.proposal.id}/milestones"))
    svg = page.select_one("svg[role=img]")
    assert svg.find("title").get_text() == "Timeline of Biochar accelerator's milestones and its programme's dates"
    assert svg["aria-labelledby"] == "timeline-title timeline-desc"
    labels = {int(group["data-milestone"]): text(group) for group in svg.select("g[data-milestone]")}
    assert labels[chain.draft.id] == "! Red Draft the case · due 23 Nov 2026 · forecast 26 Nov 2026 · critical path"
    assert labels[chain.board.id].startswith("▲ Amber Board sign-off · due 5 Jan 2027 · forecast 8 Jan 2027")
    assert labels[chain.letters.id] == "✓ Done Letters of support · due 21 Nov 2026 · done 20 Nov 2026"
    assert labels[chain.panel.id].startswith("● Green Selection panel")
    critical = {int(group["data-milestone"]) for group in svg.select("g.tracker-timeline-bar--critical")}
    assert critical == {chain.draft.id, chain.board.id, chain.panel.id}
    for milestone_id in critical:
        shapes = svg.select_one(f"g[data-milestone='{milestone_id}']").select("rect, polygon")
        assert shapes and all(shape["stroke-width"] == "3" for shape in shapes)
    assert "Today, 26 Nov 2026" in text(svg)
    # Board sign-off waits on two; the panel on the deadline: three arrows.
    assert len(svg.select("path[marker-end]")) == 3
    caption = page.select_one("figcaption")
    assert caption.select_one("a")["href"] == "#milestones"
    assert page.select_one("#milestones") is not None
    scroller = svg.find_parent(class_="tracker-report-scroll")
    assert (scroller["tabindex"], scroller["role"]) == ("0", "region")


def test_titles_are_escaped_in_the_chart_and_the_table(staff_client):
    proposal = factories.make_proposal()
    make_milestone(proposal, title="<script>alert(1)</script> & co")
    response = staff_client.get(f"/proposals/{proposal.id}/milestones")
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    # On the chart, in the table, and as the milestone that sets the forecast end.
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co") == 3


def test_rows_link_to_each_milestone_and_staff_may_add_one(staff_client, board_client, chain):
    url = f"/proposals/{chain.proposal.id}/milestones"
    page = soup(staff_client.get(url))
    assert page.select_one(f"#row-{chain.board.id} th a")["href"] == f"/milestones/{chain.board.id}"
    dependency_links = [a["href"] for a in page.select(f"#row-{chain.board.id} td ul a")]
    assert dependency_links == [f"#row-{chain.letters.id}", f"#row-{chain.draft.id}"]
    assert page.find("a", string="Add a milestone")["href"] == f"/proposals/{chain.proposal.id}/milestones/new"
    board_page = soup(board_client.get(url))
    assert board_page.find("a", string="Add a milestone") is None
    assert board_page.select_one(f"#row-{chain.board.id} th a") is not None


def test_a_proposal_with_no_milestones(staff_client):
    proposal = factories.make_proposal()
    page = soup(staff_client.get(f"/proposals/{proposal.id}/milestones"))
    assert page.select_one("svg") is None and page.select_one("table#milestones") is None
    assert "This proposal has no milestones yet" in text(page)
    assert text(page.select_one("#against-deadline")) == (
        "No milestones before delivery yet, so no forecast to hold against the deadline."
    )


# -- Pages: filters ------------------------------------------------------------------------------------

def shown_titles(response) -> list[str]:
    return [row[0] for row in table_rows(response) if len(row) > 1]


@pytest.mark.parametrize(("query", "titles"), [
    ("", ["Full proposals due", "Selection panel", "Letters of support", "Draft the case", "Board sign-off",
          "Kick-off"]),
    ("?kind=internal", ["Letters of support", "Draft the case"]),
    ("?rag=amber", ["Board sign-off"]),
    ("?rag=green&kind=panel_date", ["Selection panel"]),
    ("?kind=gateway", []),
])
def test_filters_hide_rows(staff_client, chain, query, titles):
    response = staff_client.get(f"/proposals/{chain.proposal.id}/milestones{query}")
    assert (shown_titles(response) if titles else []) == titles
    page = soup(response)
    for name, value in parse_qsl(query.removeprefix("?")):
        assert page.select_one(f"#{name} option[selected]")["value"] == value  # kept in the form
    assert text(page.select_one("#showing")).startswith(f"Showing {len(titles)} of 6 milestones.")
    assert page.select_one("#unknown-filters") is None
    if not titles:
        assert "No milestones match these filters." in text(page)


def test_filtering_by_owner_keeps_the_forecasts_of_the_whole_set(staff_client, chain):
    response = staff_client.get(f"/proposals/{chain.proposal.id}/milestones?owner={chain.alice.id}")
    rows = {row[0]: row for row in table_rows(response) if len(row) > 1}
    assert list(rows) == ["Full proposals due", "Selection panel", "Board sign-off", "Kick-off"]
    # Held up by the hidden draft all the same, and it says what it depends on is hidden.
    assert rows["Board sign-off"][5] == "8 January 2027 (3 days late)"
    assert rows["Board sign-off"][8] == (
        "Letters of support (hidden by the filters) Draft the case (hidden by the filters)"
    )
    page = soup(response)
    assert page.select_one("#owner option[selected]")["value"] == str(chain.alice.id)
    assert " ".join(page.select_one("#showing").get_text().split()) == (
        "Showing 4 of 6 milestones. Show every milestone. Forecasts, RAG statuses and the critical path are "
        "worked out over all 6, whichever are shown, so a hidden milestone can still move one that is shown."
    )
    assert page.select_one("#showing a")["href"] == f"/proposals/{chain.proposal.id}/milestones"
    # The owners offered are those who own a milestone here, by name.
    assert [text(option) for option in page.select("#owner option")] == ["Anyone", "Alice Adams", "Bola Bello"]


def test_unknown_filter_values_are_ignored_and_named(staff_client, chain):
    other = factories.make_user(Role.STAFF)
    response = staff_client.get(
        f"/proposals/{chain.proposal.id}/milestones?kind=banana&rag=amber&owner={other.id}"
    )
    assert response.status_code == 200
    assert shown_titles(response) == ["Board sign-off"]
    page = soup(response)
    assert text(page.select_one("#unknown-filters")) == (
        f"Not recognised, so not used: kind “banana”, owner “{other.id}”."
    )
    selected = [page.select_one(f"#{name} option[selected]")["value"] for name in ("kind", "owner", "rag")]
    assert selected == ["", "", "amber"]


def test_unknown_filter_values_are_escaped(staff_client, chain):
    response = staff_client.get(f"/proposals/{chain.proposal.id}/milestones", query_string={"kind": "<b>x</b>"})
    assert "kind “&lt;b&gt;x&lt;/b&gt;”" in response.get_data(as_text=True)


# -- Pages: the programme timeline ----------------------------------------------------------------

def test_the_programme_timeline_groups_rows_by_proposal(board_client, chain):
    other = factories.make_proposal(programme=chain.programme, title="Aardvark testbed")
    make_milestone(other, title="Gateway review", due_on=days(45), kind=MilestoneKind.GATEWAY, state=IN_PROGRESS)
    factories.make_proposal(programme=chain.programme, title="No milestones here")
    response = board_client.get(f"/programmes/{chain.programme.id}/timeline")
    assert response.status_code == 200
    rows = table_rows(response)
    headings = [row[0] for row in rows if len(row) == 1]
    assert headings == [
        "Programme dates",
        "Aardvark testbed Forecast to finish 5 days after the deadline",
        "Biochar accelerator Forecast to finish 3 days after the deadline",
    ]
    assert shown_titles(response) == [
        "Full proposals due", "Selection panel", "Gateway review",
        "Letters of support", "Draft the case", "Board sign-off", "Kick-off",
    ]
    page = soup(response)
    heading_links = [a["href"] for a in page.select("th[scope=rowgroup] a")]
    assert heading_links == [f"/proposals/{other.id}/milestones", f"/proposals/{chain.proposal.id}/milestones"]
    svg = page.select_one("svg[role=img]")
    assert svg.find("title").get_text() == f"Timeline of {chain.programme.name}"
    assert "Aardvark testbed: Forecast to finish 5 days after the deadline" in text(svg)
    assert page.find("a", string="Add a programme milestone") is None


def test_staff_may_add_a_programme_milestone_from_its_timeline(staff_client, chain):
    page = soup(staff_client.get(f"/programmes/{chain.programme.id}/timeline?rag=red"))
    assert page.find("a", string="Add a programme milestone")["href"] == (
        f"/programmes/{chain.programme.id}/milestones/new"
    )
    assert shown_titles(staff_client.get(f"/programmes/{chain.programme.id}/timeline?rag=red")) == ["Draft the case"]


def test_a_programme_with_no_milestones(staff_client):
    programme = factories.make_programme()
    page = soup(staff_client.get(f"/programmes/{programme.id}/timeline"))
    assert "This programme and its proposals have no milestones yet." in text(page)


# -- Who sees what -------------------------------------------------------------------------------------

def test_an_expert_sees_the_timeline_of_a_proposal_open_to_them_but_not_the_programmes(expert_client, chain):
    chain.proposal.stage = ProposalStage.CO_CREATION
    db.session.commit()
    response = expert_client.get(f"/proposals/{chain.proposal.id}/milestones")
    assert response.status_code == 200
    assert soup(response).find("a", string="Add a milestone") is None
    assert expert_client.get(f"/programmes/{chain.programme.id}/timeline").status_code == 403


def test_an_expert_cannot_see_a_draft_proposals_timeline(expert_client, chain):
    assert expert_client.get(f"/proposals/{chain.proposal.id}/milestones").status_code == 403


def test_missing_proposals_and_programmes_are_not_found(staff_client):
    assert staff_client.get("/proposals/999999/milestones").status_code == 404
    assert staff_client.get("/programmes/999999/timeline").status_code == 404


def test_the_timelines_link_to_their_files_for_those_who_may_have_them(client_as, chain):
    """Staff get the CSV, the import and the calendar; an expert who may see the proposal gets
    only the calendar (the CSV lists owners' email addresses)."""
    url = f"/proposals/{chain.proposal.id}/milestones"
    staff_links = {a["href"] for a in soup(client_as(Role.STAFF).get(url)).select("main a")}
    assert f"/proposals/{chain.proposal.id}/milestones.csv" in staff_links
    assert f"/proposals/{chain.proposal.id}/milestones/import" in staff_links
    assert "/profile/#calendar-feeds" in staff_links
    programme = soup(client_as(Role.BOARD).get(f"/programmes/{chain.proposal.programme_id}/timeline"))
    assert f"/programmes/{chain.proposal.programme_id}/milestones.csv" in {a["href"] for a in programme.select("main a")}

    chain.proposal.stage = ProposalStage.CO_CREATION
    db.session.commit()
    expert_links = {a["href"] for a in soup(client_as(Role.EXPERT).get(url)).select("main a")}
    assert "/profile/#calendar-feeds" in expert_links
    assert not any(href.endswith(".csv") or href.endswith("/import") for href in expert_links)
