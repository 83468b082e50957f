"""Routine rules that need no request: the library, building routines, logging them."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, or_
from sqlalchemy.orm import lazyload

from .. import insights
from ..clinical import EXERCISE_LIBRARY
from ..dates import format_day
from ..dose import Dose
from ..extensions import db
from ..figures.listener import raise_versions
from ..insights import Plan
from ..merge import Conflict, Merge, merge_edits, read_snapshot
from ..models import (
    Exercise,
    ProgrammeChange,
    ProgrammeTemplate,
    Routine,
    RoutineItem,
    RoutineLog,
    RoutineLogItem,
    User,
)
from ..photos import delete_photo, store_photo
from ..submissions import add_once, saved_with


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


PROGRAMME_COLUMNS = ("name", "times_per_day", "days_per_week", "weekdays", "starts_on", "ends_on")


def write_programme_fields(routine: Routine, values: dict) -> None:
    """Set what `values` names of stored_programme_fields on the routine (not committed)."""
    for column in PROGRAMME_COLUMNS:
        if column in values:
            setattr(routine, column, values[column])
    write_item_changes(routine, values)


def stored_programme_fields(routine: Routine) -> dict:
    """What the programme form edits, field by field: name, plan and dates, then each item."""
    return {
        **{column: getattr(routine, column) for column in PROGRAMME_COLUMNS},
        **stored_item_fields(routine),
    }


def _dates_text(starts_on: date | None, ends_on: date | None) -> str:
    if starts_on is None:
        return ""
    text = f"from {format_day(starts_on, 'short')}"
    return text + (f" to {format_day(ends_on, 'short')}" if ends_on else "")


def programme_snapshot(routine: Routine) -> dict:
    """What a programme's change history compares: its name, plan, dates and exercises."""
    return {
        "name": routine.name,
        "plan": routine.plan.text() if routine.plan else "",
        "dates": _dates_text(routine.starts_on, routine.ends_on),
        "items": {
            item.id: (item.exercise.name, item.dose.text(), item.note or "")
            for item in routine.items
        },
    }


def describe_changes(before: dict, after: dict) -> list[str]:
    """What changed between two snapshots, in short phrases for the client."""
    changes = []
    if before["name"] != after["name"]:
        changes.append(f"renamed to “{after['name']}”")
    # Each with what it was, so a change that drops a part ("twice a day", an end date) shows.
    if before["plan"] != after["plan"]:
        was = f" (was {before['plan']})" if before["plan"] else ""
        changes.append(f"now {after['plan'] or 'no set plan'}{was}")
    if before["dates"] != after["dates"]:
        was = f" (was {before['dates']})" if before["dates"] else ""
        changes.append(f"runs {after['dates']}{was}" if after["dates"] else "no set dates")
    for item_id, (name, dose, note) in after["items"].items():
        if item_id not in before["items"]:
            changes.append(f"added {name} ({dose})")
            continue
        _, old_dose, old_note = before["items"][item_id]
        if old_dose != dose:
            changes.append(f"{name}: {old_dose} → {dose}")
        if old_note != note:
            changes.append(f"{name}: note “{note}”" if note else f"{name}: note taken away")
    changes += [
        f"took out {name}"
        for item_id, (name, _, _) in before["items"].items()
        if item_id not in after["items"]
    ]
    return changes


@dataclass(frozen=True)
class ProgrammeEdit:
    """What the therapist's programme form sent."""

    name: str
    plan: dict  # Routine's plan columns: times_per_day, days_per_week, weekdays
    starts_on: date
    ends_on: date | None
    items: dict[str, dict]  # doses and notes by "item<id>", as stored_item_fields
    loaded: str | None  # the programme as the page showed it (stored_programme_fields)
    removed_item_ids: set[int]
    added: list[Exercise]


def save_programme(
    routine: Routine, therapist: User, edit: ProgrammeEdit, client_today: date
) -> tuple[list, Merge]:
    """Apply a therapist's save and record what it changed; returns the changes in words and
    the merge, field by field, with what is stored now: a field changed here and elsewhere
    since the page was loaded is a conflict, and then nothing is saved."""
    before = programme_snapshot(routine)
    sent = {
        "name": edit.name.strip(),
        **edit.plan,
        "starts_on": edit.starts_on,
        "ends_on": edit.ends_on,
        **edit.items,
    }
    merge = merge_edits(read_snapshot(edit.loaded), sent, stored_programme_fields(routine))
    if merge.conflicts:  # nothing is saved behind a conflict: the page asks first
        return [], merge
    before_plan = routine.plan
    write_programme_fields(routine, merge.changes)
    counts_from = _keep_past_frequency(routine, before_plan, client_today)
    for item in [item for item in routine.items if item.id in edit.removed_item_ids]:
        routine.items.remove(item)
    for exercise in edit.added:
        add_exercise(routine, exercise, commit=False)
    db.session.flush()  # the added items get their ids, which the snapshot keys them by
    changes = describe_changes(before, programme_snapshot(routine))
    if counts_from is not None:
        changes.append(f"the new frequency counts from {format_day(counts_from, 'short')}")
    if changes:
        record_change(routine, therapist, changes)
    db.session.commit()
    return changes, merge


