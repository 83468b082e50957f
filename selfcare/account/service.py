"""Tokens and account deletion, without a request."""

import hashlib
import secrets
from datetime import timedelta

from ..extensions import db
from ..models import ApiToken, Routine, User, utcnow
from ..routines.exercises import delete_unused_photo, hand_over_exercises

TOKEN_PREFIX = "sc_"  # noqa: S105 (a label that makes leaked tokens easy to spot)
DEFAULT_TOKEN_LIFETIME = timedelta(days=90)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    user_id: int, name: str, *, scope: str, lifetime: timedelta = DEFAULT_TOKEN_LIFETIME
) -> tuple[ApiToken, str]:
    """A new token; the plain text is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user_id,
        name=name.strip(),
        token_hash=hash_token(token),
        hint=token[:10],
        scope=scope,
        expires_at=utcnow() + lifetime,
    )
    db.session.add(row)
    db.session.commit()
    return row, token


def find_token(token: str) -> ApiToken | None:
    """The token's row, expired or not; None when no such token exists (or it was revoked)."""
    return db.session.scalar(db.select(ApiToken).filter_by(token_hash=hash_token(token)))


# "Last used" is shown to the minute; writing it on every request would make each API read a write.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def token_used(row: ApiToken) -> None:
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_RESOLUTION:
        row.last_used_at = now
        db.session.commit()


def tokens_of(user_id: int) -> list[ApiToken]:
    return db.session.scalars(
        db.select(ApiToken).filter_by(user_id=user_id).order_by(ApiToken.created_at)
    ).all()


def delete_account(user: User) -> None:
    """Remove the user and everything that is theirs. The database's ON DELETE rules do the
    rest: a client's entries, routines, shares, invites, tokens and access log go with them; a
    therapist's shares end, and what they wrote into a client's record (appointments, home
    programs) stays with the client, no longer linked to them; so do the exercises of theirs a
    client uses, as that client's own."""
    photos = hand_over_exercises(user.id)
    # Routines (and with them their items and logs) first, in a statement of their own: in one
    # cascade from the user, PostgreSQL may check an own exercise's removal before the routine
    # items that name it are gone, and refuse.
    db.session.execute(db.delete(Routine).where(Routine.user_id == user.id))
    db.session.delete(user)
    db.session.commit()
    for photo in photos:
        delete_unused_photo(photo)
