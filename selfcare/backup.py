"""A consistent copy of the SQLite database while the app keeps running."""

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from .models import utcnow


class BackupNotPossible(Exception):
    pass


def backup_sqlite(engine: Engine, directory: Path, now: datetime | None = None) -> Path:
    """Copy the database with SQLite's online backup API: pages are copied under a read lock,
    so writers may keep going and the copy is a single consistent snapshot."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        raise BackupNotPossible(
            "flask backup copies the SQLite database; for PostgreSQL use pg_dump."
        )
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = directory / f"selfcare-{(now or utcnow()):%Y%m%d-%H%M%S}.db"
    # Created owner-only before SQLite writes a byte into it.
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
    source = sqlite3.connect(engine.url.database)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()
    return target
