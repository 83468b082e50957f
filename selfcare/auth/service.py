"""Accounts and signing in, without the pages: registering, checking passwords, and the signed
links mailed for a new password or to confirm an address."""

import hashlib

from flask import current_app, session
from flask_login import login_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from ..drafts import DRAFT_KEY, carry_over
from ..extensions import db
from ..models import User, utcnow
from ..passwords import hash_password, spend_a_check

RESET_SALT = "selfcare.password-reset"
CONFIRM_SALT = "selfcare.confirm-address"
LINK_BROKEN = "This link doesn't work: it may have been cut short when it was copied."
RESET_LINK_EXPIRED = "This link has expired: links for a new password last an hour."
CONFIRM_LINK_EXPIRED = "This link has expired: links to confirm an address last a day."
RESET_LINK_USED = "This link has been used already, or the password was changed since."
CONFIRM_LINK_USED = "This link has been used already, or the address was changed since."
ADDRESS_TAKEN = "That address now belongs to another account, so nothing changed."


class BadLink(Exception):
    """A mailed link that can't be used; its message says why, in the person's words."""


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(email=User.normalize_email(email)))


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    timezone: str = "UTC",
    verified: bool = False,
) -> User:
    user = User(email=User.normalize_email(email), name=name.strip(), role=role, timezone=timezone)
    user.set_password(password)
    if verified:
        user.email_verified_at = utcnow()
    db.session.add(user)
    db.session.commit()
    return user


def register_account(
    *, email: str, name: str, password: str, role: str, timezone: str
) -> tuple[User, bool]:
    """The new account, or the one that already has this address; the flag says which. Either
    way a password is hashed, so both take about as long."""
    existing = find_user_by_email(email)
    if existing is not None:
        hash_password(password)
        return existing, False
    try:
        user = create_user(email=email, name=name, password=password, role=role, timezone=timezone)
    except IntegrityError:  # registered a moment ago, by a request running alongside this one
        db.session.rollback()
        return find_user_by_email(email), False
    return user, True


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password, with an older password hash upgraded on the way."""
    user = find_user_by_email(email)
    if user is None:
        spend_a_check(password)
        return None
    if not user.check_password(password):
        return None
    user.upgrade_password_hash(password)
    db.session.commit()
    return user


def start_session(user: User, remember: bool) -> None:
    """Sign the user in on a fresh session, so nothing set before it (or by someone else)
    carries over."""
    draft = carry_over(user)
    session.clear()
    login_user(user, remember=remember)
    if draft:
        session[DRAFT_KEY] = draft


def _signer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _load(salt: str, token: str, max_age_setting: str, expired: str) -> dict:
    try:
        return _signer(salt).loads(token, max_age=current_app.config[max_age_setting])
    except SignatureExpired as error:
        raise BadLink(expired) from error
    except BadSignature as error:
        raise BadLink(LINK_BROKEN) from error


def password_reset_token(user: User) -> str:
    """Bound to the current password hash: it stops working once the password changes, which
    also makes it single-use."""
    return _signer(RESET_SALT).dumps({"user": user.id, "hash": _fingerprint(user.password_hash)})


def user_for_reset_token(token: str) -> User:
    data = _load(RESET_SALT, token, "PASSWORD_RESET_MAX_AGE", RESET_LINK_EXPIRED)
    user = db.session.get(User, data["user"])
    if user is None or data["hash"] != _fingerprint(user.password_hash):
        raise BadLink(RESET_LINK_USED)
    return user


def save_reset_password(user: User, password: str) -> None:
    """A new password, which ends every other session; the link came through the account's
    address, so that address is confirmed too."""
    user.set_password(password)
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.commit()


def address_token(user: User, address: str) -> str:
    """Confirms `address` for the user: their own at registration, a new one on a change."""
    return _signer(CONFIRM_SALT).dumps(
        {"user": user.id, "from": user.email, "to": User.normalize_email(address)}
    )


def check_address_token(token: str) -> tuple[User, str]:
    """The user and the address the link confirms, if it can still be used."""
    data = _load(CONFIRM_SALT, token, "EMAIL_CONFIRM_MAX_AGE", CONFIRM_LINK_EXPIRED)
    user = db.session.get(User, data["user"])
    if user is None or user.email != data["from"]:
        raise BadLink(CONFIRM_LINK_USED)
    if user.email == data["to"] and user.email_verified_at is not None:
        raise BadLink(CONFIRM_LINK_USED)
    return user, data["to"]


def confirm_address(user: User, address: str) -> None:
    user.email, user.email_verified_at = address, utcnow()
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise BadLink(ADDRESS_TAKEN) from error
