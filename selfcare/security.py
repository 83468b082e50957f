"""Headers and input checks every response and request gets, whatever the page."""

from flask import Flask, current_app, request
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix

from .errors import render_error

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
CACHEABLE_PREFIXES = ("/static/", "/assets/", "/photos/")


def _refuse_nul_characters():
    """No browser sends NUL in a form; PostgreSQL can't store it. Refuse it at the door."""
    if request.method == "POST" and any("\x00" in value for value in request.form.values()):
        return render_error(400, _("That form contained characters we can't accept."))
    return None


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["HSTS_SECONDS"]:
        headers.setdefault(
            "Strict-Transport-Security",
            f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains",
        )
    if not request.path.startswith(CACHEABLE_PREFIXES):
        # Pages may carry health data: never keep them in a shared or back/forward cache.
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    proxies = app.config["PROXY_COUNT"]
    if proxies:
        # The client's address and scheme as the proxies saw them: rate limits key on it.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)
