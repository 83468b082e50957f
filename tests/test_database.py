"""Every connection is tuned the way the app relies on, on both databases."""

from sqlalchemy import text

from selfcare.extensions import db


def test_each_connection_is_tuned(app):
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        else:
            # Index lookups priced for SSDs: the trends page's query plan depends on it.
            assert db.session.execute(text("SHOW random_page_cost")).scalar() == "1.1"
