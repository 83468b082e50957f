"""Many phones saving at once: gunicorn with 4 workers, 8 clients posting in parallel.
Bounded loops, loopback only. Every write must land exactly once."""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from selfcare.account.service import create_token
from selfcare.dates import local_today
from selfcare.extensions import db
from selfcare.models import (
    TOKEN_WRITE,
    CheckIn,
    Exercise,
    Measurement,
    PainScore,
    Routine,
    RoutineItem,
    RoutineLog,
)

from .harness import Browser, Gunicorn
from .helpers import PASSWORD, make_user

pytestmark = pytest.mark.slow

CLIENTS = 8
CHECKINS_EACH = 32
LOGS_EACH = 31  # 8 x (32 + 31) = 504 writes
RESENT_EACH = 5  # the same "Done today" form sent twice, as a flaky network does


def client_session(base, email, routine_id, today):
    """One phone: log in, save 32 past days, log a routine 31 times, resend 5 of those forms."""
    browser = Browser(base)
    browser.log_in(email, PASSWORD)
    statuses = []
    for age in range(1, CHECKINS_EACH + 1):
        day = (today - timedelta(days=age)).isoformat()
        statuses.append(
            browser.post_form(
                f"/checkins/{day}", {"pain_neck": str(age % 11), "pain_lower_back": "4"}
            )
        )
    for number in range(LOGS_EACH):
        submission = f"00000000-0000-4000-8000-{routine_id:06d}{number:06d}"
        sends = 2 if number < RESENT_EACH else 1
        for _ in range(sends):
            statuses.append(browser.post_form("/today", {"again": f"{routine_id}:{submission}"}))
    return statuses


def test_parallel_writes_all_land_once(app, database_url, tmp_path):
    today = local_today("Europe/London")
    people = []
    for n in range(CLIENTS):
        account = make_user(app, email=f"phone{n}@example.com")
        with app.app_context():
            exercise = db.session.scalar(db.select(Exercise).where(Exercise.slug == "cat_cow"))
            routine = Routine(user_id=account.id, name="Daily")
            routine.items.append(RoutineItem(exercise=exercise, reps=10))
            db.session.add(routine)
            db.session.commit()
            people.append((account.email, routine.id))
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "concurrency-test",
        "SELFCARE_ENV": "development",
    }
    with Gunicorn(env, workers=4) as base, ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(lambda person: client_session(base, *person, today), people))
    statuses = [status for result in results for status in result]
    assert len(statuses) == CLIENTS * (CHECKINS_EACH + LOGS_EACH + RESENT_EACH)
    assert set(statuses) == {302}, {s: statuses.count(s) for s in set(statuses)}
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(CheckIn.id))) == CLIENTS * CHECKINS_EACH
        assert (
            db.session.scalar(db.select(db.func.count(PainScore.id))) == CLIENTS * CHECKINS_EACH * 2
        )
        assert db.session.scalar(db.select(db.func.count(RoutineLog.id))) == CLIENTS * LOGS_EACH
        duplicates = db.session.execute(
            db.select(CheckIn.user_id, CheckIn.day)
            .group_by(CheckIn.user_id, CheckIn.day)
            .having(db.func.count() > 1)
        ).all()
        assert duplicates == []


KEYS = 10
COPIES = 4  # of each write, sent at once


def test_copies_of_an_api_write_sent_at_once_are_saved_once(app, database_url):
    """A client that sends again before the first answer comes: copies of one write with one
    Idempotency-Key reach different workers at the same moment. One is saved; every copy
    answers with it."""
    account = make_user(app)
    with app.app_context():
        _, token = create_token(account.id, "race", scope=TOKEN_WRITE)
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "concurrency-test",
        "SELFCARE_ENV": "development",
    }
    body = {"movement": "fingertip_to_floor", "value": 12}
    keys = [f"race-{number}" for number in range(KEYS) for _ in range(COPIES)]

    def send(base, key):
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
        status, answer = Browser(base).post_json("/api/v1/measurements", body, headers)
        return key, status, json.loads(answer).get("id")

    with Gunicorn(env, workers=4) as base, ThreadPoolExecutor(KEYS * COPIES) as pool:
        answers = list(pool.map(lambda key: send(base, key), keys))
    for number in range(KEYS):
        mine = [(status, row) for key, status, row in answers if key == f"race-{number}"]
        assert sorted(status for status, _ in mine) == [200] * (COPIES - 1) + [201], mine
        assert len({row for _, row in mine}) == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Measurement.id))) == KEYS
