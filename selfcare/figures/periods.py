"""Pain periods (models.PainPeriod): a client's pain per week and per calendar month, per region,
with the days after a routine day apart. Worked out in SQL from the raw rows, the same way for
one period touched by a write (in that write's transaction, figures/listener.py) and for a whole
history (`rebuild`), so a chart of ten years reads some hundred rows, never 20,000."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import (
    Date,
    Float,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from ..insights import Tally
from ..models import CheckIn, PainPeriod, PainScore, RoutineLog

WEEK, MONTH = "week", "month"
ALL_REGIONS = "*"  # each day's mean over the regions rated that day


def period_start(period: str, day: date) -> date:
    """The first day of the week (Monday) or month that holds `day`."""
    return day - timedelta(days=day.weekday()) if period == WEEK else day.replace(day=1)


def period_end(period: str, start: date) -> date:
    if period == WEEK:
        return start + timedelta(days=6)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


# Date arithmetic in SQL, as each database spells it ({} is the day).
class _WeekStart(FunctionElement):
    type = Date()
    inherit_cache = True


class _MonthStart(FunctionElement):
    type = Date()
    inherit_cache = True


class _DayBefore(FunctionElement):
    type = Date()
    inherit_cache = True


_SPELLINGS = {
    _WeekStart: {
        "sqlite": "date({}, 'weekday 0', '-6 days')",
        "postgresql": "CAST(date_trunc('week', {}) AS DATE)",
    },
    _MonthStart: {
        "sqlite": "date({}, 'start of month')",
        "postgresql": "CAST(date_trunc('month', {}) AS DATE)",
    },
    _DayBefore: {"sqlite": "date({}, '-1 day')", "postgresql": "({} - 1)"},
}


def _spell(spelling: str):
    def compile_element(element, compiler, **kw):
        return spelling.format(compiler.process(element.clauses, **kw))

    return compile_element


def _register_spellings() -> None:
    for element, by_dialect in _SPELLINGS.items():
        for dialect, spelling in by_dialect.items():
            compiles(element, dialect)(_spell(spelling))


_register_spellings()

_STARTS = {WEEK: _WeekStart, MONTH: _MonthStart}
_COLUMNS = (
    "user_id",
    "period",
    "starts_on",
    "region",
    "total",
    "days",
    "after_routine_total",
    "after_routine_days",
)


def _aggregates(period: str, *where) -> list:
    """The pain periods of the check-ins `where` selects, as selects of _COLUMNS rows: per
    region, and over each day's mean."""
    after_routine = exists().where(
        RoutineLog.user_id == CheckIn.user_id, RoutineLog.day == _DayBefore(CheckIn.day)
    )
    scores = (
        select(
            CheckIn.id.label("checkin_id"),
            CheckIn.user_id,
            _STARTS[period](CheckIn.day).label("starts_on"),
            after_routine.label("after_routine"),
            PainScore.region,
            cast(PainScore.score, Float).label("score"),
        )
        .join(PainScore, PainScore.checkin_id == CheckIn.id)
        .where(*where)
        .cte(f"{period}_scores")
    )

    def totals(source, region):
        after = case((source.c.after_routine, source.c.score), else_=0.0)
        return select(
            source.c.user_id,
            literal(period),
            source.c.starts_on,
            region,
            func.sum(source.c.score),
            func.count(),
            func.sum(after),
            func.count().filter(source.c.after_routine),
        ).group_by(source.c.user_id, source.c.starts_on, region)

    daily = (
        select(
            scores.c.user_id,
            scores.c.starts_on,
            scores.c.after_routine,
            func.avg(scores.c.score).label("score"),
        )
        .group_by(scores.c.checkin_id, scores.c.user_id, scores.c.starts_on, scores.c.after_routine)
        .subquery()
    )
    return [totals(scores, scores.c.region), totals(daily, literal(ALL_REGIONS))]


def _insert(selects):
    columns = [getattr(PainPeriod, name) for name in _COLUMNS]
    statement = union_all(*(each for group in selects for each in group))
    return PainPeriod.__table__.insert().from_select(columns, statement)


# One client's week and month holding a day, each deleted and worked out again: built once
# (a write runs them in its flush, and building them cost more than running them). Each row
# deleted is named by its whole key: with the client outside the OR, SQLite sought the client
# and then read every period they have (years of them) to find the two.
_ONE_CLIENT = CheckIn.user_id == bindparam("user_id")
_DELETE_WEEK_AND_MONTH = PainPeriod.__table__.delete().where(
    or_(
        *(
            (PainPeriod.user_id == bindparam("user_id"))
            & (PainPeriod.period == period)
            & (PainPeriod.starts_on == bindparam(period))
            for period in (WEEK, MONTH)
        )
    ),
)
_INSERT_WEEK_AND_MONTH = _insert(
    [
        _aggregates(
            WEEK, _ONE_CLIENT, CheckIn.day.between(bindparam("week"), bindparam("week_end"))
        ),
        _aggregates(
            MONTH, _ONE_CLIENT, CheckIn.day.between(bindparam("month"), bindparam("month_end"))
        ),
    ]
)


def update(session: Session, touched: Iterable[tuple[int, date]]) -> None:
    """Work out again the periods holding these (client, day) pairs, from the rows as they are
    in this transaction (plain table statements, run on the session's connection)."""
    connection = session.connection()
    for user_id, week, month in sorted(
        {(user_id, period_start(WEEK, day), period_start(MONTH, day)) for user_id, day in touched}
    ):
        bounds = {
            "user_id": user_id,
            "week": week,
            "week_end": period_end(WEEK, week),
            "month": month,
            "month_end": period_end(MONTH, month),
        }
        connection.execute(_DELETE_WEEK_AND_MONTH, bounds)
        connection.execute(_INSERT_WEEK_AND_MONTH, bounds)


def rebuild(session: Session, user_ids: Iterable[int]) -> None:
    """Every period of these clients, worked out anew (after rows written around the ORM)."""
    ids = sorted(set(user_ids))
    if not ids:
        return
    session.execute(PainPeriod.__table__.delete().where(PainPeriod.user_id.in_(ids)))
    session.execute(
        _insert([_aggregates(period, CheckIn.user_id.in_(ids)) for period in (WEEK, MONTH)])
    )


@dataclass(frozen=True)
class PeriodPain:
    """One period of one region: all its scored days, and those after a routine day apart."""

    all_days: Tally
    after_routine: Tally

    @property
    def after_none(self) -> Tally:
        return Tally(
            self.all_days.total - self.after_routine.total,
            self.all_days.count - self.after_routine.count,
        )


def read(
    session: Session, user_id: int, period: str, start: date, end: date
) -> dict[str, dict[date, PeriodPain]]:
    """The kept periods from the one holding `start` to the one holding `end`, by region and
    first day."""
    rows = session.execute(
        select(
            PainPeriod.region,
            PainPeriod.starts_on,
            PainPeriod.total,
            PainPeriod.days,
            PainPeriod.after_routine_total,
            PainPeriod.after_routine_days,
        ).where(
            PainPeriod.user_id == user_id,
            PainPeriod.period == period,
            PainPeriod.starts_on.between(period_start(period, start), end),
        )
    )
    kept: dict[str, dict[date, PeriodPain]] = defaultdict(dict)
    for region, first, total, days, routine_total, routine_days in rows:
        kept[region][first] = PeriodPain(Tally(total, days), Tally(routine_total, routine_days))
    return kept
