"""Routine rules that need no request: the library, building routines, logging them."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError

from ..clinical import EXERCISE_LIBRARY
from ..extensions import db
from ..models import Exercise, Routine, RoutineItem, RoutineLog, RoutineLogItem

DOSE_FIELDS = ("sets", "reps", "hold_seconds", "duration_seconds", "per_side")


def sync_exercise_library() -> int:
    """Insert or refresh the library exercises from the reference data; returns how many."""
    stored = {
        row.slug: row
        for row in db.session.scalars(db.select(Exercise).where(Exercise.slug.is_not(None)))
    }
    for item in EXERCISE_LIBRARY:
        row = stored.get(item.slug) or Exercise(slug=item.slug)
        row.name, row.kind, row.how_to = item.name, item.kind, item.how_to
        row.regions = ",".join(item.regions)
        for field in DOSE_FIELDS:
            setattr(row, field, getattr(item, field))
        db.session.add(row)
    db.session.commit()
    return len(EXERCISE_LIBRARY)


def visible_exercises_query(user_id: int):
    """The library plus the user's own exercises."""
    return db.select(Exercise).where(or_(Exercise.owner_id.is_(None), Exercise.owner_id == user_id))


def visible_exercises(user_id: int) -> list[Exercise]:
    return list(
        db.session.scalars(visible_exercises_query(user_id).order_by(Exercise.kind, Exercise.name))
    )


def exercise_visible_to(user_id: int, exercise_id: int) -> Exercise | None:
    return db.session.scalar(visible_exercises_query(user_id).where(Exercise.id == exercise_id))


def dose_of(source) -> dict:
    return {field: getattr(source, field) for field in DOSE_FIELDS}


def create_routine(user_id: int, name: str, exercises: list[Exercise]) -> Routine:
    routine = Routine(user_id=user_id, name=name.strip())
    for position, exercise in enumerate(exercises):
        routine.items.append(RoutineItem(exercise=exercise, position=position, **dose_of(exercise)))
    db.session.add(routine)
    db.session.commit()
    return routine


def add_exercise(routine: Routine, exercise: Exercise) -> None:
    position = max((item.position for item in routine.items), default=-1) + 1
    routine.items.append(RoutineItem(exercise=exercise, position=position, **dose_of(exercise)))
    db.session.commit()


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


def log_routine(
    user_id: int,
    routine: Routine,
    day: date,
    submission_id: str,
    effort: int | None = None,
    note: str | None = None,
    done_items: list[dict] | None = None,
) -> tuple[RoutineLog, bool]:
    """Record a routine done on `day`. Returns the log and whether it is new: the same
    submission sent twice (a double tap, a retried request) is saved once."""
    earlier = _log_with_submission(user_id, submission_id)
    if earlier is not None:
        return earlier, False
    if done_items is None:
        done_items = [
            {"exercise_id": item.exercise_id, "done": True, **dose_of(item)}
            for item in routine.items
        ]
    log = RoutineLog(
        user_id=user_id,
        routine_id=routine.id,
        day=day,
        effort=effort,
        note=note,
        submission_id=submission_id,
        items=[RoutineLogItem(**_log_item_fields(entry)) for entry in done_items],
    )
    db.session.add(log)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _log_with_submission(user_id, submission_id), False
    return log, True


def _log_item_fields(entry: dict) -> dict:
    return {
        key: entry.get(key)
        for key in ("exercise_id", "done", "sets", "reps", "hold_seconds", "duration_seconds")
    }


def replace_log_items(log: RoutineLog, done_items: list[dict]) -> None:
    log.items = [RoutineLogItem(**_log_item_fields(entry)) for entry in done_items]


def _log_with_submission(user_id: int, submission_id: str) -> RoutineLog | None:
    return db.session.scalar(
        db.select(RoutineLog).filter_by(user_id=user_id, submission_id=submission_id)
    )


def last_log_on(user_id: int, day: date) -> RoutineLog | None:
    return db.session.scalar(
        db.select(RoutineLog)
        .filter_by(user_id=user_id, day=day)
        .order_by(RoutineLog.logged_at.desc(), RoutineLog.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class RoutineCard:
    routine: Routine
    times_today: int


def today_routine_cards(user_id: int, day: date) -> list[RoutineCard]:
    """Active routines with how often each was logged on `day` (two queries, whatever the count)."""
    routines = db.session.scalars(
        db.select(Routine)
        .filter_by(user_id=user_id, archived=False)
        .order_by(Routine.created_at, Routine.id)
    ).all()
    counts = dict(
        db.session.execute(
            db.select(RoutineLog.routine_id, func.count(RoutineLog.id))
            .where(RoutineLog.user_id == user_id, RoutineLog.day == day)
            .group_by(RoutineLog.routine_id)
        ).all()
    )
    return [RoutineCard(routine, counts.get(routine.id, 0)) for routine in routines]
