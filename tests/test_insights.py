"""The rules behind the charts, tested as plain functions."""

import re
from datetime import date, timedelta

import pytest

from selfcare import insights
from selfcare.svgchart import (
    TimeAxis,
    ValueAxis,
    adherence_calendar,
    growth_chart,
    outcome_chart,
    pain_chart,
)

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


def scored(*values: float) -> insights.Tally:
    """A window of daily scores."""
    return insights.Tally(sum(values), len(values))


def test_empty_and_single_point_series():
    assert insights.rolling_mean({}, days_ago(3), TODAY) == {
        days_ago(n): None for n in range(3, -1, -1)
    }
    assert insights.pain_change("neck", scored(), scored(5)) is None
    assert insights.tally({TODAY: 5}, TODAY, TODAY).mean() == 5
    assert insights.routine_effect(scored(), scored()) is None
    # Day one without a routine yet: today never counts against anyone.
    assert insights.adherence([], [], [], TODAY, TODAY).share is None
    assert insights.adherence([], [TODAY], [], TODAY, TODAY).share == 1.0


@pytest.mark.parametrize(
    ("region", "before", "after", "meaningful"),
    [
        ("neck", 5.0, 3.2, True),  # 1.8 points: the neck MCID (1.5) and the MDC (1.77)
        ("neck", 5.0, 3.5, False),  # the neck MCID, but within the scale's own scatter
        ("lower_back", 6.0, 4.0, True),  # 2 points
        ("lower_back", 6.0, 4.3, False),  # 1.7 points, 28 %
        ("lower_back", 4.0, 2.0, True),  # 30 % of 4 is 1.2: the MDC decides
        ("lower_back", 4.0, 2.8, False),  # 30 % of 4 and more, but under the MDC
        ("upper_back", 2.0, 1.0, False),  # half of a low baseline: still under the MDC
        ("upper_back", 3.0, 5.0, True),  # worse counts the same way
    ],
)
def test_a_real_change_reaches_both_the_mcid_and_the_mdc(region, before, after, meaningful):
    change = insights.pain_change(
        region, scored(before, before, before), scored(after, after, after)
    )
    assert change.meaningful is meaningful
    assert (change.days_before, change.days_after) == (3, 3)


def test_a_change_needs_three_scored_days_on_each_side():
    assert insights.pain_change("neck", scored(6, 6), scored(2, 2, 2)) is None
    assert insights.pain_change("neck", scored(6, 6, 6), scored(2, 2)) is None
    change = insights.pain_change("neck", scored(6, 6, 6), scored(2, 2, 2))
    assert change.meaningful and change.delta == -4


def test_the_mdc_comes_from_the_reference_data():
    assert insights.PAIN_MDC_POINTS == 1.77
    assert insights.change_threshold("upper_back", 2.0) == 1.77
    assert insights.change_threshold("lower_back", 8.0) == 2.0


def test_worse_this_week_needs_a_real_rise_over_the_week_before():
    def this_week(scores):
        previous, week = insights.weekly_windows(TODAY)
        return insights.comparison("lower_back", scores, (previous, week)).change

    calm = {days_ago(n): 5 for n in range(7, 14)}
    assert insights.worsened(this_week({**calm, **{days_ago(n): 7 for n in range(7)}}))
    slightly = {days_ago(n): 6 for n in range(7)}  # 1 point, 20 %: under the threshold
    assert not insights.worsened(this_week({**calm, **slightly}))
    assert not insights.worsened(this_week({**calm, **{days_ago(n): 1 for n in range(7)}}))
    # Two bad days are not a week.
    assert this_week({**calm, days_ago(0): 9, days_ago(1): 9}) is None


