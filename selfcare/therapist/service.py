"""The dashboard: one row per sharing client, read from the kept client summaries, which are
sorted, counted, filtered and paged in SQL; the stale ones are worked out again in one batch of
queries however many clients. The weekly sums are totalled in SQL, so the work does not grow
with the days of history loaded; the rules that read them (MCID, minimum days, forgiving
adherence) stay in insights."""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import (
    Date,
    Float,
    String,
    case,
    cast,
    column,
    distinct,
    exists,
    false,
    func,
    literal,
    null,
    or_,
)
from sqlalchemy import values as values_table
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import insights
from ..access import share_in_force
from ..clinical import REGIONS, DayKind
from ..dates import local_today, to_local
from ..extensions import db, unicode_lower
from ..models import (
    CheckIn,
    ClientSummary,
    Exercise,
    PainScore,
    Routine,
    RoutineLog,
    RoutineLogItem,
    Share,
    User,
)

# What "needs a look" can be filtered by (?flag=…), in the order of attention.
FLAGS = {
    "worse": "Pain worse",
    "pain": "Pain during an exercise",
    "too_hard": "Too hard twice",
    "quiet": "No check-in for 4+ days",
}
CURRENT_WEEK, PREVIOUS_WEEK = 0, 1
ALL_REGIONS = None  # the region key of the overall series: each day's mean over rated regions


class ClientName(NamedTuple):
    id: int
    name: str


@dataclass(frozen=True)
class ClientRow:
    client: ClientName
    last_checkin: date | None
    latest_pain: float | None
    week_average: float | None
    trend: str  # "up", "down", "same" or "" when there is too little data
    adherence: float | None
    worsening_regions: list[str]
    worsening_rises: list[float]  # how many points each of those regions rose
    inactive: bool
    parts: frozenset[str]  # what the client shares: the rest stays empty
    # Exercise name -> highest pain during it (PAIN_DURING_FLAG or more), in the routine window.
    painful_exercises: dict[str, int]
    too_hard_exercises: list[str]

    @property
    def flags(self) -> frozenset[str]:
        raised = {
            "worse": bool(self.worsening_regions),
            "pain": bool(self.painful_exercises),
            "too_hard": bool(self.too_hard_exercises),
            "quiet": self.inactive,
        }
        return frozenset(flag for flag, up in raised.items() if up)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True)
class ClientFacts:
    last_checkin: date | None
    latest_pain: float | None
    routine_days: int
    resting_days: int
    first_checkin: date | None
    first_routine: date | None
    joined_at: datetime
    # Against the programmes' plans, for a client with a programme in the window.
    planned: insights.PlanAdherence | None = None


Weeks = dict[str | None, dict[int, insights.Tally]]  # region -> week -> tally


# What ranks and flags a client, kept unmasked beside their figures (ClientSummary).
RANK_COLUMNS = ("worse_rise", "worse_regions", "inactive", "worst_pain_during", "too_hard")


def _share_covers(part: str):
    """Share.parts (comma-separated) holds `part`: no part's name is inside another's."""
    return Share.parts.like(f"%{part}%")


# The flags (FLAGS) as SQL conditions on a sharing client's kept ranks, as far as the share
# covers them (_row masks the figures alike). Pain felt during an exercise is a pain score too:
# it needs both parts. The rank column comes first: most rows stop there, before the share.
_SHARES_PAIN, _SHARES_ROUTINES = _share_covers("pain"), _share_covers("routines")
RAISED = {
    "worse": (ClientSummary.worse_regions > 0) & _SHARES_PAIN,
    "pain": ClientSummary.worst_pain_during.is_not(None) & _SHARES_PAIN & _SHARES_ROUTINES,
    "too_hard": (ClientSummary.too_hard > 0) & _SHARES_ROUTINES,
    "quiet": ClientSummary.inactive & _SHARES_PAIN,
}
# "Needs a look", most urgent first: pain worse by a clinically important change (the larger
# the total rise over regions, then the more regions, the sooner), then pain during an exercise
# (the higher the sooner), then exercises too hard twice (the more the sooner), then a quiet
# spell; clients with none of these last. Then by name, case aside, and by id for a stable order.
ATTENTION_ORDER = (
    case(
        (RAISED["worse"], 0),
        (RAISED["pain"], 1),
        (RAISED["too_hard"], 2),
        (RAISED["quiet"], 3),
        else_=4,
    ),
    case(
        (RAISED["worse"], ClientSummary.worse_rise),
        (RAISED["pain"], ClientSummary.worst_pain_during),
        (RAISED["too_hard"], ClientSummary.too_hard),
        else_=0,
    ).desc(),
    case((RAISED["worse"], ClientSummary.worse_regions), else_=0).desc(),
    unicode_lower(User.name),
    User.id,
)


