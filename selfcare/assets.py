"""Static files under fingerprinted URLs: cached for a year, and a changed file gets a new URL."""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory, url_for
from werkzeug.security import safe_join

from .extensions import compress

bp = Blueprint("assets", __name__)

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
    """The URL of a static file with its content hash in the path."""
    return url_for("assets.asset", digest=_asset_digest(filename), filename=filename)


@bp.get("/assets/<digest>/<path:filename>")
@compress.compressed()
def asset(digest, filename):
    if digest != _asset_digest(filename):
        abort(404)
    response = send_from_directory(current_app.static_folder, filename)
    response.headers["Cache-Control"] = ASSET_CACHE_CONTROL
    return response
