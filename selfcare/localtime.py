"""The user's own calendar: "today" is the day where the user lives, not on the server."""

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

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
