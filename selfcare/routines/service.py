"""Routine rules that need no request: the library, building routines, logging them."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_

from ..clinical import EXERCISE_LIBRARY
from ..dose import Dose
from ..extensions import db
from ..models import Exercise, Routine, RoutineItem, RoutineLog, RoutineLogItem
from ..submissions import add_once


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
        row.dose = item.dose
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


def library_exercises() -> list[Exercise]:
    """The shared library alone: what a therapist may put into a client's home program."""
    return list(
        db.session.scalars(
            db.select(Exercise)
            .where(Exercise.owner_id.is_(None))
            .order_by(Exercise.kind, Exercise.name)
        )
    )


def exercise_visible_to(user_id: int, exercise_id: int) -> Exercise | None:
    return db.session.scalar(visible_exercises_query(user_id).where(Exercise.id == exercise_id))


def create_routine(
    user_id: int, name: str, exercises: list[Exercise], assigned_by_id: int | None = None
) -> Routine:
    """A routine of these exercises at their usual doses; `assigned_by_id` is the therapist
    who prescribed it, if one did."""
    routine = Routine(user_id=user_id, name=name.strip(), assigned_by_id=assigned_by_id)
    for position, exercise in enumerate(exercises):
        routine.items.append(RoutineItem(exercise=exercise, position=position, dose=exercise.dose))
    db.session.add(routine)
    db.session.commit()
    return routine


def add_exercise(routine: Routine, exercise: Exercise) -> None:
    position = max((item.position for item in routine.items), default=-1) + 1
    routine.items.append(RoutineItem(exercise=exercise, position=position, dose=exercise.dose))
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


@dataclass(frozen=True)
class LoggedExercise:
    """One exercise of a logged routine: done or skipped, the dose actually done, and how it
    went (pain during it 0-10, a DIFFICULTIES key), when the client said."""

    exercise_id: int
    done: bool
    dose: Dose
    pain_during: int | None = None
    difficulty: str | None = None

    @classmethod
    def of_row(cls, row: RoutineLogItem) -> "LoggedExercise":
        return cls(row.exercise_id, row.done, row.dose, row.pain_during, row.difficulty)

    def as_row(self) -> RoutineLogItem:
        return RoutineLogItem(
            exercise_id=self.exercise_id,
            done=self.done,
            dose=self.dose,
            pain_during=self.pain_during,
            difficulty=self.difficulty,
        )

    def as_fields(self) -> dict:
        return {
            "exercise_id": self.exercise_id,
            "done": self.done,
            "pain_during": self.pain_during,
            "difficulty": self.difficulty,
            **self.dose.as_columns(),
        }


def log_routine(
    user_id: int,
    routine: Routine,
    day: date,
    submission_id: str,
    *,
    effort: int | None = None,
    note: str | None = None,
    exercises: list[LoggedExercise] | None = None,
) -> tuple[RoutineLog, bool]:
    """Record a routine done on `day`, every exercise at its planned dose unless `exercises`
    says otherwise. Returns the log and whether it is new: the same submission sent twice (a
    double tap, a retried request) is saved once."""
    if exercises is None:
        exercises = [LoggedExercise(item.exercise_id, True, item.dose) for item in routine.items]
    return add_once(
        RoutineLog,
        user_id,
        submission_id,
        lambda: RoutineLog(
            user_id=user_id,
            routine_id=routine.id,
            day=day,
            effort=effort,
            note=note,
            submission_id=submission_id,
            items=[exercise.as_row() for exercise in exercises],
        ),
    )


def log_fields(
    *, day: date, effort: int | None, note: str | None, exercises: list[LoggedExercise]
) -> dict:
    """A log as the fields its editor changes: day, effort, note and the exercises as a whole."""
    rows = [exercise.as_fields() for exercise in exercises]
    return {"day": day, "effort": effort, "note": note, "exercises": rows}


def stored_log_fields(log: RoutineLog) -> dict:
    return log_fields(
        day=log.day,
        effort=log.effort,
        note=log.note,
        exercises=[LoggedExercise.of_row(item) for item in log.items],
    )


