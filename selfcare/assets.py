"""Static files under fingerprinted URLs: cached for a year, and a changed file gets a new URL."""

import base64
import gzip
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_from_directory, url_for
from werkzeug.security import safe_join

bp = Blueprint("assets", __name__)

ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable"
# Text is sent gzipped to browsers that take it. Pages never are: a page's CSRF token sits next
# to text a visitor can choose, which compression would leak (the BREACH attack).
COMPRESSED_SUFFIXES = (".css", ".js", ".svg")


@lru_cache(maxsize=64)
def _file_digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=64)
def _svg_policy(path: str) -> str:
    """An SVG's own <style> blocks allowed by their hashes, nothing else: a drawing shown as an
    <img> takes no colours from the page, so it carries its dark-mode rule itself, and the
    site's policy (style-src 'self') would block it."""
    styles = re.findall(r"<style>(.*?)</style>", Path(path).read_text(), re.S)
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
        for style in styles
    ]
    return "default-src 'none'; style-src " + (" ".join(hashes) or "'none'")


@lru_cache(maxsize=64)
def _gzipped(path: str, digest: str) -> bytes:
    """The file gzipped, once per worker and version: a few small files, so no build step to
    forget and no compression library to install."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0)


@lru_cache(maxsize=256)
def _static_file(folder: str, filename: str) -> str | None:
    """The file's path under `folder`, or None: looked up once, as pages name six each."""
    path = safe_join(folder, filename)
    return path if path is not None and Path(path).is_file() else None


def _asset_digest(filename: str) -> str:
    if current_app.debug:
        _static_file.cache_clear()
        _file_digest.cache_clear()
        _svg_policy.cache_clear()
    path = _static_file(current_app.static_folder, filename)
    if path is None:
        abort(404)
    return _file_digest(path)


def asset_url(filename: str) -> str:
    """The URL of a static file with its content hash in the path."""
    return url_for("assets.asset", digest=_asset_digest(filename), filename=filename)


@bp.get("/assets/<digest>/<path:filename>")
def asset(digest, filename):
    if digest != _asset_digest(filename):
        abort(404)
    path = _static_file(current_app.static_folder, filename)
    response = send_from_directory(current_app.static_folder, filename)
    response.headers["Cache-Control"] = ASSET_CACHE_CONTROL
    if filename.endswith(".svg"):
        response.headers["Content-Security-Policy"] = _svg_policy(path)
    if filename.endswith(COMPRESSED_SUFFIXES):
        response.vary.add("Accept-Encoding")
        # A range or a 304 is answered as sent: ranges count bytes of the plain file.
        if response.status_code == 200 and request.accept_encodings.quality("gzip") > 0:
            response.direct_passthrough = False
            response.set_data(_gzipped(path, digest))
            response.content_encoding = "gzip"
            response.set_etag(f"{digest}-gzip")
            response.make_conditional(request)
    return response
