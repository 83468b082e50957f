"""A client's figures as they stand on a day: the 7-day averages and changes per region, the change
since the last session, adherence, inactivity and the exercise flags. Every page, the dashboard,
the API and the exports read them from here, so one client shows one number for each.

They are worked out in batches (one client after a write, or every stale client of a dashboard),
from a fortnight of rows, for today and FIGURES_AHEAD_DAYS days ahead, and kept in the database
(models.KeptFigures): every worker and server reads the same rows, and a new local day finds its
row already there. A write raises the client's entries version (figures/listener.py), and with
it every kept day of theirs is stale until worked out again."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from typing import NamedTuple

from sqlalchemy import Float, case, cast, func, null, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from .. import insights
from ..access import share_in_force
from ..clinical import REGIONS, DayKind, reference_text
from ..dates import local_today, to_local
from ..extensions import db
from ..insights import Tally
from ..models import (
    ALL_PARTS,
    Appointment,
    CheckIn,
    Exercise,
    KeptFigures,
    Measurement,
    PainScore,
    PsfsScoring,
    Routine,
    RoutineLog,
    RoutineLogItem,
    Share,
    User,
)
from .periods import ALL_REGIONS

# Each kind of entry, with the share part that covers it (activity scores go with pain).
ENTRY_PARTS = {"checkin": "pain", "routine": "routines", "measurement": "motion", "psfs": "pain"}
# Raise it with any change to a rule or to what is kept: every kept row is then stale, and
# worked out again when next read.
RULES_VERSION = 1
# Worked out for today and this many days ahead: a client quiet for longer is worked out again
# when next read (or by `flask refresh-figures`).
FIGURES_AHEAD_DAYS = 7
# How far back the windows reach: the 7 days before the last 7.
LOOKBACK_DAYS = 2 * insights.AVERAGE_WINDOW_DAYS - 1


@dataclass(frozen=True)
class RegionFigures:
    """One region's pain (or, as ALL_REGIONS, each day's mean over the regions rated). The
    figures from it are worked out once per object: a page reads each several times."""

    region: str
    week: Tally  # the last 7 days
    previous: Tally  # the 7 days before them
    # The 7 days up to the last session and the days since it (at most the last 7); both None
    # without a session.
    before_session: Tally | None = None
    after_session: Tally | None = None

    @cached_property
    def average(self) -> float | None:
        """The 7-day average: from MIN_DAYS_FOR_AVERAGE scored days."""
        return self.week.mean(insights.MIN_DAYS_FOR_AVERAGE)

    @cached_property
    def this_week(self) -> insights.Comparison:
        """The last 7 days against the 7 before them: "worse this week"."""
        return insights.Comparison(self.region, self.previous, self.week)

    @cached_property
    def week_change(self) -> insights.Change | None:
        return self.this_week.change

    @cached_property
    def since_session(self) -> insights.Comparison | None:
        if self.before_session is None or self.after_session is None:
            return None
        return insights.Comparison(self.region, self.before_session, self.after_session)

    @cached_property
    def worse(self) -> bool:
        return insights.worsened(self.week_change)

    @cached_property
    def label(self) -> str:
        return REGIONS[self.region].label if self.region in REGIONS else "All regions"


@dataclass(frozen=True)
class ProgrammeWeek:
    """Where a programme with a plan stands on the day (insights.plan_day), as Today shows it."""

    routine_id: int
    name: str
    day: insights.PlanDay


@dataclass(frozen=True)
class ClientFigures:
    """A client's figures on `day`, of the parts `parts` covers (all of them for the client;
    a share may cover less: `masked`)."""

    day: date
    joined: date
    first_day: date  # insights.first_day of the joining day and the first entries shown
    last_checkin: date | None
    latest_pain: float | None  # the mean of the newest check-in's scores
    session: date | None  # the last appointment on or before the day
    pain: dict[str, RegionFigures]  # in the order of REGIONS, then ALL_REGIONS
    adherence: insights.Adherence | None
    painful_exercises: dict[int, int]  # exercise id -> highest pain during it, highest first
    too_hard_exercises: tuple[int, ...]
    programmes: list[ProgrammeWeek] = field(default_factory=list)  # running on the day
    # The first day of each kind of entry the client has made (ENTRY_PARTS' keys).
    first_entries: dict[str, date] = field(default_factory=dict)
    parts: frozenset[str] = ALL_PARTS

    def has_entries(self, parts: frozenset[str]) -> bool:
        """Whether the client has recorded anything of `parts`."""
        return any(ENTRY_PARTS[kind] in parts for kind in self.first_entries)

    @cached_property
    def regions(self) -> list[RegionFigures]:
        return [figures for key, figures in self.pain.items() if key != ALL_REGIONS]

    @cached_property
    def overall(self) -> RegionFigures | None:
        return self.pain.get(ALL_REGIONS)

    @cached_property
    def inactive(self) -> bool:
        if "pain" not in self.parts:
            return False
        return insights.is_inactive(self.last_checkin, self.day, self.first_day)

    @cached_property
    def worse(self) -> dict[str, float]:
        """Region -> how many points it rose, for the regions worse this week."""
        return {
            figures.region: figures.week_change.delta for figures in self.regions if figures.worse
        }

    @cached_property
    def trend(self) -> str:
        return insights.trend_arrow(self.overall.week_change) if self.overall else ""

    @cached_property
    def week_average(self) -> float | None:
        return self.overall.average if self.overall else None

    def masked(self, parts: frozenset[str]) -> "ClientFigures":
        """What a share of `parts` shows: pain figures with "pain", adherence and exercises felt
        too hard with "routines", pain during an exercise (a pain score) with both."""
        pain, routines = "pain" in parts, "routines" in parts
        shown = {
            kind: day for kind, day in self.first_entries.items() if ENTRY_PARTS[kind] in parts
        }
        return replace(
            self,
            first_day=insights.first_day(self.joined, *shown.values()),
            first_entries=shown,
            last_checkin=self.last_checkin if pain else None,
            latest_pain=self.latest_pain if pain else None,
            pain=self.pain if pain else {},
            adherence=self.adherence if routines else None,
            painful_exercises=self.painful_exercises if pain and routines else {},
            too_hard_exercises=self.too_hard_exercises if routines else (),
            programmes=self.programmes if routines else [],
            parts=frozenset(parts),
        )

    def ranks(self) -> dict:
        """What orders and flags the client on a dashboard (KeptFigures' rank columns)."""
        worse = self.worse
        return {
            "worse_rise": sum(worse.values()),
            "worse_regions": len(worse),
            "inactive": self.inactive,
            "worst_pain_during": max(self.painful_exercises.values(), default=None),
            "too_hard": len(self.too_hard_exercises),
        }

    def to_json(self) -> dict:
        def tally(value: Tally | None):
            return None if value is None else [value.total, value.count]

        adherence = self.adherence
        return {
            "day": self.day.isoformat(),
            "joined": self.joined.isoformat(),
            "first_day": self.first_day.isoformat(),
            "last_checkin": self.last_checkin and self.last_checkin.isoformat(),
            "latest_pain": self.latest_pain,
            "session": self.session and self.session.isoformat(),
            "pain": {
                key: [
                    tally(each.week),
                    tally(each.previous),
                    tally(each.before_session),
                    tally(each.after_session),
                ]
                for key, each in self.pain.items()
            },
            "adherence": adherence
            and [
                adherence.start.isoformat(),
                adherence.done,
                adherence.counted,
                adherence.resting,
                adherence.against_plan,
            ],
            "painful": [[exercise, pain] for exercise, pain in self.painful_exercises.items()],
            "too_hard": list(self.too_hard_exercises),
            "programmes": [_programme_json(each) for each in self.programmes],
            "first_entries": {kind: day.isoformat() for kind, day in self.first_entries.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> "ClientFigures":
        def day(value):
            return value and date.fromisoformat(value)

        def tally(value):
            return None if value is None else Tally(*value)

        today = date.fromisoformat(data["day"])
        adherence = data["adherence"]
        return cls(
            day=today,
            joined=day(data["joined"]),
            first_day=day(data["first_day"]),
            last_checkin=day(data["last_checkin"]),
            latest_pain=data["latest_pain"],
            session=day(data["session"]),
            pain={
                key: RegionFigures(key, *(tally(value) for value in values))
                for key, values in data["pain"].items()
            },
            adherence=adherence and insights.Adherence(day(adherence[0]), today, *adherence[1:]),
            painful_exercises=dict(data["painful"]),
            too_hard_exercises=tuple(data["too_hard"]),
            programmes=[_programme_from_json(each) for each in data["programmes"]],
            first_entries={kind: day(first) for kind, first in data["first_entries"].items()},
        )


def _programme_json(each: ProgrammeWeek) -> list:
    plan = each.day
    coming = None
    if plan.coming:
        first, frequency = plan.coming
        weekdays = sorted(frequency.weekdays)
        coming = [first.isoformat(), frequency.times_per_day, frequency.days_per_week, weekdays]
    return [
        each.routine_id,
        each.name,
        plan.due,
        plan.done_today,
        plan.times_per_day,
        plan.week_days_done,
        plan.days_per_week,
        coming,
        plan.week_start.isoformat(),
    ]


def _programme_from_json(data: list) -> ProgrammeWeek:
    routine_id, name, *plan, coming, week_start = data
    if coming:
        first, times, per_week, weekdays = coming
        frequency = insights.Frequency(times, per_week, frozenset(weekdays))
        coming = (date.fromisoformat(first), frequency)
    week = date.fromisoformat(week_start)
    return ProgrammeWeek(routine_id, name, insights.PlanDay(*plan, coming, week))


# Loading: what the figures of a batch of clients are worked out from.


class Client(NamedTuple):
    id: int
    timezone: str
    entries_version: int


@dataclass
class ClientEntries:
    """One client's rows for the figures: a fortnight, and the days before their last session."""

    joined: date
    first_entries: list[date | None]
    last_checkin: date | None
    latest_pain: float | None
    pain: dict[str, dict[date, float]] = field(default_factory=lambda: defaultdict(dict))
    rest_days: set[date] = field(default_factory=set)
    routine_days: set[date] = field(default_factory=set)
    sessions: dict[int, dict[date, int]] = field(default_factory=lambda: defaultdict(dict))
    plans: list[tuple[int, str, insights.Plan]] = field(default_factory=list)
    feedback: list[tuple[date, insights.ExerciseFeedback]] = field(default_factory=list)
    appointments: list[date] = field(default_factory=list)


def _first(model, day_column, client):
    return (
        select(day_column).where(model.user_id == client).order_by(day_column).limit(1)
    ).scalar_subquery()


def _load_facts(ids: list[int]) -> dict[int, ClientEntries]:
    """Joined, first entries of each kind, and the newest check-in with its mean: one query,
    each figure a subquery that seeks one client's rows through an index."""
    client = User.id
    newest = (
        select(CheckIn.day)
        .where(CheckIn.user_id == client)
        .order_by(CheckIn.day.desc())
        .limit(1)
        .scalar_subquery()
    )
    latest_pain = (
        select(func.avg(cast(PainScore.score, Float)))
        .join(CheckIn, PainScore.checkin_id == CheckIn.id)
        .where(CheckIn.user_id == client, CheckIn.day == newest.correlate(User))
        .scalar_subquery()
    )
    entries_of = {}
    for user_id, timezone, created_at, last, mean, *firsts in db.session.execute(
        select(
            client,
            User.timezone,
            User.created_at,
            newest,
            latest_pain,
            _first(CheckIn, CheckIn.day, client),
            _first(RoutineLog, RoutineLog.day, client),
            _first(Measurement, Measurement.day, client),
            _first(PsfsScoring, PsfsScoring.day, client),
        ).where(client.in_(ids))
    ):
        joined = to_local(created_at, timezone).date()
        entries_of[user_id] = ClientEntries(joined, firsts, last, mean)
    return entries_of


def _load(clients: Sequence[Client], todays: dict[int, date]) -> dict[int, ClientEntries]:
    ids = [entry.id for entry in clients]
    entries_of = _load_facts(ids)
    # Plain Core execution: a batch reads thousands of rows, which the ORM would only slow.
    execute = db.session.connection().execute
    for client_id, day in execute(
        select(Appointment.client_id, Appointment.day)
        .where(Appointment.client_id.in_(ids))
        .order_by(Appointment.day)
    ):
        entries_of[client_id].appointments.append(day)

    # One fortnight for the whole batch (the clients' todays differ by a day at most), and the
    # days before each client's last session where those lie further back. Kept the same shape
    # from one call to the next, so the statements are compiled once.
    first = min(todays.values()) - timedelta(days=LOOKBACK_DAYS)
    fortnight = CheckIn.user_id.in_(ids) & CheckIn.day.between(first, max(todays.values()))
    before_sessions = []
    for client_id in ids:
        session = _last_on_or_before(entries_of[client_id].appointments, todays[client_id])
        before = session and session - timedelta(days=insights.AVERAGE_WINDOW_DAYS - 1)
        if before is not None and before < first:
            days = CheckIn.day.between(before, min(session, first - timedelta(days=1)))
            before_sessions.append((CheckIn.user_id == client_id) & days)
    for user_id, day, kind, region, score in execute(
        select(CheckIn.user_id, CheckIn.day, CheckIn.day_kind, PainScore.region, PainScore.score)
        .outerjoin(PainScore, PainScore.checkin_id == CheckIn.id)
        .where(or_(fortnight, *before_sessions))
    ):
        entries = entries_of[user_id]
        if region is not None:
            entries.pain[region][day] = score
        if kind != DayKind.NORMAL:
            entries.rest_days.add(day)
    for entries in entries_of.values():
        days: dict[date, list[float]] = defaultdict(list)
        for series in entries.pain.values():
            for day, score in series.items():
                days[day].append(score)
        entries.pain[ALL_REGIONS] = {day: sum(v) / len(v) for day, v in days.items()}

    # Each log of the fortnight with what was said of its exercises, oldest first.
    counted: set[int] = set()
    for log_id, user_id, routine_id, day, exercise, pain_during, difficulty in execute(
        select(
            RoutineLog.id,
            RoutineLog.user_id,
            RoutineLog.routine_id,
            RoutineLog.day,
            RoutineLogItem.exercise_id,
            RoutineLogItem.pain_during,
            RoutineLogItem.difficulty,
        )
        .outerjoin(RoutineLogItem, RoutineLogItem.log_id == RoutineLog.id)
        .where(
            RoutineLog.user_id.in_(ids),
            RoutineLog.day.between(first, max(todays.values())),
        )
        .order_by(RoutineLog.day, RoutineLog.logged_at, RoutineLog.id, RoutineLogItem.id)
    ):
        entries = entries_of[user_id]
        if log_id not in counted:
            counted.add(log_id)
            sessions = entries.sessions[routine_id]
            sessions[day] = sessions.get(day, 0) + 1
            entries.routine_days.add(day)
        if exercise is not None:
            said = insights.ExerciseFeedback(exercise, pain_during, difficulty)
            entries.feedback.append((day, said))
    for user_id, routine_id, name, *plan in execute(
        select(
            Routine.user_id,
            Routine.id,
            Routine.name,
            *(getattr(Routine, name) for name in Routine.PLAN_COLUMNS),
        ).where(
            Routine.user_id.in_(ids), Routine.starts_on.is_not(None), Routine.archived.is_(False)
        )
    ):
        entries_of[user_id].plans.append((routine_id, name, Routine.plan_from(*plan)))
    return entries_of


def _last_on_or_before(days: list[date], day: date) -> date | None:
    return next((d for d in reversed(days) if d <= day), None)


def figures_on(entries: ClientEntries, day: date) -> ClientFigures:
    """The figures on `day` (today or a day ahead) from the rows loaded for today."""
    first_day = insights.first_day(entries.joined, *entries.first_entries)
    previous, week = insights.weekly_windows(day)
    session = _last_on_or_before(entries.appointments, day)
    around = insights.windows_around(session, day) if session else None
    pain = {}
    for key in [*REGIONS, ALL_REGIONS]:
        series = entries.pain.get(key)
        if not series:
            continue
        figures = RegionFigures(
            key, insights.tally(series, *week), insights.tally(series, *previous)
        )
        if session is not None:
            before_window = (session - timedelta(days=insights.AVERAGE_WINDOW_DAYS - 1), session)
            figures = replace(
                figures,
                before_session=insights.tally(series, *before_window),
                after_session=insights.tally(series, *around[1]) if around else Tally(),
            )
        if (
            figures.week.count
            or figures.previous.count
            or (session and figures.before_session.count)
        ):
            pain[key] = figures
    window_start = day - timedelta(days=insights.ADHERENCE_WINDOW_DAYS - 1)
    feedback = [said for logged, said in entries.feedback if window_start <= logged <= day]
    return ClientFigures(
        day=day,
        joined=entries.joined,
        first_day=first_day,
        last_checkin=entries.last_checkin,
        latest_pain=entries.latest_pain,
        session=session,
        pain=pain,
        adherence=insights.adherence(
            [(plan, entries.sessions.get(routine, {})) for routine, _, plan in entries.plans],
            entries.routine_days,
            entries.rest_days,
            insights.adherence_start(day, first_day),
            day,
        ),
        painful_exercises=insights.painful_exercises(feedback),
        too_hard_exercises=tuple(insights.too_hard_twice(feedback)),
        programmes=[
            ProgrammeWeek(routine, name, plan_day)
            for routine, name, plan in sorted(entries.plans)
            if (plan_day := insights.plan_day(plan, entries.sessions.get(routine, {}), day))
        ],
        first_entries={
            kind: first
            for kind, first in zip(ENTRY_PARTS, entries.first_entries, strict=True)
            if first is not None
        },
    )


def work_out(
    clients: Sequence[Client], zone_today: dict[str, date] | None = None
) -> dict[int, ClientFigures]:
    """The figures of `clients` today and in the days ahead, kept; returns today's. `zone_today`
    is each time zone's today as the caller reads it (so a page read just before midnight finds
    its day among those kept); by default, the clock's. The version kept is the one read before
    the entries, so a write in between leaves them stale, never newer than they claim; two
    workers keeping the same client both write true figures."""
    if not clients:
        return {}
    zone_today = zone_today or {}
    todays = {
        entry.id: zone_today.get(entry.timezone) or local_today(entry.timezone) for entry in clients
    }
    entries_of = _load(clients, todays)
    kept, today_figures = [], {}
    for entry in sorted(clients, key=lambda entry: entry.id):  # one lock order for upserts
        for ahead in range(FIGURES_AHEAD_DAYS + 1):
            day = todays[entry.id] + timedelta(days=ahead)
            figures = figures_on(entries_of[entry.id], day)
            if not ahead:
                today_figures[entry.id] = figures
            kept.append(
                {
                    "user_id": entry.id,
                    "day": day,
                    "entries_version": entry.entries_version,
                    "rules_version": RULES_VERSION,
                    "figures": figures.to_json(),
                    **figures.ranks(),
                }
            )
    _keep(kept)
    return today_figures


_RANKS = ("worse_rise", "worse_regions", "inactive", "worst_pain_during", "too_hard")


def _keep(rows: list[dict]) -> None:
    dialect_insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}
    upsert = dialect_insert[db.engine.dialect.name](KeptFigures)
    keep = upsert.on_conflict_do_update(
        index_elements=[KeptFigures.user_id, KeptFigures.day],
        set_={
            name: upsert.excluded[name]
            for name in ("entries_version", "rules_version", "figures", *_RANKS)
        },
        # Never a newer kept row replaced by an older one (two workers, or a command).
        where=KeptFigures.entries_version <= upsert.excluded.entries_version,
    )
    try:
        db.session.execute(keep, rows)
        db.session.commit()
    except IntegrityError:
        # A client deleted their account meanwhile: nothing of theirs is kept or shown again.
        db.session.rollback()


def figures_of(client: User) -> ClientFigures:
    """A client's figures today: their kept row while it is fresh, else worked out now."""
    today = local_today(client.timezone)
    kept = db.session.scalar(
        select(KeptFigures.figures).where(
            KeptFigures.user_id == client.id,
            KeptFigures.day == today,
            KeptFigures.entries_version == client.entries_version,
            KeptFigures.rules_version == RULES_VERSION,
        )
    )
    if kept is not None:
        return ClientFigures.from_json(kept)
    return work_out([Client(client.id, client.timezone, client.entries_version)])[client.id]


def exercise_names(figures: Iterable[ClientFigures], as_shown: bool = False) -> dict[int, str]:
    """The names of the exercises the figures flag, in one query: as stored (for data), or
    `as_shown` to a reader (the library's in their language)."""
    ids = {
        exercise
        for each in figures
        for exercise in (*each.painful_exercises, *each.too_hard_exercises)
    }
    if not ids:
        return {}
    found = db.session.execute(
        select(Exercise.id, Exercise.name, Exercise.slug).where(Exercise.id.in_(ids))
    )
    return {id: reference_text(name) if as_shown and slug else name for id, name, slug in found}


def local_day(zone_today: dict[str, date]):
    """Each client's local day, as SQL: their time zone's entry of `zone_today`. A CASE with
    a branch per time zone (a handful) keeps the statement's shape from one request to the
    next, so SQLAlchemy compiles it once; a VALUES list of the same days is compiled anew
    every time (5 ms of a dashboard view)."""
    if not zone_today:
        return null()
    return case(zone_today, value=User.timezone, else_=null())


def fresh_on(day_column):
    """A join condition: the client's kept figures of `day_column`, while they are fresh."""
    return (
        (KeptFigures.user_id == User.id)
        & (KeptFigures.day == day_column)
        & (KeptFigures.entries_version == User.entries_version)
        & (KeptFigures.rules_version == RULES_VERSION)
    )


def refresh_sharing_clients(ahead: int = 1, batch: int = 500) -> int:
    """Work out the figures of every sharing client whose kept ones are stale, or missing for
    the day `ahead` days from today (so a dashboard opened then finds them): for
    `flask refresh-figures`, run by cron. Safe on several machines at once: each keeps true
    figures, and a kept row is never replaced by an older one. Returns how many."""
    sharing = select(Share.client_id).where(share_in_force())
    timezones = db.session.scalars(
        select(User.timezone).where(User.id.in_(sharing)).distinct()
    ).all()
    day = local_day({zone: local_today(zone) + timedelta(days=ahead) for zone in timezones})
    stale = db.session.execute(
        select(User.id, User.timezone, User.entries_version)
        .outerjoin(KeptFigures, fresh_on(day))
        .where(User.id.in_(sharing), KeptFigures.user_id.is_(None))
        .order_by(User.id)
    ).all()
    for first in range(0, len(stale), batch):
        work_out([Client(*entry) for entry in stale[first : first + batch]])
    # Days gone by everywhere: nobody reads them again.
    yesterday = min(local_today(zone) for zone in timezones or ["UTC"]) - timedelta(days=1)
    db.session.execute(KeptFigures.__table__.delete().where(KeptFigures.day < yesterday))
    db.session.commit()
    return len(stale)
