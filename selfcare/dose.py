"""A dose of an exercise and how it reads: "3 × 30 s each side", "2 × 10", "2 min"."""

from dataclasses import asdict, dataclass

from flask_babel import gettext as _
from flask_babel import ngettext


def _seconds(seconds: int) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        # Translators: a time in minutes, as in "2 min".
        return _("%(minutes)d min", minutes=seconds // 60)
    if seconds > 60:
        # Translators: a time in minutes and seconds, as in "1 min 30 s".
        return _("%(minutes)d min %(seconds)d s", minutes=seconds // 60, seconds=seconds % 60)
    # Translators: a time in seconds, as in "30 s".
    return _("%(seconds)d s", seconds=seconds)


@dataclass(frozen=True)
class Dose:
    """Sets × reps, a hold, a duration, on each side or not. Any part may be left open."""

    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    duration_seconds: int | None = None
    per_side: bool = False

    def as_columns(self) -> dict:
        return asdict(self)

    def text(self) -> str:
        parts = []
        if self.reps and self.hold_seconds:
            # Translators: repetitions of a hold, as in "5 × 3 s hold".
            parts.append(
                _("%(reps)d × %(hold)s hold", reps=self.reps, hold=_seconds(self.hold_seconds))
            )
        elif self.reps:
            parts.append(f"{self.reps}")
        elif self.hold_seconds:
            parts.append(_seconds(self.hold_seconds))
        if self.duration_seconds:
            parts.append(_seconds(self.duration_seconds))
        amount = " + ".join(parts)
        if self.sets and self.sets > 1:
            if amount:
                # Translators: sets of an amount, as in "3 × 10" or "2 × 1 min".
                amount = _("%(sets)d × %(amount)s", sets=self.sets, amount=amount)
            else:
                amount = ngettext("%(num)d set", "%(num)d sets", self.sets)
        if self.per_side and amount:
            # Translators: as in "3 × 30 s each side".
            amount = _("%(amount)s each side", amount=amount)
        # Translators: a dose left open (no sets, repetitions or time given).
        return amount or _("as it feels right")
