"""Each exercise of a client's routines over time, as the therapist's client page lists it."""

from dataclasses import dataclass
from datetime import date

from ..extensions import db
from ..models import (
    Exercise,
    Routine,
    RoutineLog,
    RoutineLogItem,
)


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
    it felt; and the notes of those logs. One query of plain rows: a month of logs with their
    exercises is hundreds of objects otherwise."""
    rows = db.session.execute(
        db.select(
            RoutineLog.id,
            RoutineLog.routine_id,
            RoutineLog.day,
            RoutineLog.note,
            Exercise.name,
            RoutineLogItem.done,
            RoutineLogItem.pain_during,
            RoutineLogItem.difficulty,
        )
        .outerjoin(RoutineLogItem, RoutineLogItem.log_id == RoutineLog.id)
        .outerjoin(Exercise, Exercise.id == RoutineLogItem.exercise_id)
        .where(
            RoutineLog.user_id == user_id,
            RoutineLog.routine_id.in_([routine.id for routine in routines]),
            RoutineLog.day >= start,
        )
        .order_by(
            RoutineLog.day.desc(),
            RoutineLog.logged_at.desc(),
            RoutineLog.id.desc(),
            RoutineLogItem.id,
        )
    ).all()
    histories = []
    for routine in routines:
        entries: dict[str, list[ExerciseEntry]] = {item.exercise.name: [] for item in routine.items}
        notes = []
        noted = set()
        for log_id, _, day, note, name, done, pain_during, difficulty in (
            row for row in rows if row.routine_id == routine.id
        ):
            if name is not None:
                entries.setdefault(name, []).append(
                    ExerciseEntry(day, done, pain_during, difficulty)
                )
            if note and log_id not in noted:
                noted.add(log_id)
                notes.append((day, note))
        exercises = [ExerciseHistory(exercise, logged) for exercise, logged in entries.items()]
        histories.append(RoutineHistory(routine, exercises, notes))
    return histories
