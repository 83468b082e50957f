"""Everything a trends page shows for one client, loaded in a fixed number of queries (however
many years of history there are) and turned into charts, summaries and tables."""

from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from flask import current_app
from markupsafe import Markup
from sqlalchemy import Row, func, literal

from .. import insights, svgchart
from ..checkins.service import tracked_regions
from ..clinical import MOVEMENTS, REGIONS, DayKind, Movement
from ..dates import format_day, local_today, to_local
from ..extensions import db
from ..models import (
    ALL_PARTS,
    Appointment,
    CheckIn,
    Measurement,
    PainScore,
    Routine,
    RoutineLog,
    User,
)
from ..outcomes.service import PsfsPanel, load_psfs, psfs_panel

RANGES = {
    "2w": ("2 weeks", 14),
    "3m": ("3 months", 91),
    "1y": ("1 year", 365),
    "all": ("All", None),
}
DEFAULT_RANGE = "3m"
CALENDAR_WEEKS_PHONE = 12
CALENDAR_WEEKS_WIDE = 52
ROM_TABLE_ROWS = 10


@dataclass
class ClientHistory:
    """The raw series for one client, as loaded from the database."""

    pain: dict[str, dict[date, float]] = field(default_factory=lambda: defaultdict(dict))
    rest_days: set[date] = field(default_factory=set)
    logs_per_day: dict[date, int] = field(default_factory=dict)
    # Each active programme's plan with its sessions per day (adherence against the plan).
    plans: list[tuple[insights.Plan, dict[date, int]]] = field(default_factory=list)
    measurements: list[Row] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    tracked: list[str] = field(default_factory=list)

    def first_day(self, fallback: date) -> date:
        days = [min(series) for series in self.pain.values() if series]
        days += [min(self.logs_per_day)] if self.logs_per_day else []
        days += [m.day for m in self.measurements[:1]]
        return min(days, default=fallback)


def load_history(client_id: int, since: date | None, today: date) -> ClientHistory:
    """Seven queries, whatever the amount of history: pain scores, rest/flare days, routine logs
    per routine and day, the programmes' plans, measurements, appointments, tracked regions."""
    history = ClientHistory()
    # Plain Core execution: these are thousands of tuples, and the ORM layer would only slow
    # them down.
    core = db.session.connection()

    def recent(column):
        return column >= since if since else True

    pain_rows = core.execute(
        db.select(CheckIn.day, PainScore.region, PainScore.score)
        .join(PainScore, PainScore.checkin_id == CheckIn.id)
        .where(CheckIn.user_id == client_id, CheckIn.day <= today, recent(CheckIn.day))
    ).all()  # fetchall in one go; iterating the result fetches row by row
    for day, region, score in pain_rows:
        history.pain[region][day] = score
    history.rest_days = set(
        core.execute(
            db.select(CheckIn.day).where(
                CheckIn.user_id == client_id,
                CheckIn.day_kind != DayKind.NORMAL,
                recent(CheckIn.day),
            )
        ).scalars()
    )
    sessions: dict[int, dict[date, int]] = defaultdict(dict)
    for routine_id, day, count in core.execute(
        db.select(RoutineLog.routine_id, RoutineLog.day, func.count(RoutineLog.id))
        .where(RoutineLog.user_id == client_id, RoutineLog.day <= today, recent(RoutineLog.day))
        .group_by(RoutineLog.routine_id, RoutineLog.day)
    ):
        sessions[routine_id][day] = count
        history.logs_per_day[day] = history.logs_per_day.get(day, 0) + count
    history.plans = [
        (Routine.plan_from(*plan), sessions.get(routine_id, {}))
        for routine_id, *plan in core.execute(
            db.select(Routine.id, *(getattr(Routine, name) for name in Routine.PLAN_COLUMNS)).where(
                Routine.user_id == client_id,
                Routine.starts_on.is_not(None),
                Routine.archived.is_(False),
            )
        )
    ]
    history.measurements = core.execute(
        db.select(Measurement.movement, Measurement.side, Measurement.value, Measurement.day)
        .where(Measurement.user_id == client_id, recent(Measurement.day))
        .order_by(Measurement.day, Measurement.id)
    ).all()
    history.appointments = list(
        db.session.scalars(
            db.select(Appointment).filter_by(client_id=client_id).order_by(Appointment.day)
        )
    )
    # Kept with cached trends after this request: out of the session, a later commit can't
    # expire them.
    for appointment in history.appointments:
        db.session.expunge(appointment)
    history.tracked = tracked_regions(client_id)
    return history


