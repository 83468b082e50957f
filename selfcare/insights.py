"""What the numbers mean: averages, meaningful change, flags, adherence. Pure functions only,
so every rule can be read and tested without a request or a database."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from statistics import fmean

from flask_babel import gettext as _
from flask_babel import ngettext

from .clinical import (
    MCID_NECK_POINTS,
    MCID_PERCENT,
    MCID_POINTS,
    PAIN_MDC_POINTS,
    PSFS_MDC_ITEM,
    PSFS_MDC_MEAN,
    PSFS_RESCORE_DAYS,
)

AVERAGE_WINDOW_DAYS = 7
# A 7-day average from one or two check-ins swings with a single bad day; three is the least
# that says something about the week. A change needs as many scored days on each side.
MIN_DAYS_FOR_AVERAGE = 3
MIN_DAYS_FOR_CHANGE = MIN_DAYS_FOR_AVERAGE
INACTIVE_AFTER_DAYS = 4
# Adherence, wherever it is shown, covers the last two weeks (or the client's days so far).
ADHERENCE_WINDOW_DAYS = 14
# "Does my routine help?" compares next-day pain after days with and without a routine. Below
# ten days in each group one flare day moves a mean by more than the MCID, so any difference
# would be noise dressed up as a finding.
MIN_DAYS_PER_GROUP = 10
# Pain during an exercise from this level up is worth the therapist's look at that exercise.
PAIN_DURING_FLAG = 7

Series = Mapping[date, float]


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


@dataclass(frozen=True)
class Tally:
    """The sum and count of the values in a window (one value a day): what a database aggregate
    hands back, so figures can be totalled in SQL and still go through the rules below."""

    total: float = 0.0
    count: int = 0

    def mean(self, minimum: int = 1) -> float | None:
        """None with fewer than `minimum` values (and always for an empty window)."""
        return self.total / self.count if self.count >= max(1, minimum) else None

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.total + other.total, self.count + other.count)


def tally(series: Series, start: date, end: date) -> Tally:
    """The values from start to end inclusive."""
    if (end - start).days * 4 < len(series):
        # A short window over a long history: look the window's days up, don't scan the years.
        values = [series[day] for day in days_between(start, end) if day in series]
    else:
        values = [value for day, value in series.items() if start <= day <= end]
    return Tally(sum(values), len(values))


def rolling_mean(series: Series, start: date, end: date) -> dict[date, float | None]:
    """Trailing 7-day mean for each day from start to end. Missing days are gaps, never zeros:
    a day's mean is None when it has no score itself or its window holds fewer than
    MIN_DAYS_FOR_AVERAGE values.
    One pass with a running sum, so years of history cost no more than a loop over them."""
    result = {}
    total, count = 0.0, 0
    first = start - timedelta(days=AVERAGE_WINDOW_DAYS - 1)
    for day in days_between(first, end):
        if day in series:
            total, count = total + series[day], count + 1
        leaving = day - timedelta(days=AVERAGE_WINDOW_DAYS)
        if leaving >= first and leaving in series:
            total, count = total - series[leaving], count - 1
        if day >= start:
            # Only on days with a score: the line breaks where nobody checked in.
            enough = count >= MIN_DAYS_FOR_AVERAGE and day in series
            result[day] = total / count if enough else None
    return result


def mcid_points(region: str, baseline: float) -> float:
    """The smallest pain change a patient notices, in points on the 0-10 scale, for a region and
    a starting level: the neck's own figure, else about 2 points or 30 % of the starting level,
    whichever is reached first."""
    if region == "neck":
        return MCID_NECK_POINTS
    return min(MCID_POINTS, baseline * MCID_PERCENT / 100)


def change_threshold(region: str, baseline: float) -> float:
    """How far pain must move to count as a real change: both what a patient notices (the MCID)
    and more than the scale's own scatter between two ratings (its MDC). At low baselines the
    MDC is the larger: 30 % of 2/10 is well within what the scale varies by itself."""
    return max(mcid_points(region, baseline), PAIN_MDC_POINTS)


@dataclass(frozen=True)
class Change:
    before: float
    after: float
    meaningful: bool
    # The scored days each side rests on (0 where a figure is not a mean of days).
    days_before: int = 0
    days_after: int = 0

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def direction(self) -> str:
        if abs(self.delta) < 0.05:
            return "same"
        return "up" if self.delta > 0 else "down"


def pain_change(region: str, before: Tally, after: Tally) -> Change | None:
    """Pain in one window against another: None unless each side has MIN_DAYS_FOR_CHANGE scored
    days; real (`meaningful`) only when it reaches the change threshold. The single place this
    rule lives, for every page, the dashboard, the API and the exports."""
    start, end = before.mean(MIN_DAYS_FOR_CHANGE), after.mean(MIN_DAYS_FOR_CHANGE)
    if start is None or end is None:
        return None
    meaningful = abs(end - start) >= change_threshold(region, start) - 1e-9
    return Change(start, end, meaningful, before.count, after.count)


Window = tuple[date, date]


def last_week(today: date) -> Window:
    """The last 7 days, today included."""
    return today - timedelta(days=AVERAGE_WINDOW_DAYS - 1), today


def week_bounds(today: date) -> tuple[date, date]:
    """First days of the last 7 days and of the 7 before them."""
    week_start = last_week(today)[0]
    return week_start, week_start - timedelta(days=AVERAGE_WINDOW_DAYS)


def weekly_windows(today: date) -> tuple[Window, Window]:
    """The 7 days before the last 7, and the last 7: what "worse this week" compares."""
    week_start, previous_start = week_bounds(today)
    return (previous_start, week_start - timedelta(days=1)), (week_start, today)


def windows_around(pivot: date, today: date) -> tuple[Window, Window] | None:
    """The 7 days up to `pivot` (a session's day, the end of a range's first week) and the last
    7 days after it: the two sides never share a day, so a change since a session only counts
    what came after it. None while no day after the pivot has come."""
    after_start = max(pivot + timedelta(days=1), last_week(today)[0])
    if after_start > today:
        return None
    return (pivot - timedelta(days=AVERAGE_WINDOW_DAYS - 1), pivot), (after_start, today)


@dataclass(frozen=True)
class Comparison:
    """Pain in one window against another, with the scored days each side rests on."""

    region: str
    before: Tally
    after: Tally

    @cached_property
    def change(self) -> Change | None:
        return pain_change(self.region, self.before, self.after)

    @cached_property
    def threshold(self) -> float | None:
        """How far pain must move from this baseline to count as a real change."""
        start = self.before.mean()
        return None if start is None else change_threshold(self.region, start)


def comparison(region: str, series: Series, windows: tuple[Window, Window]) -> Comparison:
    """A daily series compared from the first window to the second."""
    (before_start, before_end), (after_start, after_end) = windows
    return Comparison(
        region, tally(series, before_start, before_end), tally(series, after_start, after_end)
    )


def measurement_change(before: float, after: float, detectable: float) -> Change:
    """Two range-of-motion measurements: real only when the change reaches what one person's
    readings vary by between two measurements (the movement's minimal detectable change)."""
    return Change(before, after, abs(after - before) >= detectable - 1e-9)


def trend_arrow(change: Change | None) -> str:
    """The dashboard's arrow: "up" or "down" only for a real change (as every flag), else
    "same"; "" when there is too little data to compare."""
    if change is None:
        return ""
    return change.direction if change.meaningful else "same"


def worsened(change: Change | None) -> bool:
    """Pain up by a real change: the flag the therapist sees."""
    return bool(change and change.meaningful and change.delta > 0)


def first_day(joined: date, *entries: date | None) -> date:
    """The client's first day: the day they joined, or their first entry if it is earlier (an
    entry may be dated back). Every count of "days since" starts here."""
    return min([joined, *(day for day in entries if day is not None)])


def is_inactive(last_checkin: date | None, today: date, since: date) -> bool:
    """No check-in for INACTIVE_AFTER_DAYS days (or never); never for a client whose first day
    (`since`) is more recent than that."""
    if (today - since).days < INACTIVE_AFTER_DAYS:
        return False
    return last_checkin is None or (today - last_checkin).days >= INACTIVE_AFTER_DAYS


def adherence_start(today: date, since: date) -> date:
    """Where adherence is counted from: ADHERENCE_WINDOW_DAYS back, never before the first day."""
    return max(today - timedelta(days=ADHERENCE_WINDOW_DAYS - 1), since)


@dataclass(frozen=True)
class Adherence:
    """Routines done from `start` to `end`: planned sessions done out of those planned when the
    client has a programme with a plan in the window, else days with a routine out of the days
    counted. Rest and flare days without a routine are taken out (`resting`), and today counts
    only once something is done."""

    start: date
    end: date
    done: int
    counted: int
    resting: int
    against_plan: bool

    @property
    def share(self) -> float | None:
        return self.done / self.counted if self.counted else None


def adherence(
    plans: Iterable[tuple["Plan", Mapping[date, int]]],
    routine_days: Iterable[date],
    rest_days: Iterable[date],
    start: date,
    today: date,
) -> Adherence:
    """The one adherence figure. `plans` are the programmes' plans with their sessions per day;
    `routine_days` the days with any routine logged."""
    done_days = {day for day in routine_days if start <= day <= today}
    resting = {day for day in rest_days if start <= day <= today} - done_days
    planned = plans_adherence(plans, resting, start, today)
    if planned is not None:
        return Adherence(start, today, planned.done, planned.planned, len(resting), True)
    counted = [day for day in days_between(start, today) if day not in resting]
    # Today, not over yet, never counts against anyone: only once a routine is done.
    counted_days = sum(1 for day in counted if day < today or day in done_days)
    return Adherence(start, today, len(done_days), counted_days, len(resting), False)


def streak(routine_days: Iterable[date], rest_days: Iterable[date], today: date, since: date):
    """Routine days in a row up to today, looking no further back than `since`: rest and flare
    days don't break it, and today (not over yet) never ends it."""
    done, resting = set(routine_days), set(rest_days)
    count = 0
    day = today
    while day >= since:
        if day in done:
            count += 1
        elif day not in resting and day != today:
            break
        day -= timedelta(days=1)
    return count


@dataclass(frozen=True)
class RoutineEffect:
    after_routine: float
    after_none: float
    days_after_routine: int
    days_after_none: int

    @property
    def difference(self) -> float:
        return self.after_routine - self.after_none


def after_routine_tallies(
    pain: Series, routine_days: Iterable[date], start: date, end: date
) -> tuple[Tally, Tally]:
    """Pain from start to end on the days after a routine day, and on the days after none."""
    done = set(routine_days)
    after_routine, after_none = [], []
    for day, value in pain.items():
        if start <= day <= end:
            (after_routine if day - timedelta(days=1) in done else after_none).append(value)
    return Tally(sum(after_routine), len(after_routine)), Tally(sum(after_none), len(after_none))


def routine_effect(after_routine: Tally, after_none: Tally) -> RoutineEffect | None:
    """Mean pain on the day after a routine day vs after a day without one. None until each
    group has MIN_DAYS_PER_GROUP days. A correlation, not a proof: bad days may keep people from
    their routine, rather than the other way round."""
    if min(after_routine.count, after_none.count) < MIN_DAYS_PER_GROUP:
        return None
    return RoutineEffect(
        after_routine.mean(), after_none.mean(), after_routine.count, after_none.count
    )


# The Patient-Specific Functional Scale (PSFS): higher is better, unlike pain.


def psfs_mean(scores: Iterable[int]) -> float | None:
    """The PSFS score: the mean of the activities' 0-10 scores; None without any."""
    values = list(scores)
    return fmean(values) if values else None


def psfs_change(before: float | None, after: float | None, item: bool = False) -> Change | None:
    """A change of the PSFS mean (or of one activity's score, `item`), real only when it
    reaches the minimal detectable change: smaller ones are within the scale's own scatter."""
    if before is None or after is None:
        return None
    threshold = PSFS_MDC_ITEM if item else PSFS_MDC_MEAN
    return Change(before, after, abs(after - before) >= threshold - 1e-9)


def psfs_item_changes(before: Mapping[int, int], after: Mapping[int, int]) -> dict[int, Change]:
    """Per activity scored both times, its change judged against the single-item MDC."""
    return {
        activity: psfs_change(before[activity], score, item=True)
        for activity, score in after.items()
        if activity in before
    }


def psfs_verdict(change: Change | None) -> str:
    """ "better" or "worse" for a real change (higher is better), "same" otherwise, "" without
    a comparison."""
    if change is None:
        return ""
    if not change.meaningful:
        return "same"
    return "better" if change.delta > 0 else "worse"


PSFS_REQUESTED = "requested"
PSFS_DUE = "due"


def psfs_due(last_scored: date | None, today: date, requested: bool, has_activities: bool) -> str:
    """Whether to offer a PSFS scoring on Today: PSFS_REQUESTED while a therapist's request is
    open, PSFS_DUE when activities are named and none was scored in PSFS_RESCORE_DAYS days (or
    ever), else "" (nothing shown)."""
    if requested:
        return PSFS_REQUESTED
    if not has_activities:
        return ""
    if last_scored is None or (today - last_scored).days >= PSFS_RESCORE_DAYS:
        return PSFS_DUE
    return ""


@dataclass(frozen=True)
class Frequency:
    """How often a programme is meant to be done: `times_per_day` sessions on each planned day,
    and either `days_per_week` days of each week of the plan (the client picks the days) or the
    chosen `weekdays` (0 is Monday)."""

    times_per_day: int = 1
    days_per_week: int | None = None
    weekdays: frozenset[int] = frozenset()

    def text(self) -> str:
        """How a person says it: "3 days a week", "Mon, Wed, Fri, twice a day"."""
        # Here, not above: the dates need the models, which need this module.
        from .dates import weekday_names

        if self.weekdays:
            names = weekday_names()
            days = ", ".join(names[day] for day in sorted(self.weekdays))
        elif self.days_per_week in (None, 7):
            days = _("every day")
        else:
            days = ngettext("%(num)d day a week", "%(num)d days a week", self.days_per_week)
        times = self.times_per_day
        if times == 1:
            return days
        # Translators: days is when ("every day", "Mon, Wed, Fri", "3 days a week").
        if times == 2:
            return _("%(days)s, twice a day", days=days)
        return ngettext(
            "%(days)s, %(num)d time a day", "%(days)s, %(num)d times a day", times, days=days
        )

    def sessions_on(self, span: list[date], free: list[date]) -> int:
        """Sessions planned in `span`, days of one week, of which `free` are not rest or flare
        days. A weekdays plan plans its free chosen days. A days-per-week plan lets the client
        pick the days: part of a week (the plan or the window starting mid-week) carries that
        part of them, rounded to whole days, and rest days count only when too few are left."""
        if self.weekdays:
            planned_days = sum(1 for day in free if day.weekday() in self.weekdays)
        else:
            share_of_week = int((self.days_per_week or 7) * len(span) / 7 + 0.5)
            planned_days = min(share_of_week, len(free))
        return planned_days * self.times_per_day


@dataclass(frozen=True, kw_only=True)
class Plan(Frequency):
    """A programme's plan from `starts_on` to `ends_on` (open when None), with its frequency now
    and the ones it had before (`earlier`: each with the first day it no longer applied, oldest
    first). Weeks are counted from the first day; each week keeps the frequency in force when it
    began, so a change applies from the next week and never rewrites a week gone by."""

    starts_on: date
    ends_on: date | None = None
    earlier: tuple[tuple[date, Frequency], ...] = ()

    @property
    def frequency(self) -> Frequency:
        return Frequency(self.times_per_day, self.days_per_week, self.weekdays)

    def runs_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def week_of(self, day: date) -> tuple[date, date]:
        """First and last day of the plan's week that holds `day`."""
        first = day - timedelta(days=(day - self.starts_on).days % 7)
        return first, first + timedelta(days=6)

    def frequency_in_week_of(self, day: date) -> Frequency:
        """The frequency the week holding `day` counts by: the one in force on its first day."""
        week_start, _ = self.week_of(day)
        for until, frequency in self.earlier:
            if week_start < until:
                return frequency
        return self.frequency

    def change_takes_effect(self, today: date) -> date | None:
        """When a change of frequency made today starts to count: the next week of the plan, or
        None on or before its first day (the change is then the plan: nothing was counted)."""
        if today <= self.starts_on:
            return None
        return self.week_of(today)[1] + timedelta(days=1)


@dataclass(frozen=True)
class PlanAdherence:
    done: int
    planned: int

    @property
    def share(self) -> float | None:
        return self.done / self.planned if self.planned else None

    def __add__(self, other: "PlanAdherence") -> "PlanAdherence":
        return PlanAdherence(self.done + other.done, self.planned + other.planned)


def plan_adherence(
    plan: Plan, sessions: Mapping[date, int], rest_days: Iterable[date], start: date, today: date
) -> PlanAdherence:
    """Planned sessions done from `start` to `today`, within the plan's dates. Each day counts
    at most its `times_per_day` sessions and each week at most what it planned, so which days
    of the week were used does not matter. A rest or flare day without a session is taken out
    of the plan. A week not over yet counts only what is done, until too few days are left to
    reach its plan: today, or any day still to come, never counts against anyone."""
    resting = set(rest_days)
    first = max(start, plan.starts_on)
    last = today if plan.ends_on is None else min(today, plan.ends_on)
    result = PlanAdherence(0, 0)
    week_start, _ = plan.week_of(first)
    while week_start <= last:
        frequency = plan.frequency_in_week_of(week_start)
        week_end = week_start + timedelta(days=6)
        if plan.ends_on is not None:
            week_end = min(week_end, plan.ends_on)
        span = days_between(max(first, week_start), week_end)
        days = [day for day in span if sessions.get(day) or day not in resting]
        per_day = frequency.times_per_day
        done = sum(min(sessions.get(day, 0), per_day) for day in days if day <= last)
        whole = frequency.sessions_on(span, days)
        # Days still to come that could bring the week's sessions: a weekdays plan's chosen
        # ones (as Today says), any for a days-a-week plan.
        chosen = frequency.weekdays or frozenset(range(7))
        still_possible = per_day * sum(
            1 for day in days if day >= today and day.weekday() in chosen
        )
        planned = max(whole - still_possible, min(done, whole))
        result += PlanAdherence(min(done, planned), planned)
        week_start += timedelta(days=7)
    return result


def plans_adherence(
    plans: Iterable[tuple[Plan, Mapping[date, int]]],
    rest_days: Iterable[date],
    start: date,
    today: date,
) -> PlanAdherence | None:
    """All of a client's programmes together, each with its sessions per day; None when none
    of them has a plan in the window (adherence is then the share of days with a routine)."""
    resting = set(rest_days)
    total, any_plan = PlanAdherence(0, 0), False
    for plan, sessions in plans:
        if plan.starts_on <= today and (plan.ends_on is None or plan.ends_on >= start):
            any_plan = True
            total += plan_adherence(plan, sessions, resting, start, today)
    return total if any_plan else None


@dataclass(frozen=True)
class PlanDay:
    """Where a programme stands today: whether today is one of its days, and what is done."""

    due: bool
    done_today: int
    times_per_day: int
    # Days-per-week plans: days with a session this week of the plan, today included.
    week_days_done: int | None = None
    days_per_week: int | None = None
    # A changed frequency that starts with the next week of the plan: (that day, the new one).
    coming: tuple[date, Frequency] | None = None
    week_start: date | None = None  # the first day of the plan's week that holds today


def plan_day(plan: Plan, sessions: Mapping[date, int], today: date) -> PlanDay | None:
    """Today in a plan, by the frequency this week counts by; None outside its dates. A weekdays
    plan is due on its days; a days-per-week plan until the week's days are done (and on a day
    already begun)."""
    if not plan.runs_on(today):
        return None
    frequency = plan.frequency_in_week_of(today)
    week_start, week_end = plan.week_of(today)
    coming = None
    if frequency != plan.frequency:
        coming = (week_end + timedelta(days=1), plan.frequency)
    done_today = sessions.get(today, 0)
    if frequency.weekdays:
        due = today.weekday() in frequency.weekdays
        return PlanDay(
            due, done_today, frequency.times_per_day, coming=coming, week_start=week_start
        )
    per_week = frequency.days_per_week or 7
    earlier = sum(1 for day in days_between(week_start, today) if sessions.get(day) and day < today)
    return PlanDay(
        due=earlier < per_week or done_today > 0,
        done_today=done_today,
        times_per_day=frequency.times_per_day,
        week_days_done=earlier + (1 if done_today else 0),
        days_per_week=per_week,
        coming=coming,
        week_start=week_start,
    )


@dataclass(frozen=True)
class ExerciseFeedback:
    """What a client said of one exercise in one log: pain during it (0-10) and how it felt."""

    exercise: str
    pain_during: int | None = None
    difficulty: str | None = None


def painful_exercises(feedback: Iterable[ExerciseFeedback]) -> dict[str, int]:
    """Exercises with pain during them of PAIN_DURING_FLAG or more, each with its highest pain,
    most painful first."""
    worst: dict[str, int] = {}
    for said in feedback:
        if said.pain_during is not None and said.pain_during >= PAIN_DURING_FLAG:
            worst[said.exercise] = max(said.pain_during, worst.get(said.exercise, 0))
    return dict(sorted(worst.items(), key=lambda item: -item[1]))


def too_hard_twice(feedback: Sequence[ExerciseFeedback]) -> list[str]:
    """Exercises felt "too hard" in the last two logs that had them (feedback oldest first): once
    can be a bad day, twice in a row suggests the dose is too much."""
    last_two: dict[str, list[str | None]] = {}
    for said in feedback:
        last_two[said.exercise] = [*last_two.get(said.exercise, [])[-1:], said.difficulty]
    return [name for name, said in last_two.items() if said == ["too_hard", "too_hard"]]
