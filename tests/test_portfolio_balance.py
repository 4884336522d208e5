"""The portfolio's arithmetic without a database: apportioning an ask by its priorities' shares
(whole pounds, largest remainder, always adding up to the ask), the sums per sector against the
targets, and the chart's geometry."""

from decimal import Decimal

import pytest

from tracker.portfolio.balance import AskedRow, SectorInfo, apportion, balance
from tracker.portfolio.chart import WIDTH, bar_chart
from tracker.sectors.models import SectorKind

D = Decimal


@pytest.mark.parametrize("ask,shares,parts,rest", [
    # The largest remainders get the pounds left over: .33 + .33 + .34 of 1 is the rest's.
    (1_000_001, ["33.33", "33.33", "33.34"], [333_300, 333_300, 333_401], 0),
    # Three equal thirds of £10: one pound left, the first-ranked gets it.
    (10, ["33.33", "33.33", "33.33"], [4, 3, 3], 0),
    (10, ["33.34", "33.33", "33.33"], [4, 3, 3], 0),
    (100, [], [], 100),
    (0, ["50", "50"], [0, 0], 0),
    (0, [], [], 0),
    (1_000, ["60", "25"], [600, 250], 150),
    # An odd pound between two halves goes to the higher rank.
    (1, ["50", "50"], [1, 0], 0),
    # The unallocated remainder ranks last: a tie with it goes to the priority.
    (1, ["50"], [1], 0),
    # A bigger remainder beats a higher rank: 7 * 0.1 = 0.7 of a pound for the second.
    (7, ["0.5", "10", "89.5"], [0, 1, 6], 0),
    (3, ["12.5", "12.5"], [1, 0], 2),
    (10_000_000_000, ["0.01", "99.98"], [1_000_000, 9_998_000_000], 1_000_000),
])
def test_apportioning_splits_the_ask_in_whole_pounds_that_add_up(ask, shares, parts, rest):
    assert apportion(ask, [D(share) for share in shares]) == (parts, rest)
    assert sum(parts) + rest == ask


@pytest.mark.parametrize("ask", [1, 2, 7, 10, 99, 101, 999_999, 1_000_001, 33_333_333])
@pytest.mark.parametrize("shares", [
    ["33.33", "33.33", "33.33"], ["0.01"] * 7, ["14.28"] * 7, ["99.99"], ["12.5", "37.5", "50"],
])
def test_the_parts_always_add_up_and_stay_within_a_pound_of_the_exact_share(ask, shares):
    parts, rest = apportion(ask, [D(share) for share in shares])
    assert sum(parts) + rest == ask
    exact = [D(ask) * D(share) / 100 for share in shares]
    assert all(abs(part - value) < 1 for part, value in zip(parts, exact, strict=True))


@pytest.mark.parametrize("ask,shares", [(100, ["60", "50"]), (100, ["-1"]), (-1, ["10"])])
def test_impossible_splits_are_refused(ask, shares):
    with pytest.raises(ValueError):
        apportion(ask, [D(share) for share in shares])


HEALTH = SectorInfo(1, "Health tech", SectorKind.SECTOR, False)
CLEAN = SectorInfo(2, "Clean tech", SectorKind.SECTOR, False)
SKILLS = SectorInfo(3, "Skills", SectorKind.THEME, False)
DIGITAL = SectorInfo(4, "Digital", SectorKind.SECTOR, True)
SECTORS = {sector.id: sector for sector in (HEALTH, CLEAN, SKILLS, DIGITAL)}


def rows():
    """Proposal 1 asks £10 split in thirds; 2 asks £90 all for clean tech; 3 has no priorities."""
    return [
        AskedRow(1, 10, HEALTH.id, D("33.33"), 1),
        AskedRow(1, 10, SKILLS.id, D("33.33"), 3),
        AskedRow(1, 10, CLEAN.id, D("33.33"), 2),
        AskedRow(2, 90, CLEAN.id, D("100"), 1),
        AskedRow(3, 100, None, None, None),
    ]


def test_the_balance_sums_apportioned_parts_per_sector_against_the_targets():
    result = balance(rows(), SECTORS, {HEALTH.id: D("40"), DIGITAL.id: D("10")})

    assert result.total == 200 and result.proposals == 3
    # Sectors (by name) before themes; a sector with a target but no asks shows 0.
    assert [line.name for line in result.lines] == ["Clean tech", "Digital", "Health tech", "Skills"]
    clean, digital, health, skills = result.lines
    assert (health.asked, clean.asked, skills.asked, digital.asked) == (4, 93, 3, 0)
    assert result.unallocated.asked == 100
    assert sum(line.asked for line in result.all_lines) == result.total
    assert (health.share, clean.share, result.unallocated.share) == (D("2.0"), D("46.5"), D("50.0"))
    assert health.gap_points == D("-38.0") and health.target_amount == 80 and health.gap_pounds == -76
    assert digital.gap_points == D("-10.0") and digital.gap_pounds == -20
    assert clean.target is None and clean.gap_points is None and clean.gap_pounds is None
    assert result.target_total == D("50")
    # Proposals behind each line: those listing the sector, and those leaving part over.
    assert (health.proposals, clean.proposals, digital.proposals) == (1, 2, 0)
    assert result.unallocated.proposal_ids == {1, 3}


def test_a_balance_with_nothing_asked_has_no_shares_and_no_chart():
    result = balance([AskedRow(1, 0, HEALTH.id, D("100"), 1)], SECTORS, {CLEAN.id: D("30")})

    assert result.total == 0
    assert [line.share for line in result.all_lines] == [None, None, None]
    clean = result.lines[0]
    assert clean.gap_points is None and clean.gap_pounds == 0
    assert bar_chart(result) is None


def test_the_chart_draws_each_share_against_its_target_with_the_figures_in_words():
    result = balance(rows(), SECTORS, {HEALTH.id: D("40"), DIGITAL.id: D("10")})

    chart = bar_chart(result)

    # The largest figure is the unallocated 50%: the scale runs to 50%.
    assert chart.ticks[0] == (0.0, "0%") and chart.ticks[-1] == (float(WIDTH), "50%")
    by_name = {bar.name: bar for bar in chart.bars}
    assert list(by_name) == ["Clean tech", "Digital", "Health tech", "Skills", "Not allocated to a priority"]
    assert by_name["Health tech"].figures == "2% (£4), target 40%"
    assert by_name["Clean tech"].figures == "46.5% (£93), no target"
    assert by_name["Not allocated to a priority"].figures == "50% (£100)"
    assert by_name["Health tech"].length == pytest.approx(WIDTH * 2 / 50)
    assert by_name["Health tech"].target_x == pytest.approx(WIDTH * 40 / 50)
    assert by_name["Clean tech"].target_x is None
    assert by_name["Not allocated to a priority"].is_unallocated
    assert chart.height > chart.axis_y > max(bar.bar_y for bar in chart.bars)
