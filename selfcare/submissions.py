"""Forms that carry a submission id are saved once, however often they arrive: a double tap, a
retried request, two at the same moment."""

from sqlalchemy.exc import IntegrityError

from .extensions import db


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
