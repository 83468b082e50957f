"""Everything a trends page shows for one client. The figures every page shares (7-day averages,
changes, the change since the last session, adherence, flags) come from the client's kept
figures (figures/kept.py); what belongs to the range shown is read here: daily rows for up to
DAILY_UP_TO_DAYS days, the kept pain periods (figures/periods.py) for longer ranges, so a
range of ten years reads a few hundred rows and no page keeps anything of its own."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import Row, func, literal, or_, select

from .. import insights, svgchart
from ..checkins.service import tracked_regions
from ..clinical import MOVEMENTS, REGIONS, DayKind, Movement
from ..dates import format_day
from ..extensions import db
from ..figures import periods
from ..figures.kept import ClientFigures, RegionFigures, exercise_names, figures_of
from ..figures.texts import adherence_text, average_text
from ..insights import Comparison, Tally
from ..models import (
    ALL_PARTS,
    Appointment,
    CheckIn,
    Measurement,
    PainScore,
    RoutineLog,
    User,
)
from ..number_format import decimal
from ..outcomes.service import PsfsPanel, load_psfs, psfs_panel

RANGES = {
    "2w": (_l("2 weeks"), 14),
    "3m": (_l("3 months"), 91),
    "1y": (_l("1 year"), 365),
    "all": (_l("All"), None),
}
DEFAULT_RANGE = "3m"
# Ranges up to this long are drawn day by day; up to WEEKLY_UP_TO_DAYS week by week, and
# longer ones month by month, from the kept periods.
DAILY_UP_TO_DAYS = 120
WEEKLY_UP_TO_DAYS = 800
CALENDAR_WEEKS_PHONE = 12
CALENDAR_WEEKS_WIDE = 52
ROM_TABLE_ROWS = 10


@dataclass(frozen=True)
class PainPanel:
    region: str
    label: str
    chart: Markup
    figures: RegionFigures | None  # the kept figures: 7-day average, this week, since a session
    over_range: Comparison | None  # the range's first scored week against the last 7 days
    routine_effect: insights.RoutineEffect | None

    @property
    def worse(self) -> bool:
        return bool(self.figures and self.figures.worse)

    @property
    def summary(self) -> str:
        return average_text(self.label, self.figures)


@dataclass(frozen=True)
class RomPanel:
    movement: Movement
    chart: Markup
    summary: str
    changes: list["RomChange"]
    latest: list[Row]


@dataclass(frozen=True)
class RomChange:
    """First and latest measurement of one side of a movement in the range, judged against the
    movement's measurement error."""

    side: str | None
    first: tuple[date, float]
    latest: tuple[date, float]
    real: bool


@dataclass(frozen=True)
class AdherencePanel:
    phone_chart: Markup
    wide_chart: Markup
    figure: insights.Adherence
    streak: int


@dataclass(frozen=True)
class PainTableRow:
    period_start: str
    means: list[str]


@dataclass(frozen=True)
class PainTable:
    """Averages per period and region, the text alternative to the pain charts."""

    headers: list[str]
    rows: list[PainTableRow]
    period: str  # "week", "month" or "quarter"


@dataclass(frozen=True)
class Trends:
    client: User
    today: date
    range_key: str
    start: date
    region: str | None
    region_choices: list[tuple[str, str]]
    figures: ClientFigures  # the client's kept figures, as far as `parts` covers
    exercise_names: dict[int, str]
    pain: list[PainPanel]
    pain_table: PainTable
    rom: list[RomPanel]
    adherence: AdherencePanel | None
    appointments: list[Appointment]
    last_appointment: Appointment | None
    is_empty: bool
    # Days with any pain score in the range; the pain charts wait until there are enough.
    pain_days: int
    parts: frozenset[str]  # what the viewer may see of the client's data
    bucket_days: int  # 1, 7 or 30: day by day, week by week, month by month
    psfs: PsfsPanel | None = None  # the activity scores (PSFS), shared with the pain scores

    @property
    def charts_ready(self) -> bool:
        return self.pain_days >= insights.MIN_DAYS_FOR_AVERAGE

    @property
    def first_day(self) -> date:
        return self.figures.first_day


@dataclass(frozen=True)
class _Range:
    start: date
    today: date
    period: str | None  # None: day by day
    appointment_days: list[date]

    @property
    def bucket_days(self) -> int:
        return {None: 1, periods.WEEK: 7, periods.MONTH: 30}[self.period]


