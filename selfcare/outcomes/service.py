"""Saving and loading PSFS activities, scorings and therapists' requests to score again, and
the PSFS chart with its summary; for the pages, the trends, the report and the exports."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import bindparam, exists, func, select

from .. import insights, svgchart
from ..dates import format_day
from ..extensions import db
from ..models import PsfsActivity, PsfsRequest, PsfsScore, PsfsScoring, utcnow
from ..number_format import decimal
from ..submissions import add_once

# The shortest span the chart shows.
CHART_MIN_DAYS = 28


def active_activities(user_id: int) -> list[PsfsActivity]:
    return list(
        db.session.scalars(
            db.select(PsfsActivity)
            .filter_by(user_id=user_id, retired_at=None)
            .order_by(PsfsActivity.created_at, PsfsActivity.id)
        )
    )


def retired_activities(user_id: int) -> list[PsfsActivity]:
    return list(
        db.session.scalars(
            db.select(PsfsActivity)
            .where(PsfsActivity.user_id == user_id, PsfsActivity.retired_at.is_not(None))
            .order_by(PsfsActivity.retired_at.desc())
        )
    )


def add_activities(user_id: int, names: Iterable[str]) -> None:
    db.session.add_all(PsfsActivity(user_id=user_id, name=name) for name in names)
    db.session.commit()


def rename_activity(activity: PsfsActivity, name: str) -> None:
    activity.name = name
    db.session.commit()


def retire_activity(activity: PsfsActivity) -> None:
    """No longer scored; its past scores stay in the history and the charts."""
    activity.retired_at = utcnow()
    db.session.commit()


def add_scoring(
    user_id: int,
    day: date,
    scores: dict[int, int],
    submission_id: str,
    entered_by_id: int | None = None,
) -> tuple[PsfsScoring, bool]:
    """Save a scoring (activity id -> 0-10) and answer any open request to score again.
    Returns it and whether it is new: a form sent twice is saved once."""

    def build():
        scoring = PsfsScoring(
            user_id=user_id, day=day, submission_id=submission_id, entered_by_id=entered_by_id
        )
        scoring.scores = [PsfsScore(activity_id=key, score=value) for key, value in scores.items()]
        return scoring

    scoring, is_new = add_once(PsfsScoring, user_id, submission_id, build)
    if is_new:
        db.session.execute(
            db.update(PsfsRequest)
            .where(PsfsRequest.client_id == user_id, PsfsRequest.answered_at.is_(None))
            .values(answered_at=utcnow())
        )
        db.session.commit()
    return scoring, is_new


def update_scoring(scoring: PsfsScoring, day: date, scores: dict[int, int]) -> None:
    scoring.day = day
    for row in scoring.scores:
        row.score = scores.get(row.activity_id, row.score)
    db.session.commit()


def ask_to_rescore(client_id: int, therapist_id: int) -> bool:
    """Record a therapist's request; False when one is already open (nothing added)."""
    open_request = db.session.scalar(
        db.select(PsfsRequest.id).filter_by(client_id=client_id, answered_at=None).limit(1)
    )
    if open_request is not None:
        return False
    db.session.add(PsfsRequest(client_id=client_id, therapist_id=therapist_id))
    db.session.commit()
    return True


def _open_request(client_id):  # an id, or the bind parameter of one
    return exists().where(PsfsRequest.client_id == client_id, PsfsRequest.answered_at.is_(None))


def has_open_request(client_id: int) -> bool:
    return db.session.scalar(select(_open_request(client_id)))


# Built once: Today asks it on every view, on the session's connection (see checkins.service).
_TODAY_STATUS = select(
    select(func.max(PsfsScoring.day))
    .where(PsfsScoring.user_id == bindparam("user_id"))
    .scalar_subquery(),
    exists().where(PsfsActivity.user_id == bindparam("user_id"), PsfsActivity.retired_at.is_(None)),
    _open_request(bindparam("user_id")),
)


def today_status(user_id: int, today: date) -> str:
    """What Today offers (insights.psfs_due), in one query."""
    last_day, has_activities, requested = (
        db.session.connection().execute(_TODAY_STATUS, {"user_id": user_id}).one()
    )
    return insights.psfs_due(last_day, today, bool(requested), bool(has_activities))


@dataclass(frozen=True)
class ScoringPoint:
    """One scoring as the charts, report and exports read it."""

    id: int
    day: date
    scores: dict[int, int]  # activity id -> 0-10

    @property
    def mean(self) -> float:
        return insights.psfs_mean(self.scores.values())


@dataclass(frozen=True)
class PsfsScores:
    points: list[ScoringPoint]  # oldest first
    names: dict[int, str]  # activity id -> its name now


