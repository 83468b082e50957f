"""Charts as inline SVG, drawn on the server: no JavaScript, no third party, they print.

Why our own module: the charts need a shaded normal-range band, appointment markers across
every chart, gaps for missing days and a calendar heat map. leather draws none of the band,
markers or calendar, and pygal embeds a script that our Content-Security-Policy blocks and
is heavy for a phone. The rest of the app asks this module for "a pain chart" and never
deals with coordinates.

Styling is in static/css/app.css (classes prefixed chart-); colours follow the Okabe-Ito
palette as CSS custom properties (a dark scheme restyles them), and series also differ by shape
so they never rely on colour alone.

Text scales with the viewBox: a chart drawn 320 units wide shows on a 320 px phone at about
0.8 of its size, so its labels are 16 units to read at 12 px or more there.
"""

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from flask_babel import gettext as _
from markupsafe import Markup, escape

from .dates import month_names, weekday_names
from .number_format import short_decimal

WIDTH = 320
HEIGHT = 210
LEFT, RIGHT, TOP, BOTTOM = 36, 14, 10, 46
# Baselines of the time labels' two lines (month, then year), below the plot.
LABEL_LINE, YEAR_LINE = HEIGHT - BOTTOM + 20, HEIGHT - BOTTOM + 38


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


class Tick(NamedTuple):
    day: date
    label: str
    year: str = ""  # a second line under the label


def _day_and_month(day: int, month: str) -> str:
    # Translators: a date on a chart's axis, as in "5 Jan" (month is the short month name);
    # keep it short.
    return _("%(day)d %(month)s", day=day, month=month)


