"""Two edits of one record (two tabs, a phone and a laptop) merged field by field: a save
writes only what that page changed, and a field changed in both places is put to the person."""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from .dates import format_day
from .number_format import short_decimal


@dataclass(frozen=True)
class Conflict:
    mine: Any  # what this page sends
    theirs: Any  # what was saved elsewhere since this page was loaded


@dataclass(frozen=True)
class Merge:
    changes: dict[str, Any] = field(default_factory=dict)
    conflicts: dict[str, Conflict] = field(default_factory=dict)


def comparable(value: Any) -> Any:
    """One form for values that mean the same: 60, 60.0 and Decimal("60"); a date and its
    ISO text; "" and None."""
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    if value == "":
        return None
    if isinstance(value, list | tuple):
        return [comparable(item) for item in value]
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    return value


def merge_edits(
    loaded: Mapping[str, Any] | None, mine: Mapping[str, Any], current: Mapping[str, Any]
) -> Merge:
    """What to write of `mine`, given what the page showed when it was loaded and what is
    stored now. A field this page left as loaded is not written (another place may have changed
    it). A field changed here is written when nobody else changed it, or when they changed it to
    the same value; otherwise it is a conflict. Without `loaded` (an old page, the API), every
    field of `mine` is written."""
    changes, conflicts = {}, {}
    for name, sent in mine.items():
        value = comparable(sent)
        now = comparable(current.get(name))
        before = now if loaded is None else comparable(loaded.get(name))
        if value == before:
            continue
        if now in (before, value):
            changes[name] = sent
        else:
            conflicts[name] = Conflict(sent, current.get(name))
    return Merge(changes, conflicts)


def readable(value: Any) -> str:
    """A stored or sent value as a person reads it in a sentence."""
    if value is None or value == "":
        return _("nothing")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        # Translators: what someone typed, quoted in a sentence (the language's own quotes).
        return _("“%(text)s”", text=f"{value[:60]}…" if len(value) > 60 else value)
    if isinstance(value, date):
        return format_day(value)
    return short_decimal(value) if isinstance(value, float) else str(value)


def conflict_message(theirs: str, mine: str) -> str:
    return _(
        "While this page was open, this was saved elsewhere as %(theirs)s. Yours, %(mine)s, is "
        "filled in: save to keep it, or change it.",
        theirs=theirs,
        mine=mine,
    )


def mark_conflicts(form, conflicts: dict[str, Conflict], describe=None) -> None:
    """Put each conflict next to its field, in words; `describe(field, value)` may word a
    value better than `readable` (a pain score "not rated", a day kind by its label)."""
    for name, conflict in conflicts.items():
        field = form[name]
        theirs, mine = (
            (describe(field, conflict.theirs), describe(field, conflict.mine))
            if describe
            else (readable(conflict.theirs), readable(conflict.mine))
        )
        # A form built afresh has its errors as a tuple; one that was validated, a list.
        field.errors = [*field.errors, conflict_message(theirs, mine)]


def snapshot_text(values: Mapping[str, Any]) -> str:
    """What a page carries in a hidden field to say what it showed."""
    return json.dumps({name: comparable(value) for name, value in values.items()}, sort_keys=True)


def read_snapshot(text: str | None) -> dict[str, Any] | None:
    """The snapshot a page sent back, or None when it sent none (or something else)."""
    try:
        values = json.loads(text or "")
    except (ValueError, RecursionError):
        return None
    return values if isinstance(values, dict) else None


def show_loaded(form, stored: Mapping[str, Any]) -> None:
    """Note on an edit form what its page shows, for the merge when it is saved."""
    form.loaded.data = snapshot_text(stored)


def save_edit(
    form,
    sent: Mapping[str, Any],
    stored: Mapping[str, Any],
    write: Callable[[dict], None],
    *,
    stored_again: Callable[[], Mapping[str, Any]],
    shown_again: Callable[[dict[str, Conflict]], Any],
    describe=None,
    show_mine: Callable | None = None,
):
    """The one flow of every form that edits a saved record (a check-in, a log, a scoring, a
    measurement, doses): merge what `form` sent with what was `stored` before this save,
    against what its page was loaded with, and `write(changes)` this page's own changes (when
    it made any).
    Returns the merge and the form to show: `form` itself when nothing clashed; else
    `shown_again(conflicts)` (the record as now stored, or None to keep the form as sent) with this
    page's value and both versions in words on each field that clashed (`show_mine(form,
    conflicts)` where a page words them its own way), and a snapshot of `stored_again()`, for
    the page to answer 409."""
    merge = merge_edits(read_snapshot(form.loaded.data), sent, stored)
    if merge.changes:
        write(merge.changes)
    if not merge.conflicts:
        return merge, form
    shown = shown_again(merge.conflicts) or form
    if show_mine:
        show_mine(shown, merge.conflicts)
    else:
        if shown is not form:
            for name, conflict in merge.conflicts.items():
                shown[name].data = conflict.mine
        mark_conflicts(shown, merge.conflicts, describe)
    show_loaded(shown, stored_again())
    return merge, shown