def _keep_past_frequency(routine: Routine, before: Plan | None, today: date) -> date | None:
    """A running programme whose frequency changed keeps the old one until its week is over
    (insights.Plan): returns the day the new one counts from, None when nothing is kept. New
    dates start the plan's weeks again, with no frequency before them."""
    after = routine.plan
    if before is not None and after is not None and before.starts_on != after.starts_on:
        routine.past_frequencies = []  # new dates: the plan's weeks start again
        return None
    if before is None or after is None or before.frequency == after.frequency:
        return None
    counts_from = after.change_takes_effect(today)
    if counts_from is None:  # not begun yet: the change is the plan
        return None
    past = list(routine.past_frequencies or [])
    if past and date.fromisoformat(past[-1]["until"]) >= counts_from:
        return counts_from  # changed before this week: it keeps the frequency it began with
    old = before.frequency
    weekdays = "".join(str(day) for day in sorted(old.weekdays)) or None
    past.append(
        {
            "until": counts_from.isoformat(),
            "times_per_day": old.times_per_day,
            "days_per_week": old.days_per_week,
            "weekdays": weekdays,
        }
    )
    routine.past_frequencies = past
    return counts_from


def changes_sentence(changes: list[str]) -> str:
    """What a save changed, as one sentence: "Now 3 days a week (was 2 days a week); …"."""
    summary = "; ".join(changes)
    return summary[:1].upper() + summary[1:]


def record_change(routine: Routine, therapist: User, changes: list[str]) -> None:
    """Keep what a therapist's save changed in the programme (not yet committed)."""
    db.session.add(
        ProgrammeChange(
            routine_id=routine.id,
            changed_by_id=therapist.id,
            changed_by_name=therapist.name,
            summary=changes_sentence(changes),
        )
    )


def programme_history(routine_id: int) -> list[ProgrammeChange]:
    return list(
        db.session.scalars(
            db.select(ProgrammeChange)
            .filter_by(routine_id=routine_id)
            .order_by(ProgrammeChange.changed_at.desc(), ProgrammeChange.id.desc())
        )
    )


PLAN_COLUMNS = ("times_per_day", "days_per_week", "weekdays")


def save_as_template(routine: Routine, therapist_id: int, name: str) -> ProgrammeTemplate:
    template = ProgrammeTemplate(
        therapist_id=therapist_id,
        name=name.strip(),
        items=[{"exercise_id": item.exercise_id, **item_fields(item)} for item in routine.items],
        **{column: getattr(routine, column) for column in PLAN_COLUMNS},
    )
    db.session.add(template)
    db.session.commit()
    return template


def programme_from_template(
    template: ProgrammeTemplate, client_id: int, therapist: User, starts_on: date
) -> Routine:
    """A programme for a client made from a template, starting on `starts_on`; exercises the
    therapist can no longer use (one of their own, deleted since) are left out."""
    usable = {exercise.id: exercise for exercise in visible_exercises(therapist.id)}
    routine = Routine(
        user_id=client_id,
        name=template.name,
        assigned_by_id=therapist.id,
        starts_on=starts_on,
        **{column: getattr(template, column) for column in PLAN_COLUMNS},
    )
    rows = [row for row in template.items if row.get("exercise_id") in usable]
    for position, row in enumerate(rows):
        routine.items.append(
            RoutineItem(
                exercise=usable[row["exercise_id"]],
                position=position,
                note=row.get("note"),
                dose=Dose(**{name: row.get(name) for name in Dose.__dataclass_fields__}),
            )
        )
    db.session.add(routine)
    db.session.commit()
    return routine


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


# Built once: Today runs it on every view (see checkins.service).
_ROUTINE_CARDS = _routine_cards_statement()


def today_routine_cards(user_id: int, day: date) -> list[RoutineCard]:
    """Active routines with how often, and when last, each was logged on `day`, and where each
    programme's plan stands: one query, and one more for a week of logs when a plan runs.
    The cards count the exercises rather than load them with their how-to texts."""
    rows = db.session.execute(_ROUTINE_CARDS, {"user_id": user_id, "day": day}).all()
    week: dict[int, dict[date, int]] = {}
    if any(row.Routine.plan for row in rows):
        # A plan's week holds `day` and at most six days before it.
        for routine_id, logged_day, count in db.session.execute(
            db.select(RoutineLog.routine_id, RoutineLog.day, func.count())
            .where(
                RoutineLog.user_id == user_id,
                RoutineLog.day.between(day - timedelta(days=6), day),
            )
            .group_by(RoutineLog.routine_id, RoutineLog.day)
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
