"""The timeline chart's geometry, as pure functions of the rows (milestones/rows.py) and today:
date to x, month ticks, the today line, a row per milestone under each group's heading, bars
from start to due, diamonds for a single date, hatched extensions out to a later forecast, and
dependency links. templates/milestones/_timeline.html draws it, and Jinja escapes every title."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tracker.milestones.rows import Entry, Group
from tracker.milestones.rules import RAG

# Horizontal scale: a year is about 1,100 units wide; a longer timeline scrolls sideways.
DAY_WIDTH = 3.0
MIN_PLOT_WIDTH = 720  # a short timeline is stretched to this
SIDE = 12  # space left and right of the dated area
TOP = 48  # month labels, then the today label, above the first row
HEADING_HEIGHT = 34
ROW_HEIGHT = 46  # a line of text, then the bar
TEXT_BASELINE = 16
BAR_TOP = 22
BAR_HEIGHT = 16
MIN_BAR = 2  # a bar that starts and ends on the same day stays visible
DIAMOND = 9  # half the diamond's width, for a milestone with no start date
BOTTOM = 12
CHAR_WIDTH = 7.5  # a generous average at 14px, to keep labels inside the chart
TITLE_LIMIT = 60  # longer titles are cut short on the chart; the table has them whole
ELBOW = 8  # how far a dependency link runs out of a bar before it turns

# GOV.UK tag colours for each status; every bar has a dark outline and its status in words too.
FILL = {RAG.DONE: "#1d70b8", RAG.RED: "#d4351c", RAG.AMBER: "#f47738", RAG.GREEN: "#00703c"}


@dataclass(frozen=True)
class Scale:
    """Dates to x: whole months from the first of the earliest month to the first of the month
    after the latest, at DAY_WIDTH a day (more when that would be narrower than MIN_PLOT_WIDTH)."""

    origin: date
    end: date
    day_width: float

    @classmethod
    def covering(cls, dates: Iterable[date]) -> "Scale":
        dates = list(dates)
        origin = min(dates).replace(day=1)
        end = _next_month(max(dates).replace(day=1))
        span = (end - origin).days
        return cls(origin, end, max(DAY_WIDTH, MIN_PLOT_WIDTH / span))

    @property
    def width(self) -> float:
        """The whole chart's width, margins included."""
        return round(2 * SIDE + (self.end - self.origin).days * self.day_width, 1)

    def x(self, day: date) -> float:
        return round(SIDE + (day - self.origin).days * self.day_width, 1)


def _next_month(first: date) -> date:
    return first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)


@dataclass(frozen=True)
class Tick:
    """A month's first day: a line, and its name ("Jan 2027" in January and at the start)."""

    x: float
    label: str


@dataclass(frozen=True)
class Heading:
    """A group's heading line across the chart."""

    text: str
    y: float  # baseline


@dataclass(frozen=True)
class Bar:
    """One milestone's row: its label line, and a bar from start to due or a diamond at its due
    date, then a hatched extension out to the forecast when that is later than the due date."""

    entry: Entry
    top: float  # the row's top
    status: str  # "▲ Amber"
    title: str  # cut short after TITLE_LIMIT characters
    details: str  # "due 3 Dec 2026 · forecast 6 Dec 2026 · critical path"
    text_x: float
    text_anchor: str  # "start" or "end"
    bar_x: float | None  # None: a diamond instead
    bar_width: float
    diamond: str | None  # the diamond's points
    extension_x: float | None  # the hatched forecast extension, when the forecast is later
    extension_width: float
    left: float  # where links arrive
    right: float  # where links leave

    @property
    def text_y(self) -> float:
        return self.top + TEXT_BASELINE

    @property
    def bar_y(self) -> float:
        return self.top + BAR_TOP

    @property
    def middle(self) -> float:
        return self.top + BAR_TOP + BAR_HEIGHT / 2

    @property
    def fill(self) -> str:
        return FILL[self.entry.rag]


@dataclass(frozen=True)
class Link:
    """A dependency drawn from the end of what is depended on to the start of what depends on
    it, ending in an arrow; thick on a critical path."""

    from_id: int
    to_id: int
    path: str
    critical: bool


@dataclass(frozen=True)
class Layout:
    """The whole chart, in SVG user units."""

    scale: Scale
    width: float
    height: float
    ticks: list[Tick]
    today_x: float
    today_label: str
    today_anchor: str
    headings: list[Heading]
    bars: list[Bar]
    links: list[Link]


def short_date(day: date) -> str:
    """26 Nov 2026."""
    return f"{day.day} {day:%b %Y}"


