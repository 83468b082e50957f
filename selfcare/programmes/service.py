"""A therapist's home programmes without a request: their fields, saving a change and the
history of changes, templates. A programme's rows are routines (routines/service.py)."""

from dataclasses import dataclass
from datetime import date, datetime

from ..dose import Dose
from ..extensions import db
from ..insights import Plan
from ..merge import Merge, merge_edits, read_snapshot
from ..models import (
    Exercise,
    ProgrammeChange,
    ProgrammeTemplate,
    Routine,
    RoutineItem,
    User,
)
from ..routines.exercises import visible_exercises
from ..routines.service import add_exercise, item_fields, stored_item_fields, write_item_changes
from .changes import changes_text, dose_text, exercise_ref, frequency_ref, frequency_text

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


def _dates_of(routine: Routine) -> dict | None:
    if routine.starts_on is None:
        return None
    ends_on = routine.ends_on.isoformat() if routine.ends_on else None
    return {"starts_on": routine.starts_on.isoformat(), "ends_on": ends_on}


def programme_snapshot(routine: Routine) -> dict:
    """What a programme's change history compares: its name, plan, dates and exercises."""
    return {
        "name": routine.name,
        "plan": frequency_ref(routine) if routine.plan else None,
        "dates": _dates_of(routine),
        "items": {
            item.id: {
                "exercise": exercise_ref(item.exercise),
                "dose": item.dose.as_columns(),
                "note": item.note or None,
            }
            for item in routine.items
        },
    }


def _plan_words(plan: dict | None) -> str:
    return frequency_text(plan) if plan else ""


def describe_changes(before: dict, after: dict) -> list[dict]:
    """What changed between two snapshots, as codes with their parameters (programmes.changes):
    put into words when read. A plan or a dose counts as changed when it reads differently."""
    changes = []
    if before["name"] != after["name"]:
        changes.append({"code": "renamed", "from": before["name"], "to": after["name"]})
    # Each with what it was, so a change that drops a part ("twice a day", an end date) shows.
    if _plan_words(before["plan"]) != _plan_words(after["plan"]):
        changes.append({"code": "plan", "from": before["plan"], "to": after["plan"]})
    if before["dates"] != after["dates"]:
        changes.append({"code": "dates", "from": before["dates"], "to": after["dates"]})
    for item_id, item in after["items"].items():
        exercise = item["exercise"]
        if item_id not in before["items"]:
            changes.append({"code": "added", "exercise": exercise, "dose": item["dose"]})
            continue
        old = before["items"][item_id]
        if dose_text(old["dose"]) != dose_text(item["dose"]):
            changes.append(
                {"code": "dose", "exercise": exercise, "from": old["dose"], "to": item["dose"]}
            )
        if old["note"] != item["note"]:
            changes.append(
                {"code": "note", "exercise": exercise, "from": old["note"], "to": item["note"]}
            )
    changes += [
        {"code": "removed", "exercise": item["exercise"]}
        for item_id, item in before["items"].items()
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
    """Apply a therapist's save and record what it changed; returns the changes (as codes,
    programmes.changes) and the merge, field by field, with what is stored now: a field
    changed here and elsewhere since the page was loaded is a conflict, and then nothing is
    saved."""
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
        changes.append({"code": "counts_from", "day": counts_from.isoformat()})
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


def record_change(routine: Routine, therapist: User, changes: list[dict]) -> None:
    """Keep what a therapist's save changed in the programme (not yet committed)."""
    db.session.add(
        ProgrammeChange(
            routine_id=routine.id,
            changed_by_id=therapist.id,
            changed_by_name=therapist.name,
            changes=changes,
        )
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One save of a programme's history, as its page shows it."""

    changed_by_name: str
    changed_at: datetime
    changes: list[dict]

    @property
    def text(self) -> str:
        """What changed, in the reader's language."""
        return changes_text(self.changes)


def programme_history(routine_id: int) -> list[HistoryEntry]:
    """The saves that changed the programme, newest first."""
    rows = db.session.scalars(
        db.select(ProgrammeChange)
        .filter_by(routine_id=routine_id)
        .order_by(ProgrammeChange.changed_at.desc(), ProgrammeChange.id.desc())
    )
    return [HistoryEntry(row.changed_by_name, row.changed_at, row.changes) for row in rows]


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