class DashboardCounts(NamedTuple):
    total: int  # clients the search finds
    flagged: int  # of those, the ones with a flag
    by_flag: dict[str, int]


class SharingClients:
    """A therapist's sharing clients as the dashboard lists them: sorted, counted, filtered and
    paged in SQL over the kept ranks (client_summaries), so a request's Python work follows the
    page, not the number of clients. Made, it first works out again, in one batch, the
    summaries of the clients who wrote since or whose day moved on."""

    def __init__(self, therapist_id: int, search: str = ""):
        sharing = (Share.therapist_id == therapist_id, share_in_force())
        _refresh_stale_summaries(sharing)
        self._where = [*sharing]
        if search:
            self._where.append(_name_contains(search))

    def _select(self, *columns):
        # Inner join: a client who began sharing after the refresh shows from the next view.
        return (
            db.select(*columns)
            .select_from(User)
            .join(Share, Share.client_id == User.id)
            .join(ClientSummary, ClientSummary.user_id == User.id)
            .where(*self._where)
        )

    def counts(self) -> DashboardCounts:
        total, flagged, *by_flag = db.session.execute(
            self._select(
                func.count(),
                func.count().filter(or_(*RAISED.values())),
                *(func.count().filter(raised) for raised in RAISED.values()),
            )
        ).one()
        return DashboardCounts(total, flagged, dict(zip(RAISED, by_flag, strict=True)))

    def rows(self, flag: str = "", offset: int = 0, limit: int | None = None) -> list[ClientRow]:
        """The rows in the order of attention, those with `flag` only when given."""
        query = self._select(User.id, User.name, Share.parts, ClientSummary.figures)
        if flag:
            query = query.where(RAISED[flag])
        return [
            _row(ClientName(user_id, name), Share.parts_of(parts), figures)
            for user_id, name, parts, figures in db.session.execute(
                query.order_by(*ATTENTION_ORDER).offset(offset).limit(limit)
            )
        ]


def dashboard_rows(therapist_id: int) -> list[ClientRow]:
    """Every sharing client's row, most urgent first."""
    return SharingClients(therapist_id).rows()


def _name_contains(search: str):
    """The client's name holds `search`, case aside in every script, % and _ taken literally."""
    if "\x00" in search:
        return false()  # no name holds one, and PostgreSQL refuses it in text
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = unicode_lower(literal(f"%{escaped}%"))
    return unicode_lower(User.name).like(pattern, escape="\\")


def _refresh_stale_summaries(sharing) -> None:
    """Works out again the summaries of the sharing clients whose history version moved since,
    or whose local day did. One small query tells, per time zone and day computed on, whether
    any is stale; only then does a second read who."""
    version_moved = ClientSummary.user_id.is_(None) | (
        ClientSummary.history_version != User.history_version
    )
    kept_days = db.session.execute(
        db.select(User.timezone, ClientSummary.computed_on, func.count().filter(version_moved))
        .join(Share, Share.client_id == User.id)
        .outerjoin(ClientSummary, ClientSummary.user_id == User.id)
        .where(*sharing)
        .group_by(User.timezone, ClientSummary.computed_on)
    ).all()
    # One "today" per time zone, read once: the SQL windows and the flags agree even at midnight.
    zone_today = {timezone: local_today(timezone) for timezone, _, _ in kept_days}
    if all(day == zone_today[timezone] and not moved for timezone, day, moved in kept_days):
        return
    zone_days = _zone_days(zone_today)
    stale = db.session.execute(
        db.select(User.id, User.timezone, User.history_version)
        .join(Share, Share.client_id == User.id)
        .join(zone_days, zone_days.c.timezone == User.timezone)
        .outerjoin(ClientSummary, ClientSummary.user_id == User.id)
        .where(*sharing, version_moved | (ClientSummary.computed_on != zone_days.c.today))
        .order_by(User.id)  # upserts lock rows in one order: no deadlock between two workers
    ).all()
    if stale:
        _refresh_summaries(stale, zone_today)


