"""The user's own calendar and how dates read: "today" is the day where the user lives, not on
the server, and an entry's day is judged against it."""

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from .models import utcnow

# Dates before this app's time are typos (year 1 would also break date arithmetic).
EARLIEST_DAY = date(2000, 1, 1)

# The few ways a date is written in the product, by name.
DATE_FORMATS = {
    "long": "%A %d %B %Y",  # headings and confirmations: Tuesday 25 November 2026
    "medium": "%a %d %b %Y",  # lists: Tue 25 Nov 2026
    "short": "%d %b",  # beside a range that already gives the year: 25 Nov
    "weekday": "%A %d %B",  # the day at hand: Tuesday 25 November
}
MOMENT_FORMATS = {"full": "%d %b %Y, %H:%M", "time": "%H:%M"}
# Short names where a date is not a sentence (chart axes, day choices), Monday first as in
# date.weekday(), months from January.
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@cache
def timezone_names() -> tuple[str, ...]:
    # Legacy aliases ("US/Eastern", "EST5EDT") clutter the list; real zones all contain "/".
    return tuple(
        sorted(
            name
            for name in available_timezones()
            if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/"))
        )
    ) + ("UTC",)


def local_today(timezone: str, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(ZoneInfo(timezone)).date()


def to_local(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(ZoneInfo(timezone))


def format_day(day: date, style: str = "medium") -> str:
    return day.strftime(DATE_FORMATS[style])


def format_moment(moment: datetime, timezone: str, style: str = "full") -> str:
    """A stored UTC time as the viewer reads it, in their own time zone."""
    return to_local(moment, timezone).strftime(MOMENT_FORMATS[style])


def too_early_problem(day: date) -> str | None:
    if day < EARLIEST_DAY:
        return f"Choose a date from {EARLIEST_DAY.year} onwards."
    return None


def past_day_problem(day: date, today: date) -> str | None:
    """Why an entry (check-in, log, measurement) can't be dated `day`, or None when it can."""
    if day > today:
        return "That date is in the future. Choose today or an earlier day."
    return too_early_problem(day)


def format_duration(span: timedelta) -> str:
    """How long, as a sentence says it: "7 days", "10 minutes", "an hour"."""
    seconds = int(span.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            if count == 1:
                return "an hour" if unit == "hour" else f"a {unit}"
            return f"{count} {unit}s"
    return f"{seconds} seconds"
