"""Fixtures: an app on a fresh database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""

import json
import shutil
import socket

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, make_url, text

from selfcare import create_app, languages
from selfcare.extensions import db
from selfcare.mail import DELIVERY
from selfcare.models import CLIENT, THERAPIST
from selfcare.routines.exercises import sync_exercise_library

from .browser.helpers import AXE_RESULTS, LIGHTHOUSE_SCORES
from .helpers import (
    COMPILED_TEMPLATES,
    FUZZ_EXAMPLES_TRIED,
    NO_POSTGRES,
    POSTGRES_URL,
    Mailbox,
    QueryCounter,
    log_in,
    make_user,
    settings_for,
)
from .pseudo_locale import PSEUDO_LANGUAGE, build_pseudo_catalogue


def pytest_sessionfinish(session):
    """A test worker (pytest-xdist) hands what it noted for the record to the controller."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["for_the_record"] = json.dumps(
            [FUZZ_EXAMPLES_TRIED, AXE_RESULTS, LIGHTHOUSE_SCORES]
        )


def pytest_testnodedown(node, error):
    """The controller gathers what each worker noted, for the summary below."""
    noted = getattr(node, "workeroutput", {}).get("for_the_record")
    if noted:
        fuzz, axe, lighthouse = json.loads(noted)
        for name, count in fuzz.items():
            FUZZ_EXAMPLES_TRIED[name] = FUZZ_EXAMPLES_TRIED.get(name, 0) + count
        AXE_RESULTS.update(axe)
        LIGHTHOUSE_SCORES.update(lighthouse)


def pytest_terminal_summary(terminalreporter):
    if FUZZ_EXAMPLES_TRIED:
        terminalreporter.section("hypothesis: examples posted per form (all databases)")
        for name, count in sorted(FUZZ_EXAMPLES_TRIED.items()):
            terminalreporter.write_line(f"{name}: {count}")
        terminalreporter.write_line(f"total: {sum(FUZZ_EXAMPLES_TRIED.values())}")
    if AXE_RESULTS:
        terminalreporter.section("axe-core, violations by page (rule, impact, nodes)")
        for page, violations in sorted(AXE_RESULTS.items()):
            terminalreporter.write_line(f"{page}: {violations or 'none'}")
    if LIGHTHOUSE_SCORES:
        terminalreporter.section("Lighthouse, mobile scores by page")
        for page, scores in LIGHTHOUSE_SCORES.items():
            terminalreporter.write_line(f"{page}: {scores}")


def pytest_report_header():
    return f"PostgreSQL: {POSTGRES_URL or 'not configured, its tests will be skipped'}"


@pytest.fixture(scope="session")
def fresh_postgres_schema():
    """Rebuild the PostgreSQL schema once per run, so it always matches the current models
    (tables an older version of the code left behind included). A test worker's database is
    made the first time."""
    server = make_url(POSTGRES_URL)
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": server.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{server.database}"'))
    admin.dispose()
    app = create_app(settings_for(POSTGRES_URL))
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.create_all()
        db.engine.dispose()
    return POSTGRES_URL


@pytest.fixture(scope="session")
def prepared_sqlite_file(tmp_path_factory):
    """The schema and the exercise library built once per run (per worker); each SQLite test
    starts from a copy, which costs a fraction of building them again."""
    path = tmp_path_factory.mktemp("prepared") / "prepared.db"
    app = create_app(settings_for(f"sqlite:///{path}"))
    with app.app_context():
        db.create_all()
        sync_exercise_library()
        db.engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("prepared_sqlite_file"), path)
        return f"sqlite:///{path}"
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    return request.getfixturevalue("fresh_postgres_schema")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    server = make_url(POSTGRES_URL)
    name = f"{server.database}_migrations"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server in this process, on a loopback port; what it receives is a Mailbox."""
    controller = Controller(Mailbox(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    smtp_server.handler.clear()
    return smtp_server.handler


@pytest.fixture
def app_settings() -> dict:
    """Settings a test module adds to `app`'s (by a fixture of this name of its own)."""
    return {}


@pytest.fixture
def app(database_url, smtp_server, app_settings):
    """A fresh app and database, sending mail to `smtp_server`. No app context stays pushed, so
    every request gets its own, as in production; tests open one with `with app.app_context()`
    to look at the database."""
    mail_server = {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": smtp_server.hostname,
        "MAIL_PORT": smtp_server.port,
    }
    app = create_app(settings_for(database_url) | mail_server | app_settings)
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    if not database_url.startswith("sqlite"):
        # The schema is fresh_postgres_schema's; the rows went with the last test.
        with app.app_context():
            sync_exercise_library()
    yield app
    # Mail still on its way would land in the next test's mailbox.
    app.extensions[DELIVERY].shutdown(wait=True)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            _empty_postgres_tables()
        db.engine.dispose()


def _empty_postgres_tables():
    """Every row gone and every id counting from 1 again, in one round trip: a tenth of what
    TRUNCATE costs on tables this small."""
    # The names are the models' own and PostgreSQL's, never input.
    with db.engine.begin() as connection:
        sequences = connection.scalars(
            text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
        )
        connection.exec_driver_sql(
            "; ".join(
                [f'DELETE FROM "{table.name}"' for table in reversed(db.metadata.sorted_tables)]  # noqa: S608
                + [f'ALTER SEQUENCE "{sequence}" RESTART' for sequence in sequences]
            )
        )


@pytest.fixture(scope="session")
def pseudo_catalogue(tmp_path_factory):
    """A translations directory holding the pseudo-locale (tests/pseudo_locale.py); a module
    whose apps speak it points its `app_settings` at it."""
    return build_pseudo_catalogue(tmp_path_factory.mktemp("translations"))


@pytest.fixture
def pseudo_app(app, monkeypatch):
    """`app` offering the pseudo-locale as one of its languages."""
    monkeypatch.setitem(languages.LANGUAGES, PSEUDO_LANGUAGE, "Pseudo")
    return app


@pytest.fixture
def client(app):
    return app.test_client()


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


@pytest.fixture
def count_queries(app):
    with app.app_context():
        engine = db.engine
    return lambda: QueryCounter(engine)
