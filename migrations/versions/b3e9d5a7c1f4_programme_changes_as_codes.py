"""programme_changes.changes: what a save changed, as codes with their parameters put into words
when read (selfcare/programmes/changes.py), in place of the English sentence in `summary`

Each stored sentence is read back into codes, phrase by phrase ("; " between them): a phrase
is kept as a code only when the code, written in English again, gives that very phrase; any
other (the dates, whose year the sentence never gave, or words another version wrote) is kept
as a "text" change, shown as written. Written again in English, every change reads as it did,
so going down gives back each sentence unchanged.

Revision ID: b3e9d5a7c1f4
Revises: a1f5c7e9b3d2
Create Date: 2026-12-08 03:00:00.000000

"""

import re
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b3e9d5a7c1f4"
down_revision = "a1f5c7e9b3d2"
branch_labels = None
depends_on = None


# The English of the app when this migration was written (selfcare/dose.py, insights.Frequency,
# the "short" date, programmes/changes.py): what the sentences were written in, and what going
# down writes again. Here, not imported: the app's own words may change after this migration.
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DOSE_FIELDS = ("sets", "reps", "hold_seconds", "duration_seconds", "per_side")


def seconds_text(seconds):
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds // 60} min"
    if seconds > 60:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds} s"


def dose_text(dose):
    sets, reps, hold = dose.get("sets"), dose.get("reps"), dose.get("hold_seconds")
    duration = dose.get("duration_seconds")
    parts = []
    if reps and hold:
        parts.append(f"{reps} × {seconds_text(hold)} hold")
    elif reps:
        parts.append(f"{reps}")
    elif hold:
        parts.append(seconds_text(hold))
    if duration:
        parts.append(seconds_text(duration))
    amount = " + ".join(parts)
    if sets and sets > 1:
        amount = f"{sets} × {amount}" if amount else f"{sets} sets"
    if dose.get("per_side") and amount:
        amount = f"{amount} each side"
    return amount or "as it feels right"


def frequency_text(frequency):
    weekdays = frequency.get("weekdays")
    days_per_week = frequency.get("days_per_week")
    if weekdays:
        days = ", ".join(WEEKDAYS[int(day)] for day in sorted(set(weekdays)))
    elif days_per_week in (None, 7):
        days = "every day"
    else:
        days = (
            f"{days_per_week} day a week" if days_per_week == 1 else f"{days_per_week} days a week"
        )
    times = frequency.get("times_per_day") or 1
    if times == 1:
        return days
    if times == 2:
        return f"{days}, twice a day"
    return f"{days}, {times} times a day"


def day_text(iso):
    day = date.fromisoformat(iso)
    return f"{day.day:02d} {MONTHS[day.month - 1]}"


def dates_text(dates):
    start = day_text(dates["starts_on"])
    return (
        f"from {start} to {day_text(dates['ends_on'])}" if dates.get("ends_on") else f"from {start}"
    )


def phrase(change):
    code = change["code"]
    name = change["exercise"]["name"] if "exercise" in change else None
    if code == "renamed":
        return f"renamed to “{change['to']}”"
    if code == "plan":
        now = frequency_text(change["to"]) if change.get("to") else "no set plan"
        return f"now {now}" + (
            f" (was {frequency_text(change['from'])})" if change.get("from") else ""
        )
    if code == "dates":
        if not change.get("to"):
            return "no set dates"
        was = f" (was {dates_text(change['from'])})" if change.get("from") else ""
        return f"runs {dates_text(change['to'])}{was}"
    if code == "added":
        return f"added {name} ({dose_text(change['dose'])})"
    if code == "dose":
        return f"{name}: {dose_text(change['from'])} → {dose_text(change['to'])}"
    if code == "note":
        return f"{name}: note “{change['to']}”" if change.get("to") else f"{name}: note taken away"
    if code == "removed":
        return f"took out {name}"
    if code == "counts_from":
        return f"the new frequency counts from {day_text(change['day'])}"
    return change.get("text") or ""


def summary_text(changes):
    text = "; ".join(phrase(change) for change in changes)
    return text[:1].upper() + text[1:]


# Reading a sentence back into codes.


def split_phrases(summary):
    """The phrases of a sentence: split at "; " outside the “quotes” of names and notes."""
    phrases, start, depth = [], 0, 0
    for index, char in enumerate(summary):
        if char == "“":
            depth += 1
        elif char == "”":
            depth = max(0, depth - 1)
        elif depth == 0 and summary.startswith("; ", index):
            phrases.append(summary[start:index])
            start = index + 2
    return [*phrases, summary[start:]]


