"""The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json."""

from ..clinical import MOVEMENTS, REGIONS, DayKind
from ..insights import AVERAGE_WINDOW_DAYS, MIN_DAYS_FOR_CHANGE
from ..models import MAX_ID
from .idempotency import HEADER, KEY

SCORE = {"type": "integer", "minimum": 0, "maximum": 10}
DATE = {
    "type": "string",
    "format": "date",
    "description": "The client's local day; not in the future.",
}
NOTE = {"type": "string", "maxLength": 1000}


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def _optional_nullable(schema: dict) -> dict:
    """A request body where null means the same as leaving an optional field out."""
    required = set(schema.get("required", ()))
    properties = {
        name: field if name in required else _nullable(field)
        for name, field in schema["properties"].items()
    }
    return {**schema, "properties": properties}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _problem(schema: dict, description: str) -> dict:
    """An error response: problem details (RFC 9457)."""
    return {"description": description, "content": {"application/problem+json": {"schema": schema}}}


ERRORS = {
    "400": _problem(
        _ref("Problem"),
        "The body is not a JSON object (or is nested too deeply, or holds NaN, Infinity or a "
        "number too large), or the Idempotency-Key is malformed.",
    ),
    "401": _problem(_ref("Problem"), "No valid token, or it has expired."),
    "403": _problem(
        _ref("Problem"),
        "The token belongs to a therapist account, or may only read and this request writes.",
    ),
    "422": _problem(
        _ref("ValidationProblem"),
        "A field is invalid or unknown, or the Idempotency-Key came with another request; "
        "nothing was saved.",
    ),
}
WRITE_ERRORS = {
    **ERRORS,
    "409": _problem(_ref("Problem"), "What was saved with this Idempotency-Key was deleted since."),
    "415": _problem(_ref("Problem"), "The body is not sent as application/json."),
}
IDEMPOTENCY_KEY = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "Any value you make for this one write, best a new UUID; send it again with "
    "the same request when you don't know whether the first try was saved (a timeout, a 5xx). "
    "The same key with the same request is saved once and answers 200 with what was saved; "
    "with another request it is refused with 422. A key stays used as long as your account "
    "(draft-ietf-httpapi-idempotency-key-header). 1 to 255 visible ASCII characters but the "
    "double quote and backslash, bare or in double quotes.",
    "schema": {"type": "string", "pattern": f'^({KEY.pattern}|"{KEY.pattern}")$'},
}
LIST_PARAMETERS = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
    {
        "name": "offset",
        "in": "query",
        "schema": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
    },
]


PROBLEM = {
    "type": "object",
    "description": "Problem details (RFC 9457).",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
}


_COMPARISON = _nullable(
    {
        "type": "object",
        "description": f"Mean pain in two windows, each from at least {MIN_DAYS_FOR_CHANGE} scored "
        "days; `real` "
        "when the change reaches both the clinically important and the detectable change.",
        "properties": {
            "before": {"type": "number"},
            "after": {"type": "number"},
            "days_before": {"type": "integer"},
            "days_after": {"type": "integer"},
            "real": {"type": "boolean"},
        },
    }
)
_REGION_FIGURES = {
    "type": "object",
    "properties": {
        "average": _nullable(
            {"type": "number", "description": f"Mean of the last {AVERAGE_WINDOW_DAYS} days."}
        ),
        "days": {
            "type": "integer",
            "description": f"Days with a score in the last {AVERAGE_WINDOW_DAYS}.",
        },
        "this_week": _COMPARISON,
        "since_session": _COMPARISON,
        "worse": {"type": "boolean"},
    },
}
FIGURES = {
    "type": "object",
    "required": ["date", "first_day", "regions", "adherence", "inactive"],
    "properties": {
        "date": DATE,
        "first_day": DATE,
        "last_checkin": _nullable(DATE),
        "latest_pain": _nullable({"type": "number"}),
        "session": _nullable(DATE),
        "regions": {"type": "object", "additionalProperties": _REGION_FIGURES},
        "overall": _nullable(_REGION_FIGURES),
        "adherence": {
            "type": "object",
            "properties": {
                "from": DATE,
                "to": DATE,
                "done": {"type": "integer"},
                "counted": {"type": "integer"},
                "share": _nullable({"type": "number"}),
                "against_plan": {"type": "boolean"},
                "resting_days": {"type": "integer"},
            },
        },
        "inactive": {"type": "boolean"},
        "painful_exercises": {"type": "object", "additionalProperties": {"type": "integer"}},
        "too_hard_exercises": {"type": "array", "items": {"type": "string"}},
    },
}


def _page(item: str) -> dict:
    return {
        "type": "object",
        "required": ["items", "total", "limit", "offset"],
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "total": {"type": "integer"},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
        },
    }