def _refresh_summaries(stale, zone_today: dict[str, date]) -> None:
    """The figures of the `stale` clients, computed in one batch and kept. The version kept is
    the one read before the history, so a write in between leaves the summary stale, never
    newer than it claims; two workers keeping the same client both write true figures."""
    calendar = _client_calendar([entry.id for entry in stale], zone_today)
    weeks = _weekly_tallies(calendar)
    facts = _client_facts(calendar)
    for user_id, planned in _planned_adherence(calendar).items():
        facts[user_id] = replace(facts[user_id], planned=planned)
    feedback = _exercise_feedback(calendar)
    summaries = {
        entry.id: _figures(
            entry,
            zone_today[entry.timezone],
            facts[entry.id],
            weeks.get(entry.id, {}),
            feedback.get(entry.id, []),
        )
        for entry in stale
    }
    dialect_insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}
    upsert = dialect_insert[db.engine.dialect.name](ClientSummary)
    db.session.execute(
        upsert.on_conflict_do_update(
            index_elements=[ClientSummary.user_id],
            set_={
                name: upsert.excluded[name]
                for name in ("history_version", "computed_on", "figures", *RANK_COLUMNS)
            },
        ),
        [
            {
                "user_id": entry.id,
                "history_version": entry.history_version,
                "computed_on": zone_today[entry.timezone],
                "figures": summaries[entry.id],
                **dict(zip(RANK_COLUMNS, _ranks(summaries[entry.id]), strict=True)),
            }
            for entry in stale
        ],
    )
    db.session.commit()


ZONE_DAYS = ("today", "week_start", "previous_start", "adherence_start")


def _zone_days(zone_today: dict[str, date]):
    """Each time zone's today and the windows the dashboard looks at, as a table to join:
    built per time zone (a handful) rather than per client, since a VALUES list is compiled
    anew on every request."""
    rows = []
    for timezone, today in zone_today.items():
        week_start, previous_start = insights.week_bounds(today)
        adherence_start = today - timedelta(days=insights.DASHBOARD_ADHERENCE_DAYS - 1)
        rows.append((timezone, today, week_start, previous_start, adherence_start))
    return (
        values_table(column("timezone", String), *(column(name, Date) for name in ZONE_DAYS))
        .data(rows)
        .cte("zone_days")
    )


def _client_calendar(client_ids: list[int], zone_today: dict[str, date]):
    """Each client's own days, as a table the queries join: clients live in different
    time zones, so "the last 7 days" starts on a different date for each."""
    zone_days = _zone_days(zone_today)
    return (
        db.select(
            User.id.label("user_id"),
            User.created_at.label("joined_at"),
            *(zone_days.c[name] for name in ZONE_DAYS),
        )
        .join(zone_days, zone_days.c.timezone == User.timezone)
        .where(User.id.in_(client_ids))
        .cte("client_calendar")
    )


def _weekly_tallies(calendar) -> dict[int, Weeks]:
    """Sum and count of pain scores per client, region and week (this one and the one before),
    plus the same over each day's mean of all rated regions."""
    week = case((CheckIn.day >= calendar.c.week_start, CURRENT_WEEK), else_=PREVIOUS_WEEK)
    in_two_weeks = (
        (CheckIn.user_id == calendar.c.user_id)
        & (CheckIn.day >= calendar.c.previous_start)
        & (CheckIn.day <= calendar.c.today)
    )
    # Read once (a CTE used twice is materialised by SQLite and PostgreSQL), totalled twice.
    scores = (
        db.select(
            CheckIn.id.label("checkin_id"),
            CheckIn.user_id,
            PainScore.region,
            week.label("week"),
            cast(PainScore.score, Float).label("score"),
        )
        .join(calendar, in_two_weeks)
        .join(PainScore, PainScore.checkin_id == CheckIn.id)
        .cte("scores")
    )
    by_region = db.select(
        scores.c.user_id, scores.c.region, scores.c.week, func.sum(scores.c.score), func.count()
    ).group_by(scores.c.user_id, scores.c.region, scores.c.week)
    daily = (
        db.select(scores.c.user_id, scores.c.week, func.avg(scores.c.score).label("score"))
        .group_by(scores.c.checkin_id, scores.c.user_id, scores.c.week)
        .subquery()
    )
    overall = db.select(
        daily.c.user_id, null(), daily.c.week, func.sum(daily.c.score), func.count()
    ).group_by(daily.c.user_id, daily.c.week)
    tallies: dict[int, Weeks] = defaultdict(lambda: defaultdict(dict))
    for user_id, region, week_index, total, count in db.session.execute(
        by_region.union_all(overall)
    ):
        tallies[user_id][region][week_index] = insights.Tally(total, count)
    return tallies


