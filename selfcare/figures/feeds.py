"""How a change to a table reaches a client's figures, declared on each model as its
`__figures__` attribute (models.py) and read by one flush listener (figures/listener.py). A model
that holds a client's data either feeds their figures or says why not; tests/test_figures_kept.py
walks the tables and fails for one that does neither, so a new model can't be forgotten."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import inspect


def _follow(instance, path: str):
    """The value at a dotted attribute path ("checkin.user_id"), or None where a link is
    missing. A relationship not loaded yet is loaded: this runs inside a flush."""
    value = instance
    for name in path.split("."):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def _now_and_before(instance, path: str) -> set:
    """The path's value and, for a column of the row itself, what it was before this flush."""
    values = {_follow(instance, path)}
    if "." not in path:
        history = inspect(instance).attrs[path].history
        values.update(history.deleted or ())
    values.discard(None)
    return values


@dataclass(frozen=True)
class Feeds:
    """A change to a row of this model changes its client's figures.

    `owner`: the path to the client's user id. `day`: the path to the day the row describes,
    when its pain periods (figures/periods.py) depend on it; `period_offsets`: which days' pain
    periods it changes, relative to that day (a routine log changes the next day's "pain after a
    routine"). `columns`: only a change to one of these matters (every change when None)."""

    owner: str
    day: str | None = None
    period_offsets: tuple[int, ...] = ()
    columns: tuple[str, ...] | None = None

    def matters(self, instance) -> bool:
        """Whether an update of `instance` reaches the figures (added or deleted rows always do)."""
        if self.columns is None:
            return True
        attributes = inspect(instance).attrs
        return any(attributes[column].history.has_changes() for column in self.columns)

    def owners(self, instance) -> set[int]:
        return _now_and_before(instance, self.owner)

    def period_days(self, instance) -> set[date]:
        """The days whose pain periods this change touches (old and new day of a moved row)."""
        if self.day is None:
            return set()
        days = _now_and_before(instance, self.day)
        return {day + timedelta(days=offset) for day in days for offset in self.period_offsets}


@dataclass(frozen=True)
class NoFigures:
    """This model holds a client's (or a therapist's) data but no figure is computed from it;
    `why` says so for the next reader."""

    why: str
