"""The dashboard: one row per sharing client, read from each client's kept figures for their
own today (figures/kept.py), sorted, counted, filtered and paged in SQL. Kept figures are worked
out for the days ahead too, so a new day finds them waiting; only the clients who wrote since
(or were quiet for longer than the days kept) are worked out again, together."""

from dataclasses import dataclass
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, false, func, literal, or_, select

from ..access import share_in_force
from ..dates import local_today
from ..extensions import db, unicode_lower
from ..figures.kept import (
    Client,
    ClientFigures,
    RegionFigures,
    exercise_names,
    fresh_on,
    local_day,
    work_out,
)
from ..insights import INACTIVE_AFTER_DAYS
from ..models import KeptFigures, Share, User

# What "needs a look" can be filtered by (?flag=…), in the order of attention.
FLAGS = {
    "worse": _l("Pain worse"),
    "pain": _l("Pain during an exercise"),
    "too_hard": _l("Too hard twice"),
    "quiet": _l("No check-in for %(days)s+ days", days=INACTIVE_AFTER_DAYS),
}


class ClientName(NamedTuple):
    id: int
    name: str


@dataclass(frozen=True)
class ClientRow:
    """A client's row of the dashboard. What it flags is worked out here, once for the row,
    rather than by the template cell by cell (a page has 50 rows)."""

    client: ClientName
    figures: ClientFigures  # as far as the client's share covers (masked)
    flags: frozenset[str]
    worse_regions: tuple[RegionFigures, ...]  # worse this week, in the order of REGIONS
    painful_exercises: dict[str, int]  # exercise name -> highest pain during it
    too_hard_exercises: tuple[str, ...]

    @classmethod
    def of(cls, client: ClientName, figures: ClientFigures, names: dict[int, str]) -> "ClientRow":
        raised = {
            "worse": bool(figures.worse),
            "pain": bool(figures.painful_exercises),
            "too_hard": bool(figures.too_hard_exercises),
            "quiet": figures.inactive,
        }
        return cls(
            client,
            figures,
            flags=frozenset(flag for flag, up in raised.items() if up),
            worse_regions=tuple(region for region in figures.regions if region.worse),
            painful_exercises={
                names.get(exercise, "?"): pain
                for exercise, pain in figures.painful_exercises.items()
            },
            too_hard_exercises=tuple(names.get(e, "?") for e in figures.too_hard_exercises),
        )

    @property
    def parts(self) -> frozenset[str]:
        return self.figures.parts

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


def _share_covers(part: str):
    """Share.parts (comma-separated) holds `part`: no part's name is inside another's."""
    return Share.parts.like(f"%{part}%")


# The flags (FLAGS) as SQL conditions on a sharing client's kept ranks, as far as the share
# covers them (ClientFigures.masked masks the figures alike). Pain felt during an exercise is a
# pain score too: it needs both parts. The rank column comes first: most rows stop there.
_SHARES_PAIN, _SHARES_ROUTINES = _share_covers("pain"), _share_covers("routines")
RAISED = {
    "worse": (KeptFigures.worse_regions > 0) & _SHARES_PAIN,
    "pain": KeptFigures.worst_pain_during.is_not(None) & _SHARES_PAIN & _SHARES_ROUTINES,
    "too_hard": (KeptFigures.too_hard > 0) & _SHARES_ROUTINES,
    "quiet": KeptFigures.inactive & _SHARES_PAIN,
}
# "Needs a look", most urgent first: pain worse by a real change (the larger the total rise
# over regions, then the more regions, the sooner), then pain during an exercise (the higher
# the sooner), then exercises too hard twice (the more the sooner), then a quiet spell; clients
# with none of these last. Then by name, case aside, and by id for a stable order.
ATTENTION_ORDER = (
    case(
        (RAISED["worse"], 0),
        (RAISED["pain"], 1),
        (RAISED["too_hard"], 2),
        (RAISED["quiet"], 3),
        else_=4,
    ),
    case(
        (RAISED["worse"], KeptFigures.worse_rise),
        (RAISED["pain"], KeptFigures.worst_pain_during),
        (RAISED["too_hard"], KeptFigures.too_hard),
        else_=0,
    ).desc(),
    case((RAISED["worse"], KeptFigures.worse_regions), else_=0).desc(),
    unicode_lower(User.name),
    User.id,
)


class DashboardCounts(NamedTuple):
    total: int  # clients the search finds
    flagged: int  # of those, the ones with a flag
    by_flag: dict[str, int]


class SharingClients:
    """A therapist's sharing clients as the dashboard lists them: sorted, counted, filtered and
    paged in SQL over the kept ranks of each client's today, so a request's Python work follows
    the page, not the number of clients. Made, it first works out, in one batch, the figures of
    the clients whose kept ones are stale (they wrote since) or missing (quiet for longer than
    the days kept)."""

    def __init__(self, therapist_id: int, search: str = ""):
        sharing = (Share.therapist_id == therapist_id, share_in_force())
        timezones = db.session.scalars(
            select(User.timezone).join(Share, Share.client_id == User.id).where(*sharing).distinct()
        ).all()
        # One "today" per time zone, read once: what is worked out and what is read agree at
        # midnight.
        zone_today = {zone: local_today(zone) for zone in timezones}
        self._today = local_day(zone_today)
        self._where = [*sharing]
        stale = db.session.execute(
            self._clients(User.id, User.timezone, User.entries_version, kept=False).order_by(
                User.id
            )
        ).all()
        work_out([Client(*entry) for entry in stale], zone_today)
        if search:
            self._where.append(_name_contains(search))

    def _clients(self, *columns, kept: bool = True):
        """The sharing clients with their kept figures of today (`kept`: those just worked out
        among them, even if the client wrote since; the next view reads the newer), or those
        without fresh ones."""
        query = select(*columns).select_from(User).join(Share, Share.client_id == User.id)
        if kept:
            of_today = (KeptFigures.user_id == User.id) & (KeptFigures.day == self._today)
            return query.join(KeptFigures, of_today).where(*self._where)
        fresh = fresh_on(self._today)
        return query.outerjoin(KeptFigures, fresh).where(
            *self._where, KeptFigures.user_id.is_(None)
        )

    def counts(self) -> DashboardCounts:
        total, flagged, *by_flag = db.session.execute(
            self._clients(
                func.count(),
                func.count().filter(or_(*RAISED.values())),
                *(func.count().filter(raised) for raised in RAISED.values()),
            )
        ).one()
        return DashboardCounts(total, flagged, dict(zip(RAISED, by_flag, strict=True)))

    def rows(self, flag: str = "", offset: int = 0, limit: int | None = None) -> list[ClientRow]:
        """The rows in the order of attention, those with `flag` only when given."""
        query = self._clients(User.id, User.name, Share.parts, KeptFigures.figures)
        if flag:
            query = query.where(RAISED[flag])
        found = [
            (
                ClientName(user_id, name),
                ClientFigures.from_json(figures).masked(Share.parts_of(parts)),
            )
            for user_id, name, parts, figures in db.session.execute(
                query.order_by(*ATTENTION_ORDER).offset(offset).limit(limit)
            )
        ]
        names = exercise_names((figures for _, figures in found), as_shown=True)
        return [ClientRow.of(client, figures, names) for client, figures in found]


def _name_contains(search: str):
    """The client's name holds `search`, case aside in every script, % and _ taken literally."""
    if "\x00" in search:
        return false()  # no name holds one, and PostgreSQL refuses it in text
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = unicode_lower(literal(f"%{escaped}%"))
    return unicode_lower(User.name).like(pattern, escape="\\")
