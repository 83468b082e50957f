"""Every write goes through the same WTForms forms as the web pages, so the rules (and the
messages) are the same; their errors come back as a 422 with errors per field."""

import uuid
from functools import cache, wraps

from flask import g, jsonify, request
from werkzeug.datastructures import MultiDict

from ..access import owned_by
from ..account.service import find_token, token_used
from ..checkins.forms import REGION_FIELD_PREFIX, checkin_form
from ..checkins.service import checkin_for, save_checkin
from ..clinical import MOVEMENTS, REGIONS
from ..dates import local_today
from ..errors import problem
from ..extensions import csrf, db
from ..figures.kept import exercise_names, figures_of
from ..figures.texts import figures_json
from ..json_bodies import json_object, takes_json
from ..measurements.forms import MeasurementForm
from ..measurements.service import add_measurement
from ..models import CheckIn, IdempotencyKey, Measurement, Routine, RoutineLog, User, utcnow
from ..pages import whole_number
from ..routines.logs import log_routine
from ..submissions import saved_with, submission_id_of_key
from . import bp
from .forms import ApiCheckInForm, ApiRoutineLogForm
from .idempotency import idempotent
from .openapi import openapi_document

csrf.exempt(bp)  # no cookies here: a bearer token can't be sent by another site's form
LIST_LIMIT = 100
# The API says "date" where the forms say "day".
FORM_NAMES = {"date": "day"}
MAX_OFFSET = 1_000_000
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        row = find_token(token.strip()) if scheme.lower() == "bearer" and token else None
        if row is None:
            return problem(
                401, "Send a valid personal access token: Authorization: Bearer <token>."
            )
        if row.expires_at <= utcnow():
            return problem(401, "This token has expired. Make a new one on your account page.")
        user = db.session.get(User, row.user_id)
        if not user.is_client:
            return problem(403, "The API is for clients' own data.")
        if request.method not in READ_METHODS and not row.can_write:
            return problem(
                403, "This token may only read. Make a read-and-write token to add entries."
            )
        token_used(row)
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper


def invalid(errors: dict[str, list[str]]):
    """The 422 for fields that need another look, with the messages per field."""
    return problem(422, "Some fields need another look.", errors=errors)


def json_body(schema_name: str):
    """The request's JSON object and None, or None and the response that refuses it. Values
    must have the JSON types the OpenAPI document gives: the forms behind the API read text, in
    which "5" or "" would pass for a number. A null is the same as leaving the field out."""
    body = json_object()
    if any("\x00" in value for value in _strings_in(body)):
        return None, invalid({"body": ["Text can't contain the NUL character."]})
    schema = request_schema(schema_name)
    fields = list(schema["properties"])
    unknown = set(body) - set(fields)
    if unknown:  # a misspelt field would be lost without a word
        message = f"Unknown field. The fields are: {', '.join(fields)}."
        return None, invalid(dict.fromkeys(sorted(unknown), [message]))
    errors = type_errors(body, schema)
    if errors:
        return None, invalid(errors)
    return {key: value for key, value in body.items() if value is not None}, None


def _strings_in(value):
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item)


@cache
def request_schema(name: str) -> dict:
    return openapi_document()["components"]["schemas"][name]


# Exact types: Python counts JSON's true and false as ints, and here they are no numbers.
JSON_TYPES = {
    "integer": ("a whole number", lambda value: type(value) is int),
    "number": ("a number", lambda value: type(value) in (int, float)),
    "string": ("text", lambda value: type(value) is str),
    "boolean": ("true or false", lambda value: type(value) is bool),
    "object": ("an object", lambda value: type(value) is dict),
}


def type_errors(body: dict, schema: dict, prefix: str = "") -> dict[str, list[str]]:
    """Fields whose value has another JSON type than the schema's (unknown fields are left to
    the callers); nested objects are checked field by field, named "outer.inner"."""
    errors = {}
    for key, value in body.items():
        field = schema.get("properties", {}).get(key)
        if field is None or (value is None and field.get("nullable")):
            continue
        label, matches = JSON_TYPES[field["type"]]
        if not matches(value):
            errors[prefix + key] = [f"Expected {label}."]
        elif field["type"] == "object":
            errors |= type_errors(value, field, prefix=f"{key}.")
    return errors


