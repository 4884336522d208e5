"""The dashboard's pure parts: what puts a proposal at risk, the contributions table by month,
the scale and bars of the count charts, and the headline's words about the pot."""

from datetime import date
from decimal import Decimal

import pytest

from tracker.assessments.services import AssessmentSummary
from tracker.dashboard.charts import Line, count_chart, count_scale
from tracker.dashboard.figures import NO_MILESTONES, Headline, MilestonePicture, month_table, risk_reasons
from tracker.milestones.rows import Finish
from tracker.milestones.rules import RAG
from tracker.prioritisation.queries import Dependency
from tracker.proposals.models import ProposalStage as S

THRESHOLD = Decimal(70)
NOT_ASSESSED = AssessmentSummary(assessors=0, average_percent=None, threshold=THRESHOLD, fund_votes=0)


def assessed(percent: str) -> AssessmentSummary:
    return AssessmentSummary(assessors=3, average_percent=Decimal(percent), exact_percent=Decimal(percent),
                             threshold=THRESHOLD, fund_votes=2)


def picture(red=0, forecast=None, done=False) -> MilestonePicture:
    counts = {rag: 0 for rag in RAG} | {RAG.RED: red}
    finish = Finish(None, forecast, done, date(2026, 3, 31)) if forecast else None
    return MilestonePicture(counts, None, finish)


FAILED = Dependency(1, 2, "Testbed", assessed("66.3"))
PASSED = Dependency(1, 3, "Hub", assessed("71"))


@pytest.mark.parametrize(("stage", "milestones", "assessment", "dependencies", "reasons"), [
    (S.CO_CREATION, NO_MILESTONES, NOT_ASSESSED, [], []),
    (S.CO_CREATION, picture(red=2), NOT_ASSESSED, [], ["2 red milestones (overdue or blocked)"]),
    (S.DRAFT, picture(forecast=date(2026, 4, 1)), NOT_ASSESSED, [],
     ["Forecast to finish 1 day after the deadline (31 March 2026)"]),
    (S.BOARD_REVIEW, picture(forecast=date(2026, 3, 31)), NOT_ASSESSED, [], []),  # on the day: in time
    (S.DRAFT, picture(forecast=date(2026, 4, 5), done=True), NOT_ASSESSED, [], []),  # done: nothing to slip
    (S.FUNDED, picture(forecast=date(2026, 9, 1)), NOT_ASSESSED, [], []),  # submitted: past the deadline
    (S.UNDER_ASSESSMENT, NO_MILESTONES, assessed("69.9"), [], ["Innovate UK score 69.9% is below the 70% threshold"]),
    (S.UNDER_ASSESSMENT, NO_MILESTONES, assessed("70"), [], []),
    (S.SUBMITTED, NO_MILESTONES, NOT_ASSESSED, [FAILED, PASSED],
     ["Depends on Testbed, which scored below the Innovate UK threshold"]),
    (S.NOT_FUNDED, picture(red=1), assessed("50"), [FAILED], []),  # finished: never at risk
    (S.WITHDRAWN, picture(red=1), NOT_ASSESSED, [], []),
    (S.FUNDED, picture(red=1), assessed("80"), [], ["1 red milestone (overdue or blocked)"]),
])
def test_what_puts_a_proposal_at_risk(stage, milestones, assessment, dependencies, reasons):
    assert risk_reasons(stage, milestones, assessment, dependencies) == reasons


def test_the_month_table_fills_the_months_between_in_order():
    table = month_table([
        (date(2025, 11, 1), 2, "Medtech", 1),
        (date(2026, 2, 1), 1, "clean tech", 3),
        (date(2026, 2, 1), 2, "Medtech", 2),
    ])
    assert table.sectors == [(1, "clean tech"), (2, "Medtech")]
    assert table.months == [
        (date(2025, 11, 1), [0, 1]), (date(2025, 12, 1), [0, 0]), (date(2026, 1, 1), [0, 0]),
        (date(2026, 2, 1), [3, 2]),
    ]
    assert (table.sector_totals, table.total) == ([3, 3], 6)
    assert month_table([]).months == []


@pytest.mark.parametrize(("largest", "scale"), [
    (1, (1, 1)), (5, (5, 1)), (6, (6, 2)), (7, (8, 2)), (10, (10, 2)), (11, (15, 5)), (26, (30, 10)),
    (101, (150, 50)), (1234, (1500, 500)),
])
def test_the_count_scale_takes_a_nice_step(largest, scale):
    assert count_scale(largest) == scale


def test_count_charts_draw_bars_and_stacked_parts_to_scale():
    chart = count_chart([Line("Draft", (2,), "2 proposals"), Line("Funded", (1,), "1 proposal"),
                         Line("None", (0,), "0 proposals")])
    assert [(bar.name, bar.figures, bar.length) for bar in chart.bars] == [
        ("Draft", "2 proposals", 720.0), ("Funded", "1 proposal", 360.0), ("None", "0 proposals", 0.0)]
    assert chart.ticks == [(0.0, "0"), (360.0, "1"), (720.0, "2")]
    assert (chart.axis_y, chart.height) == (3 * 58, 3 * 58 + 30)

    stacked = count_chart([Line("March 2026", (1, 0, 3), "4 contributions")])
    assert stacked.bars[0].segments == ((0.0, 180.0, 0), (180.0, 540.0, 2))  # scale to 4: 180 a unit
    assert count_chart([Line("Draft", (0,), "0 proposals")]) is None


@pytest.mark.parametrize(("asked", "words"), [
    (12_900_000, "£2.9m more than the pot"),
    (8_500_000, "£1.5m of the pot not asked for"),
    (10_000_000, "exactly the pot"),
])
def test_the_headline_says_how_the_asks_stand_against_the_pot(asked, words):
    headline = Headline(proposals=3, asked=asked, asking=3, funded=2_000_000, funded_proposals=1,
                        pot=10_000_000, at_risk=0)
    assert headline.asked_against_pot == words
    assert (headline.share_of_pot(asked), headline.pot_left) == (Decimal(asked) / 100_000, 8_000_000)
    assert Headline(0, 0, 0, 0, 0, 0, 0).share_of_pot(5) is None
