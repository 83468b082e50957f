"""Migrations build the schema on an empty database, and it matches the models."""

from datetime import date, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from selfcare import create_app
from selfcare.extensions import db
from selfcare.figures import periods
from selfcare.models import PainPeriod

from .helpers import settings_for

pytestmark = pytest.mark.slow


@pytest.fixture
def migrated_app(empty_database_url):
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_creates_every_table(migrated_app):
    tables = set(inspect(db.engine).get_table_names())
    assert {table.name for table in db.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_migrations_match_the_models(migrated_app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_the_duplicate_pain_score_index_goes_and_comes_back(migrated_app):
    def pain_score_indexes():
        return {index["name"] for index in inspect(db.engine).get_indexes("pain_scores")}

    assert "ix_pain_scores_checkin_id" not in pain_score_indexes()
    downgrade(revision="d5a7c9e1f3b2")
    assert "ix_pain_scores_checkin_id" in pain_score_indexes()
    upgrade()
    assert "ix_pain_scores_checkin_id" not in pain_score_indexes()


def test_kept_figures_replace_the_client_summaries_and_periods_are_filled(migrated_app):
    """Going back to the one-row summaries and up again: the pain periods of the check-ins
    stored meanwhile are filled by the migration exactly as the app keeps them."""

    def tables():
        return inspect(db.engine).get_table_names()

    assert {"kept_figures", "pain_periods"} <= set(tables()) and "client_summaries" not in tables()
    downgrade(revision="a4c2e9d1b7f3")
    assert "client_summaries" in tables() and "pain_periods" not in tables()
    # Written as the older code would (no periods to keep then): plain SQL.
    at = "2026-04-01 08:00:00"
    insert = {
        "user": "INSERT INTO users (id, email, name, password_hash, role, timezone, created_at) "
        "VALUES (1, 'p@example.com', 'P', 'x', 'client', 'UTC', :at)",
        "routine": "INSERT INTO routines (id, user_id, name, archived, created_at) "
        "VALUES (1, 1, 'Neck', false, :at)",
        "checkin": "INSERT INTO checkins (id, user_id, day, day_kind, created_at, updated_at) "
        "VALUES (:id, 1, :day, 'normal', :at, :at)",
        "score": "INSERT INTO pain_scores (checkin_id, region, score) "
        "VALUES (:id, :region, :score)",
        "log": "INSERT INTO routine_logs (user_id, routine_id, day, logged_at) "
        "VALUES (1, 1, :day, :at)",
    }
    db.session.execute(text(insert["user"]), {"at": at})
    db.session.execute(text(insert["routine"]), {"at": at})
    for age in range(40):
        day = date(2026, 3, 31) - timedelta(days=age)
        db.session.execute(text(insert["checkin"]), {"id": age + 1, "day": day, "at": at})
        for region, score in [("neck", age % 9), ("hip_left", 3)][: 1 + age % 2]:
            row = {"id": age + 1, "region": region, "score": score}
            db.session.execute(text(insert["score"]), row)
        if age % 3 == 0:
            db.session.execute(text(insert["log"]), {"day": day, "at": at})
    db.session.commit()
    db.session.remove()
    upgrade()
    filled = kept_periods()
    assert len(filled) > 10
    periods.rebuild(db.session, [1])
    db.session.commit()
    assert kept_periods() == filled


def kept_periods() -> set[tuple]:
    return set(
        db.session.execute(
            select(
                PainPeriod.period,
                PainPeriod.starts_on,
                PainPeriod.region,
                PainPeriod.total,
                PainPeriod.days,
                PainPeriod.after_routine_total,
                PainPeriod.after_routine_days,
            )
        ).all()
    )