@dataclass(frozen=True)
class PanelContext:
    """What every panel of one trends page shares: its dates and the appointments on them."""

    start: date
    today: date
    bucket_days: int
    appointment_days: list[date]
    last_appointment: Appointment | None
    routine_days: set[date]


@dataclass(frozen=True)
class PainPanel:
    region: str
    label: str
    chart: Markup
    summary: str
    over_range: insights.Change | None
    since_appointment: insights.Change | None
    worsening: bool
    routine_effect: insights.RoutineEffect | None


@dataclass(frozen=True)
class RomPanel:
    movement: Movement
    chart: Markup
    summary: str
    latest: list[Row]


@dataclass(frozen=True)
class AdherencePanel:
    phone_chart: Markup
    wide_chart: Markup
    result: insights.Adherence
    rest_days_in_range: int
    summary: str
    # Against the programmes' plans, when the client has a programme with a plan in range.
    planned: insights.PlanAdherence | None = None


@dataclass(frozen=True)
class PainTableRow:
    period_start: str
    means: list[str]


@dataclass(frozen=True)
class PainTable:
    """Averages per period and region, the text alternative to the pain charts."""

    headers: list[str]
    rows: list[PainTableRow]


@dataclass(frozen=True)
class Trends:
    client: User
    today: date
    range_key: str
    start: date
    region: str | None
    region_choices: list[tuple[str, str]]
    pain: list[PainPanel]
    pain_table: PainTable
    rom: list[RomPanel]
    adherence: AdherencePanel | None
    appointments: list[Appointment]
    last_appointment: Appointment | None
    is_empty: bool
    # Days with any pain score; the pain charts wait until there are enough to draw a line.
    pain_days: int
    charts_ready: bool
    first_day: date  # the client's first day: joined, or their first entry if earlier
    parts: frozenset[str]  # what the viewer may see of the client's data
    bucket_days: int
    # The activity scores (PSFS), shared with the pain scores; None before the first scoring.
    psfs: PsfsPanel | None = None


# Computed trends per worker, most recently used last. A page of five years costs several
# times a cached one (docs/benchmarks.md); a client's write raises their history version, which
# is part of the key, so a cached entry is never shown after the data under it changed.
TRENDS_CACHE_SIZE = 64


def build_trends(
    client: User,
    range_key: str,
    region: str | None,
    today: date | None = None,
    parts: frozenset[str] = ALL_PARTS,
) -> Trends:
    """The trends of what `parts` names (everything for the client's own page; a therapist's
    share may cover less)."""
    today = today or local_today(client.timezone)
    range_key = range_key if range_key in RANGES else DEFAULT_RANGE
    cache = current_app.extensions.setdefault("trends_cache", OrderedDict())
    key = (client.id, client.history_version, client.timezone, today, range_key, region, parts)
    if key in cache:
        cache.move_to_end(key)
        return replace(cache[key], client=client)
    trends = _compute_trends(client, range_key, region, today, parts)
    cache[key] = trends
    if len(cache) > TRENDS_CACHE_SIZE:
        cache.popitem(last=False)
    return trends


def _compute_trends(
    client: User, range_key: str, region: str | None, today: date, parts: frozenset[str]
) -> Trends:
    days = RANGES[range_key][1]
    calendar_start = today - timedelta(weeks=CALENDAR_WEEKS_WIDE)
    if days:
        start = today - timedelta(days=days - 1)
        # One extra window for the first rolling averages and the week-before comparison.
        since = min(start - timedelta(days=2 * insights.AVERAGE_WINDOW_DAYS), calendar_start)
        history = load_history(client.id, since, today)
    else:
        history = load_history(client.id, None, today)
        start = min(history.first_day(today), today - timedelta(days=13))
    shown_regions = [key for key in REGIONS if key in history.tracked or history.pain.get(key)]
    region = region if region in shown_regions else None
    bucket_days = 1 if (today - start).days <= 120 else 7 if (today - start).days <= 800 else 30
    last_appointment = next((a for a in reversed(history.appointments) if a.day <= today), None)
    context = PanelContext(
        start=start,
        today=today,
        bucket_days=bucket_days,
        appointment_days=[appointment.day for appointment in history.appointments],
        last_appointment=last_appointment,
        # What days had a routine is the routines part: without it, no routine effect either.
        routine_days=set(history.logs_per_day) if "routines" in parts else set(),
    )
    if "pain" not in parts:
        history.pain.clear()
    pain_days = {day for series in history.pain.values() for day in series}
    first_day = history.first_day(to_local(client.created_at, client.timezone).date())
    psfs = (
        psfs_panel(load_psfs(client.id), today, context.appointment_days)
        if "pain" in parts
        else None
    )
    pain_panels = [
        _pain_panel(key, history.pain.get(key, {}), context)
        for key in shown_regions
        if region in (None, key) and "pain" in parts
    ]
    return Trends(
        client=client,
        today=today,
        range_key=range_key,
        start=start,
        region=region,
        region_choices=[(key, REGIONS[key].label) for key in shown_regions],
        pain=pain_panels,
        pain_table=_pain_table(history, [panel.region for panel in pain_panels], start, today),
        rom=_rom_panels(history.measurements, context) if "motion" in parts else [],
        # Counted from the client's first day: a new client is never measured against days
        # before they joined.
        adherence=None
        if "routines" not in parts
        else _adherence_panel(history, max(start, first_day), today),
        appointments=history.appointments,
        last_appointment=last_appointment,
        is_empty=not (
            pain_days
            or psfs
            or ("routines" in parts and history.logs_per_day)
            or ("motion" in parts and history.measurements)
        ),
        parts=parts,
        pain_days=len(pain_days),
        first_day=first_day,
        charts_ready=len(pain_days) >= insights.MIN_DAYS_FOR_AVERAGE,
        bucket_days=bucket_days,
        psfs=psfs,
    )


