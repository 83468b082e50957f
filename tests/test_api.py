"""The JSON API: tokens, the same validation as the forms, and schemathesis against the
OpenAPI document."""

import uuid
from datetime import timedelta
from http import HTTPStatus

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from selfcare import create_app
from selfcare.account.service import create_token
from selfcare.api import views as api_views
from selfcare.extensions import db
from selfcare.models import (
    TOKEN_READ,
    TOKEN_WRITE,
    ApiToken,
    CheckIn,
    Exercise,
    Measurement,
    PainScore,
    Routine,
    RoutineItem,
    RoutineLog,
    utcnow,
)
from selfcare.routines.exercises import sync_exercise_library

from .helpers import (
    count_rows,
    fetch_all,
    form_values,
    log_in,
    make_user,
    settings_for,
    submit,
)


@pytest.fixture
def token(app, client_user):
    with app.app_context():
        _, plain = create_token(client_user.id, "tests", scope=TOKEN_WRITE)
    return plain


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_token_is_made_on_the_account_page_shown_once_and_stored_hashed(
    app, logged_in_client, client_user
):
    page = submit(logged_in_client, "/account/tokens", {"name": "my sheet"}).text
    plain = page.split("<code>")[1].split("</code>")[0]
    assert plain.startswith("sc_") and len(plain) > 40
    [row] = fetch_all(app, ApiToken, user_id=client_user.id)
    assert row.token_hash != plain and plain not in logged_in_client.get("/account/tokens").text
    assert logged_in_client.get("/api/v1/checkins", headers=auth(plain)).status_code == 200
    submit(logged_in_client, f"/account/tokens/{row.id}/revoke", page="/account/tokens")
    assert logged_in_client.get("/api/v1/checkins", headers=auth(plain)).status_code == 401


def test_no_or_wrong_token_is_refused(client):
    for headers in ({}, auth("sc_wrong"), {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/checkins", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_create_and_list_checkins(app, client, token, client_user):
    response = client.post(
        "/api/v1/checkins",
        json={
            "date": "2026-01-15",
            "pain": {"neck": 4, "hip_left": 2},
            "stress": 3,
            "medication_taken": True,
        },
    )
    assert response.status_code == 401  # no token, no entry
    response = client.post(
        "/api/v1/checkins",
        headers=auth(token),
        json={
            "date": "2026-01-15",
            "pain": {"neck": 4, "hip_left": 2},
            "stress": 3,
            "medication_taken": True,
        },
    )
    assert response.status_code == 201, response.json
    assert (
        response.json["pain"] == {"neck": 4, "hip_left": 2}
        and response.json["medication_taken"] is True
    )
    again = client.post(
        "/api/v1/checkins", headers=auth(token), json={"date": "2026-01-15", "pain": {"neck": 5}}
    )
    assert again.status_code == 200 and again.json["pain"] == {"neck": 5, "hip_left": 2}
    listing = client.get("/api/v1/checkins?limit=10", headers=auth(token)).json
    assert listing["total"] == 1 and listing["items"][0]["date"] == "2026-01-15"
    assert count_rows(app, CheckIn, user_id=client_user.id) == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"pain": {"neck": 11}}, "pain_neck", "Choose a whole number from 0 to 10."),
        ({"pain": {"tail": 3}}, "pain", "Regions are"),
        ({"date": "2999-01-01"}, "date", "in the future"),
        ({"date": "1999-12-31"}, "date", "from 2000 onwards"),
        ({"date": "15/01/2026"}, "date", "Not a valid date value."),
        ({"date": ""}, "date", "Not a valid date value."),
        ({"note": "x" * 10_000}, "note", "to 1,000 characters or fewer"),
        ({"day_kind": "awful"}, "day_kind", "Not a valid choice"),
        # JSON types as the document gives them: text that a form would read as a number (or as
        # "not rated") is refused, and so is a boolean for a score.
        ({"pain": {"upper_back": ""}}, "pain.upper_back", "Expected a whole number."),
        ({"stress": "5"}, "stress", "Expected a whole number."),
        ({"stiffness": True}, "stiffness", "Expected a whole number."),
        ({"medication_taken": 1}, "medication_taken", "Expected true or false."),
        ({"pain": [3]}, "pain", "Expected an object."),
        ({"note": {"text": "hi"}}, "note", "Expected text."),
    ],
)
def test_checkin_validation_matches_the_form(app, client, token, body, field, message):
    response = client.post("/api/v1/checkins", headers=auth(token), json=body)
    assert response.status_code == 422
    assert any(message in text for text in response.json["errors"][field])
    assert count_rows(app, CheckIn) == 0


