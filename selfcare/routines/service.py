"""Routines without a request: building and changing them, and their cards on Today."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func
from sqlalchemy.orm import lazyload

from .. import insights
from ..dose import Dose
from ..extensions import db
from ..models import (
    Exercise,
    Routine,
    RoutineItem,
    RoutineLog,
)


def create_routine(
    user_id: int,
    name: str,
    exercises: list[Exercise],
    assigned_by_id: int | None = None,
    **plan,
) -> Routine:
    """A routine of these exercises at their usual doses; `assigned_by_id` is the therapist
    who prescribed it, if one did, and `plan` its frequency and dates (Routine's columns)."""
    routine = Routine(user_id=user_id, name=name.strip(), assigned_by_id=assigned_by_id, **plan)
    for position, exercise in enumerate(exercises):
        routine.items.append(RoutineItem(exercise=exercise, position=position, dose=exercise.dose))
    db.session.add(routine)
    db.session.commit()
    return routine


def add_exercise(routine: Routine, exercise: Exercise, commit: bool = True) -> None:
    position = max((item.position for item in routine.items), default=-1) + 1
    routine.items.append(RoutineItem(exercise=exercise, position=position, dose=exercise.dose))
    if commit:
        db.session.commit()


def item_fields(item: RoutineItem) -> dict:
    return {**item.dose.as_columns(), "note": item.note}


def stored_item_fields(routine: Routine) -> dict[str, dict]:
    """Each item's dose and note, by "item<id>": what the whole-routine dose form edits."""
    return {f"item{item.id}": item_fields(item) for item in routine.items}


def write_item_changes(routine: Routine, changes: dict) -> None:
    """Set the doses and notes `changes` names by "item<id>" (not committed)."""
    by_key = {f"item{item.id}": item for item in routine.items}
    for key, values in changes.items():
        if key in by_key:
            item = by_key[key]
            item.dose = Dose(**{name: value for name, value in values.items() if name != "note"})
            item.note = values["note"]


def move_item(routine: Routine, item: RoutineItem, offset: int) -> None:
    """Swap an item with its neighbour above (-1) or below (+1)."""
    items = list(routine.items)
    index = items.index(item)
    target = index + offset
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        for position, each in enumerate(items):
            each.position = position
        db.session.commit()


@dataclass(frozen=True)
class RoutineCard:
    routine: Routine
    exercise_count: int
    times_today: int
    last_logged_at: datetime | None
    # The last log today has an effort or a note: undoing it takes more than a tap's worth.
    last_log_has_details: bool
    # A programme's plan today (due, done n of times a day); None without a plan running.
    plan_day: insights.PlanDay | None = None


def _routine_cards_statement():
    """Active routines of :user_id, each with its exercise count, how often it was logged on
    :day, and when and with what details last."""
    todays_logs = db.select(RoutineLog).where(
        RoutineLog.user_id == bindparam("user_id"),
        RoutineLog.day == bindparam("day"),
        RoutineLog.routine_id == Routine.id,
    )
    last_log = todays_logs.order_by(RoutineLog.logged_at.desc(), RoutineLog.id.desc()).limit(1)
    has_details = RoutineLog.effort.is_not(None) | (func.coalesce(RoutineLog.note, "") != "")
    return (
        db.select(
            Routine,
            db.select(func.count(RoutineItem.id))
            .where(RoutineItem.routine_id == Routine.id)
            .scalar_subquery(),
            todays_logs.with_only_columns(func.count()).scalar_subquery(),
            last_log.with_only_columns(RoutineLog.logged_at).scalar_subquery(),
            last_log.with_only_columns(has_details).scalar_subquery(),
        )
        .options(lazyload(Routine.items))
        .where(Routine.user_id == bindparam("user_id"), Routine.archived.is_(False))
        .order_by(Routine.created_at, Routine.id)
    )


# Built once: Today runs them on every view (see checkins.service). The week of a programme's
# plan holds :day and at most six days before it (:first).
_ROUTINE_CARDS = _routine_cards_statement()
_LOGS_BY_ROUTINE_AND_DAY = (
    db.select(RoutineLog.routine_id, RoutineLog.day, func.count())
    .where(
        RoutineLog.user_id == bindparam("user_id"),
        RoutineLog.day.between(bindparam("first"), bindparam("day")),
    )
    .group_by(RoutineLog.routine_id, RoutineLog.day)
)


def today_routine_cards(user_id: int, day: date) -> list[RoutineCard]:
    """Active routines with how often, and when last, each was logged on `day`, and where each
    programme's plan stands: one query, and one more for a week of logs when a plan runs.
    The cards count the exercises rather than load them with their how-to texts."""
    rows = db.session.execute(_ROUTINE_CARDS, {"user_id": user_id, "day": day}).all()
    week: dict[int, dict[date, int]] = {}
    if any(row.Routine.plan for row in rows):
        for routine_id, logged_day, count in db.session.execute(
            _LOGS_BY_ROUTINE_AND_DAY,
            {"user_id": user_id, "first": day - timedelta(days=6), "day": day},
        ):
            week.setdefault(routine_id, {})[logged_day] = count
    return [
        RoutineCard(
            routine,
            exercises,
            times_today,
            last_logged_at,
            bool(last_has_details),
            insights.plan_day(routine.plan, week.get(routine.id, {}), day)
            if routine.plan
            else None,
        )
        for routine, exercises, times_today, last_logged_at, last_has_details in rows
    ]


def has_put_away_routines(user_id: int) -> bool:
    """Whether any of the person's routines is put away (archived), to be used again."""
    return db.session.scalar(
        db.select(db.exists().where(Routine.user_id == user_id, Routine.archived))
    )
