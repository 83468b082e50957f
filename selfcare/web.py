"""App-wide web behaviour: the home page, error pages, security headers, navigation."""

import hashlib
import uuid
from datetime import date
from functools import lru_cache
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, IntegerConverter, ValidationError
from werkzeug.security import safe_join

from .dose import dose_text
from .extensions import compress, db
from .localtime import to_local
from .models import MAX_ID

bp = Blueprint("main", __name__)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

ERROR_TEXTS = {
    400: ("Something in that request was off", "Please go back and try again."),
    403: ("Not allowed", "Your account can't open this page."),
    404: ("Page not found", "The page may have moved, or the link is wrong."),
    405: ("Not allowed", "That action isn't available here."),
    429: ("Too many tries", "Please wait a few minutes, then try again."),
    500: ("Something went wrong on our side", "Your data is safe. Please try again in a moment."),
}

CLIENT_NAV = [
    ("checkins.today", "Today", "today"),
    ("routines.index", "Routines", "routines"),
    ("charts.trends", "Trends", "trends"),
    ("sharing.index", "Sharing", "sharing"),
]
THERAPIST_NAV = [("therapist.dashboard", "Clients", "clients")]


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    return render_template("index.html")


ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable"


@lru_cache(maxsize=64)
def _file_digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def _asset_digest(filename: str) -> str:
    path = safe_join(current_app.static_folder, filename)
    if path is None or not Path(path).is_file():
        abort(404)
    if current_app.debug:
        _file_digest.cache_clear()
    return _file_digest(path)


def asset_url(filename: str) -> str:
    """The URL of a static file with its content hash in the path: cached for a year by
    browsers, and a changed file gets a new URL."""
    return url_for("main.asset", digest=_asset_digest(filename), filename=filename)


@bp.get("/assets/<digest>/<path:filename>")
@compress.compressed()
def asset(digest, filename):
    if digest != _asset_digest(filename):
        abort(404)
    response = send_from_directory(current_app.static_folder, filename)
    response.headers["Cache-Control"] = ASSET_CACHE_CONTROL
    return response


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


def home_endpoint(user) -> str:
    """Where a user lands after logging in."""
    return "therapist.dashboard" if user.is_therapist else "checkins.today"


def _navigation():
    if not current_user.is_authenticated:
        return []
    return THERAPIST_NAV if current_user.is_therapist else CLIENT_NAV


def render_error(code: int, message: str | None = None):
    title, default_message = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return (
        render_template("error.html", code=code, title=title, message=message or default_message),
        code,
    )


def _handle_http_error(error: HTTPException):
    return render_error(error.code or 500)


def _handle_csrf_error(error: CSRFError):
    return render_error(400, "This form has expired. Please reload the page and submit it again.")


def _refuse_nul_characters():
    """No browser sends NUL in a form; PostgreSQL can't store it. Refuse it at the door."""
    if request.method == "POST" and any("\x00" in value for value in request.form.values()):
        return render_error(400, "That form contained characters we can't accept.")
    return None


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if not request.path.startswith(("/static/", "/assets/")):
        # Pages may carry health data: never keep them in a shared or back/forward cache.
        headers["Cache-Control"] = "no-store"
    return response


def _local_time(moment) -> str:
    """A stored UTC time as the viewer reads it, in their own time zone."""
    return to_local(moment, current_user.timezone).strftime("%d %b %Y, %H:%M")


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number larger than any row id is a 404, not an overflow in
    the database driver."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


class DateConverter(BaseConverter):
    """`<date:day>` in a route: an ISO date (2026-11-25), anything else is a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise ValidationError() from error

    def to_url(self, value: date) -> str:
        return value.isoformat()


def init_app(app: Flask) -> None:
    # Block tags leave no indentation or blank lines behind: a fifth of some pages otherwise.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.url_map.converters["date"] = DateConverter
    app.url_map.converters["int"] = IdConverter
    app.register_blueprint(bp)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(CSRFError, _handle_csrf_error)
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)
    app.context_processor(lambda: {"navigation": _navigation()})
    app.add_template_filter(_local_time, "local_time")
    app.add_template_filter(dose_text, "dose")
    app.add_template_global(asset_url)
    # For one-tap forms that carry a submission id (see forms.SubmissionIdField).
    app.jinja_env.globals["new_submission_id"] = lambda: str(uuid.uuid4())


def delete_after_confirmation(row, what: str, back_endpoint: str):
    """GET asks "Delete <what>?"; POST deletes the row and goes back to the list."""
    if request.method == "POST":
        db.session.delete(row)
        db.session.commit()
        flash(f"Deleted {what}.", "success")
        return redirect(url_for(back_endpoint))
    return render_template("confirm_delete.html", what=what, cancel_url=url_for(back_endpoint))


HISTORY_PAGE_SIZE = 20


def history_page(query):
    """One page of a newest-first history list; ?page=N picks it, a bad N gives 404."""
    return db.paginate(query, per_page=HISTORY_PAGE_SIZE, max_per_page=HISTORY_PAGE_SIZE)


class ListPagination(Pagination):
    """Flask-SQLAlchemy's pagination over a list already in memory (?page=N, 404 past the end)."""

    def _query_items(self) -> list:
        items = self._query_args["items"]
        return items[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def render_form(template: str, form, **context):
    """Render a page holding a form: 422 when the submitted form had errors (nothing saved)."""
    status = 422 if form.errors else 200
    return render_template(template, form=form, **context), status