def _range(range_key: str, figures: ClientFigures, appointment_days: list[date]) -> _Range:
    today = figures.day
    days = RANGES[range_key][1]
    start = today - timedelta(days=days - 1) if days else min(figures.first_day, today)
    start = min(start, today - timedelta(days=RANGES["2w"][1] - 1))
    span = (today - start).days
    if span <= DAILY_UP_TO_DAYS:
        return _Range(start, today, None, appointment_days)
    period = periods.WEEK if span <= WEEKLY_UP_TO_DAYS else periods.MONTH
    # Drawn by period, the range takes in the whole of its first one.
    return _Range(periods.period_start(period, start), today, period, appointment_days)


def build_trends(
    client: User,
    range_key: str,
    region: str | None,
    parts: frozenset[str] = ALL_PARTS,
) -> Trends:
    """The trends of what `parts` names (everything for the client's own page; a therapist's
    share may cover less)."""
    range_key = range_key if range_key in RANGES else DEFAULT_RANGE
    figures = figures_of(client).masked(parts)
    appointments = list(
        db.session.scalars(
            select(Appointment).filter_by(client_id=client.id).order_by(Appointment.day)
        )
    )
    shown = _range(range_key, figures, [appointment.day for appointment in appointments])
    today = shown.today
    tracked = tracked_regions(client.id)
    pain = _PainInRange.load(client.id, shown, "routines" in parts) if "pain" in parts else None
    shown_regions = [key for key in REGIONS if key in tracked or (pain and pain.regions.get(key))]
    region = region if region in shown_regions else None
    pain_panels = [
        pain.panel(key, figures.pain.get(key))
        for key in shown_regions
        if pain is not None and region in (None, key)
    ]
    psfs = psfs_panel(load_psfs(client.id), today, shown.appointment_days) if pain else None
    rom = _rom_panels(client.id, shown) if "motion" in parts else []
    adherence = _adherence_panel(client.id, figures) if figures.adherence else None
    return Trends(
        client=client,
        today=today,
        range_key=range_key,
        start=shown.start,
        region=region,
        region_choices=[(key, REGIONS[key].label) for key in shown_regions],
        figures=figures,
        exercise_names=exercise_names([figures], as_shown=True),
        pain=pain_panels,
        pain_table=pain.table([panel.region for panel in pain_panels])
        if pain
        else PainTable([], [], "week"),
        rom=rom,
        adherence=adherence,
        appointments=appointments,
        last_appointment=next((a for a in reversed(appointments) if a.day <= today), None),
        is_empty=not figures.has_entries(parts),
        pain_days=pain.days if pain else 0,
        parts=parts,
        bucket_days=shown.bucket_days,
        psfs=psfs,
    )