def layout(groups: list[Group], today: date) -> Layout | None:
    """The geometry of `groups` (already filtered) on a scale that takes in every start, due
    date and forecast shown, and today; None when there is nothing to draw."""
    entries = [entry for group in groups for entry in group.entries]
    if not entries:
        return None
    scale = Scale.covering([today, *_dates(entries)])
    y = TOP
    headings, bars = [], []
    for group in groups:
        text = _short(group.heading) if group.finish is None else f"{_short(group.heading)}: {group.finish.words}"
        headings.append(Heading(text, y + HEADING_HEIGHT - 10))
        y += HEADING_HEIGHT
        for entry in group.entries:
            bars.append(_bar(entry, y, scale))
            y += ROW_HEIGHT
    today_x = scale.x(today)
    today_label = f"Today, {short_date(today)}"
    fits = today_x + 4 + len(today_label) * CHAR_WIDTH <= scale.width - SIDE
    return Layout(
        scale=scale,
        width=scale.width,
        height=y + BOTTOM,
        ticks=_ticks(scale),
        today_x=today_x,
        today_label=today_label,
        today_anchor="start" if fits else "end",
        headings=headings,
        bars=bars,
        links=_links(bars),
    )


def _dates(entries: Iterable[Entry]) -> Iterable[date]:
    for entry in entries:
        if entry.milestone.starts_on:
            yield entry.milestone.starts_on
        yield entry.milestone.due_on
        yield entry.planned.forecast


def _ticks(scale: Scale) -> list[Tick]:
    ticks = []
    month = scale.origin
    while month < scale.end:
        label = f"{month:%b %Y}" if month == scale.origin or month.month == 1 else f"{month:%b}"
        ticks.append(Tick(scale.x(month), label))
        month = _next_month(month)
    return ticks


def _bar(entry: Entry, top: float, scale: Scale) -> Bar:
    milestone, planned = entry.milestone, entry.planned
    due_x = scale.x(milestone.due_on)
    if milestone.starts_on is not None:
        bar_x, diamond = scale.x(milestone.starts_on), None
        bar_width = max(round(due_x - bar_x, 1), MIN_BAR)
        left, right = bar_x, bar_x + bar_width
    else:
        bar_x, bar_width = None, 0
        middle = top + BAR_TOP + BAR_HEIGHT / 2
        half = BAR_HEIGHT / 2 + 1
        diamond = " ".join(f"{_n(x)},{_n(y)}" for x, y in (
            (due_x, middle - half), (due_x + DIAMOND, middle), (due_x, middle + half), (due_x - DIAMOND, middle),
        ))
        left, right = due_x - DIAMOND, due_x + DIAMOND
    extension_x, extension_width = None, 0.0
    if planned.forecast > milestone.due_on:
        extension_x = due_x
        extension_width = round(scale.x(planned.forecast) - due_x, 1)
        right = max(right, extension_x + extension_width)
    status = f"{entry.rag.symbol} {entry.rag.label}"
    title = _short(milestone.title)
    details = " · ".join(_details(entry))
    length = (len(status) + len(title) + len(details) + 2) * CHAR_WIDTH
    if left + length <= scale.width - SIDE:
        text_x, anchor = left, "start"
    elif right - length >= SIDE:
        text_x, anchor = right, "end"
    else:
        text_x, anchor = SIDE, "start"
    return Bar(entry, top, status, title, details, round(text_x, 1), anchor, bar_x, bar_width, diamond,
               extension_x, extension_width, round(left, 1), round(right, 1))


def _short(title: str) -> str:
    """A title cut short after TITLE_LIMIT characters (the table has it whole)."""
    return title if len(title) <= TITLE_LIMIT else title[:TITLE_LIMIT - 1] + "…"


def _details(entry: Entry) -> list[str]:
    """What the label says after the title: the dates in words, and the critical path."""
    milestone, planned = entry.milestone, entry.planned
    parts = [f"due {short_date(milestone.due_on)}"]
    if entry.done:
        parts.append(f"done {short_date(planned.forecast)}")
    elif planned.forecast != milestone.due_on:
        parts.append(f"forecast {short_date(planned.forecast)}")
    if entry.critical:
        parts.append("critical path")
    return parts


def _links(bars: list[Bar]) -> list[Link]:
    """A link for each dependency whose both ends are shown. A link whose ends are far enough
    apart turns once; one that would run backwards goes round through the gap above (or below)
    the row it arrives at."""
    by_id = {bar.entry.id: bar for bar in bars}
    links = []
    for bar in bars:
        for dependency in bar.entry.depends_on:
            start = by_id.get(dependency.id)
            if start is None:
                continue
            x1, y1, x2, y2 = start.right, start.middle, bar.left, bar.middle
            if x2 - x1 >= 2 * ELBOW:
                path = f"M{_n(x1)} {_n(y1)} H{_n(x1 + ELBOW)} V{_n(y2)} H{_n(x2)}"
            else:
                gap = bar.top + 2 if y2 > y1 else bar.top + ROW_HEIGHT - 2
                path = (f"M{_n(x1)} {_n(y1)} H{_n(x1 + ELBOW)} V{_n(gap)} H{_n(x2 - ELBOW)}"
                        f" V{_n(y2)} H{_n(x2)}")
            critical = bar.entry.critical and start.entry.critical and bar.entry.planned.driver_id == start.entry.id
            links.append(Link(start.entry.id, bar.entry.id, path, critical))
    return links


def _n(value: float) -> str:
    """A coordinate as SVG wants it: 12, 12.5 (no trailing .0)."""
    return f"{value:.1f}".removesuffix(".0")