def test_inactivity_after_four_days_without_a_checkin_but_never_before_day_four():
    long_ago = days_ago(100)
    assert not insights.is_inactive(days_ago(3), TODAY, long_ago)
    assert insights.is_inactive(days_ago(4), TODAY, long_ago)
    assert insights.is_inactive(None, TODAY, long_ago)
    # Joined today, or three days ago, never checked in: not "quiet", just new.
    assert not insights.is_inactive(None, TODAY, TODAY)
    assert not insights.is_inactive(None, TODAY, days_ago(3))
    assert insights.is_inactive(None, TODAY, days_ago(4))


def test_the_first_day_is_joining_or_an_earlier_entry():
    assert insights.first_day(days_ago(3), None, days_ago(1)) == days_ago(3)
    assert insights.first_day(days_ago(3), days_ago(8), None) == days_ago(8)
    assert insights.first_day(days_ago(3)) == days_ago(3)


def test_adherence_forgives_rest_and_flare_days():
    start = days_ago(9)
    routine = [days_ago(n) for n in (0, 1, 2, 4, 6, 8)]
    rest = [days_ago(3), days_ago(5)]
    result = insights.adherence([], routine, rest, start, TODAY)
    assert result.counted == 8  # ten days less two rest days
    assert (result.done, result.resting, result.against_plan) == (6, 2, False)
    assert result.share == pytest.approx(0.75)
    assert insights.streak(routine, rest, TODAY, start) == 6 - 1  # day 7 was missed


def test_today_counts_only_once_something_is_done():
    start = days_ago(2)
    assert insights.adherence([], [days_ago(1)], [], start, TODAY).counted == 2
    assert insights.adherence([], [days_ago(1), TODAY], [], start, TODAY).counted == 3


def test_streak_is_not_broken_by_today_not_being_done_yet():
    routine = [days_ago(1), days_ago(2)]
    assert insights.streak(routine, [], TODAY, days_ago(5)) == 2
    assert insights.streak(routine, [], TODAY, days_ago(1)) == 1  # no further back than asked


def test_routine_effect_needs_ten_days_in_each_group():
    routine_days = {days_ago(n) for n in range(1, 60, 2)}
    pain = {days_ago(n): (3 if days_ago(n + 1) in routine_days else 5) for n in range(58)}
    tallies = insights.after_routine_tallies(pain, routine_days, days_ago(60), TODAY)
    effect = insights.routine_effect(*tallies)
    assert effect.after_routine == 3 and effect.after_none == 5
    assert effect.difference == -2
    few = insights.after_routine_tallies(pain, routine_days, days_ago(14), TODAY)
    assert insights.routine_effect(*few) is None


def test_change_since_a_session_counts_only_the_days_after_it():
    series = {days_ago(n): 6 for n in range(20, 27)} | {days_ago(n): 3 for n in range(7)}
    windows = insights.windows_around(days_ago(20), TODAY)
    change = insights.comparison("neck", series, windows).change
    assert (change.before, change.after, change.direction, change.meaningful) == (
        6,
        3,
        "down",
        True,
    )
    # A session two days ago: one check-in since is not a change yet, and the days before the
    # session are not counted as after it.
    recent = {days_ago(n): 6 for n in range(2, 9)} | {TODAY: 2}
    windows = insights.windows_around(days_ago(2), TODAY)
    assert windows[1] == (days_ago(1), TODAY)
    assert insights.comparison("neck", recent, windows).change is None
    assert insights.windows_around(TODAY, TODAY) is None


def test_a_measurement_change_is_real_from_the_movements_own_error():
    assert insights.measurement_change(40, 44, 4).meaningful
    assert not insights.measurement_change(40, 43, 4).meaningful
    assert not insights.measurement_change(20, 16, 4.5).meaningful


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
    for days in (13, 31, 90, 364, 1825):
        ticks = TimeAxis(days_ago(days), TODAY).ticks()
        assert 2 <= len(ticks) <= 5, days
        assert all(len(tick.label) <= 6 for tick in ticks)