@dataclass(frozen=True)
class TimeAxis:
    start: date
    end: date

    @property
    def span_days(self) -> int:
        return max(1, (self.end - self.start).days)

    def x(self, day: date) -> float:
        return LEFT + (day - self.start).days / self.span_days * (WIDTH - LEFT - RIGHT)

    def ticks(self) -> list[Tick]:
        """At most five date labels, never a bare number that could be misread as a day: a
        day and its month over a month or less, otherwise month names with the year under the
        first one and under every January, or years alone over more than two years."""
        days = self.span_days
        if days <= 31:
            step = -(-days // 4)
            marks = [self.start + timedelta(days=offset) for offset in range(0, days + 1, step)]
            months = month_names()
            return [Tick(day, _day_and_month(day.day, months[day.month - 1])) for day in marks]
        months_step = 1 if days <= 130 else 3 if days <= 400 else 6 if days <= 800 else 12
        marks, year, month = [], self.start.year, self.start.month
        while True:
            month += 1
            if month > 12:
                year, month = year + 1, 1
            first = date(year, month, 1)
            if first > self.end:
                break
            if (month - 1) % months_step == 0:
                marks.append(first)
        if months_step == 12:
            return [Tick(day, str(day.year)) for day in marks][:5]
        return [
            Tick(
                day,
                month_names()[day.month - 1],
                str(day.year) if index == 0 or day.month == 1 else "",
            )
            for index, day in enumerate(marks[:5])
        ]


@dataclass(frozen=True)
class ValueAxis:
    low: float
    high: float

    def y(self, value: float) -> float:
        spread = (self.high - self.low) or 1
        return TOP + (self.high - value) / spread * (HEIGHT - TOP - BOTTOM)

    def ticks(self) -> list[float]:
        spread = self.high - self.low
        # At most five steps: the first of these (times ten, a hundred... for larger spreads).
        step = next(
            s * 10**power
            for power in itertools.count()
            for s in (1, 2, 5, 10, 20, 25, 50, 100)
            if spread / (s * 10**power) <= 5
        )
        first = step * -(-self.low // step)
        return [first + step * index for index in range(int((self.high - first) // step) + 1)]


def _frame(
    chart_id: str,
    title: str,
    description: str,
    body: list[str],
    size: tuple[int, int] = (WIDTH, HEIGHT),
    css: str = "chart",
) -> Markup:
    # Safe: every text in the SVG goes through escape(); the rest is numbers we formatted.
    return Markup(  # noqa: S704
        f'<svg class="{css}" viewBox="0 0 {size[0]} {size[1]}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _axes(time_axis: TimeAxis, value_axis: ValueAxis) -> list[str]:
    """Grid lines and ticks as one path each, labels placed by CSS classes: on a page of
    charts over five years, attributes repeated per label were a large share of the HTML."""
    grid, ticks, labels = [], [], []
    for value in value_axis.ticks():
        y = _num(value_axis.y(value))
        grid.append(f"M{LEFT} {y}H{WIDTH - RIGHT}")
        label = short_decimal(value, 1)  # read, so in the reader's way; `y` is geometry
        labels.append(
            f'<text class="chart-label value-label" x="{LEFT - 4}" y="{y}">{label}</text>'
        )
    baseline = _num(HEIGHT - BOTTOM)
    for tick in time_axis.ticks():
        x = _num(time_axis.x(tick.day))
        ticks.append(f"M{x} {baseline}v4")
        year = f'<tspan x="{x}" y="{YEAR_LINE}">{tick.year}</tspan>' if tick.year else ""
        labels.append(
            f'<text class="chart-label time-label" x="{x}" y="{LABEL_LINE}">'
            f"{escape(tick.label)}{year}</text>"
        )
    paths = [("chart-grid", grid), ("chart-tick", ticks)]
    return [f'<path class="{name}" d="{"".join(d)}"/>' for name, d in paths if d] + labels


def _appointment_markers(time_axis: TimeAxis, appointments: Iterable[date]) -> list[str]:
    """Every appointment as a dashed vertical line, all in one path."""
    lines = "".join(
        f"M{_num(time_axis.x(day))} {TOP}V{HEIGHT - BOTTOM}"
        for day in appointments
        if time_axis.start <= day <= time_axis.end
    )
    return [f'<path class="chart-appointment" d="{lines}"/>'] if lines else []


def _polyline_segments(points: list[tuple[float, float] | None]) -> str:
    """One path with a separate segment after every gap (None), so a line never bridges a gap."""
    commands, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        commands.append(("L" if pen_down else "M") + f"{_num(point[0])} {_num(point[1])}")
        pen_down = True
    return "".join(commands)


def _marks(points: Iterable[tuple[float, float]]) -> str:
    """Many markers as one path of zero-length strokes; the stylesheet's round or square line
    caps draw them as dots or squares, in far fewer bytes than arcs or <circle>s."""
    return "".join(f"M{_num(x)} {_num(y)}h0" for x, y in points)


def pain_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    scores: Mapping[date, float],
    average: Mapping[date, float | None],
    start: date,
    end: date,
    appointments: Iterable[date] = (),
) -> Markup:
    """Scores as dots (missing days stay empty, never 0) and the rolling average as a line."""
    time_axis, value_axis = TimeAxis(start, end), ValueAxis(0, 10)
    body = _axes(time_axis, value_axis) + _appointment_markers(time_axis, appointments)
    line = _polyline_segments(
        [
            None if value is None else (time_axis.x(day), value_axis.y(value))
            for day, value in sorted(average.items())
        ]
    )
    if line:
        body.append(f'<path class="chart-average" d="{line}"/>')
    dots = _marks(
        (time_axis.x(day), value_axis.y(value))
        for day, value in sorted(scores.items())
        if start <= day <= end
    )
    if dots:
        body.append(f'<path class="chart-points" d="{dots}"/>')
    return _frame(chart_id, title, description, body)


def rom_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: Mapping[str | None, Mapping[date, float]],
    band: tuple[float, float] | None,
    value_range: tuple[float, float],
    start: date,
    end: date,
    appointments: Iterable[date] = (),
) -> Markup:
    """Measurements over time against a shaded band of healthy-adult values (none where the
    measure has no norm). Left side (or no side): dots; right side: squares."""
    time_axis = TimeAxis(start, end)
    values = [value for points in series.values() for value in points.values()]
    low = min([value_range[0], *values])
    high = max([value_range[1], *values])
    pad = (high - low) * 0.08 or 1
    value_axis = ValueAxis(low - pad, high + pad)
    body = []
    if band is not None:
        band_top, band_bottom = (
            value_axis.y(min(band[1], value_axis.high)),
            value_axis.y(max(band[0], value_axis.low)),
        )
        band_height = _num(max(0, band_bottom - band_top))
        body.append(
            f'<rect class="chart-band" x="{LEFT}" y="{_num(band_top)}" '
            f'width="{WIDTH - LEFT - RIGHT}" height="{band_height}"/>'
        )
    body += _axes(time_axis, value_axis) + _appointment_markers(time_axis, appointments)
    for side, points in series.items():
        ordered = sorted(points.items())
        coordinates = [(time_axis.x(day), value_axis.y(value)) for day, value in ordered]
        css = "right" if side == "right" else "left"
        body.append(
            f'<path class="chart-rom-line chart-{css}" d="{_polyline_segments(coordinates)}"/>'
        )
        marks = _marks(coordinates)
        body.append(f'<path class="chart-rom-mark chart-{css}" d="{marks}"/>')
    return _frame(chart_id, title, description, body)


def outcome_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    means: Mapping[date, float],
    band_around: float,
    band_half_width: float,
    start: date,
    end: date,
    appointments: Iterable[date] = (),
) -> Markup:
    """An outcome score (0-10, higher is better) over time against a shaded band of +/- the
    minimal detectable change around the first score: a dot inside the band is within what
    the scale varies by itself, a square outside it is a real change."""
    time_axis, value_axis = TimeAxis(start, end), ValueAxis(0, 10)
    band_top = value_axis.y(min(10, band_around + band_half_width))
    band_bottom = value_axis.y(max(0, band_around - band_half_width))
    body = [
        f'<rect class="chart-band" x="{LEFT}" y="{_num(band_top)}" '
        f'width="{WIDTH - LEFT - RIGHT}" height="{_num(band_bottom - band_top)}"/>'
    ]
    body += _axes(time_axis, value_axis) + _appointment_markers(time_axis, appointments)
    ordered = sorted(means.items())
    coordinates = [(time_axis.x(day), value_axis.y(value)) for day, value in ordered]
    body.append(f'<path class="chart-outcome-line" d="{_polyline_segments(coordinates)}"/>')
    beyond = [abs(value - band_around) >= band_half_width - 1e-9 for _, value in ordered]
    within_marks = _marks(point for point, out in zip(coordinates, beyond, strict=True) if not out)
    beyond_marks = _marks(point for point, out in zip(coordinates, beyond, strict=True) if out)
    if within_marks:
        body.append(f'<path class="chart-outcome-mark" d="{within_marks}"/>')
    if beyond_marks:
        body.append(f'<path class="chart-outcome-beyond" d="{beyond_marks}"/>')
    return _frame(chart_id, title, description, body)


CELL = 11
GAP = 2
PITCH = CELL + GAP
# Room for the weekday names on the left and the month names on top.
CALENDAR_LEFT, CALENDAR_TOP = 30, 16
# The rows that carry a weekday's name.
LABELLED_WEEKDAYS = (0, 2, 4, 6)


def adherence_calendar(
    *,
    chart_id: str,
    title: str,
    description: str,
    logs_per_day: Mapping[date, int],
    rest_days: Iterable[date],
    end: date,
    weeks: int,
    first_day: date = date.min,
) -> Markup:
    """Weeks as columns, Monday at the top, each month named over its first week. Cell shade:
    no routine, one, two or more; rest and flare days drawn as outlined cells so they read as
    "planned", not "missed"; days before the client's first day left blank."""
    last_monday = end - timedelta(days=end.weekday())
    first_monday = last_monday - timedelta(weeks=weeks - 1)
    resting = set(rest_days)
    levels: dict[str, list[str]] = {"none": [], "one": [], "more": [], "rest": []}
    for offset in range(weeks * 7):
        day = first_monday + timedelta(days=offset)
        if day > end:
            break
        count = logs_per_day.get(day, 0)
        if day < first_day and not count:
            continue
        level = (
            "more" if count >= 2 else "one" if count == 1 else "rest" if day in resting else "none"
        )
        x, y = CALENDAR_LEFT + (offset // 7) * PITCH, CALENDAR_TOP + (offset % 7) * PITCH
        # A vertical stroke as wide as the cell fills it; rest days are outlined squares.
        cell = (
            f"M{x} {y}h{CELL}v{CELL}h-{CELL}z"
            if level == "rest"
            else f"M{x + CELL / 2:g} {y}v{CELL}"
        )
        levels[level].append(cell)
    width = CALENDAR_LEFT + weeks * PITCH + 2
    height = CALENDAR_TOP + 7 * PITCH + 2
    body = [
        f'<text class="chart-label" x="0" y="{CALENDAR_TOP + row * PITCH + CELL - 1}">'
        f"{escape(name)}</text>"
        for row, name in ((row, weekday_names()[row]) for row in LABELLED_WEEKDAYS)
    ]
    body += _month_labels(first_monday, weeks)
    body += [
        f'<path class="heat-{level}" d="{"".join(cells)}"/>'
        for level, cells in levels.items()
        if cells
    ]
    return _frame(chart_id, title, description, body, (width, height), "chart calendar")


def _month_labels(first_monday: date, weeks: int) -> list[str]:
    """A month's name over the week its first day falls in (with the year for a January that
    has room for it); the first column is named too when its month goes on for at least two
    more weeks."""
    labels = []
    for week in range(weeks):
        monday = first_monday + timedelta(weeks=week)
        sunday = monday + timedelta(days=6)
        if week == 0:
            if (monday + timedelta(weeks=2)).month != monday.month:
                continue
            month_start = monday
        elif sunday.month != monday.month or monday.day == 1:
            month_start = sunday if sunday.month != monday.month else monday
        else:
            continue
        name = month_names()[month_start.month - 1]
        if month_start.month == 1 and week < weeks - 3:
            # Translators: a month and its year over a calendar's column, as in "Jan 2026".
            name = _("%(month)s %(year)d", month=name, year=month_start.year)
        x = CALENDAR_LEFT + week * PITCH
        labels.append(
            f'<text class="chart-label" x="{x}" y="{CALENDAR_TOP - 4}">{escape(name)}</text>'
        )
    return labels


def growth_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: Mapping[str, Mapping[float, float]],
    value_range: tuple[float, float],
) -> Markup:
    """How a cost grows with a size (the benchmarks' years of history, clients): up to two
    series over a numeric axis labelled at the measured sizes, drawn like the ROM chart's left
    (dots, solid) and right (squares, dashed) sides."""
    sizes = sorted({size for points in series.values() for size in points})
    low, high = sizes[0], sizes[-1]

    def x(size: float) -> float:
        return LEFT + (size - low) / ((high - low) or 1) * (WIDTH - LEFT - RIGHT)

    values = [value for points in series.values() for value in points.values()]
    value_axis = ValueAxis(value_range[0], max([value_range[1], *values]))
    grid = "".join(
        f"M{LEFT} {_num(value_axis.y(value))}H{WIDTH - RIGHT}" for value in value_axis.ticks()
    )
    body = [f'<path class="chart-grid" d="{grid}"/>']
    body += [
        f'<text class="chart-label value-label" x="{LEFT - 4}" y="{_num(value_axis.y(value))}">'
        f"{_num(value)}</text>"
        for value in value_axis.ticks()
    ]
    body += [
        f'<text class="chart-label time-label" x="{_num(x(size))}" y="{HEIGHT - 8}">'
        f"{_num(size)}</text>"
        for size in sizes
    ]
    for side, (name, points) in zip(("left", "right"), series.items(), strict=False):
        coordinates = [(x(size), value_axis.y(value)) for size, value in sorted(points.items())]
        body.append(
            f'<path class="chart-rom-line chart-{side}" d="{_polyline_segments(coordinates)}">'
            f"<title>{escape(name)}</title></path>"
        )
        body.append(f'<path class="chart-rom-mark chart-{side}" d="{_marks(coordinates)}"/>')
    return _frame(chart_id, title, description, body)
