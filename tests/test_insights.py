"""The rules behind the charts, tested as plain functions."""

import re
from datetime import date, timedelta

import pytest

from selfcare import insights
from selfcare.svgchart import TimeAxis, adherence_calendar, pain_chart

TODAY = date(2026, 11, 25)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def test_rolling_mean_skips_gaps_and_never_counts_them_as_zero():
    series = {days_ago(6): 6, days_ago(5): 4, days_ago(0): 2}
    rolling = insights.rolling_mean(series, days_ago(6), TODAY)
    assert rolling[TODAY] == pytest.approx(4.0)  # (6 + 4 + 2) / 3, not / 7
    assert rolling[days_ago(1)] is None  # no score that day: the line breaks, never bridges
    assert rolling[days_ago(5)] is None  # two values: fewer than the minimum of three
    assert rolling[days_ago(6)] is None


def test_rolling_mean_window_is_seven_days_inclusive():
    series = {days_ago(7): 10, days_ago(6): 1, days_ago(3): 1, days_ago(0): 1}
    assert insights.rolling_mean(series, TODAY, TODAY)[TODAY] == pytest.approx(1.0)


def test_empty_and_single_point_series():
    assert insights.rolling_mean({}, days_ago(3), TODAY) == {
        days_ago(n): None for n in range(3, -1, -1)
    }
    assert insights.last_week_change({TODAY: 5}, "neck", TODAY) is None
    assert insights.window_mean({TODAY: 5}, TODAY, TODAY) == 5
    assert insights.routine_effect({}, []) is None
    assert insights.adherence([], [], TODAY, TODAY).share == 0.0


@pytest.mark.parametrize(
    ("region", "before", "after", "meaningful"),
    [
        ("neck", 5.0, 3.5, True),  # 1.5 points: the neck MCID
        ("neck", 5.0, 3.6, False),
        ("lower_back", 6.0, 4.0, True),  # 2 points
        ("lower_back", 6.0, 4.3, False),  # 1.7 points, 28 %
        ("lower_back", 4.0, 2.8, True),  # 1.2 points is 30 % of 4
        ("upper_back", 2.0, 1.4, False),  # 30 % but under one point: noise
        ("upper_back", 3.0, 5.0, True),  # worse counts the same way
    ],
)
def test_mcid_rule(region, before, after, meaningful):
    assert insights.pain_change(region, before, after).meaningful is meaningful


def test_worsening_flag_needs_the_mcid_rise_over_the_previous_week():
    calm = {days_ago(n): 5 for n in range(7, 14)}
    worse = {days_ago(n): 7 for n in range(7)}
    assert insights.is_worsening({**calm, **worse}, "lower_back", TODAY)
    slightly = {days_ago(n): 6 for n in range(7)}  # 1 point, 20 %: under the MCID of 1.5
    assert not insights.is_worsening({**calm, **slightly}, "lower_back", TODAY)
    better = {days_ago(n): 1 for n in range(7)}
    assert not insights.is_worsening({**calm, **better}, "lower_back", TODAY)


def test_inactivity_after_four_days_without_a_checkin():
    assert not insights.is_inactive(days_ago(3), TODAY)
    assert insights.is_inactive(days_ago(4), TODAY)
    assert insights.is_inactive(None, TODAY)


def test_adherence_forgives_rest_and_flare_days():
    start = days_ago(9)
    routine = [days_ago(n) for n in (0, 1, 2, 4, 6, 8)]
    rest = [days_ago(3), days_ago(5)]
    result = insights.adherence(routine, rest, start, TODAY)
    assert result.counted_days == 8  # ten days less two rest days
    assert result.routine_days == 6
    assert result.share == pytest.approx(0.75)
    assert result.streak == 6 - 1  # 0,1,2 then rest 3, 4, rest 5, 6; day 7 was missed


def test_streak_is_not_broken_by_today_not_being_done_yet():
    routine = [days_ago(1), days_ago(2)]
    assert insights.adherence(routine, [], days_ago(5), TODAY).streak == 2


def test_routine_effect_needs_ten_days_in_each_group():
    routine_days = {days_ago(n) for n in range(1, 60, 2)}
    pain = {days_ago(n): (3 if days_ago(n + 1) in routine_days else 5) for n in range(58)}
    effect = insights.routine_effect(pain, routine_days)
    assert effect.after_routine == 3 and effect.after_none == 5
    assert effect.difference == -2
    few = dict(list(pain.items())[:15])
    assert insights.routine_effect(few, routine_days) is None


def test_change_since_a_session():
    series = {days_ago(n): 6 for n in range(20, 27)} | {days_ago(n): 3 for n in range(7)}
    change = insights.change_since(series, "neck", days_ago(20), TODAY)
    assert (change.before, change.after, change.direction, change.meaningful) == (
        6,
        3,
        "down",
        True,
    )