def as_formdata(body: dict, renames: dict[str, str]) -> MultiDict:
    """JSON values (nulls already dropped by json_body) as the strings a browser form sends."""
    data = MultiDict()
    for key, value in body.items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        data.add(renames.get(key, key), str(value))
    return data


def field_errors(form, renames: dict[str, str]):
    back = {form_name: api_name for api_name, form_name in renames.items()}
    errors = {back.get(name, name): messages for name, messages in form.errors.items()}
    return invalid(errors)


def page_args() -> tuple[int, int, dict]:
    """?limit (1-100, default 30) and ?offset (0 or more), or the errors in them."""
    errors = {}
    values = {}
    for name, default, low, high in (("limit", 30, 1, LIST_LIMIT), ("offset", 0, 0, MAX_OFFSET)):
        text = request.args.get(name)
        value = default if text is None else whole_number(text, low, high)
        if value is None:
            errors[name] = [f"Use a whole number from {low} to {high}."]
        values[name] = value
    for name in set(request.args) - {"limit", "offset"}:
        errors[name] = ["Unknown parameter: lists take limit and offset."]
    return values["limit"], values["offset"], errors


def listing(model, order_by: tuple, to_json):
    """One page of the token holder's own rows of `model`, newest first."""
    query = db.select(model).filter_by(user_id=g.api_user.id).order_by(*order_by)
    limit, offset, errors = page_args()
    if errors:
        return invalid(errors)
    total = db.session.scalar(
        db.select(db.func.count()).select_from(query.order_by(None).subquery())
    )
    rows = db.session.scalars(query.limit(limit).offset(offset)).all()
    return jsonify(
        {"items": [to_json(row) for row in rows], "total": total, "limit": limit, "offset": offset}
    )


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


def checkin_json(checkin: CheckIn) -> dict:
    return {
        "id": checkin.id,
        "date": checkin.day.isoformat(),
        "day_kind": checkin.day_kind,
        "pain": checkin.score_by_region(),
        "stiffness": checkin.stiffness,
        "sleep_quality": checkin.sleep_quality,
        "stress": checkin.stress,
        "medication_taken": checkin.medication_taken,
        "medication_note": checkin.medication_note,
        "note": checkin.note,
    }


@bp.get("/figures")
@token_required
def figures():
    """Your figures today, as every page shows them."""
    kept = figures_of(g.api_user)
    return figures_json(kept, exercise_names([kept]))


@bp.get("/checkins")
@token_required
def list_checkins():
    return listing(CheckIn, (CheckIn.day.desc(),), checkin_json)


def _checkin_saved_with(key: IdempotencyKey) -> dict | None:
    """The check-in of the day the request with `key` saved: its date, or its sender's today
    when it came. The body is the same as then (the digests match), so it is valid."""
    today = local_today(g.api_user.timezone, now=key.created_at)
    sent = {"date": json_object().get("date") or today.isoformat()}
    # Read by the form, as it was when saved: it takes dates fromisoformat would not ("2026-1-5").
    form = ApiCheckInForm(formdata=as_formdata(sent, FORM_NAMES), meta={"csrf": False}, today=today)
    checkin = checkin_for(g.api_user.id, form.day.data)
    return checkin_json(checkin) if checkin else None


@bp.post("/checkins")
@takes_json
@token_required
@idempotent(_checkin_saved_with)
def create_checkin():
    body, refusal = json_body("NewCheckIn")
    if refusal:
        return refusal
    pain = body.pop("pain", {})  # an object by now: json_body checked the types
    if not set(pain) <= set(REGIONS):
        return invalid({"pain": [f"Regions are: {', '.join(REGIONS)}."]})
    today = local_today(g.api_user.timezone)
    body.setdefault("date", today.isoformat())
    formdata = as_formdata(body, FORM_NAMES)
    for region, score in pain.items():
        formdata.add(REGION_FIELD_PREFIX + region, "" if score is None else str(score))
    form = checkin_form(
        list(pain), base=ApiCheckInForm, formdata=formdata, meta={"csrf": False}, today=today
    )
    if not form.validate():
        return field_errors(form, FORM_NAMES)
    day = form.day.data
    existed = db.session.scalar(db.select(CheckIn.id).filter_by(user_id=g.api_user.id, day=day))
    checkin = save_checkin(g.api_user.id, day, form.scores(), form.details())
    response = jsonify(checkin_json(checkin))
    response.status_code = 200 if existed else 201
    return response


