"""How a dose reads: "3 × 30 s each side", "2 × 10", "2 min"."""


def _seconds(seconds: int) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds // 60} min"
    if seconds > 60:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds} s"


def format_dose(
    sets: int | None = None,
    reps: int | None = None,
    hold_seconds: int | None = None,
    duration_seconds: int | None = None,
    per_side: bool = False,
) -> str:
    parts = []
    if reps and hold_seconds:
        parts.append(f"{reps} × {_seconds(hold_seconds)} hold")
    elif reps:
        parts.append(f"{reps}")
    elif hold_seconds:
        parts.append(_seconds(hold_seconds))
    if duration_seconds:
        parts.append(_seconds(duration_seconds))
    amount = " + ".join(parts)
    if sets and sets > 1:
        amount = f"{sets} × {amount}" if amount else f"{sets} sets"
    if per_side and amount:
        amount += " each side"
    return amount or "as it feels right"


def dose_text(source) -> str:
    """The dose of anything that carries the dose columns (exercise, routine item)."""
    return format_dose(
        source.sets,
        source.reps,
        source.hold_seconds,
        source.duration_seconds,
        getattr(source, "per_side", False),
    )
