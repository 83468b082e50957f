"""Check-in rules that need no request: tracked regions, saving a day's scores."""

from datetime import date

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..clinical import DEFAULT_REGIONS, REGIONS
from ..extensions import db
from ..models import CheckIn, PainScore, TrackedRegion

DETAIL_FIELDS = (
    "day_kind",
    "stiffness",
    "sleep_quality",
    "stress",
    "medication_taken",
    "medication_note",
    "note",
)


# Built once with bind parameters: building a statement costs several times running it,
# and Today runs these on every view (docs/benchmarks.md). Those that read columns, not objects,
# run on the session's connection: the ORM's handling of a result cost as much as the query.
_TRACKED_REGIONS = (
    db.select(TrackedRegion.region)
    .where(TrackedRegion.user_id == bindparam("user_id"))
    .order_by(TrackedRegion.position, TrackedRegion.id)
)
_CHECKIN_OF_DAY = (
    db.select(CheckIn)
    .where(CheckIn.user_id == bindparam("user_id"), CheckIn.day == bindparam("day"))
    .options(joinedload(CheckIn.scores))
)


def tracked_regions(user_id: int) -> list[str]:
    """The regions the client chose, or the defaults until they choose (they can't choose none)."""
    stored = db.session.connection().execute(_TRACKED_REGIONS, {"user_id": user_id}).scalars()
    return [region for region in stored if region in REGIONS] or list(DEFAULT_REGIONS)


def set_tracked_regions(user_id: int, regions: list[str]) -> None:
    """Keep exactly these regions, in the reference order. Past scores are never touched."""
    wanted = [key for key in REGIONS if key in set(regions)]
    db.session.execute(db.delete(TrackedRegion).filter_by(user_id=user_id))
    db.session.add_all(
        TrackedRegion(user_id=user_id, region=region, position=position)
        for position, region in enumerate(wanted)
    )
    db.session.commit()


def checkin_for(user_id: int, day: date) -> CheckIn | None:
    """The day's check-in with its scores, in one query."""
    found = db.session.execute(_CHECKIN_OF_DAY, {"user_id": user_id, "day": day})
    return found.unique().scalar_one_or_none()


def save_checkin(
    user_id: int,
    day: date,
    scores: dict[str, int | None],
    details: dict,
    existing: CheckIn | None = None,
) -> CheckIn:
    """Create or update the one check-in of that day with the given scores and details; what is
    not given stays as it is. A region scored None is "not rated": its score row is removed,
    never written as 0. Sending the same form twice changes nothing. `existing` is the day's
    check-in when the caller has just read it (it is not read again)."""
    try:
        return _write_checkin(user_id, day, scores, details, existing)
    except IntegrityError:
        # Another request created the day's row between our read and insert; update that one.
        db.session.rollback()
        return _write_checkin(user_id, day, scores, details, None)


def _write_checkin(user_id, day, scores, details, existing) -> CheckIn:
    checkin = existing or checkin_for(user_id, day) or CheckIn(user_id=user_id, day=day)
    for name, value in details.items():
        setattr(checkin, name, value)
    existing = {score.region: score for score in checkin.scores}
    for region, value in scores.items():
        if value is None:
            if region in existing:
                checkin.scores.remove(existing[region])
        elif region in existing:
            existing[region].score = value
        else:
            checkin.scores.append(PainScore(region=region, score=value))
    db.session.add(checkin)
    db.session.commit()
    return checkin
