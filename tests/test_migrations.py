"""Migrations build the schema on an empty database, and it matches the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from selfcare import create_app
from selfcare.extensions import db

from .helpers import settings_for


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


def test_the_client_summaries_table_goes_and_comes_back(migrated_app):
    assert "client_summaries" in inspect(db.engine).get_table_names()
    downgrade(revision="e7b1c4d2a9f0")
    assert "client_summaries" not in inspect(db.engine).get_table_names()
    upgrade()
    assert "client_summaries" in inspect(db.engine).get_table_names()
