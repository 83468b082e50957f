"""A therapist's home programmes without a request: their fields, saving a change and the
history of changes, templates. A programme's rows are routines (routines/service.py)."""

from dataclasses import dataclass
from datetime import date

from ..dates import format_day
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
