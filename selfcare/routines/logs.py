"""Logging a routine without a request: a log's fields, saving, editing, one log per routine and
day unless the person asks for two, and adding a guided session to that day's log."""

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import func

from ..dose import Dose
from ..extensions import db
from ..merge import Conflict
from ..models import (
    Routine,
    RoutineLog,
    RoutineLogItem,
)
from ..submissions import add_once, saved_with


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


def more_sessions_planned(routine: Routine, day: date) -> bool:
    """Whether a programme done several times a day still has a session to come on `day`."""
    if routine.times_per_day <= 1:
        return False
    done = db.session.scalar(
        db.select(func.count(RoutineLog.id)).filter_by(routine_id=routine.id, day=day)
    )
    return done < routine.times_per_day


def log_to_add_to(user_id: int, routine: Routine, day: date) -> RoutineLog | None:
    """The log a new detailed log (a guided session) of `day` goes into: one routine, one day,
    one log. None when the day has none yet, or a programme done several times a day still has
    a session to come."""
    if more_sessions_planned(routine, day):
        return None
    return last_log_of(user_id, routine.id, day)


def submission_ids_of_day(user_id: int, routine_id: int, day: date) -> list[str]:
    """The submission ids of the routine's logs on `day`: a guided session kept in the browser
    that sent one of them is saved (static/js/player.js)."""
    return list(
        db.session.scalars(
            db.select(RoutineLog.submission_id).filter_by(
                user_id=user_id, routine_id=routine_id, day=day
            )
        )
    )


def sent_before(user_id: int, submission_id: str) -> bool:
    """Whether a log already carries this submission id: the form was sent again."""
    return saved_with(RoutineLog, user_id, submission_id) is not None


@dataclass(frozen=True)
class Clashes:
    """What a log already says that a new account of the same day contradicts: the log's own
    fields (effort, note), and each sent exercise's by its place in what was sent."""

    fields: dict[str, Conflict] = field(default_factory=dict)
    exercises: dict[int, dict[str, Conflict]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fields or self.exercises)


def _said(sent, logged) -> bool:
    """Both said something, and not the same."""
    return sent is not None and logged is not None and sent != logged


def _combined(logged: LoggedExercise, sent: LoggedExercise) -> tuple[LoggedExercise, dict]:
    """One exercise of a log with a new account of it: done or skipped and the dose as sent,
    each answer as sent or else as logged. Once the log has answers for it, an answer (or done
    against skipped) that differs is a clash."""
    if logged.pain_during is None and logged.difficulty is None:
        return sent, {}
    clashes = {
        name: Conflict(getattr(sent, name), getattr(logged, name))
        for name in ("done", "pain_during", "difficulty")
        if _said(getattr(sent, name), getattr(logged, name))
    }
    if not sent.done:  # skipped: the log's answers were about doing it
        return sent, clashes
    answers = {
        name: getattr(logged, name) if getattr(sent, name) is None else getattr(sent, name)
        for name in ("pain_during", "difficulty")
    }
    return replace(sent, **answers), clashes


def add_to_log(
    log: RoutineLog,
    submission_id: str,
    *,
    effort: int | None,
    note: str | None,
    exercises: list[LoggedExercise],
    sent_wins: bool = False,
) -> Clashes:
    """Put a detailed log of the same routine and day into `log`: each exercise's done or
    skipped and dose, and the answers (pain during it, how it felt, effort, note) where the
    log has none or the same. Exercises are paired by exercise, in order; one the log lacks is
    added. Returns the clashes, and then writes nothing, unless `sent_wins`: then the sent
    answers replace the log's."""
    clashes = Clashes()
    unpaired = list(log.items)
    writes = []
    for index, sent in enumerate(exercises):
        item = next((each for each in unpaired if each.exercise_id == sent.exercise_id), None)
        if item is None:
            writes.append((None, sent))
            continue
        unpaired.remove(item)
        row, row_clashes = _combined(LoggedExercise.of_row(item), sent)
        if row_clashes:
            clashes.exercises[index] = row_clashes
        writes.append((item, row))
    for name, sent in (("effort", effort), ("note", note)):
        if _said(sent, getattr(log, name)):
            clashes.fields[name] = Conflict(sent, getattr(log, name))
    if clashes and not sent_wins:
        return clashes
    log.effort = log.effort if effort is None else effort
    log.note = log.note if note is None else note
    for item, row in writes:
        if item is None:
            log.items.append(row.as_row())
        else:
            item.done, item.dose = row.done, row.dose
            item.pain_during, item.difficulty = row.pain_during, row.difficulty
    # The log now stands for this form too: sent again, it is found by its id (and the session
    # page knows it was saved).
    log.submission_id = submission_id
    db.session.commit()
    return Clashes()
