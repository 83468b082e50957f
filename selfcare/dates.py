"""The user's own calendar and how dates read: "today" is the day where the user lives, not on
the server, and an entry's day is judged against it."""

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date, format_datetime, get_day_names, get_month_names
from flask_babel import gettext, ngettext

from .languages import DEFAULT_LANGUAGE, reading_locale
from .models import utcnow

MINUTE, HOUR, DAY = 60, 3600, 86400

# Dates before this app's time are typos (year 1 would also break date arithmetic).
EARLIEST_DAY = date(2000, 1, 1)

# The few ways a date is written in the product, by name, in each language's own order (CLDR
# patterns: Babel fills in the names of days and months).
DATE_FORMATS = {
    "en": {
        "long": "EEEE dd MMMM y",  # headings and confirmations: Tuesday 25 November 2026
        "medium": "EEE dd MMM y",  # lists: Tue 25 Nov 2026
        "short": "dd MMM",  # beside a range that already gives the year: 25 Nov
        "weekday": "EEEE dd MMMM",  # the day at hand: Tuesday 25 November
        "full": "dd MMM y, HH:mm",  # a moment: 25 Nov 2026, 14:05
        "time": "HH:mm",
    },
    "es": {
        "long": "EEEE, d 'de' MMMM 'de' y",  # martes, 25 de noviembre de 2026
        "medium": "EEE d MMM y",  # mar 25 nov 2026
        "short": "d MMM",
        "weekday": "EEEE, d 'de' MMMM",
        "full": "d MMM y, HH:mm",
        "time": "HH:mm",
    },
}


def _pattern(style: str) -> str:
    locale = reading_locale()
    return DATE_FORMATS.get(locale.language, DATE_FORMATS[DEFAULT_LANGUAGE])[style]


def weekday_names() -> tuple[str, ...]:
    """Short names where a date is not a sentence (chart axes, day choices), Monday first as in
    date.weekday()."""
    names = get_day_names("abbreviated", locale=reading_locale())
    return tuple(names[day] for day in range(7))


def month_names() -> tuple[str, ...]:
    names = get_month_names("abbreviated", locale=reading_locale())
    return tuple(names[month] for month in range(1, 13))


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
    return format_date(day, _pattern(style), locale=reading_locale())


def format_moment(moment: datetime, timezone: str, style: str = "full") -> str:
    """A stored UTC time as the viewer reads it, in their own time zone."""
    return format_datetime(to_local(moment, timezone), _pattern(style), locale=reading_locale())


def too_early_problem(day: date) -> str | None:
    if day < EARLIEST_DAY:
        return gettext("Choose a date from %(year)s onwards.", year=EARLIEST_DAY.year)
    return None


def past_day_problem(day: date, today: date) -> str | None:
    """Why an entry (check-in, log, measurement) can't be dated `day`, or None when it can."""
    if day > today:
        return gettext("That date is in the future. Choose today or an earlier day.")
    return too_early_problem(day)


def format_duration(span: timedelta) -> str:
    """How long, as a sentence says it: "7 days", "10 minutes", "an hour"."""
    seconds = int(span.total_seconds())
    if seconds >= DAY and seconds % DAY == 0:
        return ngettext("a day", "%(num)d days", seconds // DAY)
    if seconds >= HOUR and seconds % HOUR == 0:
        return ngettext("an hour", "%(num)d hours", seconds // HOUR)
    if seconds >= MINUTE and seconds % MINUTE == 0:
        return ngettext("a minute", "%(num)d minutes", seconds // MINUTE)
    return ngettext("a second", "%(num)d seconds", seconds)