def test_a_checkins_date_is_checked_with_its_other_fields(app, client, token):
    """The form reads the date with the rest, as it does for logs and measurements: every
    field that needs another look is named at once."""
    body = {"date": "2999-01-01", "pain": {"neck": 11}}
    response = client.post("/api/v1/checkins", headers=auth(token), json=body)
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"date", "pain_neck"}
    assert count_rows(app, CheckIn) == 0


def test_routine_logs_only_for_own_routines_and_once_per_submission(
    app, client, token, client_user
):
    other = make_user(app)
    with app.app_context():
        from selfcare.models import Exercise

        exercise = db.session.scalar(db.select(Exercise).where(Exercise.slug == "chin_tuck"))
        mine, theirs = (
            Routine(user_id=client_user.id, name="Mine"),
            Routine(user_id=other.id, name="Theirs"),
        )
        for routine in (mine, theirs):
            routine.items.append(RoutineItem(exercise=exercise, reps=10))
        db.session.add_all([mine, theirs])
        db.session.commit()
        mine_id, theirs_id = mine.id, theirs.id
    refused = client.post(
        "/api/v1/routine-logs", headers=auth(token), json={"routine_id": theirs_id}
    )
    assert refused.status_code == 422 and "routine_id" in refused.json["errors"]
    for wrong in (2**63, 0):
        response = client.post(
            "/api/v1/routine-logs", headers=auth(token), json={"routine_id": wrong}
        )
        assert response.json["errors"]["routine_id"] == ["You have no routine with that id."]
    hex_only = {"routine_id": mine_id, "submission_id": "5" * 32}  # a UUID, but not as written
    assert (
        client.post("/api/v1/routine-logs", headers=auth(token), json=hex_only).status_code == 422
    )
    body = {
        "routine_id": mine_id,
        "effort": 4,
        "submission_id": "55555555-5555-4555-8555-555555555555",
    }
    first = client.post("/api/v1/routine-logs", headers=auth(token), json=body)
    second = client.post("/api/v1/routine-logs", headers=auth(token), json=body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json["exercises"] == [
        {
            "exercise": "Chin tuck (neck retraction)",
            "done": True,
            "pain_during": None,
            "difficulty": None,
        }
    ]
    assert count_rows(app, RoutineLog) == 1
    assert (
        client.post(
            "/api/v1/routine-logs", headers=auth(token), json={"routine_id": mine_id, "effort": 12}
        ).status_code
        == 422
    )


def test_measurements_with_bounds(app, client, token):
    ok = client.post(
        "/api/v1/measurements",
        headers=auth(token),
        json={"movement": "cervical_rotation", "side": "left", "value": 64},
    )
    assert ok.status_code == 201 and ok.json["unit"] == "deg"
    high = client.post(
        "/api/v1/measurements",
        headers=auth(token),
        json={"movement": "cervical_rotation", "side": "left", "value": 400},
    )
    assert high.status_code == 422 and "between 0° and 100°" in high.json["errors"]["value"][0]
    unknown = client.post(
        "/api/v1/measurements", headers=auth(token), json={"movement": "wiggle", "value": 1}
    )
    assert unknown.status_code == 422
    sideless = client.post(
        "/api/v1/measurements",
        headers=auth(token),
        json={"movement": "fingertip_to_floor", "side": "up", "value": 10},
    )
    assert sideless.status_code == 422 and "without a side" in sideless.json["errors"]["side"][0]
    not_json = client.post(
        "/api/v1/measurements",
        headers=auth(token),
        data="not json",
        content_type="application/json",
    )
    assert not_json.status_code == 400
    assert count_rows(app, Measurement) == 1


def test_null_is_the_same_as_leaving_a_field_out(app, client, token):
    checkin = client.post(
        "/api/v1/checkins",
        headers=auth(token),
        json={"pain": {"neck": 4, "lower_back": None}, "stress": None, "date": None},
    )
    assert checkin.status_code == 201, checkin.json
    assert checkin.json["pain"] == {"neck": 4} and checkin.json["stress"] is None
    required = client.post(
        "/api/v1/measurements",
        headers=auth(token),
        json={"movement": "cervical_rotation", "side": None, "value": None},
    )
    assert required.status_code == 422 and required.json["errors"] == {
        "value": ["Expected a number."]
    }
    assert count_rows(app, Measurement) == 0


def test_therapist_tokens_cannot_use_the_api(app, client, therapist_user):
    with app.app_context():
        _, plain = create_token(therapist_user.id, "x", scope=TOKEN_WRITE)
    assert client.get("/api/v1/checkins", headers=auth(plain)).status_code == 403
    log_in(client, therapist_user)
    assert client.get("/account/tokens").status_code == 403


@pytest.fixture
def api_app(tmp_path):
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'api.db'}"))
    with app.app_context():
        db.create_all()
        sync_exercise_library()
    account = make_user(app)
    with app.app_context():
        _, app.config["TEST_API_TOKEN"] = create_token(
            account.id, "schemathesis", scope=TOKEN_WRITE
        )
    return app


