"""The dashboard: one row per sharing client, from four queries however many clients."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean

from sqlalchemy import func

from .. import insights
from ..clinical import REGIONS
from ..extensions import db
from ..localtime import as_date, local_today, raw_day
from ..models import CheckIn, PainScore, RoutineLog, Share, User

LOOKBACK_DAYS = 14
ADHERENCE_DAYS = 14
TREND_THRESHOLD = 0.5  # points; smaller week-to-week shifts are noise, shown as steady


@dataclass(frozen=True)
class ClientRow:
    client: User
    since: date
    last_checkin: date | None
    latest_pain: float | None
    week_average: float | None
    trend: str  # "up", "down", "same" or "" when there is too little data
    adherence: float | None
    worsening_regions: list[str]
    inactive: bool

    @property
    def flagged(self) -> bool:
        return bool(self.worsening_regions) or self.inactive


def dashboard_rows(therapist_id: int) -> list[ClientRow]:
    shares = db.session.execute(
        db.select(User, Share.since)
        .join(Share, Share.client_id == User.id)
        .where(Share.therapist_id == therapist_id, Share.revoked_at.is_(None))
    ).all()
    if not shares:
        return []
    sharing = db.select(Share.client_id).where(
        Share.therapist_id == therapist_id, Share.revoked_at.is_(None)
    )
    # Clients live in different time zones; load a day extra and cut per client below.
    earliest = min(local_today(user.timezone) for user, _ in shares) - timedelta(
        days=LOOKBACK_DAYS + 1
    )
    core = db.session.connection()  # plain tuples: thousands of them, no ORM objects needed
    # The newest check-in per client, found with one index seek each (not a scan of all rows).
    newest = db.select(func.max(CheckIn.day)).where(CheckIn.user_id == Share.client_id)
    last_day = (
        db.select(Share.client_id.label("user_id"), newest.scalar_subquery().label("day"))
        .where(Share.therapist_id == therapist_id, Share.revoked_at.is_(None))
        .subquery()
    )
    last_checkin: dict[int, date] = {}
    latest_scores: dict[int, list[float]] = defaultdict(list)
    for user_id, day, score in core.execute(
        db.select(last_day.c.user_id, last_day.c.day, PainScore.score)
        .join(CheckIn, (CheckIn.user_id == last_day.c.user_id) & (CheckIn.day == last_day.c.day))
        .outerjoin(PainScore, PainScore.checkin_id == CheckIn.id)
    ).all():
        last_checkin[user_id] = day
        if score is not None:
            latest_scores[user_id].append(score)
    pain: dict[int, dict[str, dict[date, float]]] = defaultdict(lambda: defaultdict(dict))
    rest_days: dict[int, set[date]] = defaultdict(set)
    for user_id, day_text, kind, region, score in core.execute(
        db.select(
            CheckIn.user_id,
            raw_day(CheckIn.day),
            CheckIn.day_kind,
            PainScore.region,
            PainScore.score,
        )
        .outerjoin(PainScore, PainScore.checkin_id == CheckIn.id)
        .where(CheckIn.user_id.in_(sharing), CheckIn.day >= earliest)
    ).all():
        day = as_date(day_text)
        if region is not None:
            pain[user_id][region][day] = score
        if kind != "normal":
            rest_days[user_id].add(day)
    routine_days: dict[int, set[date]] = defaultdict(set)
    for user_id, day in core.execute(
        db.select(RoutineLog.user_id, raw_day(RoutineLog.day))
        .where(RoutineLog.user_id.in_(sharing), RoutineLog.day >= earliest)
        .distinct()
    ).all():
        routine_days[user_id].add(as_date(day))
    rows = [
        _row(
            user,
            since,
            last_checkin.get(user.id),
            latest_scores.get(user.id),
            pain[user.id],
            routine_days[user.id],
            rest_days[user.id],
        )
        for user, since in shares
    ]
    return sorted(rows, key=lambda row: (not row.flagged, row.client.name.lower()))


def overall_by_day(by_region: dict[str, dict[date, float]]) -> dict[date, float]:
    """One number per day for the dashboard: the mean of the regions rated that day."""
    days: dict[date, list[float]] = defaultdict(list)
    for series in by_region.values():
        for day, score in series.items():
            days[day].append(score)
    return {day: fmean(scores) for day, scores in days.items()}


def _trend(change: insights.Change | None) -> str:
    """The arrow: up or down only for a shift of half a point or more, else steady."""
    if change is None:
        return ""
    return change.direction if abs(change.delta) >= TREND_THRESHOLD else "same"


def _row(user, since, last_checkin, latest_scores, by_region, routine_days, rest_days) -> ClientRow:
    today = local_today(user.timezone)
    overall = overall_by_day(by_region)
    change = insights.last_week_change(overall, "", today)
    week = insights.window_mean(
        overall, today - timedelta(days=insights.AVERAGE_WINDOW_DAYS - 1), today
    )
    start = today - timedelta(days=ADHERENCE_DAYS - 1)
    return ClientRow(
        client=user,
        since=since.date(),
        last_checkin=last_checkin,
        latest_pain=fmean(latest_scores) if latest_scores else None,
        week_average=week,
        trend=_trend(change),
        adherence=insights.adherence(routine_days, rest_days, start, today).share,
        worsening_regions=[
            REGIONS[region].label
            for region, series in by_region.items()
            if region in REGIONS and insights.is_worsening(series, region, today)
        ],
        inactive=insights.is_inactive(last_checkin, today),
    )
