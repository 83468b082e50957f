"""Flask extensions, created unbound and attached in create_app."""

import os
import sqlite3
import sys
from pathlib import Path

from flask import request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, String, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.functions import FunctionElement


def owner_only(path: Path) -> None:
    """For the owner alone (0600 for a file, 0700 for a folder): they hold health data."""
    if path.exists() and path.stat().st_uid == os.getuid():
        path.chmod(0o700 if path.is_dir() else 0o600)


# Named constraints so that Alembic migrations work the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def init_migrations(app) -> None:
    """`flask db` and the migrations (Flask-Migrate). Its import of Alembic is a good part of
    the start-up, so only a command line and the tests ask for it, never a web worker."""
    from flask_migrate import Migrate

    Migrate(
        app,
        db,
        directory=str(Path(__file__).resolve().parent.parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=_render_migration_type,
    )


def _render_migration_type(kind, obj, autogen_context):
    """Write our own column types as their plain SQL type so migrations don't import app code."""
    if kind == "type" and type(obj).__module__.startswith("selfcare"):
        return f"sa.{type(obj.impl_instance).__name__}()"
    return False


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=lambda: request.remote_addr or "unknown")


class unicode_lower(FunctionElement):
    """lower() for every script: SQLite's own lower() folds ASCII letters only, so on SQLite
    this is Python's str.lower, registered on each connection (_tune_sqlite)."""

    type = String()
    name = "unicode_lower"
    inherit_cache = True


@compiles(unicode_lower)
def _lower(element, compiler, **kw):
    # Compared and sorted by code point, as on SQLite, whatever the database's collation.
    return f'(lower({compiler.process(element.clauses, **kw)}) COLLATE "C")'


@compiles(unicode_lower, "sqlite")
def _python_lower(element, compiler, **kw):
    return f"unicode_lower({compiler.process(element.clauses, **kw)})"


def _lowered(text: str | None) -> str | None:
    return None if text is None else text.lower()


@event.listens_for(Engine, "connect")
def _tune_connection(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        _tune_sqlite(dbapi_connection)
    else:
        # Imported by SQLAlchemy only for a PostgreSQL engine: SQLite apps start without it.
        psycopg = sys.modules.get("psycopg")
        if psycopg is not None and isinstance(dbapi_connection, psycopg.Connection):
            _tune_postgresql(dbapi_connection)


def _tune_postgresql(dbapi_connection) -> None:
    """PostgreSQL's default cost model assumes spinning disks and prefers reading a whole table
    to a thousand index lookups, so one client's years of pain scores were read by scanning the
    table (docs/architecture.md). SSD-era servers are tuned so; this session setting
    makes sure, whoever set up the server."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET random_page_cost = 1.1")
    dbapi_connection.commit()


def _tune_sqlite(dbapi_connection) -> None:
    """SQLite leaves foreign keys off and locks readers out by default; fix both. The file holds
    health data: only its owner may read it. unicode_lower is the lower() names are searched
    and sorted by."""
    cursor = dbapi_connection.cursor()
    for _, name, path in cursor.execute("PRAGMA database_list").fetchall():
        if name == "main" and path:
            owner_only(Path(path))
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    dbapi_connection.create_function("unicode_lower", 1, _lowered, deterministic=True)
