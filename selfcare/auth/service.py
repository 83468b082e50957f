"""Accounts and signing in, without the pages: registering, checking passwords, the signed
links mailed for a new password or to confirm an address, and the sign-ins that stay open."""

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError

from ..dates import format_duration
from ..extensions import db
from ..languages import DEFAULT_LANGUAGE
from ..models import ApiToken, SignIn, User, utcnow
from ..passwords import hash_password, spend_a_check

# last_seen_at is written at most this often, so browsing costs no write per page.
LAST_SEEN_STEP = timedelta(minutes=1)

# Checked in order: Edge and Opera also say Chrome, Chrome also says Safari.
BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]

RESET_SALT = "selfcare.password-reset"
CONFIRM_SALT = "selfcare.confirm-address"
LINK_BROKEN = _l("This link doesn't work: it may have been cut short when it was copied.")
RESET_LINK_USED = _l("This link has been used already, or the password was changed since.")
CONFIRM_LINK_USED = _l("This link has been used already, or the address was changed since.")
ADDRESS_TAKEN = _l("That address now belongs to another account, so nothing changed.")


def _reset_link_expired(lifetime: str) -> str:
    # Translators: the lifetime reads "an hour", "2 hours", ...
    return _(
        "This link has expired: links for a new password last %(lifetime)s.", lifetime=lifetime
    )


def _confirm_link_expired(lifetime: str) -> str:
    # Translators: the lifetime reads "a day", "2 days", ...
    return _(
        "This link has expired: links to confirm an address last %(lifetime)s.", lifetime=lifetime
    )


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
    language: str = DEFAULT_LANGUAGE,
    verified: bool = False,
) -> User:
    user = User(
        email=User.normalize_email(email),
        name=name.strip(),
        role=role,
        timezone=timezone,
        language=language,
    )
    user.set_password(password)
    if verified:
        user.email_verified_at = utcnow()
    db.session.add(user)
    db.session.commit()
    return user


def device_parts(user_agent: str) -> tuple[str, str]:
    """A user agent as a person recognises their device: its browser and system ("Firefox",
    "Linux"), "" for what it doesn't say. Both are names, the same in every language."""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in SYSTEMS if mark in user_agent), "")
    if not browser and not system:
        # Scripts and unusual browsers: their own first word, short.
        first_word = re.match(r"[\w.-]{1,30}", user_agent)
        browser = first_word.group(0) if first_word else ""
    return browser, system


def device_label(sign_in: SignIn) -> str:
    """The device of a sign-in in the reader's language: "Firefox on Linux"."""
    browser, system = sign_in.device_browser, sign_in.device_system
    if browser and system:
        # Translators: a signed-in device on the account page, "Firefox on Linux".
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown device")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetimes(remember: bool) -> tuple[timedelta, timedelta]:
    config = current_app.config
    if remember:
        return config["REMEMBERED_IDLE_TIMEOUT"], config["REMEMBERED_LIFETIME"]
    return config["SIGN_IN_IDLE_TIMEOUT"], config["SIGN_IN_LIFETIME"]


def open_sign_in(user: User, remember: bool, user_agent: str) -> SignIn:
    """A new sign-in for the user; `user.sign_in_token` holds its token, which is not stored."""
    _forget_old_sign_ins(user.id)
    token = secrets.token_urlsafe(32)
    browser, system = device_parts(user_agent)
    sign_in = SignIn(
        user_id=user.id,
        token_hash=_hash(token),
        device_browser=browser,
        device_system=system,
        remember=remember,
    )
    db.session.add(sign_in)
    db.session.commit()
    user.sign_in_token = token
    return sign_in


def _forget_old_sign_ins(user_id: int) -> None:
    """Rows begun before the longest lifetime can't be open any more; an ended one is kept until
    then, so a draft made when it ended still knows whose it is (drafts.carry_over)."""
    longest = max(_lifetimes(remember=True)[1], _lifetimes(remember=False)[1])
    db.session.execute(
        db.delete(SignIn).where(SignIn.user_id == user_id, SignIn.created_at < utcnow() - longest)
    )


def register_account(
    *, email: str, name: str, password: str, role: str, timezone: str, language: str
) -> tuple[User, bool]:
    """The new account, or the one that already has this address; the flag says which. Either
    way a password is hashed, so both take about as long."""
    existing = find_user_by_email(email)
    if existing is not None:
        hash_password(password)
        return existing, False
    try:
        user = create_user(
            email=email,
            name=name,
            password=password,
            role=role,
            timezone=timezone,
            language=language,
        )
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


# Built once: every signed-in request runs it (see checkins.service).
_SIGN_IN_BY_TOKEN = db.select(SignIn).where(SignIn.token_hash == bindparam("token_hash"))


