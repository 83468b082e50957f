"""What tests share: logging in, submitting forms like a browser, making users, looking at rows.
Fixtures live in conftest.py; test modules import these helpers, never each other."""

import os
import re
from dataclasses import dataclass

from sqlalchemy import event

from selfcare.auth.service import create_user
from selfcare.extensions import db
from selfcare.models import CLIENT, THERAPIST

PASSWORD = "correct horse battery"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
NO_POSTGRES = "PostgreSQL tests need TEST_DATABASE_URL (CI sets it; see README)"
# Filled by the fuzz tests, printed at the end of the run (see conftest.pytest_terminal_summary).
FUZZ_EXAMPLES_TRIED: dict[str, int] = {}


def settings_for(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Same algorithm as production with a smaller work factor: hundreds of test logins add up.
        "PASSWORD_HASH_METHOD": "scrypt:4096:8:1",
    }


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def submit(client, url: str, data: dict | None = None, page: str | None = None, **kwargs):
    """Post a form the way a browser does: open the page first, then send its CSRF token back."""
    form_page = client.get(page or url)
    payload = {"csrf_token": csrf_token_from(form_page.get_data(as_text=True))}
    payload.update(data or {})
    return client.post(url, data=payload, **kwargs)


@dataclass(frozen=True)
class Account:
    """What a test needs to know of a user after the database session is gone."""

    id: int
    email: str
    name: str
    role: str


def make_user(app, role=CLIENT, email=None, name="Test Person", timezone="Europe/London"):
    email = email or f"{role}-{os.urandom(4).hex()}@example.com"
    with app.app_context():
        user = create_user(email=email, name=name, password=PASSWORD, role=role, timezone=timezone)
        return Account(user.id, user.email, user.name, user.role)


def log_in(client, user, password=PASSWORD):
    response = submit(client, "/login", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def new_invite_code(client) -> str:
    """A client's new sharing code, as their sharing page shows it."""
    response = submit(client, "/sharing/invites", page="/sharing")
    assert response.status_code == 302
    page = client.get("/sharing").text
    return re.search(r'class="invite-code"[^>]*>([A-Z0-9-]{9})<', page).group(1)


def logged_in_therapist(app, name="Theo Therapist"):
    """A new therapist's own test client, logged in, and their account."""
    browser = app.test_client()
    account = make_user(app, THERAPIST, name=name)
    log_in(browser, account)
    return browser, account


def redeem(browser, code):
    return submit(browser, "/therapist/link", {"code": code})


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


def count_rows(app, model, **filters) -> int:
    with app.app_context():
        query = db.select(db.func.count()).select_from(model).filter_by(**filters)
        return db.session.scalar(query)


def fetch_all(app, model, **filters) -> list:
    """Rows as detached objects with their columns loaded, for assertions after the request."""
    with app.app_context():
        rows = db.session.scalars(db.select(model).filter_by(**filters).order_by(model.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows
