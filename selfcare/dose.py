"""A dose of an exercise and how it reads: "3 × 30 s each side", "2 × 10", "2 min"."""

from dataclasses import asdict, dataclass


def _seconds(seconds: int) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds // 60} min"
    if seconds > 60:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds} s"


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
            parts.append(f"{self.reps} × {_seconds(self.hold_seconds)} hold")
        elif self.reps:
            parts.append(f"{self.reps}")
        elif self.hold_seconds:
            parts.append(_seconds(self.hold_seconds))
        if self.duration_seconds:
            parts.append(_seconds(self.duration_seconds))
        amount = " + ".join(parts)
        if self.sets and self.sets > 1:
            amount = f"{self.sets} × {amount}" if amount else f"{self.sets} sets"
        if self.per_side and amount:
            amount += " each side"
        return amount or "as it feels right"