def test_time_axis_dates_cannot_be_read_as_day_and_month():
    """A year of charts once read 'Jan 26': each month label now has its full year under it
    at the start and at every January."""
    start = date(2025, 11, 20)
    ticks = TimeAxis(start, start + timedelta(days=364)).ticks()
    assert [(tick.label, tick.year) for tick in ticks] == [
        ("Jan", "2026"),
        ("Apr", ""),
        ("Jul", ""),
        ("Oct", ""),
    ]
    two_weeks = TimeAxis(date(2026, 1, 1), date(2026, 1, 14)).ticks()
    assert [tick.label for tick in two_weeks] == ["1 Jan", "5 Jan", "9 Jan", "13 Jan"]
    svg = pain_chart(
        chart_id="p",
        title="t",
        description="d",
        scores={},
        average={},
        start=start,
        end=start + timedelta(days=364),
    )
    assert ">Jan<tspan" in svg and ">2026</tspan>" in svg


def test_calendar_names_weekdays_and_months():
    svg = adherence_calendar(
        chart_id="c",
        title="t",
        description="d",
        logs_per_day={},
        rest_days=[],
        end=date(2026, 2, 20),
        weeks=12,
    )
    labels = re.findall(r'<text class="chart-label"[^>]*>([^<]+)</text>', svg)
    assert labels[:4] == ["Mon", "Wed", "Fri", "Sun"]
    assert labels[4:] == ["Dec", "Jan 2026", "Feb"]


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


def test_calendar_leaves_the_days_before_the_first_day_blank():
    """A new client's calendar showed weeks of grey "none" squares before they joined."""

    def cells(first_day):
        svg = adherence_calendar(
            chart_id="c",
            title="t",
            description="d",
            logs_per_day={TODAY: 1},
            rest_days=[],
            end=TODAY,
            weeks=12,
            first_day=first_day,
        )
        match = re.search(r'class="heat-none" d="([^"]*)"', svg)
        return match.group(1).count("M") if match else 0

    assert cells(days_ago(100)) == 11 * 7 + 3 - 1  # to this Wednesday, less the day done
    assert cells(TODAY) == 0


def test_rolling_mean_matches_the_plain_definition():
    series = {days_ago(n): (n * 7) % 11 for n in range(60) if n % 5 != 3}
    fast = insights.rolling_mean(series, days_ago(40), TODAY)
    for day, value in fast.items():
        plain = insights.tally(series, day - timedelta(days=6), day).mean(
            insights.MIN_DAYS_FOR_AVERAGE
        )
        if day not in series:
            plain = None  # the line breaks on days without a score
        assert value == pytest.approx(plain) if plain is not None else value is None


def test_psfs_mean_is_the_mean_of_the_activities():
    assert insights.psfs_mean([2, 3, 7]) == pytest.approx(4.0)
    assert insights.psfs_mean([]) is None


@pytest.mark.parametrize(
    ("before", "after", "item", "meaningful"),
    [
        (3.0, 4.9, False, False),  # under the 2-point MDC of the mean
        (3.0, 5.0, False, True),
        (5.0, 3.0, False, True),  # worse counts too
        (4, 6, True, False),  # one activity needs 3 points
        (4, 7, True, True),
    ],
)
def test_psfs_change_is_real_from_the_mdc(before, after, item, meaningful):
    assert insights.psfs_change(before, after, item=item).meaningful is meaningful


def test_psfs_higher_is_better_unlike_pain():
    assert insights.psfs_verdict(insights.psfs_change(3.0, 6.0)) == "better"
    assert insights.psfs_verdict(insights.psfs_change(6.0, 3.0)) == "worse"
    assert insights.psfs_verdict(insights.psfs_change(3.0, 4.0)) == "same"
    assert insights.psfs_verdict(insights.psfs_change(None, 4.0)) == ""
    # Pain going up by as much is the opposite: worse.
    assert insights.worsened(insights.pain_change("lower_back", scored(3, 3, 3), scored(6, 6, 6)))


