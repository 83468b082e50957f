"""Tokens and account deletion, without a request."""

import hashlib
import secrets

from ..extensions import db
from ..models import ApiToken, User, utcnow

TOKEN_PREFIX = "sc_"  # noqa: S105 (a label that makes leaked tokens easy to spot)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user_id: int, name: str) -> tuple[ApiToken, str]:
    """A new token; the plain text is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user_id, name=name.strip(), token_hash=hash_token(token), hint=token[:10]
    )
    db.session.add(row)
    db.session.commit()
    return row, token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(db.select(ApiToken).filter_by(token_hash=hash_token(token)))
    if row is None:
        return None
    row.last_used_at = utcnow()
    db.session.commit()
    return db.session.get(User, row.user_id)


def delete_account(user: User) -> None:
    """Remove the user and everything that is theirs. The database's ON DELETE rules do the
    rest: a client's entries, routines, shares, invites, tokens and access log go with them; a
    therapist's shares end, and what they wrote into a client's record (appointments, home
    programs) stays with the client, no longer linked to them."""
    db.session.delete(user)
    db.session.commit()
