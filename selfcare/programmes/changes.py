"""What a therapist changed in a programme at one save: kept as codes with their parameters
(programme_changes.changes), put into words when read, in the reader's language.

Each change is a dict with a "code" and what it needs:

- renamed: "from" (None when not known), "to": the programme's names
- plan: "from", "to": each a frequency ({"times_per_day", "days_per_week", "weekdays"}, as the
  routine's columns) or None for no plan
- dates: "from", "to": each {"starts_on", "ends_on"} (ISO dates, the end may be None) or None
- added: "exercise", "dose" (a Dose's columns)
- dose: "exercise", "from", "to" (a Dose's columns)
- note: "exercise", "from", "to" (the note, None for none)
- removed: "exercise"
- counts_from: "day" (ISO): a changed frequency counts from the plan's next week
- text: "text": a change kept in words before changes were kept as codes, shown as written

An exercise is {"id", "slug", "name"} as it was then: a library exercise's name (its slug set)
is read out in the reader's language, anyone's own as typed.
"""

from datetime import date

from flask_babel import gettext as _

from ..clinical import EXERCISE_LIBRARY, reference_text
from ..dates import format_day
from ..dose import Dose
from ..insights import Frequency

_LIBRARY_NAMES = {exercise.slug: exercise.name for exercise in EXERCISE_LIBRARY}


def exercise_ref(exercise) -> dict:
    """An Exercise as a change names it."""
    return {"id": exercise.id, "slug": exercise.slug, "name": exercise.name}


def frequency_ref(row) -> dict:
    """A routine's (or template's) frequency columns, as a change keeps them."""
    return {
        "times_per_day": row.times_per_day,
        "days_per_week": row.days_per_week,
        "weekdays": row.weekdays,
    }


def frequency_text(frequency: dict) -> str:
    return Frequency(
        times_per_day=frequency.get("times_per_day") or 1,
        days_per_week=frequency.get("days_per_week"),
        weekdays=frozenset(int(day) for day in frequency.get("weekdays") or ""),
    ).text()


def dose_text(columns: dict) -> str:
    return Dose(**{name: columns.get(name) for name in Dose.__dataclass_fields__}).text()


def _exercise_name(exercise: dict) -> str:
    slug = exercise.get("slug")
    if slug:
        return reference_text(_LIBRARY_NAMES.get(slug) or exercise["name"])
    return exercise["name"]


def _dates_text(dates: dict) -> str:
    start = format_day(date.fromisoformat(dates["starts_on"]), "short")
    if dates.get("ends_on"):
        end = format_day(date.fromisoformat(dates["ends_on"]), "short")
        # Translators: when a programme runs, as in "runs from 08 Dec to 01 Mar".
        return _("from %(start)s to %(end)s", start=start, end=end)
    # Translators: when a programme runs, as in "runs from 08 Dec".
    return _("from %(start)s", start=start)


def _plan_phrase(change: dict) -> str:
    was = frequency_text(change["from"]) if change.get("from") else None
    if change.get("to"):
        plan = frequency_text(change["to"])
        if was:
            # Translators: a programme's new frequency, as in "now 3 days a week (was every
            # day)".
            return _("now %(plan)s (was %(was)s)", plan=plan, was=was)
        return _("now %(plan)s", plan=plan)
    if was:
        return _("now no set plan (was %(was)s)", was=was)
    return _("now no set plan")


def _dates_phrase(change: dict) -> str:
    if not change.get("to"):
        return _("no set dates")
    dates = _dates_text(change["to"])
    if change.get("from"):
        # Translators: a programme's new dates, as in "runs from 08 Dec to 01 Mar (was from
        # 08 Dec)".
        return _("runs %(dates)s (was %(was)s)", dates=dates, was=_dates_text(change["from"]))
    return _("runs %(dates)s", dates=dates)


def _exercise_phrase(code: str, change: dict) -> str:
    name = _exercise_name(change["exercise"])
    if code == "added":
        # Translators: an exercise added to a programme with its dose: "added Pelvic tilt (5 × 2
        # s hold)".
        return _("added %(name)s (%(dose)s)", name=name, dose=dose_text(change["dose"]))
    if code == "dose":
        # Translators: an exercise's dose changed: "Pelvic tilt: 5 × 2 s hold → 8 × 2 s hold".
        return _(
            "%(name)s: %(was)s → %(dose)s",
            name=name,
            was=dose_text(change["from"]),
            dose=dose_text(change["to"]),
        )
    if code == "note":
        if change.get("to"):
            return _("%(name)s: note “%(note)s”", name=name, note=change["to"])
        return _("%(name)s: note taken away", name=name)
    return _("took out %(name)s", name=name)


def change_phrase(change: dict) -> str:
    """One change in words, in the reader's language, as a part of changes_text's sentence."""
    code = change.get("code")
    if code == "renamed":
        return _("renamed to “%(name)s”", name=change["to"])
    if code == "plan":
        return _plan_phrase(change)
    if code == "dates":
        return _dates_phrase(change)
    if code in ("added", "dose", "note", "removed"):
        return _exercise_phrase(code, change)
    if code == "counts_from":
        day = format_day(date.fromisoformat(change["day"]), "short")
        return _("the new frequency counts from %(day)s", day=day)
    return change.get("text") or ""


def changes_text(changes: list[dict]) -> str:
    """What a save changed, as one sentence: "Now 3 days a week (was 2 days a week); …"."""
    text = "; ".join(change_phrase(change) for change in changes)
    return text[:1].upper() + text[1:]
