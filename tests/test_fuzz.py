"""Every form, fed random and hostile input: never a server error, and a refused form writes
nothing. Hypothesis draws the values; the counts are printed at the end of the run."""

import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfcare.account.service import create_token
from selfcare.api.views import request_schema
from selfcare.dates import local_today
from selfcare.extensions import db
from selfcare.models import TOKEN_WRITE, Exercise, PsfsActivity, Routine, RoutineItem, Share

from .helpers import (
    FUZZ_EXAMPLES_TRIED,
    HOSTILE_BODIES,
    csrf_token_from,
    json_endpoints,
    log_in,
    make_user,
    total_rows,
)

pytestmark = pytest.mark.slow

EXAMPLES_PER_FORM = 25

HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "11",
        "10.5",
        "abc",
        "1e309",
        "NaN",
        "-Infinity",
        "\x00",
        "\ud7ff",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "9" * 400,
        "2026-02-30",
        "9999-12-31",
        "0001-01-01",
        "yes",
        "left",
        "up",
        "true",
        "%00",
        "../../etc/passwd",
        "\u202e",
        "😀" * 50,
    ]
)
VALUE = st.one_of(
    HOSTILE,
    st.text(max_size=1500),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=1, max_value=60).map(str),  # ids that may belong to someone else
)

# (name, who posts, url template, page that holds the form, fields)
FORMS = [
    ("register", None, "/register", "/register", ["name", "email", "password", "role", "timezone"]),
    ("login", None, "/login", "/login", ["email", "password", "remember"]),
    ("forgot password", None, "/forgot-password", "/forgot-password", ["email"]),
    ("new password", None, "/reset-password", "/forgot-password", ["token", "password"]),
    ("confirm address", None, "/confirm-email", "/forgot-password", ["token"]),
    (
        "check-in",
        "client",
        "/today",
        "/today",
        [
            "pain_neck",
            "pain_upper_back",
            "pain_lower_back",
            "day_kind",
            "stiffness",
            "sleep_quality",
            "stress",
            "medication_taken",
            "medication_note",
            "note",
            "loaded",
        ],
    ),
    (
        "past check-in",
        "client",
        "/checkins/2026-01-15",
        "/checkins/2026-01-15",
        ["pain_neck", "note", "day_kind"],
    ),
    ("regions", "client", "/checkins/regions", "/checkins/regions", ["regions"]),
    ("new routine", "client", "/routines/new", "/routines/new", ["name", "exercise_ids"]),
    ("rename routine", "client", "/routines/{routine}", "/routines/{routine}", ["name"]),
    ("add exercise", "client", "/routines/{routine}/items", "/routines/{routine}", ["exercise_id"]),
    (
        "doses",
        "client",
        "/routines/{routine}/doses",
        "/routines/{routine}",
        [
            "items-0-sets",
            "items-0-reps",
            "items-0-hold_seconds",
            "items-0-duration_seconds",
            "items-0-per_side",
            "items-0-note",
        ],
    ),
    (
        "detailed log",
        "client",
        "/routines/{routine}/log",
        "/routines/{routine}/log",
        [
            "submission_id",
            "day",
            "exercises-0-row_key",
            "exercises-0-done",
            "exercises-0-sets",
            "exercises-0-reps",
            "effort",
            "note",
        ],
    ),
    ("routine buttons", "client", "/today", "/today", ["done", "again", "undo", "pain_neck"]),
    (
        "own exercise",
        "client",
        "/exercises/new",
        "/exercises/new",
        [
            "name",
            "kind",
            "regions",
            "how_to",
            "sets",
            "reps",
            "hold_seconds",
            "duration_seconds",
            "per_side",
        ],
    ),
    (
        "measurement",
        "client",
        "/measurements/new/cervical_rotation",
        "/measurements/new/cervical_rotation",
        ["submission_id", "left", "right", "day", "note"],
    ),
    (
        "unsided measurement",
        "client",
        "/measurements/new/fingertip_to_floor",
        "/measurements/new/fingertip_to_floor",
        ["submission_id", "value", "day"],
    ),
    ("appointment", "client", "/appointments", "/trends", ["day", "note"]),
    ("profile", "client", "/account", "/account", ["name", "timezone"]),
    ("change email", "client", "/account/email", "/account/email", ["email", "current_password"]),
    (
        "password",
        "client",
        "/account/password",
        "/account/password",
        ["current_password", "new_password"],
    ),
    ("link code", "therapist", "/therapist/link", "/therapist/link", ["code"]),
    (
        "therapist appointment",
        "therapist",
        "/therapist/clients/{client}/appointments",
        "/therapist/clients/{client}",
        ["day", "note"],
    ),
    (
        "home program",
        "therapist",
        "/therapist/clients/{client}/routines/new",
        "/therapist/clients/{client}/routines/new",
        [
            "name",
            "exercise_ids",
            "times_per_day",
            "frequency",
            "days_per_week",
            "weekdays",
            "starts_on",
            "ends_on",
        ],
    ),
    (
        "psfs activities",
        "client",
        "/psfs/activities",
        "/psfs/activities",
        ["name_1", "name_2", "name_3", "name_4", "name_5"],
    ),
    ("rename psfs activity", "client", "/psfs/activities/{activity}", "/psfs", ["name"]),
    (
        "psfs scoring",
        "client",
        "/psfs/score",
        "/psfs/score",
        ["submission_id", "day", "activity_{activity}"],
    ),
    (
        "psfs scoring with the therapist",
        "therapist",
        "/therapist/clients/{client}/psfs/score",
        "/therapist/clients/{client}/psfs/score",
        ["submission_id", "day", "activity_{activity}"],
    ),
]


