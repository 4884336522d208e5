"""The dashboard's charts as geometry: horizontal bars of whole numbers (proposals by stage,
milestones by RAG) and stacked bars (contributions per month, a part per sector or theme), laid
out as the portfolio chart is (tracker/portfolio/chart.py: the same Bar and BarChart, so one
template draws them all, templates/_macros/charts.html). Every bar carries its figures in
words, so the chart never relies on colour, and each chart has its table beside it."""

from collections.abc import Sequence
from dataclasses import dataclass

from tracker.portfolio.chart import AXIS, BAR, ROW, TEXT_GAP, WIDTH, Bar, BarChart

TICKS = 5  # at most this many steps along a scale of whole numbers
NICE_STEPS = tuple(base * 10 ** power for power in range(7) for base in (1, 2, 5))


@dataclass(frozen=True)
class StackedBar(Bar):
    """A bar made of parts, left to right in the order of its line's values: (x, width, the
    value's position) each; the template shades a part by its position, so one sector keeps
    one shade from bar to bar."""

    segments: tuple[tuple[float, float, int], ...] = ()


@dataclass(frozen=True)
class Line:
    """One bar to draw: its name, its value (or its parts, for a stacked bar), and its figures
    in words."""

    name: str
    values: tuple[int, ...]
    figures: str

    @property
    def total(self) -> int:
        return sum(self.values)


def count_scale(largest: int) -> tuple[int, int]:
    """(top of the scale, step between ticks) for whole numbers up to `largest`: the smallest
    nice step (1, 2, 5, 10, 20, ...) that covers `largest` in at most five steps."""
    step = next(step for step in NICE_STEPS if step * TICKS >= largest)
    top = max(-(-largest // step) * step, step)
    return top, step


def count_chart(lines: Sequence[Line]) -> BarChart | None:
    """A bar per line on a scale of whole numbers; a line with several values is a stacked bar.
    None when every value is 0 (there is nothing to draw)."""
    largest = max((line.total for line in lines), default=0)
    if not largest:
        return None
    top, step = count_scale(largest)
    bars = []
    for index, line in enumerate(lines):
        y = index * ROW
        bar = {"name": line.name, "figures": line.figures, "text_y": y + TEXT_GAP,
               "bar_y": y + TEXT_GAP + 8, "length": _x(line.total, top), "target_x": None,
               "is_unallocated": False}
        if len(line.values) > 1:
            bars.append(StackedBar(**bar, segments=_segments(line.values, top)))
        else:
            bars.append(Bar(**bar))
    ticks = [(_x(value, top), str(value)) for value in range(0, top + 1, step)]
    axis_y = len(lines) * ROW
    return BarChart(WIDTH, axis_y + AXIS, BAR, bars, ticks, axis_y)


def _segments(values: Sequence[int], top: int) -> tuple[tuple[float, float, int], ...]:
    """Each non-zero part's start, width and position; the parts end where the whole bar does."""
    parts, start = [], 0
    for position, value in enumerate(values):
        if value:
            parts.append((_x(start, top), round(_x(start + value, top) - _x(start, top), 1), position))
        start += value
    return tuple(parts)


def _x(value: int, top: int) -> float:
    return round(value / top * WIDTH, 1)
