"""Exercises without a request: the library, a person's own exercises and their photos, and
what becomes of them when their owner goes."""

from sqlalchemy import or_

from ..clinical import EXERCISE_LIBRARY
from ..extensions import db
from ..figures.listener import raise_versions
from ..models import (
    Exercise,
    Routine,
    RoutineItem,
    RoutineLog,
    RoutineLogItem,
)
from ..photos import delete_photo, store_photo


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


def exercise_visible_to(user_id: int, exercise_id: int) -> Exercise | None:
    return db.session.scalar(visible_exercises_query(user_id).where(Exercise.id == exercise_id))


def own_exercises(user_id: int) -> list[Exercise]:
    return list(
        db.session.scalars(
            db.select(Exercise).filter_by(owner_id=user_id).order_by(Exercise.kind, Exercise.name)
        )
    )


def save_exercise(exercise: Exercise, form) -> Exercise:
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
    return exercise


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
    # Their kept figures name exercises by id: worked out again with the copies' ids.
    raise_versions(db.session, {user for users in users_of.values() for user in users})
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
