"""Request bodies in JSON, read in one place. Only views marked `takes_json` take a JSON body
(Flask-WTF would read one into any form), and they read it with `json_object()`: a JSON object
of plain values, or the request is refused with a 4xx that says why. Refused: invalid JSON,
text that isn't UTF-8, NaN, Infinity, numbers too large for a float, text with a lone surrogate
(no database stores it), nesting deeper than MAX_DEPTH, anything but an object at the top."""

import json
import math
import re

from flask import Flask, current_app, request

from .errors import Refused

# Our deepest document is two levels (a check-in's pain scores).
MAX_DEPTH = 8
TOO_DEEP = "The body is nested too deeply."
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class BodyRefused(ValueError):
    """A body no view of ours reads; the message says why, for whoever sent it."""


def _refuse_constant(_name: str):
    raise BodyRefused("NaN and Infinity are not JSON numbers.")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyRefused("A number in the body is too large.")
    return value


def loads(data: bytes | str):
    """The JSON object in `data`, or BodyRefused."""
    try:
        text = data.decode() if isinstance(data, bytes) else data
        document = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except BodyRefused:
        raise
    except RecursionError:
        raise BodyRefused(TOO_DEEP) from None
    except UnicodeDecodeError:
        raise BodyRefused("Send the body as UTF-8 text.") from None
    except json.JSONDecodeError:
        raise BodyRefused("The body is not valid JSON.") from None
    except ValueError:  # an integer of more digits than Python converts
        raise BodyRefused("A number in the body is too large.") from None
    if not isinstance(document, dict):
        raise BodyRefused("Send a JSON object.")
    _check_values(document)
    return document


def _check_values(document: dict) -> None:
    """Depth and text, walked without recursion: the parser's own limit is far deeper."""
    waiting = [(document, 1)]
    while waiting:
        value, depth = waiting.pop()
        if isinstance(value, str):
            if LONE_SURROGATE.search(value):
                raise BodyRefused("Text in the body must be valid Unicode.")
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise BodyRefused(TOO_DEEP)
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            waiting.extend((item, depth + 1) for item in items)


def json_object() -> dict:
    """The request's body as a JSON object, or a 4xx that says why not."""
    if not request.is_json:
        raise Refused(415, "Send the body as JSON, with Content-Type: application/json.")
    try:
        return loads(request.get_data())
    except BodyRefused as refusal:
        raise Refused(400, str(refusal)) from None


def takes_json(view):
    """Marks a view that reads a JSON body; every other view refuses one."""
    view.takes_json = True
    return view


def _refuse_json_where_a_form_goes():
    view = current_app.view_functions.get(request.endpoint)  # None: 404 or 405 to come
    if (
        request.method in WRITE_METHODS
        and request.is_json
        and view is not None
        and not getattr(view, "takes_json", False)
    ):
        raise Refused(415, "This address takes a form, not JSON.")


def init_app(app: Flask) -> None:
    app.before_request(_refuse_json_where_a_form_goes)
