"""A programme's history is kept as codes and put into words when read, in the reader's
language; the sentences kept before are read back into codes by a migration that loses nothing."""

import importlib.util

import pytest
from flask_babel import force_locale
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from selfcare import PROJECT_ROOT, create_app
from selfcare.extensions import db
from selfcare.models import ProgrammeChange
from selfcare.programmes.changes import changes_text

from .helpers import settings_for

BEFORE_CODES = "a1f5c7e9b3d2"
_MIGRATION = PROJECT_ROOT / "migrations" / "versions" / "b3e9d5a7c1f4_programme_changes_as_codes.py"


def _migration():
    spec = importlib.util.spec_from_file_location("programme_changes_as_codes", _MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHIN_TUCK = {"id": 7, "slug": "chin_tuck", "name": "Chin tuck (neck retraction)"}
OWN = {"id": 30, "slug": None, "name": "Wall: push"}
DOSE = {"sets": None, "reps": 10, "hold_seconds": 5, "duration_seconds": None, "per_side": False}
# One change of each code, in every shape its words take.
EVERY_CHANGE = [
    {"code": "renamed", "from": "Neck", "to": "Neck; plus"},
    {
        "code": "plan",
        "from": {"times_per_day": 1, "days_per_week": 3, "weekdays": None},
        "to": {"times_per_day": 2, "days_per_week": None, "weekdays": "024"},
    },
    {
        "code": "plan",
        "from": None,
        "to": {"times_per_day": 3, "days_per_week": 1, "weekdays": None},
    },
    {
        "code": "plan",
        "from": {"times_per_day": 1, "days_per_week": 7, "weekdays": None},
        "to": None,
    },
    {"code": "plan", "from": None, "to": None},
    {
        "code": "dates",
        "from": {"starts_on": "2026-12-08", "ends_on": None},
        "to": {"starts_on": "2026-12-08", "ends_on": "2027-03-01"},
    },
    {"code": "dates", "from": None, "to": {"starts_on": "2026-12-08", "ends_on": None}},
    {"code": "dates", "from": {"starts_on": "2026-12-08", "ends_on": None}, "to": None},
    {"code": "added", "exercise": CHIN_TUCK, "dose": DOSE},
    {
        "code": "dose",
        "exercise": OWN,
        "from": DOSE,
        "to": {
            "sets": 3,
            "reps": 12,
            "hold_seconds": None,
            "duration_seconds": 90,
            "per_side": True,
        },
    },
    {"code": "dose", "exercise": OWN, "from": dict(DOSE, reps=None, hold_seconds=None), "to": DOSE},
    {"code": "note", "exercise": CHIN_TUCK, "from": None, "to": "Slow; easy"},
    {"code": "note", "exercise": CHIN_TUCK, "from": "Slow", "to": None},
    {"code": "removed", "exercise": OWN},
    {"code": "counts_from", "day": "2027-01-04"},
    {"code": "text", "text": "runs from 08 Dec (was from 01 Dec)"},
]
EVERY_CHANGE_IN_ENGLISH = (
    "Renamed to “Neck; plus”; now Mon, Wed, Fri, twice a day (was 3 days a week); "
    "now 1 day a week, 3 times a day; now no set plan (was every day); now no set plan; "
    "runs from 08 Dec to 01 Mar (was from 08 Dec); runs from 08 Dec; no set dates; "
    "added Chin tuck (neck retraction) (10 × 5 s hold); "
    "Wall: push: 10 × 5 s hold → 3 × 12 + 1 min 30 s each side; "
    "Wall: push: as it feels right → 10 × 5 s hold; "
    "Chin tuck (neck retraction): note “Slow; easy”; "
    "Chin tuck (neck retraction): note taken away; took out Wall: push; "
    "the new frequency counts from 04 Jan; runs from 08 Dec (was from 01 Dec)"
)


def test_every_change_reads_in_english_as_the_migration_writes_it(app):
    with app.test_request_context():
        assert changes_text(EVERY_CHANGE) == EVERY_CHANGE_IN_ENGLISH
    # Going down writes the same words: the migration's English is the app's.
    assert _migration().summary_text(EVERY_CHANGE) == EVERY_CHANGE_IN_ENGLISH


def test_a_change_reads_in_the_readers_language(app):
    plan = EVERY_CHANGE[1]
    with app.test_request_context(), force_locale("es"):
        # The weekday names come from CLDR, whatever the catalogue holds yet.
        assert "lun, mié, vie" in changes_text([plan])


# Sentences as the app wrote them before: each phrase it can read back becomes a code; the
# rest stays in words. (changed_at, summary, the codes read from it)
STORED = [
    (
        "2026-12-10 09:00:00",
        "Now Mon, Wed, Fri (was 3 days a week); runs from 08 Dec to 01 Mar (was from 08 Dec); "
        "Chin tuck (neck retraction): 10 × 5 s hold → 3 × 12 + 1 min each side; "
        "Chin tuck (neck retraction): note “Slow; easy”; took out Wall: push; "
        "the new frequency counts from 15 Dec",
        ["plan", "text", "dose", "note", "removed", "counts_from"],
    ),
    (
        "2026-12-29 18:00:00",
        "The new frequency counts from 02 Jan",
        ["counts_from"],
    ),
    (
        "2026-12-11 09:00:00",
        "Renamed to “Neck; plus”; added Chin tuck (neck retraction) (2 × 30 s each side); "
        "Wall: push: note taken away; now no set plan (was 2 days a week, 3 times a day); "
        "no set dates",
        ["renamed", "added", "note", "plan", "dates"],
    ),
    # Words another version wrote, or another language: kept as they are.
    ("2026-12-12 09:00:00", "Ahora 3 días a la semana (antes cada día)", ["text"]),
    ("2026-12-12 10:00:00", "Now every fortnight; took out Wall: push", ["text", "removed"]),
]


def _insert_before_codes():
    """A client's programme with its history, in plain SQL as the code of that time wrote it."""
    at = "2026-12-01 08:00:00"
    statements = [
        "INSERT INTO users (id, email, name, password_hash, role, timezone, created_at) "
        "VALUES (1, 'c@example.com', 'C', 'x', 'client', 'UTC', :at), "
        "(2, 't@example.com', 'T', 'x', 'therapist', 'UTC', :at)",
        "INSERT INTO exercises (id, slug, owner_id, name, kind, regions, how_to, per_side) "
        "VALUES (7, 'chin_tuck', NULL, 'Chin tuck (neck retraction)', 'mobility', 'neck', "
        "'', false), (30, NULL, 2, 'Wall: push', 'mobility', 'neck', '', false)",
        "INSERT INTO routines (id, user_id, name, archived, created_at, assigned_by_id, "
        "times_per_day, starts_on) VALUES (1, 1, 'Neck', false, :at, 2, 1, '2026-12-01')",
        "INSERT INTO routine_items (routine_id, exercise_id, position, per_side) "
        "VALUES (1, 7, 0, false), (1, 30, 1, false)",
    ]
    for statement in statements:
        db.session.execute(text(statement), {"at": at})
    for index, (changed_at, summary, _) in enumerate(STORED, start=1):
        db.session.execute(
            text(
                "INSERT INTO programme_changes "
                "(id, routine_id, changed_by_id, changed_by_name, changed_at, summary) "
                "VALUES (:id, 1, 2, 'T', :at, :summary)"
            ),
            {"id": index, "at": changed_at, "summary": summary},
        )
    db.session.commit()


@pytest.mark.slow
def test_stored_sentences_become_codes_and_come_back_unchanged(empty_database_url):
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        upgrade(revision=BEFORE_CODES)
        _insert_before_codes()
        db.session.remove()
        upgrade()
        rows = db.session.scalars(db.select(ProgrammeChange).order_by(ProgrammeChange.id)).all()
        assert [[c["code"] for c in row.changes] for row in rows] == [s[2] for s in STORED]
        first, counts_across_the_year, renamed = rows[0].changes, rows[1].changes, rows[2].changes
        assert first[0] == {
            "code": "plan",
            "from": {"times_per_day": 1, "days_per_week": 3, "weekdays": None},
            "to": {"times_per_day": 1, "days_per_week": None, "weekdays": "024"},
        }
        # The dates never said their year: they stay in words.
        assert first[1] == {"code": "text", "text": "runs from 08 Dec to 01 Mar (was from 08 Dec)"}
        assert first[2]["exercise"] == CHIN_TUCK and first[2]["to"] == {
            "sets": 3,
            "reps": 12,
            "hold_seconds": None,
            "duration_seconds": 60,
            "per_side": True,
        }
        assert first[3]["to"] == "Slow; easy" and first[4]["exercise"] == OWN
        assert (first[5]["day"], counts_across_the_year[0]["day"]) == ("2026-12-15", "2027-01-02")
        assert renamed[0]["to"] == "Neck; plus" and renamed[1]["exercise"]["slug"] == "chin_tuck"
        # Read in English, each is the sentence it was; in Spanish, the plan is Spanish.
        with app.test_request_context():
            assert [changes_text(row.changes) for row in rows] == [s[1] for s in STORED]
            with force_locale("es"):
                assert "lun, mié, vie" in changes_text(first)
        codes = [row.changes for row in rows]
        db.session.remove()
        downgrade(revision=BEFORE_CODES)
        kept = db.session.execute(text("SELECT summary FROM programme_changes ORDER BY id"))
        assert kept.scalars().all() == [s[1] for s in STORED]
        # And up again, to the same codes.
        db.session.remove()
        upgrade()
        again = db.session.scalars(db.select(ProgrammeChange).order_by(ProgrammeChange.id)).all()
        assert [row.changes for row in again] == codes
        db.session.remove()
        db.engine.dispose()
