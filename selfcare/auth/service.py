"""Accounts and signing in, without the pages."""

from flask import session
from flask_login import login_user

from ..drafts import DRAFT_KEY, carry_over
from ..extensions import db
from ..models import User


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(email=User.normalize_email(email)))


def create_user(*, email: str, name: str, password: str, role: str, timezone: str = "UTC") -> User:
    user = User(email=User.normalize_email(email), name=name.strip(), role=role, timezone=timezone)
    user.set_password(password)
    db.session.add(user)
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