API_EXAMPLES = 40
OPERATIONS = [
    ("GET", "/checkins"),
    ("POST", "/checkins"),
    ("GET", "/routine-logs"),
    ("POST", "/routine-logs"),
    ("GET", "/measurements"),
    ("POST", "/measurements"),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"]
)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_matches_its_openapi_document(api_app, method, path, mode):
    """Schemathesis draws requests from the document, valid ones and deliberately invalid ones,
    and checks every answer against it: no server error, documented status codes, content types
    and response bodies. (Driven through hypothesis directly; its pytest plugin doesn't run
    under pytest 9 yet.)"""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    operation = schema[path][method]
    token = api_app.config["TEST_API_TOKEN"]

    @settings(
        max_examples=API_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case):
        assume(mode is GenerationMode.POSITIVE or reaches_the_url(case.query))
        case.call_and_validate(headers=auth(token), excluded_checks=EXCLUDED_CHECKS)

    call()


def reaches_the_url(query: dict | None) -> bool:
    """A query parameter with an empty name or an empty list of values is left out of the URL,
    so an invalid case whose only fault is such a parameter arrives valid, and schemathesis
    would blame the API for accepting it."""
    return all(name and value != [] for name, value in (query or {}).items())


# Dates the document allows may still be refused: "not in the future" can't be said in JSON
# Schema, so valid-looking data is sometimes rightly turned away.
EXCLUDED_CHECKS = [schemathesis.checks.positive_data_acceptance]


def test_every_api_error_is_problem_details(client, token):
    """Unknown paths and methods under /api/v1 answered with the HTML error page."""
    cases = [
        ("GET", "/api/v1/nothing-here", {}, 404),
        ("DELETE", "/api/v1/checkins", auth(token), 405),
        ("GET", "/api/v1/checkins", {}, 401),
        ("POST", "/api/v1/checkins", auth(token), 415),  # no JSON body
    ]
    for method, path, headers, status in cases:
        response = client.open(path, method=method, headers=headers)
        assert response.status_code == status, (method, path)
        assert response.mimetype == "application/problem+json"
        body = response.json
        assert body["status"] == status and body["detail"]
        assert body["title"] == HTTPStatus(status).phrase
    assert "GET" in client.delete("/api/v1/checkins", headers=auth(token)).headers["Allow"]


@pytest.mark.parametrize("query", ["offset=¹", "limit=٣", "limit=3.0", "offset=-1", "limit=1e2"])
def test_list_parameters_are_ascii_whole_numbers(client, token, query):
    """?offset=¹ answered 500 and ?limit=٣ was read as 3."""
    response = client.get(f"/api/v1/checkins?{query}", headers=auth(token))
    assert response.status_code == 422
    assert response.json["errors"]


def test_deeply_nested_json_is_refused_not_crashed(client, token):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(
        "/api/v1/checkins", data=body, content_type="application/json", headers=auth(token)
    )
    assert response.status_code == 400


def test_nul_in_text_is_refused_with_nothing_written(app, client, token, client_user):
    """PostgreSQL can't store NUL: it answered 500 there."""
    response = client.post(
        "/api/v1/checkins", json={"pain": {"neck": 3}, "note": "a\x00b"}, headers=auth(token)
    )
    assert response.status_code == 422
    assert count_rows(app, CheckIn, user_id=client_user.id) == 0


