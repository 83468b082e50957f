"""Account operations that do not need a request."""

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
