"""Error pages: a page in the product's words for people, problem details (RFC 9457) for the API."""

from contextlib import suppress
from http import HTTPStatus

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

from . import security_log
from .drafts import from_this_site, keep_and_log_in_again
from .extensions import db
from .languages import browser_language

API_PREFIX = "/api/"

ERROR_TEXTS = {
    400: (_l("Something in that request was off"), _l("Please go back and try again.")),
    403: (_l("Not allowed"), _l("Your account can't open this page.")),
    404: (_l("Page not found"), _l("The page may have moved, or the link is wrong.")),
    405: (_l("Not allowed"), _l("That action isn't available here.")),
    413: (_l("Too large"), _l("That was more than we accept in one go.")),
    415: (_l("Not accepted"), _l("This page doesn't take what was sent.")),
    429: (_l("Too many tries"), _l("Please wait a few minutes, then try again.")),
    500: (
        _l("Something went wrong on our side"),
        _l("Your data is safe. Please try again in a moment."),
    ),
}


class Refused(HTTPException):
    """A request refused with a 4xx and a sentence for whoever sent it, shown as it is."""

    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code


def wants_problem_details() -> bool:
    """The API, and whatever was sent as JSON, get problem details rather than a page."""
    return request.path.startswith(API_PREFIX) or request.is_json


def problem(status: int, detail: str, **extensions):
    """An RFC 9457 problem details response; `extensions` add members such as `errors`."""
    title = HTTPStatus(status).phrase
    response = jsonify(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, **extensions}
    )
    response.status_code = status
    response.mimetype = "application/problem+json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="selfcare"'
    return response


def render_error(code: int, message: str | None = None):
    title, default_message = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    if wants_problem_details():
        return problem(code, str(message or default_message))
    return (
        render_template("error.html", code=code, title=title, message=message or default_message),
        code,
    )


def _handle_http_error(error: HTTPException):
    if error.code == 429:
        security_log.record("rate_limited", limit=str(getattr(error, "limit", "")))
    said = error.description if isinstance(error, Refused) else None
    response = render_error(error.code or 500, said)
    if error.code == 405 and request.path.startswith(API_PREFIX):
        response.headers["Allow"] = ", ".join(error.valid_methods or ())
    return response


def _handle_csrf_error(_error: CSRFError):
    """A form whose token no longer matches the session (it ended, or the page was open across a
    log-out and log-in): what was typed is kept for the page, never thrown away."""
    security_log.record("csrf.refused")
    if "csrf_token" not in request.form or not from_this_site():
        # Not a page of ours that went stale: refused, and nothing of it kept.
        return render_error(
            400, _("This form has expired. Please reload the page and send it again.")
        )
    if request.blueprint == "auth":  # passwords are never kept
        flash(_("That form had expired. Please try again."), "info")
        return redirect(request.full_path)
    return keep_and_log_in_again()


def _handle_untrusted_host(_error: SecurityError):
    """A Host header the site doesn't answer to: no page (its links would use that host)."""
    return "Unknown host.", 400, {"Content-Type": "text/plain; charset=utf-8"}


RETRY_AFTER_SECONDS = 30


def _handle_database_down(error: OperationalError):
    """The database can't be reached: a 503 that says so, rendered without it (no user, no
    context processors), and a hint for clients when to try again."""
    current_app.logger.error("database unavailable: %s", type(error.orig).__name__)
    with suppress(OperationalError):  # still unreachable: nothing to roll back
        db.session.rollback()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if wants_problem_details():
        response = problem(503, "The service can't reach its database. Try again shortly.")
        response.headers.update(headers)
        return response
    # The person's own language is in the database: the browser's is the best guess.
    with force_locale(browser_language()):
        page = current_app.jinja_env.get_template("unavailable.html").render()
    return page, 503, headers


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, _handle_database_down)
    app.register_error_handler(SecurityError, _handle_untrusted_host)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(CSRFError, _handle_csrf_error)