def test_psfs_item_changes_compare_activities_scored_both_times():
    changes = insights.psfs_item_changes({1: 2, 2: 5}, {1: 6, 3: 4})
    assert list(changes) == [1]
    assert changes[1].meaningful and changes[1].delta == 4


@pytest.mark.parametrize(
    ("last", "requested", "has_activities", "expected"),
    [
        (None, False, False, ""),  # nothing named: nothing to ask
        (None, True, False, insights.PSFS_REQUESTED),  # the therapist asked: name them first
        (None, False, True, insights.PSFS_DUE),
        (days_ago(13), False, True, ""),
        (days_ago(14), False, True, insights.PSFS_DUE),
        (days_ago(1), True, True, insights.PSFS_REQUESTED),
    ],
)
def test_psfs_due_every_two_weeks_or_when_asked(last, requested, has_activities, expected):
    assert insights.psfs_due(last, TODAY, requested, has_activities) == expected


def test_outcome_chart_marks_changes_beyond_the_band():
    chart = outcome_chart(
        chart_id="psfs",
        title="PSFS",
        description="Activity score",
        means={days_ago(28): 3.0, days_ago(14): 4.0, TODAY: 6.0},
        band_around=3.0,
        band_half_width=2.0,
        start=days_ago(28),
        end=TODAY,
    )
    band = re.search(
        r'class="chart-band" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', chart
    )
    # From 5 down to 1 on the chart's 0-10 axis.
    axis = ValueAxis(0, 10)
    assert float(band[1]) == pytest.approx(axis.y(5), abs=0.1)
    assert float(band[2]) == pytest.approx(axis.y(1) - axis.y(5), abs=0.1)
    within = re.search(r'class="chart-outcome-mark" d="([^"]+)"', chart)[1]
    beyond = re.search(r'class="chart-outcome-beyond" d="([^"]+)"', chart)[1]
    assert within.count("h0") == 2 and beyond.count("h0") == 1


def test_growth_chart_labels_the_measured_sizes_and_keeps_its_series_apart():
    chart = str(
        growth_chart(
            chart_id="g",
            title="CPU by years",
            description="as served and computed",
            series={"served": {1: 5.0, 5: 5.4, 10: 5.8}, "computed": {1: 20.0, 5: 53.0, 10: 96.0}},
            value_range=(0, 10),
        )
    )
    labels = re.findall(r'class="chart-label time-label"[^>]*>([^<]+)<', chart)
    assert labels == ["1", "5", "10"]
    assert chart.count('class="chart-rom-line chart-left"') == 1
    assert chart.count('class="chart-rom-line chart-right"') == 1
    # The axis reaches the largest value, so the steep series stays inside the chart.
    values = [float(v) for v in re.findall(r'value-label"[^>]*>([^<]+)<', chart)]
    assert max(values) >= 96 - 20 and min(values) == 0


# Plans: 2026-11-02 is a Monday.
MONDAY = date(2026, 11, 2)


def every_day_of(days: list[date], times: int = 1) -> dict[date, int]:
    return dict.fromkeys(days, times)


def test_a_three_days_a_week_plan_fully_done_is_100_percent():
    plan = insights.Plan(starts_on=MONDAY, days_per_week=3)
    done = [MONDAY + timedelta(days=offset) for offset in (0, 2, 4, 7, 9, 11)]
    today = MONDAY + timedelta(days=13)
    result = insights.plan_adherence(plan, every_day_of(done), [], MONDAY, today)
    assert (result.done, result.planned, result.share) == (6, 6, 1.0)


def test_extra_sessions_do_not_make_up_for_another_week():
    plan = insights.Plan(starts_on=MONDAY, days_per_week=3)
    first_week = [MONDAY + timedelta(days=offset) for offset in range(7)]
    today = MONDAY + timedelta(days=14)
    result = insights.plan_adherence(plan, every_day_of(first_week), [], MONDAY, today)
    assert (result.done, result.planned) == (3, 6)