class _PainInRange:
    """The pain scores of a range: daily rows for a short range, kept periods for a long one."""

    def __init__(self, shown: _Range, with_routines: bool):
        self.shown = shown
        self.with_routines = with_routines
        self.regions: dict[str, dict[date, float]] = defaultdict(dict)  # daily, or period means
        self.routine_days: set[date] = set()
        self.kept: dict[str, dict[date, periods.PeriodPain]] = {}
        self.months: dict[str, dict[date, periods.PeriodPain]] = {}
        # Daily scores for "over this range": all of them day by day, else just its two ends.
        self.comparison_days: dict[str, dict[date, float]] = {}
        self.days = 0

    @classmethod
    def load(cls, client_id: int, shown: _Range, with_routines: bool) -> "_PainInRange":
        self = cls(shown, with_routines)
        if shown.period is None:
            self._load_days(client_id)
        else:
            self._load_periods(client_id)
        return self

    def _load_days(self, client_id: int) -> None:
        shown = self.shown
        # A week more than the range, for the first 7-day averages.
        first = shown.start - timedelta(days=insights.AVERAGE_WINDOW_DAYS)
        rows = db.session.execute(
            select(CheckIn.day, PainScore.region, PainScore.score)
            .join(PainScore, PainScore.checkin_id == CheckIn.id)
            .where(CheckIn.user_id == client_id, CheckIn.day.between(first, shown.today))
        ).all()
        for day, region, score in rows:
            self.regions[region][day] = score
        self.comparison_days = self.regions
        self.days = len({day for day, _, _ in rows if day >= shown.start})
        if self.with_routines:
            self.routine_days = set(
                db.session.scalars(
                    select(RoutineLog.day)
                    .where(
                        RoutineLog.user_id == client_id,
                        RoutineLog.day.between(first, shown.today),
                    )
                    .distinct()
                )
            )

    def _load_periods(self, client_id: int) -> None:
        shown = self.shown
        self.kept = periods.read(db.session, client_id, shown.period, shown.start, shown.today)
        self.months = (
            self.kept
            if shown.period == periods.MONTH
            else periods.read(db.session, client_id, periods.MONTH, shown.start, shown.today)
        )
        for region, kept in self.kept.items():
            if region != periods.ALL_REGIONS:
                self.regions[region] = {first: each.all_days.mean() for first, each in kept.items()}
        self.days = sum(
            each.all_days.count for each in self.kept.get(periods.ALL_REGIONS, {}).values()
        )
        self.comparison_days = _comparison_days(
            client_id, list(self.regions), shown.start, shown.today
        )

    def panel(self, key: str, figures: RegionFigures | None) -> PainPanel:
        shown = self.shown
        label = REGIONS[key].label
        series = self.regions.get(key, {})
        if shown.period is None:
            scores = {day: value for day, value in series.items() if day >= shown.start}
            average = insights.rolling_mean(series, shown.start, shown.today)
            note = _(
                "Dots: daily scores. Line: %(days)s-day average.",
                days=insights.AVERAGE_WINDOW_DAYS,
            )
            after_routine, after_none = insights.after_routine_tallies(
                series, self.routine_days, shown.start, shown.today
            )
        else:
            # Each period's mean, placed at its middle day.
            size = shown.bucket_days
            average = {
                min(shown.today, first + timedelta(days=size // 2)): mean
                for first, mean in series.items()
            }
            scores = average
            note = (
                _("Dots and line: weekly averages.")
                if shown.period == periods.WEEK
                else _("Dots and line: monthly averages.")
            )
            kept = self.kept.get(key, {}).values()
            after_routine = sum((each.after_routine for each in kept), Tally())
            after_none = sum((each.after_none for each in kept), Tally())
        summary = average_text(label, figures)  # the panel's own, for the chart's description
        chart = svgchart.pain_chart(
            chart_id=f"pain-{key}",
            title=_("%(region)s pain, 0 to 10", region=label),
            description=f"{summary} {note}",
            scores=scores,
            average=average,
            start=shown.start,
            end=shown.today,
            appointments=shown.appointment_days,
        )
        return PainPanel(
            region=key,
            label=label,
            chart=chart,
            figures=figures,
            over_range=_over_range(key, self.comparison_days.get(key, {}), shown),
            routine_effect=insights.routine_effect(after_routine, after_none)
            if self.with_routines
            else None,
        )

    def table(self, regions: list[str]) -> PainTable:
        """Weeks for a short range, months for a weekly one, quarters for a monthly one."""
        shown = self.shown
        headers = [REGIONS[key].label for key in regions]
        if shown.period is None:
            period, blocks = (
                "week",
                {
                    key: _blocks(self.regions.get(key, {}), shown.start, shown.today)
                    for key in regions
                },
            )
        else:
            quarters = shown.period == periods.MONTH
            period = "quarter" if quarters else "month"
            blocks = {key: _merge_months(self.months.get(key, {}), quarters) for key in regions}
        starts = sorted({first for each in blocks.values() for first in each}, reverse=True)
        rows = [
            PainTableRow(
                format_day(max(first, shown.start)),
                [_fmt_mean(blocks[key].get(first)) for key in regions],
            )
            for first in starts
        ]
        return PainTable(headers, rows, period)


def _blocks(series: dict[date, float], start: date, today: date) -> dict[date, Tally]:
    """Daily scores from start to today by week (Monday on)."""
    blocks: dict[date, Tally] = defaultdict(Tally)
    for day, value in series.items():
        if start <= day <= today:
            blocks[periods.period_start(periods.WEEK, day)] += Tally(value, 1)
    return blocks


def _merge_months(months: dict[date, periods.PeriodPain], quarters: bool) -> dict[date, Tally]:
    merged: dict[date, Tally] = defaultdict(Tally)
    for first, each in months.items():
        key = first.replace(month=(first.month - 1) // 3 * 3 + 1) if quarters else first
        merged[key] += each.all_days
    return merged


def _fmt_mean(value: Tally | None) -> str:
    mean = value.mean() if value else None
    return "–" if mean is None else decimal(mean)


def _comparison_days(
    client_id: int, regions: list[str], start: date, today: date
) -> dict[str, dict[date, float]]:
    """For a range drawn by period: each region's daily scores in its first 7 days with a score
    in the range, and in the last 7 days, the two ends of "over this range". Two queries,
    whatever the length of the range."""
    if not regions:
        return {}

    def first_day(region):
        return (
            select(CheckIn.day)
            .join(PainScore, PainScore.checkin_id == CheckIn.id)
            .where(CheckIn.user_id == client_id, CheckIn.day >= start, PainScore.region == region)
            .order_by(CheckIn.day)
            .limit(1)
            .scalar_subquery()
        )

    firsts = dict(
        zip(regions, db.session.execute(select(*map(first_day, regions))).one(), strict=True)
    )
    windows = {insights.last_week(today)} | {
        (day, day + timedelta(days=insights.AVERAGE_WINDOW_DAYS - 1))
        for day in firsts.values()
        if day is not None
    }
    days: dict[str, dict[date, float]] = defaultdict(dict)
    for day, region, score in db.session.execute(
        select(CheckIn.day, PainScore.region, PainScore.score)
        .join(PainScore, PainScore.checkin_id == CheckIn.id)
        .where(
            CheckIn.user_id == client_id,
            or_(*(CheckIn.day.between(first, last) for first, last in sorted(windows))),
        )
    ):
        if region in firsts and firsts[region] is not None and day >= firsts[region]:
            days[region][day] = score
    return days


def _over_range(key: str, daily: dict[date, float], shown: _Range) -> Comparison | None:
    """The region's first 7 days with a score in the range against the last 7 days (the two
    never share a day)."""
    first = min((day for day in daily if day >= shown.start), default=None)
    if first is None:
        return None
    pivot = first + timedelta(days=insights.AVERAGE_WINDOW_DAYS - 1)
    windows = insights.windows_around(pivot, shown.today)
    return insights.comparison(key, daily, windows) if windows else None


def _rom_panels(client_id: int, shown: _Range) -> list[RomPanel]:
    measurements = db.session.execute(
        select(Measurement.movement, Measurement.side, Measurement.value, Measurement.day)
        .where(Measurement.user_id == client_id, Measurement.day.between(shown.start, shown.today))
        .order_by(Measurement.day, Measurement.id)
    ).all()
    grouped: dict[str, list[Row]] = defaultdict(list)
    for measurement in measurements:
        if measurement.movement in MOVEMENTS:
            grouped[measurement.movement].append(measurement)
    panels = []
    for key, rows in grouped.items():
        movement = MOVEMENTS[key]
        series: dict[str | None, dict[date, float]] = defaultdict(dict)
        for row in rows:
            series[row.side][row.day] = row.value
        changes = [
            _rom_change(movement, side, points)
            for side, points in sorted(series.items(), key=lambda item: item[0] or "")
        ]
        summary = rom_summary(movement, changes)
        band = None
        if movement.has_norm:
            band = (
                (movement.normal_min, float("inf"))
                if movement.higher_is_better
                else (float("-inf"), movement.normal_typical)
            )
        chart = svgchart.rom_chart(
            chart_id=f"rom-{key}",
            title=_("%(movement)s, in %(unit)s", movement=movement.label, unit=movement.unit_name),
            description=summary,
            series=series,
            band=band,
            value_range=(movement.normal_min, movement.normal_typical),
            start=shown.start,
            end=shown.today,
            appointments=shown.appointment_days,
        )
        latest = list(reversed(rows))[:ROM_TABLE_ROWS]
        panels.append(RomPanel(movement, chart, summary, changes, latest))
    return panels


def _rom_change(movement: Movement, side: str | None, points: dict[date, float]) -> RomChange:
    ordered = sorted(points.items())
    first, latest = ordered[0], ordered[-1]
    change = insights.measurement_change(first[1], latest[1], movement.detectable_change)
    return RomChange(side, first, latest, len(ordered) > 1 and change.meaningful)


def rom_summary(movement: Movement, changes: list[RomChange]) -> str:
    """Each side's first and latest measurement, the change judged against the movement's
    measurement error, and the healthy range where there is one."""
    parts = []
    error = movement.format(movement.detectable_change)
    sides = {"left": _("Left"), "right": _("Right")}
    for change in changes:
        (first_day, first), (last_day, last) = change.first, change.latest
        if first_day == last_day:
            text = _(
                "%(value)s on %(day)s",
                value=movement.format(last),
                day=format_day(last_day, "short"),
            )
        else:
            text = _(
                "%(first)s on %(first_day)s, %(latest)s on %(latest_day)s",
                first=movement.format(first),
                first_day=format_day(first_day, "short"),
                latest=movement.format(last),
                latest_day=format_day(last_day, "short"),
            )
            if not change.real:
                text = _(
                    "%(measurements)s (within the %(error)s a measurement varies by)",
                    measurements=text,
                    error=error,
                )
            elif (last > first) == movement.higher_is_better:
                text = _(
                    "%(measurements)s (better: more than the %(error)s a measurement varies by)",
                    measurements=text,
                    error=error,
                )
            else:
                text = _(
                    "%(measurements)s (worse: more than the %(error)s a measurement varies by)",
                    measurements=text,
                    error=error,
                )
        if change.side:
            side = sides.get(change.side, change.side.title())
            text = _("%(side)s: %(measurements)s", side=side, measurements=text)
        parts.append(text)
    if not movement.has_norm:
        healthy = _("There is no healthy-adult norm for this test; lower is better.")
    elif movement.higher_is_better:
        healthy = _(
            "Shaded: healthy adults reach about %(value)s or more.",
            value=movement.format(movement.normal_min),
        )
    else:
        healthy = _(
            "Shaded: healthy adults reach %(value)s or less.",
            value=movement.format(movement.normal_typical),
        )
    # Translators: the measurements of a movement, then what healthy adults reach.
    return _("%(measurements)s. %(norm)s", measurements="; ".join(parts), norm=healthy)


def _adherence_panel(client_id: int, figures: ClientFigures) -> AdherencePanel:
    """The routine calendar of the last 52 weeks, the kept adherence figure, and the streak."""
    today = figures.day
    since = today - timedelta(weeks=CALENDAR_WEEKS_WIDE)
    logs_per_day = dict(
        db.session.execute(
            select(RoutineLog.day, func.count())
            .where(RoutineLog.user_id == client_id, RoutineLog.day.between(since, today))
            .group_by(RoutineLog.day)
        ).all()
    )
    rest_days = set(
        db.session.scalars(
            select(CheckIn.day).where(
                CheckIn.user_id == client_id,
                CheckIn.day.between(since, today),
                CheckIn.day_kind != DayKind.NORMAL,
            )
        )
    )

    def calendar(weeks, suffix):
        return svgchart.adherence_calendar(
            chart_id=f"calendar-{suffix}",
            title=ngettext(
                "Routine days, last %(num)d week", "Routine days, last %(num)d weeks", weeks
            ),
            description=adherence_text(figures.adherence),
            logs_per_day=logs_per_day,
            rest_days=rest_days,
            end=today,
            weeks=weeks,
            first_day=figures.first_day,
        )

    return AdherencePanel(
        calendar(CALENDAR_WEEKS_PHONE, "phone"),
        calendar(CALENDAR_WEEKS_WIDE, "wide"),
        figures.adherence,
        insights.streak(logs_per_day, rest_days, today, max(since, figures.first_day)),
    )


REPORT_NOTES = 6
REPORT_APPOINTMENT_NOTES = 3


@dataclass(frozen=True)
class Report:
    """The one-page summary for a session: the trends plus recent notes: the appointments'
    (a therapist's always; the client's own with the notes part) and the client's check-ins'."""

    client: User
    trends: Trends
    appointment_notes: list[Appointment]
    notes: list[CheckIn]


def build_report(client: User, range_key: str, parts: frozenset[str] = ALL_PARTS) -> Report:
    trends = build_trends(client, range_key, None, parts=parts)
    appointment_notes = [
        appointment
        for appointment in reversed(trends.appointments)
        if appointment.note and ("notes" in parts or appointment.created_by_id != client.id)
    ][:REPORT_APPOINTMENT_NOTES]
    notes = db.session.scalars(
        select(CheckIn)
        .where(
            CheckIn.user_id == client.id,
            CheckIn.note.is_not(None),
            CheckIn.day >= trends.start,
            literal("notes" in parts),
        )
        .order_by(CheckIn.day.desc())
        .limit(REPORT_NOTES)
    ).all()
    return Report(client, trends, appointment_notes, list(notes))
