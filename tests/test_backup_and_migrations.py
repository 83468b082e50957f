"""Data survives: a backup is a consistent copy, and upgrading an old database keeps its rows."""

import sqlite3
from datetime import date, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from selfcare import create_app
from selfcare.auth.service import create_user
from selfcare.extensions import db
from selfcare.models import TOKEN_WRITE, ApiToken, CheckIn, utcnow
from selfcare.sharing.service import purpose_label

from .helpers import PASSWORD, log_in, settings_for, submit

pytestmark = pytest.mark.slow

FIRST_REVISION = "74eb61315b01"
BEFORE_APPOINTMENTS = "a1019b44148f"
BEFORE_SIGN_INS = "5c1d0a7e9b23"
BEFORE_CODES = "a1f5c7e9b3d2"


def test_backup_writes_a_consistent_copy(tmp_path, logged_in_client, app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        result = app.test_cli_runner().invoke(args=["backup"])
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    submit(logged_in_client, "/today", {"pain_neck": "3"})
    app.instance_path = str(tmp_path)
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    [copy] = (tmp_path / "backups").glob("selfcare-*.db")
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM pain_scores").fetchone() == (1,)


def test_upgrade_from_the_first_migration_keeps_every_row(empty_database_url):
    app = create_app(settings_for(empty_database_url))
    people = [
        (f"person{n}@example.com", f"Person {n}", "client" if n % 2 else "therapist")
        for n in range(6)
    ]
    with app.app_context():
        upgrade(revision=FIRST_REVISION)
        from selfcare.models import User

        hashed = User()
        hashed.set_password(PASSWORD)
        with db.engine.begin() as connection:
            for email, name, role in people:
                connection.execute(
                    text(
                        "INSERT INTO users (email, name, password_hash, role, timezone, "
                        "session_token, created_at) VALUES (:email, :name, :hash, :role, "
                        "'Europe/Paris', 'tok', '2026-01-01 08:00:00')"
                    ),
                    {"email": email, "name": name, "hash": hashed.password_hash, "role": role},
                )
        upgrade()
        rows = db.session.execute(
            text("SELECT email, name, role, timezone, password_hash FROM users ORDER BY email")
        ).all()
        assert [(r.email, r.name, r.role, r.timezone) for r in rows] == [
            (e, n, r, "Europe/Paris") for e, n, r in people
        ]
        assert all(r.password_hash == hashed.password_hash for r in rows)
        old_client = db.session.scalar(db.select(User).filter_by(email="person1@example.com"))
        account = type("Account", (), {"email": old_client.email})
    browser = app.test_client()
    log_in(browser, account)
    assert submit(browser, "/today", {"pain_neck": "2"}).status_code == 302  # old accounts work
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(CheckIn.id))) == 1
        db.session.remove()
        db.engine.dispose()


def test_appointments_and_logged_sides_survive_their_migration(empty_database_url):
    """Appointments keep their rows through the rename (constraints renamed too), and routine
    logs made before doses had sides take each side from the routine they followed."""
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        upgrade(revision=BEFORE_APPOINTMENTS)
        statements = [
            "INSERT INTO users (id, email, name, password_hash, role, timezone, session_token,"
            " created_at) VALUES (1, 'c@example.com', 'C', 'x', 'client', 'UTC', 't',"
            " '2026-01-01 08:00:00')",
            "INSERT INTO therapy_sessions (client_id, day, note, created_by_id, created_at)"
            " VALUES (1, '2026-01-05', 'First visit', 1, '2026-01-01 08:00:00')",
            "INSERT INTO exercises (id, name, kind, regions, how_to, per_side)"
            " VALUES (1, 'Stretch', 'stretch', '', '', false)",
            "INSERT INTO routines (id, user_id, name, archived, created_at)"
            " VALUES (1, 1, 'Neck', false, '2026-01-01 08:00:00')",
            "INSERT INTO routine_items (routine_id, exercise_id, position, per_side)"
            " VALUES (1, 1, 0, true)",
            "INSERT INTO routine_logs (id, user_id, routine_id, day, logged_at)"
            " VALUES (1, 1, 1, '2026-01-06', '2026-01-06 08:00:00')",
            "INSERT INTO routine_log_items (log_id, exercise_id, done) VALUES (1, 1, true)",
        ]
        with db.engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
        upgrade()
        inspector = inspect(db.engine)
        foreign_keys = {key["name"] for key in inspector.get_foreign_keys("appointments")}
        assert foreign_keys == {
            "fk_appointments_client_id_users",
            "fk_appointments_created_by_id_users",
        }
        assert inspector.get_pk_constraint("appointments")["name"] == "pk_appointments"
        assert db.session.execute(text("SELECT note FROM appointments")).scalar() == "First visit"
        per_side = db.session.execute(text("SELECT per_side FROM routine_log_items")).scalar()
        assert per_side in (True, 1)
        db.session.remove()
        db.engine.dispose()