def _client_facts(calendar) -> dict[int, ClientFacts]:
    """Per client, each figure a subquery that seeks one client's rows through an index."""
    client = calendar.c.user_id

    # ORDER BY ... LIMIT 1 walks the (user_id, day) index backwards; SQLite reads every entry
    # of the client for max() here.
    newest = (
        db.select(CheckIn.day)
        .where(CheckIn.user_id == client)
        .order_by(CheckIn.day.desc())
        .limit(1)
        .scalar_subquery()
    )
    latest_pain = (
        db.select(func.avg(cast(PainScore.score, Float)))
        .join(CheckIn, PainScore.checkin_id == CheckIn.id)
        .where(CheckIn.user_id == client, CheckIn.day == newest.correlate(calendar))
        .scalar_subquery()
    )
    in_range = (calendar.c.adherence_start, calendar.c.today)
    routine_days = (
        db.select(func.count(distinct(RoutineLog.day)))
        .where(RoutineLog.user_id == client, RoutineLog.day.between(*in_range))
        .scalar_subquery()
    )
    routine_that_day = exists().where(
        RoutineLog.user_id == CheckIn.user_id, RoutineLog.day == CheckIn.day
    )
    resting_days = (
        db.select(func.count())
        .select_from(CheckIn)
        .where(
            CheckIn.user_id == client,
            CheckIn.day.between(*in_range),
            CheckIn.day_kind != DayKind.NORMAL,
            ~routine_that_day,
        )
        .scalar_subquery()
    )

    def first(column, model):
        return db.select(column).where(model.user_id == client).order_by(column).limit(1)

    return {
        user_id: ClientFacts(*figures)
        for user_id, *figures in db.session.execute(
            db.select(
                client,
                newest,
                latest_pain,
                routine_days,
                resting_days,
                first(CheckIn.day, CheckIn).scalar_subquery(),
                first(RoutineLog.day, RoutineLog).scalar_subquery(),
                calendar.c.joined_at,
            )
        )
    }


def _planned_adherence(calendar) -> dict[int, insights.PlanAdherence]:
    """Adherence against the plan for the clients with a programme in the window: their plans,
    then their sessions per programme and day and their rest days, in one query each."""
    in_window = (Routine.starts_on <= calendar.c.today) & (
        Routine.ends_on.is_(None) | (Routine.ends_on >= calendar.c.adherence_start)
    )
    plans = db.session.execute(
        db.select(
            Routine.user_id,
            Routine.id,
            calendar.c.adherence_start,
            calendar.c.today,
            *(getattr(Routine, name) for name in Routine.PLAN_COLUMNS),
        )
        .join(calendar, calendar.c.user_id == Routine.user_id)
        .where(Routine.starts_on.is_not(None), Routine.archived.is_(False), in_window)
    ).all()
    if not plans:
        return {}
    clients = {row[0] for row in plans}
    sessions = (
        db.select(RoutineLog.user_id, RoutineLog.routine_id, RoutineLog.day, func.count())
        .join(calendar, calendar.c.user_id == RoutineLog.user_id)
        .where(
            RoutineLog.user_id.in_(clients),
            RoutineLog.day.between(calendar.c.adherence_start, calendar.c.today),
        )
        .group_by(RoutineLog.user_id, RoutineLog.routine_id, RoutineLog.day)
    )
    # Rest and flare days, as rows without a routine.
    resting = (
        db.select(CheckIn.user_id, null(), CheckIn.day, literal(0))
        .join(calendar, calendar.c.user_id == CheckIn.user_id)
        .where(
            CheckIn.user_id.in_(clients),
            CheckIn.day.between(calendar.c.adherence_start, calendar.c.today),
            CheckIn.day_kind != DayKind.NORMAL,
        )
    )
    done: dict[int, dict[date, int]] = defaultdict(dict)
    rest: dict[int, set[date]] = defaultdict(set)
    for user_id, routine_id, day, count in db.session.execute(sessions.union_all(resting)):
        if routine_id is None:
            rest[user_id].add(day)
        else:
            done[routine_id][day] = count
    by_client: dict[int, list] = defaultdict(list)
    window: dict[int, tuple[date, date]] = {}
    for user_id, routine_id, start, today, *plan in plans:
        by_client[user_id].append((Routine.plan_from(*plan), done.get(routine_id, {})))
        window[user_id] = (start, today)
    return {
        user_id: insights.plans_adherence(client_plans, rest[user_id], *window[user_id])
        for user_id, client_plans in by_client.items()
    }


