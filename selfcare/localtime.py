"""The user's own calendar: "today" is the day where the user lives, not on the server."""

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import String, type_coerce

from .models import utcnow


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


def raw_day(column):
    """Select a date column without SQLAlchemy's per-row conversion; pair with as_date.
    SQLite hands back ISO text (which date.fromisoformat reads ten times faster), PostgreSQL a
    date already."""
    return type_coerce(column, String)


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
