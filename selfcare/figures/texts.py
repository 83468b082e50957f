"""The kept figures in words: one sentence for each, the same on every page, and a short fixed
form of each figure for the `data-figure` values pages carry (so tests can compare pages)."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from .. import insights
from ..dates import format_day
from ..number_format import decimal, percent
from .kept import ClientFigures, RegionFigures

WEEK = insights.AVERAGE_WINDOW_DAYS


def average_text(label: str, figures: RegionFigures | None) -> str:
    """The region's 7-day average in words, with the days it rests on: the same sentence on
    Trends, the report and the therapist's page."""
    days = figures.week.count if figures else 0
    average = figures.average if figures else None
    if average is not None:
        # Translators: region is a body region's name ("Neck"), or "All regions".
        return ngettext(
            "%(region)s pain averaged %(average)s over %(num)d day of the last %(week)d.",
            "%(region)s pain averaged %(average)s over %(num)d days of the last %(week)d.",
            days,
            region=label,
            average=decimal(average),
            week=WEEK,
        )
    if not days:
        # Translators: region is a body region's name in lower case ("neck").
        return _("No %(region)s scores in the last %(week)d days.", region=label.lower(), week=WEEK)
    return ngettext(
        "%(region)s: %(num)d score in the last %(week)d days, too few for an average "
        "(%(needed)d needed).",
        "%(region)s: %(num)d scores in the last %(week)d days, too few for an average "
        "(%(needed)d needed).",
        days,
        region=label,
        week=WEEK,
        needed=insights.MIN_DAYS_FOR_AVERAGE,
    )


def adherence_text(figure: insights.Adherence) -> str:
    """The adherence figure in words, saying what it counts and from when: the same sentence on
    Trends, the report, the therapist's page and the calendar's description."""
    days = (figure.end - figure.start).days + 1
    whole_window = days >= insights.ADHERENCE_WINDOW_DAYS
    since = format_day(figure.start, "short")
    if figure.share is None:
        if figure.against_plan:
            if whole_window:
                return _(
                    "Nothing in the plan has come round yet in the last %(days)d days.", days=days
                )
            return _("Nothing in the plan has come round yet since %(day)s.", day=since)
        if figure.resting:
            if whole_window:
                return _(
                    "Every day in the last %(days)d days was a rest or flare day: nothing to "
                    "count.",
                    days=days,
                )
            return _(
                "Every day since %(day)s was a rest or flare day: nothing to count.", day=since
            )
        return _("Nothing to count yet: today counts once a routine is done.")
    counts = {"done": figure.done, "share": percent(figure.share)}
    # Translators: done and num are sessions or days, share their percentage ("6 of 6 (100%)").
    if figure.against_plan and whole_window:
        text = ngettext(
            "Planned session done in the last %(days)d days: %(done)d of %(num)d (%(share)s)",
            "Planned sessions done in the last %(days)d days: %(done)d of %(num)d (%(share)s)",
            figure.counted,
            days=days,
            **counts,
        )
    elif figure.against_plan:
        text = ngettext(
            "Planned session done since %(day)s: %(done)d of %(num)d (%(share)s)",
            "Planned sessions done since %(day)s: %(done)d of %(num)d (%(share)s)",
            figure.counted,
            day=since,
            **counts,
        )
    elif whole_window:
        text = ngettext(
            "Routine day in the last %(days)d days: %(done)d of %(num)d (%(share)s)",
            "Routine days in the last %(days)d days: %(done)d of %(num)d (%(share)s)",
            figure.counted,
            days=days,
            **counts,
        )
    else:
        text = ngettext(
            "Routine day since %(day)s: %(done)d of %(num)d (%(share)s)",
            "Routine days since %(day)s: %(done)d of %(num)d (%(share)s)",
            figure.counted,
            day=since,
            **counts,
        )
    if figure.resting:
        # Translators: figure is the sentence before, e.g. "Routine days in the last 14 days:
        # 9 of 12 (75%)".
        return ngettext(
            "%(figure)s, not counting %(num)d rest or flare day.",
            "%(figure)s, not counting %(num)d rest or flare days.",
            figure.resting,
            figure=text,
        )
    # Translators: the end of the figure's sentence, e.g. "Routine days in the last 14 days:
    # 9 of 12 (75%)."
    return _("%(figure)s.", figure=text)


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
