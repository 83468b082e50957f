"""Error pages: a page in the product's words for people, problem details (RFC 9457) for the API."""

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/"

ERROR_TEXTS = {
    400: ("Something in that request was off", "Please go back and try again."),
    403: ("Not allowed", "Your account can't open this page."),
    404: ("Page not found", "The page may have moved, or the link is wrong."),
    405: ("Not allowed", "That action isn't available here."),
    413: ("Too large", "That was more than we accept in one go."),
    429: ("Too many tries", "Please wait a few minutes, then try again."),
    500: ("Something went wrong on our side", "Your data is safe. Please try again in a moment."),
}


def problem(status: int, detail: str, **extensions):
    """An RFC 9457 problem details response; `extensions` add members such as `errors`."""
    title = ERROR_TEXTS.get(status, ERROR_TEXTS[500])[0]
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
    if request.path.startswith(API_PREFIX):
        return problem(code, message or default_message)
    return (
        render_template("error.html", code=code, title=title, message=message or default_message),
        code,
    )


def _handle_http_error(error: HTTPException):
    response = render_error(error.code or 500)
    if error.code == 405 and request.path.startswith(API_PREFIX):
        response.headers["Allow"] = ", ".join(error.valid_methods or ())
    return response


def _handle_csrf_error(_error: CSRFError):
    return render_error(400, "This form has expired. Please reload the page and submit it again.")


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(CSRFError, _handle_csrf_error)