def test_a_weekdays_plan_counts_the_chosen_days_and_a_swapped_day_still_counts():
    plan = insights.Plan(starts_on=MONDAY, weekdays=frozenset({0, 2, 4}))
    # Monday, Tuesday instead of Wednesday, Friday; the next week only Monday.
    done = [MONDAY, MONDAY + timedelta(days=1), MONDAY + timedelta(days=4), MONDAY + timedelta(7)]
    today = MONDAY + timedelta(days=14)
    result = insights.plan_adherence(plan, every_day_of(done), [], MONDAY, today)
    assert (result.done, result.planned) == (4, 6)


def test_a_week_in_progress_counts_only_what_is_done_until_it_can_no_longer_be_reached():
    plan = insights.Plan(starts_on=MONDAY, days_per_week=3)
    # Day one, nothing done yet: nothing counts against anyone.
    assert insights.plan_adherence(plan, {}, [], MONDAY, MONDAY).planned == 0
    assert insights.plan_adherence(plan, {MONDAY: 1}, [], MONDAY, MONDAY).share == 1.0
    # Saturday with one session: two days are left for two sessions, so still nothing missed.
    saturday = MONDAY + timedelta(days=5)
    assert insights.plan_adherence(plan, {MONDAY: 1}, [], MONDAY, saturday).share == 1.0
    # Sunday: one day left for two sessions, so one is missed.
    sunday = MONDAY + timedelta(days=6)
    result = insights.plan_adherence(plan, {MONDAY: 1}, [], MONDAY, sunday)
    assert (result.done, result.planned) == (1, 2)


def test_a_plan_starting_mid_window_is_counted_from_its_start():
    plan = insights.Plan(starts_on=MONDAY + timedelta(days=7), weekdays=frozenset({0, 3}))
    done = [MONDAY + timedelta(days=7), MONDAY + timedelta(days=10)]
    result = insights.plan_adherence(
        plan, every_day_of(done), [], MONDAY, MONDAY + timedelta(days=13)
    )
    assert (result.done, result.planned) == (2, 2)


def test_an_ended_plan_is_not_counted_after_its_end():
    plan = insights.Plan(starts_on=MONDAY, ends_on=MONDAY + timedelta(days=6), days_per_week=7)
    done = [MONDAY + timedelta(days=offset) for offset in range(7)]
    result = insights.plan_adherence(
        plan, every_day_of(done), [], MONDAY, MONDAY + timedelta(days=20)
    )
    assert (result.done, result.planned) == (7, 7)
    later = insights.plans_adherence(
        [(plan, {})], [], MONDAY + timedelta(days=14), MONDAY + timedelta(days=20)
    )
    assert later is None


def test_twice_a_day_counts_two_sessions_a_day_and_no_more():
    plan = insights.Plan(starts_on=MONDAY, times_per_day=2, weekdays=frozenset(range(7)))
    sessions = {MONDAY: 3, MONDAY + timedelta(days=1): 1}
    result = insights.plan_adherence(plan, sessions, [], MONDAY, MONDAY + timedelta(days=2))
    # Two days over (4 planned), today not done yet: 2 (capped) + 1 of 4.
    assert (result.done, result.planned) == (3, 4)


def test_rest_and_flare_days_are_taken_out_of_the_plan():
    plan = insights.Plan(starts_on=MONDAY, weekdays=frozenset({0, 2, 4}))
    rest = [MONDAY + timedelta(days=2)]
    done = [MONDAY, MONDAY + timedelta(days=4)]
    result = insights.plan_adherence(
        plan, every_day_of(done), rest, MONDAY, MONDAY + timedelta(days=6)
    )
    assert (result.done, result.planned, result.share) == (2, 2, 1.0)
    # A week with five flare days plans two of its three days.
    weekly = insights.Plan(starts_on=MONDAY, days_per_week=3)
    flares = [MONDAY + timedelta(days=offset) for offset in range(2, 7)]
    result = insights.plan_adherence(
        weekly, every_day_of([MONDAY, MONDAY + timedelta(1)]), flares, MONDAY, MONDAY + timedelta(6)
    )
    assert (result.done, result.planned) == (2, 2)


