"""What the numbers mean: averages, meaningful change, flags, adherence. Pure functions only,
so every rule can be read and tested without a request or a database."""

from calendar import day_abbr
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean

from .clinical import (
    MCID_NECK_POINTS,
    MCID_PERCENT,
    MCID_POINTS,
    PSFS_MDC_ITEM,
    PSFS_MDC_MEAN,
    PSFS_RESCORE_DAYS,
)

AVERAGE_WINDOW_DAYS = 7
# A 7-day average from one or two check-ins swings with a single bad day; three is the least
# that says something about the week.
MIN_DAYS_FOR_AVERAGE = 3
INACTIVE_AFTER_DAYS = 4
# Week-to-week shifts of the dashboard's overall pain below this many points are noise.
TREND_THRESHOLD = 0.5
# The dashboard's routine share looks at the last two weeks.
DASHBOARD_ADHERENCE_DAYS = 14
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
    """The sum and count of the values in a window: what a database aggregate hands back, so
    the dashboard can total weeks in SQL and still apply the rules below."""

    total: float = 0.0
    count: int = 0

    def mean(self, minimum: int = 1) -> float | None:
        """None with fewer than `minimum` values (and always for an empty window)."""
        return self.total / self.count if self.count >= max(1, minimum) else None


def tally(series: Series, start: date, end: date) -> Tally:
    """The values from start to end inclusive."""
    if (end - start).days * 4 < len(series):
        # A short window over a long history: look the window's days up, don't scan the years.
        values = [series[day] for day in days_between(start, end) if day in series]
    else:
        values = [value for day, value in series.items() if start <= day <= end]
    return Tally(sum(values), len(values))


def window_mean(series: Series, start: date, end: date, minimum: int = 1) -> float | None:
    """Mean of the values from start to end inclusive; None with fewer than `minimum` values."""
    return tally(series, start, end).mean(minimum)


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


def block_means(series: Series, start: date, end: date, size: int) -> dict[date, float | None]:
    """Means over consecutive blocks of `size` days from `start`, keyed by each block's first
    day; None for a block without values. One pass over the series."""
    sums: dict[int, float] = {}
    counts: dict[int, int] = {}
    for day, value in series.items():
        if start <= day <= end:
            block = (day - start).days // size
            sums[block] = sums.get(block, 0.0) + value
            counts[block] = counts.get(block, 0) + 1
    blocks = (end - start).days // size + 1
    return {
        start + timedelta(days=block * size): (
            sums[block] / counts[block] if block in counts else None
        )
        for block in range(blocks)
    }


def mcid_points(region: str, baseline: float) -> float:
    """The smallest pain change a patient notices, in points on the 0-10 scale, for a region and
    a starting level. The single place this rule lives."""
    if region == "neck":
        return MCID_NECK_POINTS
    # Either about 2 points or 30 % of the starting level, whichever is reached first; but never
    # under 1 point, below which a change is within day-to-day scatter.
    return max(1.0, min(MCID_POINTS, baseline * MCID_PERCENT / 100))


@dataclass(frozen=True)
class Change:
    before: float
    after: float
    meaningful: bool

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def direction(self) -> str:
        if abs(self.delta) < 0.05:
            return "same"
        return "up" if self.delta > 0 else "down"


def pain_change(region: str, before: float | None, after: float | None) -> Change | None:
    if before is None or after is None:
        return None
    meaningful = abs(after - before) >= mcid_points(region, before) - 1e-9
    return Change(before, after, meaningful)


def week_bounds(today: date) -> tuple[date, date]:
    """First days of the last 7 days and of the 7 before them."""
    week_start = today - timedelta(days=AVERAGE_WINDOW_DAYS - 1)
    return week_start, week_start - timedelta(days=AVERAGE_WINDOW_DAYS)


def weekly_change(region: str, previous: Tally, current: Tally) -> Change | None:
    """The last 7 days against the 7 before them, each needing MIN_DAYS_FOR_AVERAGE values."""
    return pain_change(
        region, previous.mean(MIN_DAYS_FOR_AVERAGE), current.mean(MIN_DAYS_FOR_AVERAGE)
    )


def last_week_change(series: Series, region: str, today: date) -> Change | None:
    week_start, previous_start = week_bounds(today)
    return weekly_change(
        region,
        tally(series, previous_start, week_start - timedelta(days=1)),
        tally(series, week_start, today),
    )


def trend_arrow(change: Change | None) -> str:
    """The dashboard's arrow: "up" or "down" only for a shift of TREND_THRESHOLD or more, else
    "same"; "" when there is too little data to compare."""
    if change is None:
        return ""
    return change.direction if abs(change.delta) >= TREND_THRESHOLD else "same"


def worsened(change: Change | None) -> bool:
    """Pain up by at least the MCID: the flag the therapist sees."""
    return bool(change and change.meaningful and change.delta > 0)


def is_worsening(series: Series, region: str, today: date) -> bool:
    return worsened(last_week_change(series, region, today))


def is_inactive(last_checkin: date | None, today: date) -> bool:
    """No check-in for INACTIVE_AFTER_DAYS days (or never)."""
    return last_checkin is None or (today - last_checkin).days >= INACTIVE_AFTER_DAYS


def change_since(series: Series, region: str, since: date, today: date) -> Change | None:
    """Pain in the week up to `since` (a therapy session, the start of a range) against the
    last 7 days."""
    before = window_mean(series, since - timedelta(days=AVERAGE_WINDOW_DAYS - 1), since, 1)
    after = window_mean(series, today - timedelta(days=AVERAGE_WINDOW_DAYS - 1), today, 1)
    return pain_change(region, before, after)