def update_log(log: RoutineLog, changes: dict) -> None:
    """Write the changed fields of log_fields."""
    for name in ("day", "effort", "note"):
        if name in changes:
            setattr(log, name, changes[name])
    if "exercises" in changes:
        # Row by row, in place: the rows keep their ids, which a page open elsewhere refers to.
        for item, row in zip(log.items, changes["exercises"], strict=True):
            item.done = row["done"]
            item.pain_during, item.difficulty = row["pain_during"], row["difficulty"]
            item.dose = Dose(**{k: row[k] for k in Dose.__dataclass_fields__})
    db.session.commit()


def delete_log(log: RoutineLog) -> None:
    db.session.delete(log)
    db.session.commit()


def last_log_of(user_id: int, routine_id: int, day: date) -> RoutineLog | None:
    """The routine's newest log on `day`."""
    return db.session.scalar(
        db.select(RoutineLog)
        .filter_by(user_id=user_id, routine_id=routine_id, day=day)
        .order_by(RoutineLog.logged_at.desc(), RoutineLog.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class RoutineCard:
    routine: Routine
    times_today: int
    last_logged_at: datetime | None
    # The last log today has an effort or a note: undoing it takes more than a tap's worth.
    last_log_has_details: bool


def today_routine_cards(user_id: int, day: date) -> list[RoutineCard]:
    """Active routines with how often, and when last, each was logged on `day` (two queries,
    whatever the count: a day has a handful of logs)."""
    routines = db.session.scalars(
        db.select(Routine)
        .filter_by(user_id=user_id, archived=False)
        .order_by(Routine.created_at, Routine.id)
    ).all()
    logs: dict[int, list] = {}
    for row in db.session.execute(
        db.select(RoutineLog.routine_id, RoutineLog.logged_at, RoutineLog.effort, RoutineLog.note)
        .where(RoutineLog.user_id == user_id, RoutineLog.day == day)
        .order_by(RoutineLog.logged_at, RoutineLog.id)
    ):
        logs.setdefault(row.routine_id, []).append(row)
    cards = []
    for routine in routines:
        today = logs.get(routine.id, [])
        last = today[-1] if today else None
        cards.append(
            RoutineCard(
                routine,
                len(today),
                last.logged_at if last else None,
                bool(last and (last.effort is not None or last.note)),
            )
        )
    return cards


@dataclass(frozen=True)
class ExerciseEntry:
    """One exercise in one log, as a therapist reads it over time."""

    day: date
    done: bool
    pain_during: int | None
    difficulty: str | None


@dataclass(frozen=True)
class ExerciseHistory:
    name: str
    entries: list[ExerciseEntry]  # newest first

    @property
    def done(self) -> int:
        return sum(entry.done for entry in self.entries)

    @property
    def skipped(self) -> int:
        return len(self.entries) - self.done


@dataclass(frozen=True)
class RoutineHistory:
    routine: Routine
    exercises: list[ExerciseHistory]  # in the routine's order, then any since taken out
    notes: list[tuple[date, str]]  # newest first


def routine_histories(user_id: int, routines: list[Routine], start: date) -> list[RoutineHistory]:
    """Per routine, each exercise's logs from `start` on: done or skipped, pain during it and how
    it felt; and the notes of those logs. One query (the items come with their logs)."""
    logs = db.session.scalars(
        db.select(RoutineLog)
        .where(
            RoutineLog.user_id == user_id,
            RoutineLog.routine_id.in_([routine.id for routine in routines]),
            RoutineLog.day >= start,
        )
        .order_by(RoutineLog.day.desc(), RoutineLog.logged_at.desc(), RoutineLog.id.desc())
    ).all()
    histories = []
    for routine in routines:
        entries: dict[str, list[ExerciseEntry]] = {item.exercise.name: [] for item in routine.items}
        notes = []
        for log in (log for log in logs if log.routine_id == routine.id):
            for item in log.items:
                entries.setdefault(item.exercise.name, []).append(
                    ExerciseEntry(log.day, item.done, item.pain_during, item.difficulty)
                )
            if log.note:
                notes.append((log.day, log.note))
        exercises = [ExerciseHistory(name, rows) for name, rows in entries.items()]
        histories.append(RoutineHistory(routine, exercises, notes))
    return histories