def _buckets(
    series: dict[date, float], start: date, end: date, size: int
) -> dict[date, float | None]:
    """Means over consecutive blocks of `size` days, placed at each block's middle day."""
    return {
        min(end, block_start + timedelta(days=(size - 1) // 2)): mean
        for block_start, mean in insights.block_means(series, start, end, size).items()
    }


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _pain_summary(key: str, label: str, series, today: date) -> str:
    change = insights.last_week_change(series, key, today)
    if change is None:
        current = insights.window_mean(series, today - timedelta(days=6), today)
        if current is None:
            return f"No {label.lower()} scores in the last 7 days."
        return f"{label} pain averaged {_fmt(current)} in the last 7 days."
    trend = {"up": "up from", "down": "down from", "same": "the same as"}[change.direction]
    return (
        f"{label} pain averaged {_fmt(change.after)} in the last 7 days, "
        f"{trend} {_fmt(change.before)} in the 7 days before."
    )


def _pain_panel(key: str, series: dict[date, float], context: PanelContext) -> PainPanel:
    start, today, bucket_days = context.start, context.today, context.bucket_days
    label = REGIONS[key].label
    if bucket_days == 1:
        points = {day: value for day, value in series.items() if day >= start}
        average = insights.rolling_mean(series, start, today)
        note = "Dots: daily scores. Line: 7-day average."
    else:
        average = _buckets(series, start, today, bucket_days)
        points = {day: value for day, value in average.items() if value is not None}
        note = f"Dots and line: {'weekly' if bucket_days == 7 else 'monthly'} averages."
    summary = _pain_summary(key, label, series, today)
    chart = svgchart.pain_chart(
        chart_id=f"pain-{key}",
        title=f"{label} pain, 0 to 10",
        description=f"{summary} {note}",
        scores=points,
        average=average,
        start=start,
        end=today,
        appointments=context.appointment_days,
    )
    in_range = {day: value for day, value in series.items() if day >= start}
    return PainPanel(
        region=key,
        label=label,
        chart=chart,
        summary=summary,
        over_range=insights.change_since(in_range, key, _first(in_range, start), today)
        if in_range
        else None,
        since_appointment=insights.change_since(series, key, context.last_appointment.day, today)
        if context.last_appointment
        else None,
        worsening=insights.is_worsening(series, key, today),
        routine_effect=insights.routine_effect(in_range, context.routine_days),
    )


def _first(series: dict[date, float], fallback: date) -> date:
    return min(series, default=fallback) + timedelta(days=insights.AVERAGE_WINDOW_DAYS - 1)


def _pain_table(history: ClientHistory, regions: list[str], start: date, today: date) -> PainTable:
    span = (today - start).days
    size = 7 if span <= 120 else 30 if span <= 800 else 91
    headers = [REGIONS[key].label for key in regions]
    columns = [
        insights.block_means(history.pain.get(key, {}), start, today, size) for key in regions
    ]
    rows = []
    for block_start in columns[0] if columns else []:
        means = [column[block_start] for column in columns]
        if any(mean is not None for mean in means):
            rows.append(
                PainTableRow(
                    format_day(block_start), ["–" if m is None else _fmt(m) for m in means]
                )
            )
    return PainTable(headers, list(reversed(rows)))


def _rom_panels(measurements: list[Row], context: PanelContext) -> list[RomPanel]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for measurement in measurements:
        if measurement.day >= context.start and measurement.movement in MOVEMENTS:
            grouped[measurement.movement].append(measurement)
    panels = []
    for key, rows in grouped.items():
        movement = MOVEMENTS[key]
        series: dict[str | None, dict[date, float]] = defaultdict(dict)
        for row in rows:
            series[row.side][row.day] = row.value
        if movement.higher_is_better:
            band = (movement.normal_min, float("inf"))
        else:
            band = (float("-inf"), movement.normal_typical)
        summary = _rom_summary(movement, series)
        chart = svgchart.rom_chart(
            chart_id=f"rom-{key}",
            title=f"{movement.label}, in {movement.unit_name}",
            description=summary,
            series=series,
            band=band,
            value_range=(movement.normal_min, movement.normal_typical),
            start=context.start,
            end=context.today,
            appointments=context.appointment_days,
        )
        panels.append(RomPanel(movement, chart, summary, list(reversed(rows))[:ROM_TABLE_ROWS]))
    return panels


def _rom_summary(movement: Movement, series) -> str:
    parts = []
    for side, points in sorted(series.items(), key=lambda item: item[0] or ""):
        ordered = sorted(points.items())
        first, last = ordered[0], ordered[-1]
        who = f"{side.title()}: " if side else ""
        if len(ordered) == 1:
            parts.append(f"{who}{movement.format(last[1])} on {format_day(last[0], 'short')}")
        else:
            parts.append(
                f"{who}{movement.format(first[1])} on {format_day(first[0], 'short')}, "
                f"{movement.format(last[1])} on {format_day(last[0], 'short')}"
            )
    healthy = (
        f"healthy adults reach about {movement.format(movement.normal_min)} or more"
        if movement.higher_is_better
        else f"healthy adults reach {movement.format(movement.normal_typical)} or less"
    )
    return "; ".join(parts) + f". Shaded: {healthy}."


def _adherence_panel(history: ClientHistory, start: date, today: date) -> AdherencePanel:
    rest_in_range = {day for day in history.rest_days if start <= day <= today}
    result = insights.adherence(history.logs_per_day, rest_in_range, start, today)
    resting = len(rest_in_range - set(history.logs_per_day))
    planned = insights.plans_adherence(history.plans, rest_in_range, start, today)
    if planned is not None:
        summary = _planned_summary(planned, resting)
    elif result.share is None:
        summary = "No days to count yet."
    elif result.routine_days == 0:
        summary = "No routine days yet in this period."
    else:
        summary = (
            f"Routines on {result.routine_days} of {result.counted_days} "
            f"{'day' if result.counted_days == 1 else 'days'} "
            f"({result.share:.0%})"
            + (f", not counting {resting} rest or flare days" if resting else "")
            + "."
        )

    def calendar(weeks, suffix):
        return svgchart.adherence_calendar(
            chart_id=f"calendar-{suffix}",
            title=f"Routine days, last {weeks} weeks",
            description=summary,
            logs_per_day=history.logs_per_day,
            rest_days=history.rest_days,
            end=today,
            weeks=weeks,
        )

    return AdherencePanel(
        calendar(CALENDAR_WEEKS_PHONE, "phone"),
        calendar(CALENDAR_WEEKS_WIDE, "wide"),
        result,
        resting,
        summary,
        planned,
    )


def _planned_summary(planned: insights.PlanAdherence, resting: int) -> str:
    if planned.share is None:
        return "Nothing in the plan has come round yet in this period."
    sessions = "session" if planned.planned == 1 else "sessions"
    return (
        f"Planned {sessions} done: {planned.done} of {planned.planned} ({planned.share:.0%})"
        + (f", not counting {resting} rest or flare days" if resting else "")
        + "."
    )


REPORT_NOTES = 6


@dataclass(frozen=True)
class Report:
    """The one-page summary for a session: the trends plus the client's recent notes."""

    client: User
    trends: Trends
    notes: list[CheckIn]


def build_report(client: User, range_key: str, parts: frozenset[str] = ALL_PARTS) -> Report:
    trends = build_trends(client, range_key, None, parts=parts)
    notes = db.session.scalars(
        db.select(CheckIn)
        .where(
            CheckIn.user_id == client.id,
            CheckIn.note.is_not(None),
            CheckIn.day >= trends.start,
            literal("notes" in parts),
        )
        .order_by(CheckIn.day.desc())
        .limit(REPORT_NOTES)
    ).all()
    return Report(client, trends, list(notes))