def _collection(item: str, new: str, summary: str) -> dict:
    listing = {key: ERRORS[key] for key in ("401", "403", "422")}
    return {
        "get": {
            "summary": f"List your {summary}, newest first",
            "parameters": LIST_PARAMETERS,
            "responses": {"200": _json(_page(item), "A page of results."), **listing},
        },
        "post": {
            "summary": f"Add to your {summary}",
            "parameters": [IDEMPOTENCY_KEY],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref(new)}},
            },
            "responses": {
                "201": _json(_ref(item), "Saved."),
                "200": _json(
                    _ref(item),
                    "Already saved earlier (the same Idempotency-Key and request, the same "
                    "submission id, or for a check-in the same day).",
                ),
                **WRITE_ERRORS,
            },
        },
    }


def openapi_document() -> dict:
    regions = list(REGIONS)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Self-care tracker API",
            "version": "1",
            "description": "Your own check-ins, routine logs and range-of-motion measurements. "
            "Authenticate with a personal access token from your account page. A token works "
            "until it expires (30, 90 or 365 days), is revoked or the password changes; a "
            "read-only token may list but not add.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"token": []}],
        "paths": {
            "/checkins": _collection("CheckIn", "NewCheckIn", "daily check-ins"),
            "/routine-logs": _collection("RoutineLog", "NewRoutineLog", "routine logs"),
            "/measurements": _collection("Measurement", "NewMeasurement", "measurements"),
            "/figures": {
                "get": {
                    "summary": "Your figures today, the same as every page shows",
                    "responses": {
                        "200": _json(_ref("Figures"), "Your figures on your local today."),
                        **{key: ERRORS[key] for key in ("401", "403")},
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Problem": PROBLEM,
                "ValidationProblem": {
                    "type": "object",
                    "required": [*PROBLEM["required"], "errors"],
                    "properties": {
                        **PROBLEM["properties"],
                        "errors": {
                            "type": "object",
                            "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                },
                "NewCheckIn": _optional_nullable(
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "description": "Saves the day's one check-in; a second one for the same "
                        "day updates it. A region left out or null is not rated (never 0).",
                        "properties": {
                            "date": DATE,
                            "pain": {
                                "type": "object",
                                "properties": {region: _nullable(SCORE) for region in regions},
                                "additionalProperties": False,
                            },
                            "day_kind": {
                                "type": "string",
                                "enum": [kind.value for kind in DayKind],
                            },
                            "stiffness": SCORE,
                            "sleep_quality": SCORE,
                            "stress": SCORE,
                            "medication_taken": {"type": "boolean"},
                            "medication_note": {"type": "string", "maxLength": 200},
                            "note": NOTE,
                        },
                    }
                ),
                "CheckIn": {
                    "type": "object",
                    "required": ["id", "date", "day_kind", "pain"],
                    "properties": {
                        "id": {"type": "integer"},
                        "date": DATE,
                        "day_kind": {"type": "string"},
                        "pain": {"type": "object", "additionalProperties": SCORE},
                        "stiffness": _nullable(SCORE),
                        "sleep_quality": _nullable(SCORE),
                        "stress": _nullable(SCORE),
                        "medication_taken": _nullable({"type": "boolean"}),
                        "medication_note": _nullable({"type": "string"}),
                        "note": _nullable({"type": "string"}),
                    },
                },
                "NewRoutineLog": _optional_nullable(
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["routine_id"],
                        "properties": {
                            "routine_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                            "date": DATE,
                            "effort": SCORE,
                            "note": NOTE,
                            "submission_id": {"type": "string", "format": "uuid"},
                        },
                    }
                ),
                "RoutineLog": {
                    "type": "object",
                    "required": ["id", "routine_id", "routine", "date", "exercises"],
                    "properties": {
                        "id": {"type": "integer"},
                        "routine_id": {"type": "integer"},
                        "routine": {"type": "string"},
                        "date": DATE,
                        "effort": _nullable(SCORE),
                        "note": _nullable({"type": "string"}),
                        "exercises": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "exercise": {"type": "string"},
                                    "done": {"type": "boolean"},
                                    "pain_during": _nullable(SCORE),
                                    "difficulty": _nullable(
                                        {"enum": ["too_easy", "about_right", "too_hard"]}
                                    ),
                                },
                            },
                        },
                    },
                },
                "NewMeasurement": _optional_nullable(
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["movement", "value"],
                        "properties": {
                            "movement": {"type": "string", "enum": list(MOVEMENTS)},
                            "side": {"type": "string", "enum": ["left", "right"]},
                            "value": {"type": "number"},
                            "date": DATE,
                            "note": {"type": "string", "maxLength": 500},
                            "submission_id": {"type": "string", "format": "uuid"},
                        },
                    }
                ),
                "Figures": FIGURES,
                "Measurement": {
                    "type": "object",
                    "required": ["id", "movement", "value", "unit", "date"],
                    "properties": {
                        "id": {"type": "integer"},
                        "movement": {"type": "string"},
                        "side": _nullable({"type": "string"}),
                        "value": {"type": "number"},
                        "unit": {"type": "string", "enum": ["deg", "cm"]},
                        "date": DATE,
                        "note": _nullable({"type": "string"}),
                    },
                },
            },
        },
    }