def read_seconds(text):
    match = re.fullmatch(r"(\d+) min(?: (\d+) s)?|(\d+) s", text)
    if not match:
        return None
    minutes, seconds, only_seconds = match.groups()
    if only_seconds is not None:
        return int(only_seconds)
    return int(minutes) * 60 + int(seconds or 0)


def read_amount(text):
    """Reps, a hold and a duration (a Dose without its sets and sides), or None."""
    parts = text.split(" + ")
    if len(parts) > 2:
        return None
    dose = {}
    if len(parts) == 2:
        dose["duration_seconds"] = read_seconds(parts[1])
        if dose["duration_seconds"] is None:
            return None
    first = parts[0]
    held = re.fullmatch(r"(\d+) × (.+) hold", first)
    if held:
        dose["reps"], dose["hold_seconds"] = int(held.group(1)), read_seconds(held.group(2))
        return dose if dose["hold_seconds"] is not None else None
    if first.isdigit():
        return {**dose, "reps": int(first)}
    seconds = read_seconds(first)
    if seconds is None:
        return None
    # A time alone reads the same as a hold or a duration: either is the dose it says.
    return {**dose, "hold_seconds" if len(parts) == 2 else "duration_seconds": seconds}


def read_dose(text):
    dose = dict.fromkeys(DOSE_FIELDS)
    dose["per_side"] = text.endswith(" each side")
    amount = text.removesuffix(" each side") if dose["per_side"] else text
    if amount == "as it feels right":
        found = {}
    elif re.fullmatch(r"\d+ sets", amount):
        found = {"sets": int(amount.split()[0])}
    else:
        with_sets = re.fullmatch(r"(\d+) × (.+)", amount)
        inner = read_amount(with_sets.group(2)) if with_sets else None
        if inner is not None and int(with_sets.group(1)) > 1:
            found = {**inner, "sets": int(with_sets.group(1))}
        else:
            found = read_amount(amount)
    if found is None:
        return None
    dose.update(found)
    return dose if dose_text(dose) == text else None


def read_frequency(text):
    match = re.fullmatch(r"(.+?)(?:, twice a day|, (\d+) times a day)?", text)
    days, times = match.group(1), match.group(2)
    frequency = {
        "times_per_day": int(times) if times else (2 if text.endswith(", twice a day") else 1),
        "days_per_week": None,
        "weekdays": None,
    }
    counted = re.fullmatch(r"(\d+) days? a week", days)
    if days == "every day":
        frequency["days_per_week"] = 7
    elif counted:
        frequency["days_per_week"] = int(counted.group(1))
    else:
        names = days.split(", ")
        if not all(name in WEEKDAYS for name in names):
            return None
        frequency["weekdays"] = "".join(
            str(day) for day in sorted({WEEKDAYS.index(n) for n in names})
        )
    return frequency if frequency_text(frequency) == text else None


def read_day_near(text, changed_on):
    """A "short" day (no year), on or within a week and a day after the change."""
    match = re.fullmatch(r"(\d\d) ([A-Z][a-z]{2})", text)
    if not match or match.group(2) not in MONTHS:
        return None
    for year in (changed_on.year - 1, changed_on.year, changed_on.year + 1):
        try:
            day = date(year, MONTHS.index(match.group(2)) + 1, int(match.group(1)))
        except ValueError:
            continue
        if timedelta(days=-1) <= day - changed_on <= timedelta(days=8):
            return day.isoformat()
    return None