@dataclass(frozen=True)
class Adherence:
    routine_days: int
    counted_days: int  # days in the range, less rest and flare days that had no routine
    share: float | None
    streak: int


def adherence(
    routine_days: Iterable[date], rest_days: Iterable[date], start: date, end: date
) -> Adherence:
    """A forgiving share: days with at least one routine out of the days in range, where rest and
    flare days don't count against anyone. The streak of routine days in a row skips over rest
    and flare days too, and today (not over yet) never ends it."""
    done = set(routine_days)
    resting = set(rest_days) - done
    days = days_between(start, end)
    routine_count = sum(1 for day in days if day in done)
    resting_count = sum(1 for day in days if day in resting)
    share = adherence_share(routine_count, resting_count, len(days))
    streak = 0
    for day in reversed(days):
        if day in done:
            streak += 1
        elif day in resting or day == end:
            continue
        else:
            break
    return Adherence(routine_count, len(days) - resting_count, share, streak)


def days_counted(first_day: date, today: date, window_days: int) -> int:
    """Days of a trailing window that the client was here for: a new client is never measured
    against days before their first one."""
    return max(0, min(window_days, (today - first_day).days + 1))


def adherence_share(routine_days: int, resting_days: int, days: int) -> float | None:
    """Days with a routine out of the days in range, not counting rest and flare days that had
    no routine; None when every day was one of those."""
    counted = days - resting_days
    return routine_days / counted if counted else None


@dataclass(frozen=True)
class RoutineEffect:
    after_routine: float
    after_none: float
    days_after_routine: int
    days_after_none: int

    @property
    def difference(self) -> float:
        return self.after_routine - self.after_none


def routine_effect(pain: Series, routine_days: Iterable[date]) -> RoutineEffect | None:
    """Mean pain on the day after a routine day vs after a day without one. None until each group
    has MIN_DAYS_PER_GROUP days. A correlation, not a proof: bad days may keep people from
    their routine, rather than the other way round."""
    done = set(routine_days)
    after_routine, after_none = [], []
    for day, value in pain.items():
        previous = day - timedelta(days=1)
        (after_routine if previous in done else after_none).append(value)
    if min(len(after_routine), len(after_none)) < MIN_DAYS_PER_GROUP:
        return None
    return RoutineEffect(
        fmean(after_routine), fmean(after_none), len(after_routine), len(after_none)
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
class Plan:
    """How often a programme is meant to be done, from `starts_on` to `ends_on` (open when
    None): `times_per_day` sessions on each planned day, and either `days_per_week` days of
    each week of the plan (weeks counted from its first day; the client picks the days) or the
    chosen `weekdays` (0 is Monday)."""

    starts_on: date
    ends_on: date | None = None
    times_per_day: int = 1
    days_per_week: int | None = None
    weekdays: frozenset[int] = frozenset()  # 0 is Monday

    def text(self) -> str:
        """How a person says it: "3 days a week", "Mon, Wed, Fri, twice a day"."""
        if self.weekdays:
            days = ", ".join(day_abbr[day] for day in sorted(self.weekdays))
        elif self.days_per_week in (None, 7):
            days = "every day"
        else:
            days = f"{self.days_per_week} {'day' if self.days_per_week == 1 else 'days'} a week"
        times = self.times_per_day
        return days + {1: "", 2: ", twice a day"}.get(times, f", {times} times a day")

    def runs_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def week_of(self, day: date) -> tuple[date, date]:
        """First and last day of the plan's week that holds `day`."""
        first = day - timedelta(days=(day - self.starts_on).days % 7)
        return first, first + timedelta(days=6)

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
    at most `times_per_day` sessions and each week at most what it planned, so which days of
    the week were used does not matter. A rest or flare day without a session is taken out of
    the plan. A week not over yet counts only what is done, until too few days are left to
    reach its plan: today, or any day still to come, never counts against anyone."""
    resting = set(rest_days)
    first = max(start, plan.starts_on)
    last = today if plan.ends_on is None else min(today, plan.ends_on)
    result = PlanAdherence(0, 0)
    week_start, _ = plan.week_of(first)
    while week_start <= last:
        week_end = week_start + timedelta(days=6)
        if plan.ends_on is not None:
            week_end = min(week_end, plan.ends_on)
        span = days_between(max(first, week_start), week_end)
        days = [day for day in span if sessions.get(day) or day not in resting]
        done = sum(min(sessions.get(day, 0), plan.times_per_day) for day in days if day <= last)
        whole = plan.sessions_on(span, days)
        still_possible = plan.times_per_day * sum(1 for day in days if day >= today)
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


def plan_day(plan: Plan, sessions: Mapping[date, int], today: date) -> PlanDay | None:
    """Today in a plan; None outside its dates. A weekdays plan is due on its days; a
    days-per-week plan until the week's days are done (and on a day already begun)."""
    if not plan.runs_on(today):
        return None
    done_today = sessions.get(today, 0)
    if plan.weekdays:
        return PlanDay(today.weekday() in plan.weekdays, done_today, plan.times_per_day)
    per_week = plan.days_per_week or 7
    week_start, _ = plan.week_of(today)
    earlier = sum(1 for day in days_between(week_start, today) if sessions.get(day) and day < today)
    return PlanDay(
        due=earlier < per_week or done_today > 0,
        done_today=done_today,
        times_per_day=plan.times_per_day,
        week_days_done=earlier + (1 if done_today else 0),
        days_per_week=per_week,
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
