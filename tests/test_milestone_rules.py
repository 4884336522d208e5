"""The milestone rules against fixed dates: RAG, forecasts, the critical path and cycles."""

from datetime import date, timedelta

import pytest

from tracker.milestones.models import MilestoneState
from tracker.milestones.rules import RAG, CycleError, Record, find_cycle, finish, plan, rag

TODAY = date(2026, 3, 2)
NOT_STARTED = MilestoneState.NOT_STARTED
IN_PROGRESS = MilestoneState.IN_PROGRESS
DONE = MilestoneState.DONE
BLOCKED = MilestoneState.BLOCKED


def days(n: int) -> date:
    """TODAY moved by n days."""
    return TODAY + timedelta(days=n)


@pytest.mark.parametrize(("state", "due_in", "dependency_late", "expected"), [
    # done wins, however late it was done or however late its dependencies
    (DONE, -30, False, RAG.DONE),
    (DONE, -1, True, RAG.DONE),
    (DONE, 40, False, RAG.DONE),
    # red: overdue by one day, in any open state; blocked whenever it is due
    (NOT_STARTED, -1, False, RAG.RED),
    (IN_PROGRESS, -1, False, RAG.RED),
    (IN_PROGRESS, -1, True, RAG.RED),
    (BLOCKED, 60, False, RAG.RED),
    (BLOCKED, 0, False, RAG.RED),
    # due today is not yet overdue: not started is amber, in progress green
    (NOT_STARTED, 0, False, RAG.AMBER),
    (IN_PROGRESS, 0, False, RAG.GREEN),
    # within 14 days counts the 14th day; the 15th is outside
    (NOT_STARTED, 14, False, RAG.AMBER),
    (NOT_STARTED, 15, False, RAG.GREEN),
    (IN_PROGRESS, 14, False, RAG.GREEN),
    (IN_PROGRESS, 7, False, RAG.GREEN),
    # a late dependency makes it amber whatever its own dates
    (IN_PROGRESS, 30, True, RAG.AMBER),
    (NOT_STARTED, 30, True, RAG.AMBER),
    (NOT_STARTED, 30, False, RAG.GREEN),
])
def test_rag(state, due_in, dependency_late, expected):
    assert rag(state, days(due_in), TODAY, dependency_late) is expected


def test_every_rag_status_has_a_label_a_symbol_and_a_colour():
    assert [status.label for status in RAG] == ["Done", "Red", "Amber", "Green"]
    assert len({status.symbol for status in RAG}) == len(RAG)
    assert {status.tag_colour for status in RAG} == {"blue", "red", "orange", "green"}


def record(id_, due_in, state=NOT_STARTED, done_in=None, starts_in=None):
    return Record(
        id=id_, title=f"Milestone {id_}", state=state,
        starts_on=None if starts_in is None else days(starts_in),
        due_on=days(due_in), done_on=None if done_in is None else days(done_in),
    )


def test_a_milestone_on_its_own():
    result = plan([record(1, 10, IN_PROGRESS)], {}, TODAY)[1]
    assert (result.forecast, result.slip_days, result.late, result.overdue) == (days(10), 0, False, False)
    assert (result.rag, result.driver_id, result.critical) == (RAG.GREEN, None, True)


def test_an_overdue_milestone_with_nothing_before_it_is_forecast_for_today():
    result = plan([record(1, -5)], {}, TODAY)[1]
    assert (result.forecast, result.slip_days) == (TODAY, 5)
    assert result.overdue and result.late and not result.dependency_late
    assert result.rag is RAG.RED


def test_a_chain_of_three_moves_out_by_the_slip():
    # 1 is overdue by 3 days, so 2 and 3 (due later) move out by 3 days each.
    milestones = [record(1, -3, IN_PROGRESS), record(2, 10), record(3, 40, IN_PROGRESS)]
    result = plan(milestones, {2: {1}, 3: {2}}, TODAY)
    assert list(result) == [1, 2, 3]
    assert [result[i].forecast for i in (1, 2, 3)] == [TODAY, days(13), days(43)]
    assert [result[i].slip_days for i in (1, 2, 3)] == [3, 3, 3]
    assert [result[i].late for i in (1, 2, 3)] == [True, True, True]
    assert [result[i].dependency_late for i in (1, 2, 3)] == [False, True, True]
    assert [result[i].rag for i in (1, 2, 3)] == [RAG.RED, RAG.AMBER, RAG.AMBER]
    assert [result[i].driver_id for i in (1, 2, 3)] == [None, 1, 2]
    assert all(result[i].critical for i in (1, 2, 3))


def test_a_chain_keeps_the_gap_when_both_are_overdue():
    # 1 was due 20 days ago, 2 ten days after it: 2 cannot finish until 10 days from today.
    result = plan([record(1, -20), record(2, -10)], {2: {1}}, TODAY)
    assert (result[1].forecast, result[2].forecast) == (TODAY, days(10))
    assert result[2].driver_id == 1
    assert result[2].rag is RAG.RED


