"""Fixtures: an app on a fresh database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""

import os
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import event, text

from selfcare import create_app
from selfcare.auth.service import create_user
from selfcare.extensions import db
from selfcare.models import CLIENT, THERAPIST
from selfcare.routines.service import sync_exercise_library

PASSWORD = "correct horse battery"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
NO_POSTGRES = "PostgreSQL tests need TEST_DATABASE_URL (CI sets it; see README)"


def pytest_terminal_summary(terminalreporter):
    from .test_fuzz import EXAMPLES_TRIED

    if EXAMPLES_TRIED:
        terminalreporter.section("hypothesis: examples posted per form (all databases)")
        for name, count in sorted(EXAMPLES_TRIED.items()):
            terminalreporter.write_line(f"{name}: {count}")
        terminalreporter.write_line(f"total: {sum(EXAMPLES_TRIED.values())}")


def pytest_report_header():
    return f"PostgreSQL: {POSTGRES_URL or 'not configured, its tests will be skipped'}"


@pytest.fixture(scope="session")
def fresh_postgres_schema():
    """Rebuild the PostgreSQL schema once per run, so it always matches the current models."""
    app = create_app(settings_for(POSTGRES_URL))
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        db.engine.dispose()
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    return request.getfixturevalue("fresh_postgres_schema")


def settings_for(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Same algorithm as production with a smaller work factor: hundreds of test logins add up.
        "PASSWORD_HASH_METHOD": "scrypt:4096:8:1",
    }


@pytest.fixture
def app(database_url):
    """A fresh app and database. No app context stays pushed, so every request gets its own,
    as in production; tests open one with `with app.app_context()` to look at the database."""
    app = create_app(settings_for(database_url))
    with app.app_context():
        db.create_all()
        sync_exercise_library()
    yield app
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


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


@pytest.fixture
def client_user(app):
    return make_user(app, CLIENT, name="Casey Client")


@pytest.fixture
def therapist_user(app):
    return make_user(app, THERAPIST, name="Theo Therapist")


@pytest.fixture
def logged_in_client(client, client_user):
    log_in(client, client_user)
    return client


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


@pytest.fixture
def count_queries(app):
    with app.app_context():
        engine = db.engine
    return lambda: QueryCounter(engine)


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