def test_several_programmes_add_up():
    weekly = insights.Plan(starts_on=MONDAY, days_per_week=2)
    daily = insights.Plan(starts_on=MONDAY, days_per_week=7)
    today = MONDAY + timedelta(days=6)
    result = insights.plans_adherence(
        [(weekly, {MONDAY: 1, today: 1}), (daily, {MONDAY: 1})], [], MONDAY, today
    )
    assert (result.done, result.planned) == (3, 8)


def test_a_changed_frequency_counts_from_the_next_week_and_keeps_the_weeks_before():
    """A therapist moves a plan from 3 to 5 days a week on the Thursday of its second week: that
    week is still counted against 3 days, the ones after against 5."""
    thursday = MONDAY + timedelta(days=10)
    before = insights.Plan(starts_on=MONDAY, days_per_week=3)
    counts_from = before.change_takes_effect(thursday)
    assert counts_from == MONDAY + timedelta(days=14)
    plan = insights.Plan(
        starts_on=MONDAY,
        days_per_week=5,
        earlier=((counts_from, insights.Frequency(days_per_week=3)),),
    )
    done = [MONDAY + timedelta(days=offset) for offset in (0, 2, 4, 7, 8, 9)]
    sunday = MONDAY + timedelta(days=13)
    result = insights.plan_adherence(plan, every_day_of(done), [], MONDAY, sunday)
    assert (result.done, result.planned) == (6, 6)
    # Today in the week of the change: 3 days, and what comes next.
    today = insights.plan_day(plan, every_day_of(done), thursday)
    assert (today.week_days_done, today.days_per_week) == (3, 3)
    assert today.coming == (counts_from, insights.Frequency(days_per_week=5))
    # The next week, once over, counts 5.
    later = insights.plan_adherence(plan, {}, [], counts_from, counts_from + timedelta(days=7))
    assert later.planned == 5
    assert insights.plan_day(plan, {}, counts_from).coming is None


def test_a_change_before_the_plan_begins_is_the_plan():
    plan = insights.Plan(starts_on=MONDAY + timedelta(days=7), days_per_week=3)
    assert plan.change_takes_effect(MONDAY) is None


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


def test_value_axis_keeps_a_few_round_ticks_whatever_the_spread():
    """Pain 0-10, degrees, and milliseconds into the thousands (the benchmark's growth charts)."""
    for high, step in [(4, 1), (10, 2), (90, 20), (860, 200), (1100, 250), (12_000, 2500)]:
        ticks = ValueAxis(0, high).ticks()
        assert ticks == [step * index for index in range(len(ticks))]
        assert 3 <= len(ticks) <= 6 and ticks[-1] <= high


def test_a_weekdays_plan_counts_a_missed_chosen_day_once_no_chosen_day_is_left():
    """Mon, Wed, Fri, only Monday done: on Saturday (not a chosen day, as Today says) the week
    can no longer reach its plan without a swap, so two of three count as planned."""
    plan = insights.Plan(starts_on=MONDAY, weekdays=frozenset({0, 2, 4}))
    saturday = MONDAY + timedelta(days=5)
    result = insights.plan_adherence(plan, {MONDAY: 1}, [], MONDAY, saturday)
    assert (result.done, result.planned) == (1, 3)
    # A session on Saturday still counts for the week.
    swapped = insights.plan_adherence(plan, {MONDAY: 1, saturday: 1}, [], MONDAY, saturday)
    assert (swapped.done, swapped.planned) == (2, 3)
    # Friday, not yet done: it may still come today.
    friday = MONDAY + timedelta(days=4)
    assert insights.plan_adherence(plan, {MONDAY: 1}, [], MONDAY, friday).planned == 2
