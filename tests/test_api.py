"""The JSON API: tokens, the same validation as the forms, and schemathesis against the
OpenAPI document."""

from datetime import timedelta
from http import HTTPStatus

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode

from selfcare import create_app
from selfcare.account.service import create_token
from selfcare.extensions import db
from selfcare.models import (
    TOKEN_READ,
    TOKEN_WRITE,
    ApiToken,
    CheckIn,
    Measurement,
    Routine,
    RoutineItem,
    RoutineLog,
    utcnow,
)
from selfcare.routines.service import sync_exercise_library

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
    assert (
        client.post("/api/v1/measurements", headers=auth(token), data="not json").status_code == 400
    )
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
        ("POST", "/api/v1/checkins", auth(token), 400),
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
