"""Accounts, signing in and the sign-ins that stay open, without the pages."""

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import login_user

from ..drafts import DRAFT_KEY, carry_over
from ..extensions import db
from ..models import ApiToken, SignIn, User, utcnow

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


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(email=User.normalize_email(email)))


def create_user(*, email: str, name: str, password: str, role: str, timezone: str = "UTC") -> User:
    user = User(email=User.normalize_email(email), name=name.strip(), role=role, timezone=timezone)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def device_name(user_agent: str) -> str:
    """A user agent as a person recognises their device: "Firefox on Linux"."""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or system
    # Scripts and unusual browsers: their own first word, short.
    first_word = re.match(r"[\w.-]{1,30}", user_agent)
    return first_word.group(0) if first_word else "Unknown device"


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
    sign_in = SignIn(
        user_id=user.id, token_hash=_hash(token), device=device_name(user_agent), remember=remember
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


def start_session(user: User, remember: bool) -> None:
    """Sign the user in on a fresh session and a new sign-in, so nothing set before it (or by
    someone else) carries over."""
    draft = carry_over(user)
    session.clear()
    g.sign_in = open_sign_in(user, remember, request.user_agent.string)
    login_user(user, remember=remember)
    if draft:
        session[DRAFT_KEY] = draft


def current_sign_in() -> SignIn | None:
    """The sign-in of this request (set when the login cookie is read or at login)."""
    return g.get("sign_in")


def live_sign_in(token: str) -> SignIn | None:
    """The open sign-in with this token, or None; one found past its lifetime is ended."""
    sign_in = db.session.scalar(db.select(SignIn).filter_by(token_hash=_hash(token)))
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