def test_tokens_made_before_scopes_keep_writing_and_expire_in_90_days(empty_database_url):
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        upgrade(revision=BEFORE_SIGN_INS)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, role, timezone, "
                    "session_token, created_at) VALUES (1, 'c@example.com', 'C', 'x', 'client', "
                    "'UTC', 't', '2026-01-01 08:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO api_tokens (user_id, name, token_hash, hint, created_at) "
                    "VALUES (1, 'sheet', 'h', 'sc_abc', '2026-01-01 08:00:00')"
                )
            )
        upgrade()
        token = db.session.scalar(db.select(ApiToken))
        assert token.scope == TOKEN_WRITE
        assert abs(token.expires_at - utcnow() - timedelta(days=90)) < timedelta(minutes=5)
        db.session.remove()
        db.engine.dispose()


def test_downgrading_past_sign_ins_keeps_every_row(empty_database_url):
    """On SQLite a copied users table would take every row that refers to it along."""
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        upgrade()
        for email in ("a@example.com", "b@example.com"):
            create_user(email=email, name="A", password=PASSWORD, role="client")
        db.session.add(CheckIn(user_id=1, day=date(2026, 1, 5)))
        db.session.commit()
        db.session.remove()
        downgrade(revision=BEFORE_SIGN_INS)
        tokens = db.session.execute(text("SELECT session_token FROM users")).scalars().all()
        assert len(set(tokens)) == 2 and all(tokens)
        assert db.session.execute(text("SELECT count(*) FROM checkins")).scalar() == 1
        db.session.remove()
        upgrade()
        assert db.session.scalar(db.select(db.func.count(CheckIn.id))) == 1
        db.session.remove()
        db.engine.dispose()


# What the access log and the sign-ins held as English sentences, and what they hold now.
STORED_PURPOSES = {
    "charts": "charts",
    "report": "report",
    "dashboard figures": "dashboard",
    "added an appointment": "appointment_added",
    "export (CSV)": "export_csv",
    "export (FHIR)": "export_fhir",
    "opened the home programme": "programme_opened",
    "changed the home programme": "programme_changed",
    "asked to re-score PSFS": "psfs_rescore_asked",
    "opened PSFS activities": "psfs_activities_opened",
    "named PSFS activities with the client": "psfs_activities_named",
    "opened PSFS scoring": "psfs_scoring_opened",
    "entered PSFS scores with the client": "psfs_scores_entered",
    "you stopped sharing": "share_stopped",
    "you undid stopping": "share_restored",
    "home program": "home program",  # an early name, never given a code: kept as it is
}
STORED_DEVICES = {
    "Firefox on Linux": ("Firefox", "Linux"),
    "Safari on iPhone": ("Safari", "iPhone"),
    "Linux": ("", "Linux"),
    "curl": ("curl", ""),
    "Unknown device": ("", ""),
}


def test_sentences_stored_before_become_codes_and_read_the_same(empty_database_url):
    """The access log's purposes become codes and a sign-in's device its names; the pages read
    exactly what they read before, and going back down gives every sentence back."""
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        upgrade(revision=BEFORE_CODES)
        made = {
            role: create_user(email=f"{role}@example.com", name=role, password=PASSWORD, role=role)
            for role in ("client", "therapist")
        }
        ids = {role: person.id for role, person in made.items()}
        db.session.remove()
        now = utcnow().strftime("%Y-%m-%d %H:%M:%S")
        with db.engine.begin() as connection:
            for purpose in STORED_PURPOSES:
                connection.execute(
                    text(
                        "INSERT INTO access_log (client_id, therapist_id, therapist_name, purpose,"
                        " viewed_at) VALUES (:client, :therapist, 'Theo', :purpose, :now)"
                    ),
                    ids | {"purpose": purpose, "now": now},
                )
            for number, device in enumerate(STORED_DEVICES):
                connection.execute(
                    text(
                        "INSERT INTO sign_ins (user_id, token_hash, device, remember, created_at,"
                        " last_seen_at, password_entered_at) VALUES (:client, :hash, :device,"
                        " true, :now, :now, :now)"
                    ),
                    ids | {"hash": f"h{number}", "device": device, "now": now},
                )
        upgrade()

        def stored(query: str) -> list:
            return [tuple(row) for row in db.session.execute(text(query)).all()]

        purposes = stored("SELECT purpose FROM access_log ORDER BY id")
        assert purposes == [(code,) for code in STORED_PURPOSES.values()]
        assert [purpose_label(code) for (code,) in purposes] == list(STORED_PURPOSES)
        devices = stored("SELECT device_browser, device_system FROM sign_ins ORDER BY id")
        assert devices == list(STORED_DEVICES.values())
        db.session.remove()

    browser = app.test_client()
    log_in(browser, type("Account", (), {"email": "client@example.com"}))
    log = browser.get("/sharing").text
    assert all(f"<td>{purpose}</td>" in log for purpose in STORED_PURPOSES)
    signed_in = browser.get("/account").text
    assert all(f"<strong>{device}</strong>" in signed_in for device in STORED_DEVICES)

    with app.app_context():
        downgrade(revision=BEFORE_CODES)
        assert stored("SELECT purpose FROM access_log ORDER BY id") == [
            (purpose,) for purpose in STORED_PURPOSES
        ]
        # and the sign-in made meanwhile, by a browser named by its first word
        assert stored("SELECT device FROM sign_ins ORDER BY id") == [
            *((device,) for device in STORED_DEVICES),
            ("Werkzeug",),
        ]
        db.session.remove()
        db.engine.dispose()
