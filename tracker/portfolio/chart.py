"""The portfolio chart's geometry: a horizontal bar per sector or theme for its share of the
funding asked, a marker at its target, and the figures as text. The SVG itself is drawn by
templates/portfolio/_chart.html, where Jinja escapes every name (sector names are user text)."""

from dataclasses import dataclass
from decimal import Decimal

from tracker.portfolio.balance import Balance, BalanceLine
from tracker.templating import money_short, percent

WIDTH = 720
ROW = 58  # a line of text, then the bar
BAR = 20
TEXT_GAP = 18
AXIS = 30  # room for the scale under the last bar


@dataclass(frozen=True)
class Bar:
    """One sector or theme: its name and figures as text, the bar and the target marker."""

    name: str
    figures: str
    text_y: int
    bar_y: int
    length: float
    target_x: float | None
    is_unallocated: bool


@dataclass(frozen=True)
class BarChart:
    """The whole chart, in SVG user units."""

    width: int
    height: int
    bar_height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (x, label) along the scale
    axis_y: int


def bar_chart(result: Balance) -> BarChart | None:
    """The chart of `result`'s shares against their targets; None when nothing is asked
    (there are no shares to draw)."""
    if not result.total:
        return None
    lines = result.all_lines
    top = _scale_top(max([line.share for line in lines]
                         + [line.target for line in lines if line.target is not None]))
    bars = []
    for index, line in enumerate(lines):
        y = index * ROW
        bars.append(Bar(
            name=line.name,
            figures=_figures(line),
            text_y=y + TEXT_GAP,
            bar_y=y + TEXT_GAP + 8,
            length=_x(line.share, top),
            target_x=_x(line.target, top) if line.target is not None else None,
            is_unallocated=line.sector is None,
        ))
    step = 10 if top > 20 else 5
    ticks = [(_x(Decimal(value), top), f"{value}%") for value in range(0, int(top) + 1, step)]
    axis_y = len(lines) * ROW
    return BarChart(WIDTH, axis_y + AXIS, BAR, bars, ticks, axis_y)


def _figures(line: BalanceLine) -> str:
    """'42.5% (£1.2m), target 40%': the bar's figures in words, so colour is never needed."""
    text = f"{percent(line.share)} ({money_short(line.asked)})"
    if line.target is not None:
        text += f", target {percent(line.target)}"
    elif line.sector is not None:
        text += ", no target"
    return text


def _scale_top(largest: Decimal) -> Decimal:
    """The scale runs to the next 10% above the largest share or target (at least 10%)."""
    tens = -(-int(largest.to_integral_value(rounding="ROUND_CEILING")) // 10) * 10
    return Decimal(min(max(tens, 10), 100))


def _x(value: Decimal, top: Decimal) -> float:
    return round(float(value / top * WIDTH), 1)