def test_the_same_measurement_sent_twice_is_stored_once(app, client, token, client_user):
    body = {
        "movement": "cervical_rotation",
        "side": "left",
        "value": 62,
        "submission_id": "6f1c1f0e-9a52-4c1e-9a33-3c1d1b2f0a11",
    }
    first = client.post("/api/v1/measurements", json=body, headers=auth(token))
    again = client.post("/api/v1/measurements", json=body, headers=auth(token))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["id"] == again.json["id"]
    assert count_rows(app, Measurement, user_id=client_user.id) == 1


def test_an_expired_token_is_refused(app, client, client_user):
    with app.app_context():
        row, plain = create_token(client_user.id, "old", scope=TOKEN_WRITE)
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = client.get("/api/v1/checkins", headers=auth(plain))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "expired" in response.json["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_read_only_token_reads_but_never_writes(app, client, client_user):
    with app.app_context():
        _, plain = create_token(client_user.id, "charts", scope=TOKEN_READ)
    assert client.get("/api/v1/checkins", headers=auth(plain)).status_code == 200
    for path, body in [
        ("/api/v1/checkins", {"date": "2026-01-15", "pain": {"neck": 5}}),
        ("/api/v1/measurements", {"movement": "cervical_rotation", "side": "left", "value": 60}),
    ]:
        response = client.post(path, headers=auth(plain), json=body)
        assert response.status_code == 403
        assert response.mimetype == "application/problem+json"
        assert "only read" in response.json["detail"]
    assert count_rows(app, CheckIn) == count_rows(app, Measurement) == 0


def test_the_tokens_page_sets_scope_and_expiry_and_shows_last_use(
    app, logged_in_client, client_user
):
    page = logged_in_client.get("/account/tokens").text
    defaults = form_values(page, "token-form")
    assert defaults["scope"] == TOKEN_READ and defaults["lifetime_days"] == "90"
    made = submit(
        logged_in_client,
        "/account/tokens",
        {"name": "watch", "scope": TOKEN_WRITE, "lifetime_days": "30"},
    ).text
    plain = made.split("<code>")[1].split("</code>")[0]
    submit(logged_in_client, "/account/tokens", defaults | {"name": "sheet"})
    watch, sheet = fetch_all(app, ApiToken, user_id=client_user.id)
    assert (watch.scope, sheet.scope) == (TOKEN_WRITE, TOKEN_READ)
    assert abs(watch.expires_at - utcnow() - timedelta(days=30)) < timedelta(minutes=1)
    assert abs(sheet.expires_at - utcnow() - timedelta(days=90)) < timedelta(minutes=1)
    listing = logged_in_client.get("/account/tokens").text
    assert "reads and adds" in listing and "reads only" in listing
    assert listing.count("never used") == 2
    logged_in_client.get("/api/v1/checkins", headers=auth(plain))
    listing = logged_in_client.get("/account/tokens").text
    assert listing.count("never used") == 1 and "last used" in listing
    with app.app_context():
        db.session.execute(db.update(ApiToken).values(expires_at=utcnow()))
        db.session.commit()
    assert logged_in_client.get("/account/tokens").text.count("expired") == 2


def test_reads_note_a_tokens_last_use_at_most_once_a_minute(app, client, token):
    def last_used():
        with app.app_context():
            return db.session.scalar(db.select(ApiToken.last_used_at))

    client.get("/api/v1/checkins", headers=auth(token))
    first = last_used()
    client.get("/api/v1/checkins", headers=auth(token))
    assert last_used() == first
    with app.app_context():
        db.session.execute(db.update(ApiToken).values(last_used_at=first - timedelta(minutes=1)))
        db.session.commit()
    client.get("/api/v1/checkins", headers=auth(token))
    assert last_used() > first


# Each API write: its URL, a valid body (routine_id filled in by the fixture), the rows it adds
# and the function in selfcare.api.views that saves them.
API_WRITES = {
    "check-in": ("/api/v1/checkins", {"pain": {"neck": 4}}, CheckIn, "save_checkin"),
    "routine log": ("/api/v1/routine-logs", {"routine_id": None}, RoutineLog, "log_routine"),
    "measurement": (
        "/api/v1/measurements",
        {"movement": "cervical_rotation", "side": "left", "value": 60},
        Measurement,
        "add_measurement",
    ),
}


def new_routine(app, user_id: int) -> int:
    with app.app_context():
        exercise = db.session.scalar(db.select(Exercise).where(Exercise.slug == "chin_tuck"))
        routine = Routine(user_id=user_id, name="Neck")
        routine.items.append(RoutineItem(exercise=exercise, reps=10))
        db.session.add(routine)
        db.session.commit()
        return routine.id


def body_for(app, body: dict, user_id: int) -> dict:
    """The body, with a routine of the user's own where it names one."""
    return body | {"routine_id": new_routine(app, user_id)} if "routine_id" in body else body


@pytest.fixture(params=list(API_WRITES))
def api_write(request, app, client_user):
    """(url, body, model, saving function) of each API write in turn, for client_user."""
    url, body, model, saver = API_WRITES[request.param]
    return url, body_for(app, body, client_user.id), model, saver


def with_key(token: str, key: str) -> dict:
    return auth(token) | {"Idempotency-Key": key}


def lose_the_connection_after(monkeypatch, saver: str) -> None:
    """The database connection drops just after the view's save has committed: the answer,
    which reads the saved row again (expired by the commit), fails as it would then."""
    save = getattr(api_views, saver)

    def committed_then_dropped(*args, **kwargs):
        saved = save(*args, **kwargs)
        lost = OperationalError("SELECT", {}, ConnectionError("server closed the connection"))

        def drop(*_):
            raise lost

        event.listen(db.engine, "before_cursor_execute", drop, once=True)
        return saved

    monkeypatch.setattr(api_views, saver, committed_then_dropped)


def test_a_write_answered_503_after_its_commit_is_saved_once_when_sent_again(
    app, client, token, client_user, api_write, monkeypatch
):
    url, body, model, saver = api_write
    key = str(uuid.uuid4())
    lose_the_connection_after(monkeypatch, saver)
    first = client.post(url, json=body, headers=with_key(token, key))
    assert first.status_code == 503 and first.mimetype == "application/problem+json"
    assert count_rows(app, model, user_id=client_user.id) == 1  # saved all the same
    monkeypatch.undo()
    again = client.post(url, json=body, headers=with_key(token, key))
    assert again.status_code == 200, again.json
    [row] = fetch_all(app, model, user_id=client_user.id)
    assert again.json["id"] == row.id


def test_the_same_write_sent_twice_with_its_key_is_saved_once(
    app, client, token, client_user, api_write
):
    url, body, model, _ = api_write
    first = client.post(url, json=body, headers=with_key(token, "retry-1"))
    # The same key in double quotes, a structured-field string as the draft writes it.
    again = client.post(url, json=body, headers=with_key(token, '"retry-1"'))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert count_rows(app, model, user_id=client_user.id) == 1
    # A new key is a new write: a second log or measurement (a check-in is one a day).
    fresh = client.post(url, json=body, headers=with_key(token, "retry-2"))
    assert fresh.status_code == (200 if model is CheckIn else 201)


def test_a_key_sent_with_another_request_is_refused(app, client, token, client_user, api_write):
    url, body, model, _ = api_write
    assert client.post(url, json=body, headers=with_key(token, "k")).status_code == 201
    other_url, other_body, other_model, _ = API_WRITES[
        "measurement" if model is CheckIn else "check-in"
    ]
    for sent_url, sent_body in ((url, body | {"note": "changed"}), (other_url, other_body)):
        response = client.post(sent_url, json=sent_body, headers=with_key(token, "k"))
        assert response.status_code == 422, sent_url
        assert "another request" in response.json["errors"]["Idempotency-Key"][0]
    [row] = fetch_all(app, model, user_id=client_user.id)
    assert row.note is None
    assert count_rows(app, other_model) == 0


def test_keys_are_per_person(app, client, token, client_user, api_write):
    url, body, model, _ = api_write
    other = make_user(app)
    with app.app_context():
        _, other_token = create_token(other.id, "theirs", scope=TOKEN_WRITE)
    mine = client.post(url, json=body, headers=with_key(token, "shared"))
    their_body = body_for(app, body, other.id)
    theirs = client.post(url, json=their_body, headers=with_key(other_token, "shared"))
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert theirs.json["id"] != mine.json["id"]
    assert count_rows(app, model, user_id=client_user.id) == 1
    assert count_rows(app, model, user_id=other.id) == 1
    # Sent again by the first person, the key still answers only what they saved.
    again = client.post(url, json=body, headers=with_key(token, "shared"))
    assert again.status_code == 200 and again.json == mine.json


def test_a_refused_write_keeps_no_key(app, client, token, client_user, api_write):
    url, body, model, _ = api_write
    headers = with_key(token, "kept?")
    too_long = client.post(url, json=body | {"note": "x" * 2000}, headers=headers)
    not_json = client.post(url, data="{", content_type="application/json", headers=headers)
    assert (too_long.status_code, not_json.status_code) == (422, 400)
    assert client.post(url, json=body, headers=headers).status_code == 201
    assert count_rows(app, model, user_id=client_user.id) == 1


def test_the_check_in_a_key_saved_is_answered_not_written_again(app, client, token, client_user):
    """Sent again after someone saved the day differently meanwhile, the request that was
    saved once is not saved a second time over the newer score."""
    body = {"pain": {"neck": 4}}
    first = client.post("/api/v1/checkins", json=body, headers=with_key(token, "k"))
    assert first.status_code == 201
    newer = client.post("/api/v1/checkins", json={"pain": {"neck": 7}}, headers=auth(token))
    assert newer.status_code == 200
    again = client.post("/api/v1/checkins", json=body, headers=with_key(token, "k"))
    assert again.status_code == 200 and again.json["pain"] == {"neck": 7}
    [score] = fetch_all(app, PainScore)
    assert score.score == 7


def test_a_checkin_sent_again_with_its_key_finds_the_day_the_form_read(app, client, token):
    """A date the form reads but date.fromisoformat doesn't (no leading zeros) is the same
    day when the request comes again with its key."""
    body = {"date": "2026-1-5", "pain": {"neck": 4}}
    first = client.post("/api/v1/checkins", json=body, headers=with_key(token, "k"))
    again = client.post("/api/v1/checkins", json=body, headers=with_key(token, "k"))
    assert (first.status_code, again.status_code) == (201, 200), again.json
    assert again.json == first.json and first.json["date"] == "2026-01-05"


def test_what_a_key_saved_deleted_since_is_not_saved_again(app, client, token, client_user):
    body = {"movement": "fingertip_to_floor", "value": 12}
    saved = client.post("/api/v1/measurements", json=body, headers=with_key(token, "k"))
    with app.app_context():
        db.session.execute(db.delete(Measurement).filter_by(id=saved.json["id"]))
        db.session.commit()
    again = client.post("/api/v1/measurements", json=body, headers=with_key(token, "k"))
    assert again.status_code == 409 and "deleted" in again.json["detail"]
    assert count_rows(app, Measurement) == 0


@pytest.mark.parametrize(
    "key", ["", "with space", "x" * 256, "\u00e9t\u00e9", '"half', "back\\slash", '""']
)
def test_a_malformed_key_is_refused(app, client, token, key):
    body = {"movement": "fingertip_to_floor", "value": 12}
    response = client.post("/api/v1/measurements", json=body, headers=with_key(token, key))
    assert response.status_code == 400 and "Idempotency-Key" in response.json["detail"]
    assert count_rows(app, Measurement) == 0


def test_a_key_and_a_submission_id_together_are_refused(app, client, token):
    body = {
        "movement": "fingertip_to_floor",
        "value": 12,
        "submission_id": "6f1c1f0e-9a52-4c1e-9a33-3c1d1b2f0a11",
    }
    response = client.post("/api/v1/measurements", json=body, headers=with_key(token, "k"))
    assert response.status_code == 422 and "submission_id" in response.json["errors"]
    assert count_rows(app, Measurement) == 0


def test_unknown_fields_are_refused_not_dropped(app, client, token):
    """A misspelt field ("notes") was dropped without a word, and the rest saved."""
    response = client.post(
        "/api/v1/checkins", json={"pain": {"neck": 3}, "notes": "stiff"}, headers=auth(token)
    )
    assert response.status_code == 422
    assert "Unknown field" in response.json["errors"]["notes"][0]
    assert count_rows(app, CheckIn) == 0
