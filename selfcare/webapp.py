"""The app on a phone's home screen: the web app manifest, the service worker and the page it
shows without a connection. The worker keeps only static files and that page; pages with
health data stay `no-store` and are never cached."""

import hashlib
import hmac
from base64 import urlsafe_b64encode

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext as _

from .assets import asset_url
from .js_strings import js_strings
from .languages import current_language

bp = Blueprint("webapp", __name__)
# The scripts' sentences, which every page carries (static/js/app.js reads them).
bp.add_app_template_global(js_strings)

THEME_COLOUR = "#0b5cad"
BACKGROUND_COLOUR = "#f6f7f9"
# What the service worker keeps for a visit without signal: the look of the site and a page.
SHELL_FILES = (
    "css/app.css",
    "js/app.js",
    "js/queue.js",
    "js/offline.js",
    "favicon.svg",
    "icons/icon-192.png",
)


@bp.app_template_global()
def offline_owner(user_id: int) -> str:
    """Whose entries made without signal are, as the phone files them (static/js/offline.js)
    and the server checks them (checkins.views.queued_entry): the same for a person at every
    sign-in, and telling nothing about them (not the id, not the address) to anyone without the
    app's secret key."""
    secret = current_app.config["SECRET_KEY"]
    digest = hmac.digest(
        secret.encode() if isinstance(secret, str) else secret,
        f"offline entries of user {user_id}".encode(),
        hashlib.sha256,
    )
    return urlsafe_b64encode(digest[:16]).decode().rstrip("=")


@bp.get("/manifest.webmanifest")
def manifest():
    icons = [
        {"src": asset_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": asset_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": asset_url("icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        # The product's name is not translated (docs/translating.md).
        "name": "Self-care tracker",
        "short_name": "Self-care",
        "description": _("Pain, routines and range of motion between therapy sessions."),
        "lang": current_language(),
        "start_url": url_for("checkins.today"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    response = current_app.json.response(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    """Served from the root so it may answer for every page; its text names the current asset
    URLs and the language, so a new release, or a person who changed their language, installs a
    new worker, which keeps the offline pages in that language."""
    versions = [asset_url(name).split("/")[2] for name in SHELL_FILES]
    script = render_template(
        "webapp/sw.js",
        cache_name="-".join(["selfcare", current_language(), *versions]),
        offline_url=url_for("webapp.offline"),
        offline_today_url=url_for("webapp.offline_today"),
        today_url=url_for("checkins.today"),
        shell=[asset_url(name) for name in SHELL_FILES],
    )
    return script, 200, {"Content-Type": "text/javascript; charset=utf-8"}


@bp.get("/offline/today")
def offline_today():
    """Today without signal: an empty page the script fills from what the phone kept (the regions
    the client rates and their routines), and that queues what is tapped."""
    return render_template("webapp/offline_today.html")


@bp.get("/offline")
def offline():
    """What the worker shows when a page can't be reached: no user, no health data."""
    return render_template("webapp/offline.html")