def _exercise_feedback(calendar) -> dict[int, list[insights.ExerciseFeedback]]:
    """What each client said of their exercises in the routine window, oldest first."""
    feedback: dict[int, list[insights.ExerciseFeedback]] = defaultdict(list)
    for user_id, name, pain_during, difficulty in db.session.execute(
        db.select(
            RoutineLog.user_id, Exercise.name, RoutineLogItem.pain_during, RoutineLogItem.difficulty
        )
        .join(
            calendar,
            (RoutineLog.user_id == calendar.c.user_id)
            & RoutineLog.day.between(calendar.c.adherence_start, calendar.c.today),
        )
        .join(RoutineLogItem, RoutineLogItem.log_id == RoutineLog.id)
        .join(Exercise, Exercise.id == RoutineLogItem.exercise_id)
        .order_by(RoutineLog.day, RoutineLog.logged_at, RoutineLog.id)
    ):
        feedback[user_id].append(insights.ExerciseFeedback(name, pain_during, difficulty))
    return feedback


def _figures(
    entry,
    today: date,
    facts: ClientFacts,
    weeks: Weeks,
    feedback: list[insights.ExerciseFeedback],
) -> dict:
    """One client's figures for every part, as kept in JSON: each share masks what it leaves
    out when it reads them (_row)."""

    def tally(region: str | None, week: int) -> insights.Tally:
        return weeks.get(region, {}).get(week, insights.Tally())

    def change(region: str | None) -> insights.Change | None:
        return insights.weekly_change(
            region or "", tally(region, PREVIOUS_WEEK), tally(region, CURRENT_WEEK)
        )

    # The client's first day: when they joined, or their first entry if that came earlier.
    joined = to_local(facts.joined_at, entry.timezone).date()
    first_day = min(day for day in (joined, facts.first_checkin, facts.first_routine) if day)
    return {
        "last_checkin": facts.last_checkin and facts.last_checkin.isoformat(),
        "latest_pain": facts.latest_pain,
        "week_average": tally(ALL_REGIONS, CURRENT_WEEK).mean(),
        "trend": insights.trend_arrow(change(ALL_REGIONS)),
        "adherence": facts.planned.share
        if facts.planned is not None
        else insights.adherence_share(
            facts.routine_days,
            facts.resting_days,
            insights.days_counted(first_day, today, insights.DASHBOARD_ADHERENCE_DAYS),
        ),
        # Region label -> how many points it rose, in the order of REGIONS.
        "worse": {
            REGIONS[region].label: change(region).delta
            for region in REGIONS
            if region in weeks and insights.worsened(change(region))
        },
        "inactive": insights.is_inactive(facts.last_checkin, today),
        "painful_exercises": insights.painful_exercises(feedback),
        "too_hard_exercises": insights.too_hard_twice(feedback),
    }


def _ranks(figures: dict) -> tuple:
    """RANK_COLUMNS of a client's figures."""
    return (
        sum(figures["worse"].values()),
        len(figures["worse"]),
        figures["inactive"],
        max(figures["painful_exercises"].values(), default=None),
        len(figures["too_hard_exercises"]),
    )


def _row(client: ClientName, parts: frozenset[str], figures: dict) -> ClientRow:
    """One client's row, as far as their share covers: pain (check-ins) and routines."""
    pain, routines = "pain" in parts, "routines" in parts
    worse = figures["worse"] if pain else {}
    last_checkin = figures["last_checkin"] if pain else None
    return ClientRow(
        client=client,
        last_checkin=last_checkin and date.fromisoformat(last_checkin),
        latest_pain=figures["latest_pain"] if pain else None,
        week_average=figures["week_average"] if pain else None,
        trend=figures["trend"] if pain else "",
        adherence=figures["adherence"] if routines else None,
        worsening_regions=list(worse),
        worsening_rises=list(worse.values()),
        inactive=pain and figures["inactive"],
        parts=parts,
        painful_exercises=figures["painful_exercises"] if routines and pain else {},
        too_hard_exercises=figures["too_hard_exercises"] if routines else [],
    )