def live_sign_in(token: str) -> SignIn | None:
    """The open sign-in with this token, or None; one found past its lifetime is ended."""
    sign_in = db.session.scalar(_SIGN_IN_BY_TOKEN, {"token_hash": _hash(token)})
    if sign_in is None or sign_in.ended_at is not None:
        return None
    now = utcnow()
    if sign_in.expired(now, *_lifetimes(sign_in.remember)):
        sign_in.ended_at = now
        db.session.commit()
        return None
    if now - sign_in.last_seen_at >= LAST_SEEN_STEP:
        sign_in.last_seen_at = now
        db.session.commit()
    sign_in.user.sign_in_token = token
    return sign_in


def owner_of_sign_in(token: str) -> int | None:
    """Whose sign-in this token was, ended or not."""
    return db.session.scalar(db.select(SignIn.user_id).filter_by(token_hash=_hash(token)))


def open_sign_ins(user_id: int) -> list[SignIn]:
    """The user's sign-ins that still work, most recently used first."""
    rows = db.session.scalars(
        db.select(SignIn)
        .filter_by(user_id=user_id, ended_at=None)
        .order_by(SignIn.last_seen_at.desc(), SignIn.id.desc())
    ).all()
    now = utcnow()
    return [row for row in rows if not row.expired(now, *_lifetimes(row.remember))]


def end_sign_in(sign_in: SignIn) -> None:
    sign_in.ended_at = sign_in.ended_at or utcnow()
    db.session.commit()


def end_other_sign_ins(user_id: int, keep: SignIn | None = None) -> int:
    """End every open sign-in of the user but `keep`; returns how many ended."""
    query = db.update(SignIn).where(SignIn.user_id == user_id, SignIn.ended_at.is_(None))
    if keep is not None:
        query = query.where(SignIn.id != keep.id)
    ended = db.session.execute(query.values(ended_at=utcnow())).rowcount
    db.session.commit()
    return ended


def password_entered(sign_in: SignIn) -> None:
    sign_in.password_entered_at = utcnow()
    db.session.commit()


def replace_password(user: User, password: str) -> None:
    """A new password ends every sign-in and API token, so whoever knew the old one (or holds
    something made with it) is out."""
    user.set_password(password)
    db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id))
    end_other_sign_ins(user.id)  # commits the password and tokens with it


DEMO_CLIENT_EMAIL = "client@example.com"
DEMO_THERAPIST_EMAIL = "therapist@example.com"
DEMO_CLIENT_EMAILS = re.compile(r"demo-client-\d{2}@example\.com")


def is_demo_account(user: User) -> bool:
    """Demo accounts have a published password: production refuses them even if a database
    seeded in development is deployed."""
    email = user.email
    return email in (DEMO_CLIENT_EMAIL, DEMO_THERAPIST_EMAIL) or bool(
        DEMO_CLIENT_EMAILS.fullmatch(email)
    )


def _signer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _load(salt: str, token: str, max_age_setting: str, expired) -> dict:
    """The link's data; `expired(lifetime)` says why it no longer works once it is too old."""
    max_age = current_app.config[max_age_setting]
    try:
        return _signer(salt).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise BadLink(expired(format_duration(timedelta(seconds=max_age)))) from error
    except BadSignature as error:
        raise BadLink(LINK_BROKEN) from error


def password_reset_token(user: User) -> str:
    """Bound to the current password hash: it stops working once the password changes, which
    also makes it single-use."""
    return _signer(RESET_SALT).dumps({"user": user.id, "hash": _fingerprint(user.password_hash)})


def user_for_reset_token(token: str) -> User:
    data = _load(RESET_SALT, token, "PASSWORD_RESET_MAX_AGE", _reset_link_expired)
    user = db.session.get(User, data["user"])
    if user is None or data["hash"] != _fingerprint(user.password_hash):
        raise BadLink(RESET_LINK_USED)
    return user


def save_reset_password(user: User, password: str) -> None:
    """A new password, which ends every sign-in and API token; the link came through the
    account's address, so that address is confirmed too."""
    user.email_verified_at = user.email_verified_at or utcnow()
    replace_password(user, password)


def address_token(user: User, address: str) -> str:
    """Confirms `address` for the user: their own at registration, a new one on a change."""
    return _signer(CONFIRM_SALT).dumps(
        {
            "user": user.id,
            "from": user.email,
            "to": User.normalize_email(address),
            "state": _address_state(user),
        }
    )


def _address_state(user: User) -> str:
    """Changes whenever an address is confirmed, so a link made before then no longer works."""
    return _fingerprint(f"{user.email}|{user.email_verified_at}")


def check_address_token(token: str) -> tuple[User, str]:
    """The user and the address the link confirms, if it can still be used."""
    data = _load(CONFIRM_SALT, token, "EMAIL_CONFIRM_MAX_AGE", _confirm_link_expired)
    user = db.session.get(User, data["user"])
    if user is None or user.email != data["from"] or data.get("state") != _address_state(user):
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
