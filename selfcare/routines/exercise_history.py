"""Each exercise of a client's routines over time, as the therapist's client page lists it."""

from dataclasses import dataclass, field
from datetime import date

from ..clinical import DIFFICULTIES, reference_text
from ..dates import format_day
from ..extensions import db
from ..insights import PAIN_DURING_FLAG
from ..models import (
    Exercise,
    Routine,
    RoutineLog,
    RoutineLogItem,
)


@dataclass(frozen=True)
class PainDuring:
    pain: int
    high: bool  # PAIN_DURING_FLAG or more: the dashboard flags it
    day: str  # as the page writes it ("25 Nov")


@dataclass(frozen=True)
class Felt:
    difficulty: str  # in words, lower case ("too hard")
    day: str


@dataclass
class ExerciseHistory:
    """One exercise's row on the page: how often it was done and skipped, and what was said of
    it, newest first, each with its day as the page writes it. Worked out here, once per log,
    rather than by the template for each of a month of logs."""

    name: str
    done: int = 0
    skipped: int = 0
    pains: list[PainDuring] = field(default_factory=list)
    felt: list[Felt] = field(default_factory=list)

    def add(self, day: date, done: bool, pain_during: int | None, difficulty: str | None):
        if done:
            self.done += 1
        else:
            self.skipped += 1
        if pain_during is not None or difficulty:
            shown = format_day(day, "short")
            if pain_during is not None:
                self.pains.append(PainDuring(pain_during, pain_during >= PAIN_DURING_FLAG, shown))
            if difficulty:
                self.felt.append(Felt(DIFFICULTIES[difficulty].lower(), shown))


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
            Exercise.slug,
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
        exercises = {
            item.exercise.name: ExerciseHistory(item.exercise.shown_name) for item in routine.items
        }
        notes = []
        noted = set()
        for log_id, _, day, note, name, slug, done, pain_during, difficulty in (
            row for row in rows if row.routine_id == routine.id
        ):
            if name is not None:
                shown = reference_text(name) if slug else name
                exercises.setdefault(name, ExerciseHistory(shown)).add(
                    day, done, pain_during, difficulty
                )
            if note and log_id not in noted:
                noted.add(log_id)
                notes.append((day, note))
        histories.append(RoutineHistory(routine, list(exercises.values()), notes))
    return histories