def routine_log_json(log: RoutineLog) -> dict:
    return {
        "id": log.id,
        "routine_id": log.routine_id,
        "routine": log.routine.name,
        "date": log.day.isoformat(),
        "effort": log.effort,
        "note": log.note,
        "exercises": [
            {
                "exercise": item.exercise.name,
                "done": item.done,
                "pain_during": item.pain_during,
                "difficulty": item.difficulty,
            }
            for item in log.items
        ],
    }


@bp.get("/routine-logs")
@token_required
def list_routine_logs():
    return listing(
        RoutineLog, (RoutineLog.day.desc(), RoutineLog.logged_at.desc()), routine_log_json
    )


def _saved_with_key(model, to_json):
    """What the request with a key saved, found by the submission id the key gave it."""

    def saved_by(key: IdempotencyKey) -> dict | None:
        row = saved_with(model, g.api_user.id, submission_id_of_key(key.key))
        return to_json(row) if row else None

    return saved_by


def _submission_id_problem(body: dict):
    """Give the body the submission id it is saved once under: its Idempotency-Key's, its own,
    or a new one. The refusal when it came with both a key and its own."""
    key = g.get("idempotency_key")
    if key is None:
        body.setdefault("submission_id", str(uuid.uuid4()))
        return None
    if "submission_id" in body:
        return invalid({"submission_id": ["Send an Idempotency-Key or a submission_id, not both."]})
    body["submission_id"] = submission_id_of_key(key)
    return None


@bp.post("/routine-logs")
@takes_json
@token_required
@idempotent(_saved_with_key(RoutineLog, routine_log_json))
def create_routine_log():
    body, refusal = json_body("NewRoutineLog")
    if refusal:
        return refusal
    refusal = _submission_id_problem(body)
    if refusal:
        return refusal
    body.setdefault("date", local_today(g.api_user.timezone).isoformat())
    form = ApiRoutineLogForm(
        formdata=as_formdata(body, FORM_NAMES),
        meta={"csrf": False},
        today=local_today(g.api_user.timezone),
    )
    if not form.validate():
        return field_errors(form, FORM_NAMES)
    routine = owned_by(g.api_user.id, Routine, form.routine_id.data)
    if routine is None:
        return invalid({"routine_id": ["You have no routine with that id."]})
    log, is_new = log_routine(
        g.api_user.id,
        routine,
        form.day.data,
        form.submission_id.data,
        effort=form.effort.data,
        note=form.note.data or None,
    )
    response = jsonify(routine_log_json(log))
    response.status_code = 201 if is_new else 200
    return response


def measurement_json(m: Measurement) -> dict:
    return {
        "id": m.id,
        "movement": m.movement,
        "side": m.side,
        "value": m.value,
        "unit": m.unit,
        "date": m.day.isoformat(),
        "note": m.note,
    }


@bp.get("/measurements")
@token_required
def list_measurements():
    return listing(Measurement, (Measurement.day.desc(), Measurement.id.desc()), measurement_json)


@bp.post("/measurements")
@takes_json
@token_required
@idempotent(_saved_with_key(Measurement, measurement_json))
def create_measurement():
    body, refusal = json_body("NewMeasurement")
    if refusal:
        return refusal
    movement = MOVEMENTS.get(str(body.get("movement")))
    if movement is None:
        return invalid({"movement": [f"Movements are: {', '.join(MOVEMENTS)}."]})
    if "side" in body and not movement.sides:
        return invalid({"side": [f"{movement.label} is measured without a side; leave side out."]})
    refusal = _submission_id_problem(body)
    if refusal:
        return refusal
    today = local_today(g.api_user.timezone)
    body.setdefault("date", today.isoformat())
    form = MeasurementForm(
        movement, formdata=as_formdata(body, FORM_NAMES), meta={"csrf": False}, today=today
    )
    if not form.validate():
        return field_errors(form, FORM_NAMES)
    measurement, is_new = add_measurement(g.api_user.id, form.measured(), form.submission_id.data)
    response = jsonify(measurement_json(measurement))
    response.status_code = 201 if is_new else 200
    return response