def test_slips_do_not_add_up_through_a_diamond():
    # 1 -> (2, 3) -> 4: 2 is held up by 1 (5 days) and 3 slips 8 days on its own; 4 takes
    # the larger slip, from 3, not the sum.
    milestones = [
        record(1, -5), record(2, 10), record(3, -8, IN_PROGRESS), record(4, 30),
    ]
    result = plan(milestones, {2: {1}, 3: {1}, 4: {2, 3}}, TODAY)
    assert result[2].forecast == days(15)
    assert result[3].forecast == TODAY and result[3].slip_days == 8
    assert result[4].forecast == days(38)
    assert result[4].driver_id == 3
    assert list(result)[0] == 1 and list(result)[-1] == 4
    assert {key for key, p in result.items() if p.critical} == {4, 3}


def test_a_dependency_done_late_moves_its_dependents():
    milestones = [record(1, -10, DONE, done_in=-6), record(2, 20)]
    result = plan(milestones, {2: {1}}, TODAY)
    assert (result[1].forecast, result[1].slip_days, result[1].late) == (days(-6), 4, True)
    assert result[1].rag is RAG.DONE
    assert (result[2].forecast, result[2].dependency_late, result[2].rag) == (days(24), True, RAG.AMBER)


def test_a_dependency_done_early_does_not_pull_its_dependents_in():
    milestones = [record(1, -2, DONE, done_in=-9), record(2, 20, IN_PROGRESS)]
    result = plan(milestones, {2: {1}}, TODAY)
    assert (result[1].slip_days, result[1].late) == (-7, False)
    assert (result[2].forecast, result[2].slip_days, result[2].rag) == (days(20), 0, RAG.GREEN)
    assert result[2].driver_id is None


def test_a_done_milestone_is_forecast_for_the_day_it_was_done():
    milestones = [record(1, -3), record(2, -1, DONE, done_in=-2)]
    result = plan(milestones, {2: {1}}, TODAY)
    assert (result[2].forecast, result[2].rag, result[2].driver_id) == (days(-2), RAG.DONE, None)


def test_the_critical_path_is_the_chain_that_sets_the_end_date():
    #   1 (overdue 4) -> 2 -> 5 (latest)
    #   3 (on time)   -> 4
    #   6 (on its own, due before 5)
    milestones = [
        record(1, -4), record(2, 20), record(3, 5, IN_PROGRESS), record(4, 50),
        record(5, 52), record(6, 40),
    ]
    result = plan(milestones, {2: {1}, 4: {3}, 5: {2, 4}}, TODAY)
    assert result[5].forecast == days(56)
    assert {key for key, p in result.items() if p.critical} == {1, 2, 5}
    assert finish(result, milestones).id == 5


def test_the_chain_stops_where_nothing_pushed():
    # 3 ends last but on time: it alone sets the end date.
    milestones = [record(1, 5, IN_PROGRESS), record(2, 10, IN_PROGRESS), record(3, 30, IN_PROGRESS)]
    result = plan(milestones, {2: {1}, 3: {2}}, TODAY)
    assert [key for key, p in result.items() if p.critical] == [3]


def test_ties_for_the_end_date_go_to_the_earliest_due_then_the_lowest_id():
    # 1 is due at day 10 but pushed to 20 by 3; 2 is due at day 20.
    milestones = [record(1, 10), record(2, 20, IN_PROGRESS), record(3, -10)]
    result = plan(milestones, {1: {3}}, TODAY)
    assert result[1].forecast == result[2].forecast == days(20)
    assert {key for key, p in result.items() if p.critical} == {1, 3}
    same = [record(7, 20, IN_PROGRESS), record(4, 20, IN_PROGRESS)]
    assert finish(plan(same, {}, TODAY), same).id == 4


def test_no_milestones_no_plan():
    assert plan([], {}, TODAY) == {}
    assert finish({}, []) is None


def test_a_dependency_outside_the_set_is_refused():
    with pytest.raises(ValueError, match="not in the plan"):
        plan([record(1, 5)], {1: {99}}, TODAY)


@pytest.mark.parametrize(("dependencies", "cycle"), [
    ({1: {2}, 2: {1}}, [1, 2, 1]),
    ({1: {2}, 2: {3}, 3: {1}}, [1, 2, 3, 1]),
    ({1: {1}}, [1, 1]),
    ({4: {1}, 1: {2}, 2: {3}, 3: {2}}, [2, 3, 2]),
])
def test_plan_names_a_cycle(dependencies, cycle):
    milestones = [record(i, i) for i in range(1, 5)]
    with pytest.raises(CycleError) as refused:
        plan(milestones, dependencies, TODAY)
    assert refused.value.cycle == cycle
    assert " → ".join(map(str, cycle)) in str(refused.value)


EDGES = {1: {2}, 2: {3}, 3: set(), 4: {2}, 5: set()}


@pytest.mark.parametrize(("new_from", "new_to", "cycle"), [
    (3, 2, [3, 2, 3]),  # direct: 2 already depends on 3
    (3, 1, [3, 1, 2, 3]),  # indirect: 1 -> 2 -> 3
    (5, 5, [5, 5]),  # itself
    (1, 3, None),  # already implied: no cycle
    (3, 5, None),
    (5, 1, None),
    (2, 4, [2, 4, 2]),
])
def test_find_cycle(new_from, new_to, cycle):
    assert find_cycle(EDGES, new_from, new_to) == cycle


def test_find_cycle_names_the_shortest_way_round():
    edges = {1: {2, 9}, 2: {3}, 3: {4}, 9: {4}, 4: set()}
    assert find_cycle(edges, 4, 1) == [4, 1, 9, 4]