def build_world(app):
    app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"  # the fuzzer fails logins on purpose
    client, therapist = make_user(app, name="Fuzz Client"), make_user(app, "therapist")
    with app.app_context():
        exercise = db.session.scalar(db.select(Exercise).where(Exercise.slug == "chin_tuck"))
        routine = Routine(user_id=client.id, name="Neck")
        routine.items.append(RoutineItem(exercise=exercise, reps=10))
        activity = PsfsActivity(user_id=client.id, name="Sitting through a meeting")
        share = Share(client_id=client.id, therapist_id=therapist.id)
        db.session.add_all([routine, activity, share])
        db.session.commit()
        ids = {
            "routine": routine.id,
            "item": routine.items[0].id,
            "client": client.id,
            "activity": activity.id,
        }
    return {"client": client, "therapist": therapist}, ids


@pytest.mark.parametrize("form", FORMS, ids=[form[0] for form in FORMS])
def test_form_survives_hostile_input(app, form):
    name, role, url_template, page_template, fields = form
    accounts, ids = build_world(app)
    browser = app.test_client()
    if role:
        log_in(browser, accounts[role])
    url, page = url_template.format(**ids), page_template.format(**ids)
    field_names = [field.format(**ids) for field in fields]
    token = csrf_token_from(browser.get(page).text)

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(
        st.fixed_dictionaries(
            {},
            optional={
                field: st.one_of(VALUE, st.lists(VALUE, max_size=3)) for field in field_names
            },
        )
    )
    def post(data):
        FUZZ_EXAMPLES_TRIED[name] = FUZZ_EXAMPLES_TRIED.get(name, 0) + 1
        with app.app_context():
            before = total_rows()
        response = browser.post(url, data={"csrf_token": token, **data})
        assert response.status_code < 500, (data, response.status_code)
        if response.status_code >= 400:
            with app.app_context():
                assert total_rows() == before, data

    post()
    assert FUZZ_EXAMPLES_TRIED[name] >= EXAMPLES_PER_FORM // 2


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50) | HOSTILE,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=8,
)