class Reader:
    """Reads the phrases of one routine's sentences, naming exercises as that routine does."""

    def __init__(self, library, of_routine):
        self.library = library  # {name: (id, slug)} of the library
        self.of_routine = of_routine  # {name: (id, slug)} of the routine's, when one has it

    def exercise(self, name):
        exercise_id, slug = self.of_routine.get(name) or self.library.get(name) or (None, None)
        return {"id": exercise_id, "slug": slug, "name": name}

    def change(self, text, changed_on):
        """The change a phrase says, or None when it is not one this version wrote."""
        if match := re.fullmatch(r"renamed to “(.*)”", text, re.S):
            return {"code": "renamed", "from": None, "to": match.group(1)}
        if match := re.fullmatch(r"now (.+?)(?: \(was (.+)\))?", text):
            now, was = match.groups()
            to = None if now == "no set plan" else read_frequency(now)
            before = read_frequency(was) if was else None
            if (to is None and now != "no set plan") or (was and before is None):
                return None
            return {"code": "plan", "from": before, "to": to}
        if text == "no set dates":
            return {"code": "dates", "from": None, "to": None}
        if match := re.fullmatch(r"the new frequency counts from (.+)", text):
            day = read_day_near(match.group(1), changed_on)
            return {"code": "counts_from", "day": day} if day else None
        if match := re.fullmatch(r"added (.+) \((.+)\)", text, re.S):
            dose = read_dose(match.group(2))
            if dose is None:
                return None
            return {"code": "added", "exercise": self.exercise(match.group(1)), "dose": dose}
        if match := re.fullmatch(r"took out (.+)", text, re.S):
            return {"code": "removed", "exercise": self.exercise(match.group(1))}
        if match := re.fullmatch(r"(.+): note taken away", text, re.S):
            exercise = self.exercise(match.group(1))
            return {"code": "note", "exercise": exercise, "from": None, "to": None}
        if match := re.fullmatch(r"(.+): note “(.*)”", text, re.S):
            exercise = self.exercise(match.group(1))
            return {"code": "note", "exercise": exercise, "from": None, "to": match.group(2)}
        if match := re.fullmatch(r"(.+): (.+) → (.+)", text, re.S):
            before, after = read_dose(match.group(2)), read_dose(match.group(3))
            if before is None or after is None:
                return None
            exercise = self.exercise(match.group(1))
            return {"code": "dose", "exercise": exercise, "from": before, "to": after}
        return None

    def changes(self, summary, changed_on):
        """A stored sentence as codes; what can't be read back exactly stays in words."""
        changes = []
        for index, text in enumerate(split_phrases(summary)):
            # The sentence's first letter was made a capital: try the phrase as written too.
            tries = [text[:1].lower() + text[1:], text] if index == 0 else [text]
            for attempt in tries:
                change = self.change(attempt, changed_on)
                if change is not None and phrase(change) == attempt:
                    break
            else:
                change = {"code": "text", "text": text}
            changes.append(change)
        if summary_text(changes) != summary:
            return [{"code": "text", "text": summary}]
        return changes


def _day_of(moment):
    if isinstance(moment, datetime):
        return moment.date()
    return date.fromisoformat(str(moment)[:10])


def _readers(connection):
    """The library's exercises by name, and each routine's by name (when one of its exercises
    has it): the exercises the sentences named."""
    library = {
        name: (exercise_id, slug)
        for exercise_id, slug, name in connection.execute(
            sa.text("SELECT id, slug, name FROM exercises WHERE slug IS NOT NULL")
        )
    }
    by_routine = {}
    for routine_id, exercise_id, slug, name in connection.execute(
        sa.text(
            "SELECT routine_items.routine_id, exercises.id, exercises.slug, exercises.name "
            "FROM routine_items JOIN exercises ON exercises.id = routine_items.exercise_id"
        )
    ):
        by_routine.setdefault(routine_id, {}).setdefault(name, set()).add((exercise_id, slug))
    return library, {
        routine_id: {name: found.pop() for name, found in names.items() if len(found) == 1}
        for routine_id, names in by_routine.items()
    }


# The rows as this migration reads and writes them: SQLAlchemy writes the JSON for each database.
programme_changes = sa.table(
    "programme_changes",
    sa.column("id", sa.Integer),
    sa.column("routine_id", sa.Integer),
    sa.column("changed_at", sa.DateTime),
    sa.column("summary", sa.Text),
    sa.column("changes", sa.JSON),
)


def upgrade():
    op.add_column("programme_changes", sa.Column("changes", sa.JSON(), nullable=True))
    connection = op.get_bind()
    library, of_routines = _readers(connection)
    table = programme_changes
    rows = connection.execute(
        sa.select(table.c.id, table.c.routine_id, table.c.changed_at, table.c.summary)
    ).all()
    for change_id, routine_id, changed_at, summary in rows:
        reader = Reader(library, of_routines.get(routine_id, {}))
        changes = reader.changes(summary, _day_of(changed_at))
        connection.execute(table.update().where(table.c.id == change_id).values(changes=changes))
    # A copy of the table on SQLite: nothing refers to programme_changes.
    with op.batch_alter_table("programme_changes") as batch:
        batch.alter_column("changes", existing_type=sa.JSON(), nullable=False)
        batch.drop_column("summary")


def downgrade():
    op.add_column("programme_changes", sa.Column("summary", sa.Text(), nullable=True))
    connection = op.get_bind()
    table = programme_changes
    for change_id, changes in connection.execute(sa.select(table.c.id, table.c.changes)).all():
        summary = summary_text(changes)
        connection.execute(table.update().where(table.c.id == change_id).values(summary=summary))
    with op.batch_alter_table("programme_changes") as batch:
        batch.alter_column("summary", existing_type=sa.Text(), nullable=False)
        batch.drop_column("changes")