def psfs_score_rows(client_id: int, *conditions):
    """Every PSFS score of the client (those meeting `conditions`) with its scoring's day and
    who entered it, and the activity's name now, oldest first: one query."""
    return db.session.execute(
        db.select(
            PsfsScoring.id,
            PsfsScoring.day,
            PsfsScoring.entered_by_id,
            PsfsScore.activity_id,
            PsfsActivity.name,
            PsfsScore.score,
        )
        .join(PsfsScore, PsfsScore.scoring_id == PsfsScoring.id)
        .join(PsfsActivity, PsfsActivity.id == PsfsScore.activity_id)
        .where(PsfsScoring.user_id == client_id, *conditions)
        .order_by(PsfsScoring.day, PsfsScoring.id, PsfsScore.activity_id)
    ).all()


def load_psfs(client_id: int) -> PsfsScores:
    """Every scoring with its scores and the activities' names."""
    points: dict[int, ScoringPoint] = {}
    names: dict[int, str] = {}
    for scoring_id, day, _entered_by, activity_id, name, score in psfs_score_rows(client_id):
        point = points.setdefault(scoring_id, ScoringPoint(scoring_id, day, {}))
        point.scores[activity_id] = score
        names[activity_id] = name
    return PsfsScores(list(points.values()), names)


@dataclass(frozen=True)
class ItemChange:
    name: str
    change: insights.Change


@dataclass(frozen=True)
class PsfsPanel:
    chart: Markup
    summary: str
    points: list[ScoringPoint]
    names: dict[int, str]
    since_first: insights.Change | None
    since_previous: insights.Change | None
    items: list[ItemChange]  # each activity of the latest scoring against its first score

    mdc_mean = insights.PSFS_MDC_MEAN
    mdc_item = insights.PSFS_MDC_ITEM

    @property
    def latest(self) -> ScoringPoint:
        return self.points[-1]

    @property
    def since_first_text(self) -> str:
        return change_words(self.since_first, self.mdc_mean)

    @property
    def since_previous_text(self) -> str:
        return change_words(self.since_previous, self.mdc_mean)


def change_words(change: insights.Change | None, mdc: float) -> str:
    """A change in plain words, for the summary and the report."""
    if change is None:
        return _("nothing to compare with yet")
    verdict = insights.psfs_verdict(change)
    before, after = decimal(change.before), decimal(change.after)
    mdc_text, delta = format(mdc, "g"), decimal(abs(change.delta))
    if verdict == "same":
        return _(
            "%(before)s → %(after)s, within the %(mdc)s points the scale can vary by itself",
            before=before,
            after=after,
            mdc=mdc_text,
        )
    if verdict == "better":
        return _(
            "%(before)s → %(after)s, better: a change of %(delta)s points, at least the "
            "%(mdc)s-point minimal detectable change",
            before=before,
            after=after,
            delta=delta,
            mdc=mdc_text,
        )
    return _(
        "%(before)s → %(after)s, worse: a change of %(delta)s points, at least the "
        "%(mdc)s-point minimal detectable change",
        before=before,
        after=after,
        delta=delta,
        mdc=mdc_text,
    )


def psfs_panel(
    history: PsfsScores, today: date, appointments: Iterable[date] = ()
) -> PsfsPanel | None:
    """The chart and its summary, or None before the first scoring."""
    points = history.points
    if not points:
        return None
    first, latest = points[0], points[-1]
    since_first = insights.psfs_change(first.mean, latest.mean) if len(points) > 1 else None
    since_previous = insights.psfs_change(points[-2].mean, latest.mean) if len(points) > 1 else None
    first_scores: dict[int, int] = {}
    for point in points[:-1]:
        for activity, score in point.scores.items():
            first_scores.setdefault(activity, score)
    items = [
        ItemChange(history.names[activity], change)
        for activity, change in insights.psfs_item_changes(first_scores, latest.scores).items()
    ]
    summary = ngettext(
        "Activity score %(score)s out of 10 on %(day)s (the mean of %(num)d activity; higher "
        "is better).",
        "Activity score %(score)s out of 10 on %(day)s (the mean of %(num)d activities; "
        "higher is better).",
        len(latest.scores),
        score=decimal(latest.mean),
        day=format_day(latest.day, "short"),
    )
    if since_first is not None:
        # Translators: follows the sentence before; change is e.g. "4.0 → 6.5, better: ...".
        summary += " " + _(
            "Since the first scoring on %(day)s: %(change)s.",
            day=format_day(first.day, "short"),
            change=change_words(since_first, insights.PSFS_MDC_MEAN),
        )
    chart = svgchart.outcome_chart(
        chart_id="psfs",
        title=_("Activity score (PSFS), 0 to 10, higher is better"),
        description=summary
        + " "
        + _(
            "Shaded: within %(mdc)s points of the first score. Squares: scores that differ "
            "from the first by that much or more.",
            mdc=format(insights.PSFS_MDC_MEAN, "g"),
        ),
        means={point.day: point.mean for point in points},
        band_around=first.mean,
        band_half_width=insights.PSFS_MDC_MEAN,
        # A month at least, so a first scoring is a point on a line-to-be, not the whole axis.
        start=min(first.day, today - timedelta(days=CHART_MIN_DAYS)),
        end=today,
        appointments=appointments,
    )
    return PsfsPanel(chart, summary, points, history.names, since_first, since_previous, items)
