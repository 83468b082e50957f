"""The kept figures in words: one sentence for each, the same on every page, and a short fixed
form of each figure for the `data-figure` values pages carry (so tests can compare pages)."""

from datetime import date

from .. import insights
from ..dates import format_day
from .kept import ClientFigures, RegionFigures

WEEK = insights.AVERAGE_WINDOW_DAYS


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def average_text(label: str, figures: RegionFigures | None) -> str:
    """The region's 7-day average in words, with the days it rests on: the same sentence on
    Trends, the report and the therapist's page."""
    days = figures.week.count if figures else 0
    average = figures.average if figures else None
    if average is not None:
        return f"{label} pain averaged {_fmt(average)} over {days} days of the last {WEEK}."
    if not days:
        return f"No {label.lower()} scores in the last {WEEK} days."
    scores = "1 score" if days == 1 else f"{days} scores"
    return (
        f"{label}: {scores} in the last {WEEK} days, too few for an average "
        f"({insights.MIN_DAYS_FOR_AVERAGE} needed)."
    )


def adherence_text(figure: insights.Adherence) -> str:
    """The adherence figure in words, saying what it counts and from when: the same sentence on
    Trends, the report, the therapist's page and the calendar's description."""
    days = (figure.end - figure.start).days + 1
    when = (
        f"in the last {days} days"
        if days >= insights.ADHERENCE_WINDOW_DAYS
        else f"since {format_day(figure.start, 'short')}"
    )
    resting = (
        f", not counting {figure.resting} rest or flare {'day' if figure.resting == 1 else 'days'}"
        if figure.resting
        else ""
    )
    if figure.share is None:
        if figure.against_plan:
            return f"Nothing in the plan has come round yet {when}."
        if figure.resting:
            return f"Every day {when} was a rest or flare day: nothing to count."
        return "Nothing to count yet: today counts once a routine is done."
    if figure.against_plan:
        what = "Planned session" if figure.counted == 1 else "Planned sessions"
        return (
            f"{what} done {when}: {figure.done} of {figure.counted} ({figure.share:.0%}){resting}."
        )
    what = "Routine day" if figure.counted == 1 else "Routine days"
    return f"{what} {when}: {figure.done} of {figure.counted} ({figure.share:.0%}){resting}."


def points(value: float) -> str:
    """Points on a 0-10 scale with the precision a threshold like 1.77 needs: "1.77", "2",
    "1.5", so a change shown as 1.8 never reads as reaching a threshold it is under."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def figure_value(value) -> str:
    """A figure as a short fixed text: a comparison as "3.00>5.00:real" (or "small", or "none"
    below the days it needs), adherence as "done/counted", a day as ISO, a number with two
    decimals."""
    if value is None:
        return "none"
    if isinstance(value, insights.Comparison):
        value = value.change
        if value is None:
            return "none"
    if isinstance(value, insights.Change):
        return f"{value.before:.2f}>{value.after:.2f}:{'real' if value.meaningful else 'small'}"
    if isinstance(value, insights.Adherence):
        return f"{value.done}/{value.counted}"
    if isinstance(value, date):
        return value.isoformat()
    return f"{value:.2f}"


def _comparison_json(comparison: insights.Comparison | None) -> dict | None:
    change = comparison.change if comparison else None
    if change is None:
        return None
    return {
        "before": round(change.before, 2),
        "after": round(change.after, 2),
        "days_before": change.days_before,
        "days_after": change.days_after,
        "real": change.meaningful,
    }


def figures_json(figures: ClientFigures, names: dict[int, str]) -> dict:
    """The kept figures as the API gives them (and the export writes them)."""

    def region_json(each: RegionFigures) -> dict:
        return {
            "average": each.average and round(each.average, 2),
            "days": each.week.count,
            "this_week": _comparison_json(each.this_week),
            "since_session": _comparison_json(each.since_session),
            "worse": each.worse,
        }

    adherence = figures.adherence
    return {
        "date": figures.day.isoformat(),
        "first_day": figures.first_day.isoformat(),
        "last_checkin": figures.last_checkin and figures.last_checkin.isoformat(),
        "latest_pain": figures.latest_pain and round(figures.latest_pain, 2),
        "session": figures.session and figures.session.isoformat(),
        "regions": {each.region: region_json(each) for each in figures.regions},
        "overall": figures.overall and region_json(figures.overall),
        "adherence": adherence
        and {
            "from": adherence.start.isoformat(),
            "to": adherence.end.isoformat(),
            "done": adherence.done,
            "counted": adherence.counted,
            "share": adherence.share and round(adherence.share, 4),
            "against_plan": adherence.against_plan,
            "resting_days": adherence.resting,
        },
        "inactive": figures.inactive,
        "painful_exercises": {
            names.get(exercise, ""): pain for exercise, pain in figures.painful_exercises.items()
        },
        "too_hard_exercises": [names.get(exercise, "") for exercise in figures.too_hard_exercises],
    }