def test_queued_entries_survive_hostile_json(app):
    """POST /today/queued (static/js/offline.js) with any JSON: never a server error, and an
    entry refused writes nothing (a clash, 409, stores the scores that don't clash)."""
    name = "queued entry (JSON)"
    accounts, ids = build_world(app)
    browser = app.test_client()
    log_in(browser, accounts["client"])
    page = browser.get("/today").text
    headers = {"X-CSRFToken": csrf_token_from(page)}
    owner = re.search(r'data-offline-owner="([^"]+)"', page).group(1)
    today = local_today("Europe/London")  # make_user's
    region = st.sampled_from(["neck", "upper_back", "lower_back", "elbow"])
    scores = st.dictionaries(region, st.integers(-1, 11) | JSON, max_size=3)
    entry = st.fixed_dictionaries(
        {},
        optional={
            "owner": st.just(owner) | JSON,
            "kind": st.sampled_from(["checkin", "routine"]) | JSON,
            "submission_id": st.uuids().map(str) | JSON,
            "day": st.dates(today - timedelta(days=40), today + timedelta(days=2)).map(str) | JSON,
            "routine_id": st.just(ids["routine"]) | JSON,
            "scores": scores | JSON,
            "seen": scores | JSON,
        },
    )

    @settings(
        max_examples=EXAMPLES_PER_FORM * 4,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(entry | JSON)
    def post(body):
        FUZZ_EXAMPLES_TRIED[name] = FUZZ_EXAMPLES_TRIED.get(name, 0) + 1
        with app.app_context():
            before = total_rows()
        response = browser.post("/today/queued", json=body, headers=headers)
        assert response.status_code < 500, (body, response.status_code)
        if response.status_code >= 400 and response.status_code != 409:
            with app.app_context():
                assert total_rows() == before, body

    post()


def test_every_json_endpoint_refuses_hostile_bodies(app):
    """Each JSON endpoint, sent each body no JSON endpoint takes (nested 100,000 deep, NaN, not
    UTF-8, ...) by a logged-in client with a token that may write: a 4xx that says why, in
    problem details when JSON was sent, and nothing written."""
    accounts, _ = build_world(app)
    browser = app.test_client()
    log_in(browser, accounts["client"])
    with app.app_context():
        _, token = create_token(accounts["client"].id, "fuzz", scope=TOKEN_WRITE)
    headers = {
        "X-CSRFToken": csrf_token_from(browser.get("/today").text),
        "Authorization": f"Bearer {token}",
    }
    endpoints = json_endpoints(app)
    assert {"/today/queued", "/api/v1/checkins", "/api/v1/measurements"} <= set(endpoints)
    with app.app_context():
        before = total_rows()
    for url in endpoints:
        for name, (content_type, body) in HOSTILE_BODIES.items():
            response = browser.post(url, data=body, content_type=content_type, headers=headers)
            assert 400 <= response.status_code < 500, (url, name, response.status_code)
            if content_type == "application/json":
                assert response.mimetype == "application/problem+json", (url, name)
                assert response.json["detail"], (url, name)
    with app.app_context():
        assert total_rows() == before


TODAY = local_today("Europe/London")  # make_user's
RECENT_DAYS = (TODAY - timedelta(days=40), TODAY)
API_WRITES = ["NewCheckIn", "NewRoutineLog", "NewMeasurement"]
API_URLS = {
    "NewCheckIn": "/api/v1/checkins",
    "NewRoutineLog": "/api/v1/routine-logs",
    "NewMeasurement": "/api/v1/measurements",
}
PLAUSIBLE = {
    "date": (st.dates(RECENT_DAYS[0], RECENT_DAYS[1]) | st.dates()).map(str),
    "pain": st.dictionaries(st.sampled_from(["neck", "lower_back", "tail"]), st.integers(-1, 11)),
    "movement": st.sampled_from(["cervical_rotation", "fingertip_to_floor", "wiggle"]),
    "side": st.sampled_from(["left", "right", "up"]),
    "value": st.floats(-100, 500) | st.integers(-100, 500),
    "submission_id": st.uuids().map(str),
}
IDEMPOTENCY_KEYS = st.none() | st.sampled_from(["one", '"one"', "two", "", "a b", "x" * 256])


@pytest.mark.parametrize("schema", API_WRITES)
def test_api_writes_survive_hostile_json(app, schema):
    """Each API write with any JSON, its own fields mixed in, and now and then the same
    Idempotency-Key again (or a malformed one): never a server error, and a refused write
    writes nothing."""
    name = f"API {schema} (JSON)"
    accounts, ids = build_world(app)
    with app.app_context():
        _, token = create_token(accounts["client"].id, "fuzz", scope=TOKEN_WRITE)
    browser = app.test_client()
    fields = {
        field: PLAUSIBLE.get(field, st.integers(-1, 11)) | JSON
        for field in request_schema(schema)["properties"]
    }
    if "routine_id" in fields:
        fields["routine_id"] = st.just(ids["routine"]) | JSON
    body = st.fixed_dictionaries({}, optional=fields) | JSON

    @settings(
        max_examples=EXAMPLES_PER_FORM * 2,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(body, IDEMPOTENCY_KEYS)
    def post(body, key):
        FUZZ_EXAMPLES_TRIED[name] = FUZZ_EXAMPLES_TRIED.get(name, 0) + 1
        headers = {"Authorization": f"Bearer {token}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        with app.app_context():
            before = total_rows()
        response = browser.post(API_URLS[schema], json=body, headers=headers)
        assert response.status_code < 500, (body, key, response.status_code)
        if response.status_code >= 400:
            with app.app_context():
                assert total_rows() == before, (body, key)

    post()