def test_chart_lines_break_at_gaps_and_carry_no_script():
    average = {days_ago(4): 3, days_ago(3): 3, days_ago(2): None, days_ago(1): 4, TODAY: 4}
    svg = pain_chart(
        chart_id="t",
        title="Neck",
        description="desc",
        scores={TODAY: 4},
        average=average,
        start=days_ago(10),
        end=TODAY,
    )
    assert "<script" not in svg and 'role="img"' in svg and "<title" in svg
    assert 'class="chart-points"' in svg
    line = re.search(r'class="chart-average" d="([^"]+)"', svg).group(1)
    assert line.count("M") == 2 and line.count("L") == 2  # two segments, none across the gap


def test_time_axis_labels_stay_few_and_readable():
    for days in (13, 90, 364, 1825):
        ticks = TimeAxis(days_ago(days), TODAY).ticks()
        assert 2 <= len(ticks) <= 6, days
        assert all(len(label) <= 6 for _, label in ticks)


def test_calendar_marks_rest_days_apart_from_missed_days():
    svg = adherence_calendar(
        chart_id="c",
        title="t",
        description="d",
        logs_per_day={TODAY: 2, days_ago(1): 1},
        rest_days=[days_ago(2)],
        end=TODAY,
        weeks=2,
    )
    assert 'class="heat-more"' in svg and 'class="heat-one"' in svg and 'class="heat-rest"' in svg


def test_block_means_group_days_and_leave_empty_blocks_empty():
    series = {days_ago(13): 2, days_ago(12): 4, days_ago(1): 6}
    blocks = insights.block_means(series, days_ago(13), TODAY, 7)
    assert blocks == {days_ago(13): 3.0, days_ago(6): 6.0}
    assert insights.block_means({}, days_ago(13), TODAY, 7) == {
        days_ago(13): None,
        days_ago(6): None,
    }


def test_rolling_mean_matches_the_plain_definition():
    series = {days_ago(n): (n * 7) % 11 for n in range(60) if n % 5 != 3}
    fast = insights.rolling_mean(series, days_ago(40), TODAY)
    for day, value in fast.items():
        plain = insights.window_mean(
            series, day - timedelta(days=6), day, insights.MIN_DAYS_FOR_AVERAGE
        )
        if day not in series:
            plain = None  # the line breaks on days without a score
        assert value == pytest.approx(plain) if plain is not None else value is None


def said(exercise, pain=None, difficulty=None):
    return insights.ExerciseFeedback(exercise, pain, difficulty)


def test_painful_exercises_from_seven_up_with_the_highest_pain_first():
    feedback = [said("Chin tuck", 6), said("Roll", 7), said("Chin tuck", 9), said("Roll", 8)]
    assert insights.painful_exercises(feedback) == {"Chin tuck": 9, "Roll": 8}
    assert list(insights.painful_exercises(feedback)) == ["Chin tuck", "Roll"]
    assert insights.painful_exercises([said("Roll", 6), said("Roll")]) == {}


def test_too_hard_only_twice_in_a_row_on_the_same_exercise():
    hard, right = "too_hard", "about_right"
    assert insights.too_hard_twice([said("A", difficulty=hard), said("A", difficulty=hard)]) == [
        "A"
    ]
    # Another exercise in between does not break the run; a different answer does.
    between = [said("A", difficulty=hard), said("B", difficulty=hard), said("A", difficulty=hard)]
    assert insights.too_hard_twice(between) == ["A"]
    broken = [said("A", difficulty=hard), said("A", difficulty=right), said("A", difficulty=hard)]
    assert insights.too_hard_twice(broken) == []
    unanswered = [said("A", difficulty=hard), said("A"), said("A", difficulty=hard)]
    assert insights.too_hard_twice(unanswered) == []
    # Only the last two count: easier since then means the flag is down.
    assert insights.too_hard_twice([said("A", difficulty=hard)] * 2 + [said("A", 3, right)]) == []


def test_attention_puts_worsening_first_then_pain_during_then_too_hard_then_quiet():
    rank = insights.attention_rank
    ranks = {
        "worse in three regions": rank([2.5, 2.0, 3.0], None, 0, False),
        # The same total rise: spread over more regions comes first.
        "worse in two regions, 2 points in all": rank([1.0, 1.0], None, 0, False),
        "worse in one region by 2": rank([2.0], 9, 0, True),
        "pain 9 during": rank([], 9, 0, True),
        "pain 7 during": rank([], 7, 2, False),
        "too hard twice": rank([], None, 1, True),
        "quiet": rank([], None, 0, True),
        "nothing": rank([], None, 0, False),
    }
    assert sorted(ranks, key=ranks.get) == list(ranks)
