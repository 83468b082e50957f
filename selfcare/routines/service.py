"""Routine rules that need no request: the library, building routines, logging them."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_

from ..clinical import EXERCISE_LIBRARY
from ..dose import Dose
from ..extensions import db
from ..models import Exercise, Routine, RoutineItem, RoutineLog, RoutineLogItem
from ..photos import delete_photo, store_photo
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
    """The library, the user's own exercises, and any other exercise in one of the user's
    routines (a therapist's own exercise in a client's home programme)."""
    in_their_routines = (
        db.select(RoutineItem.exercise_id)
        .join(Routine, Routine.id == RoutineItem.routine_id)
        .where(Routine.user_id == user_id)
    )
    return db.select(Exercise).where(
        or_(
            Exercise.owner_id.is_(None),
            Exercise.owner_id == user_id,
            Exercise.id.in_(in_their_routines),
        )
    )


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


def own_exercises(user_id: int) -> list[Exercise]:
    return list(
        db.session.scalars(
            db.select(Exercise).filter_by(owner_id=user_id).order_by(Exercise.kind, Exercise.name)
        )
    )


def save_exercise(exercise: Exercise, form) -> None:
    """Write an ExerciseForm (already validated) into the exercise: a new photo replaces the
    old one, and a replaced or removed photo's file is deleted once the change is saved."""
    exercise.name = form.name.data.strip()
    exercise.kind = form.kind.data
    exercise.regions = ",".join(form.regions.data)
    exercise.how_to = form.how_to.data or ""
    exercise.dose = form.dose()
    old_photo = exercise.photo
    if form.clean_photo is not None:
        exercise.photo = store_photo(form.clean_photo)
    elif form.remove_photo.data:
        exercise.photo = None
    db.session.add(exercise)
    db.session.commit()
    if old_photo != exercise.photo:
        delete_unused_photo(old_photo)


def delete_unused_photo(name: str | None) -> None:
    """Delete a photo's file unless an exercise still shows it (copies handed over to clients
    share their original's file, see hand_over_exercises)."""
    if name and db.session.scalar(db.select(Exercise.id).filter_by(photo=name).limit(1)) is None:
        delete_photo(name)


# Where an exercise is used: (the owning row, the row naming the exercise, the link between).
_EXERCISE_USES = (
    (Routine, RoutineItem, RoutineItem.routine_id),
    (RoutineLog, RoutineLogItem, RoutineLogItem.log_id),
)


def _users_of_exercises(owner_id: int) -> dict[int, set[int]]:
    """For each of the owner's exercises, who else has it in a routine or a log."""
    users: dict[int, set[int]] = {}
    for parent, child, link in _EXERCISE_USES:
        rows = db.session.execute(
            db.select(child.exercise_id, parent.user_id)
            .join(parent, parent.id == link)
            .join(Exercise, Exercise.id == child.exercise_id)
            .where(Exercise.owner_id == owner_id, parent.user_id != owner_id)
        )
        for exercise_id, user_id in rows:
            users.setdefault(exercise_id, set()).add(user_id)
    return users


def hand_over_exercises(owner_id: int) -> list[str]:
    """Before an account is deleted: each of its exercises in someone else's routine or log
    becomes that person's own copy (photo included), so their programme and history keep it.
    Returns the photos of the exercises that go with the account."""
    users_of = _users_of_exercises(owner_id)
    going = []
    for exercise in own_exercises(owner_id):
        for user_id in users_of.get(exercise.id, ()):
            copy = Exercise(
                owner_id=user_id,
                name=exercise.name,
                kind=exercise.kind,
                regions=exercise.regions,
                how_to=exercise.how_to,
                dose=exercise.dose,
                photo=exercise.photo,
            )
            db.session.add(copy)
            db.session.flush()
            for parent, child, link in _EXERCISE_USES:
                theirs = db.select(parent.id).where(parent.user_id == user_id)
                db.session.execute(
                    db.update(child)
                    .where(child.exercise_id == exercise.id, link.in_(theirs))
                    .values(exercise_id=copy.id)
                )
        if exercise.photo:
            going.append(exercise.photo)
    return going


def exercise_in_use(exercise: Exercise) -> bool:
    """Whether a routine or a log refers to it: then it stays, so nobody's history changes."""
    return any(
        db.session.scalar(db.select(child.id).filter_by(exercise_id=exercise.id).limit(1))
        is not None
        for _, child, _ in _EXERCISE_USES
    )


def delete_exercise(exercise: Exercise) -> None:
    photo = exercise.photo
    db.session.delete(exercise)
    db.session.commit()
    delete_unused_photo(photo)


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
    """One exercise of a logged routine: done or skipped, and the dose actually done."""

    exercise_id: int
    done: bool
    dose: Dose

    def as_row(self) -> RoutineLogItem:
        return RoutineLogItem(exercise_id=self.exercise_id, done=self.done, dose=self.dose)


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
    rows = [
        {"exercise_id": e.exercise_id, "done": e.done, **e.dose.as_columns()} for e in exercises
    ]
    return {"day": day, "effort": effort, "note": note, "exercises": rows}


def stored_log_fields(log: RoutineLog) -> dict:
    return log_fields(
        day=log.day,
        effort=log.effort,
        note=log.note,
        exercises=[LoggedExercise(i.exercise_id, i.done, i.dose) for i in log.items],
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
            item.dose = Dose(**{k: v for k, v in row.items() if k not in ("exercise_id", "done")})
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
