"""Forms that carry a submission id are saved once, however often they arrive: a double tap, a
retried request, two at the same moment. An API write's Idempotency-Key is kept the same way,
and gives the rows it saves their submission id."""

import uuid

from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import IdempotencyKey

# Names the submission ids made from Idempotency-Keys (uuid5 of the key).
IDEMPOTENCY_KEYS = uuid.UUID("1d6c1f3e-5b8a-4f0e-9c47-2a8e6b3d9f51")


def add_once(model, user_id: int, submission_id: str, build):
    """The row of `model` this user already saved with `submission_id`, or a new one made by
    `build()`. Returns the row and whether it is new. The unique (user_id, submission_id)
    constraint settles a race between two requests."""
    earlier = saved_with(model, user_id, submission_id)
    if earlier is not None:
        return earlier, False
    row = build()
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        earlier = saved_with(model, user_id, submission_id)
        if earlier is None:  # some other constraint failed: not ours to hide
            raise
        return earlier, False
    return row, True


def saved_with(model, user_id: int, submission_id: str):
    """The row of `model` this user saved with `submission_id`, if any."""
    return db.session.scalar(
        db.select(model).filter_by(user_id=user_id, submission_id=submission_id)
    )


def submission_id_of_key(key: str) -> str:
    """The submission id of the row an API write with this Idempotency-Key saves."""
    return str(uuid.uuid5(IDEMPOTENCY_KEYS, key))


def claim_key(user_id: int, key: str, request_digest: str) -> IdempotencyKey | None:
    """Take this user's `key` for the request, in the current transaction: it is kept only if
    the request's write commits. Returns None once taken, or the row of the request that took
    it before (in PostgreSQL, one still running is waited for)."""
    earlier = _key_row(user_id, key)
    if earlier is not None:
        return earlier
    db.session.add(IdempotencyKey(user_id=user_id, key=key, request_digest=request_digest))
    try:
        db.session.flush()
    except IntegrityError:  # taken meanwhile, by a request that has committed since
        db.session.rollback()
        return _key_row(user_id, key)
    return None


def _key_row(user_id: int, key: str) -> IdempotencyKey | None:
    return db.session.scalar(db.select(IdempotencyKey).filter_by(user_id=user_id, key=key))
