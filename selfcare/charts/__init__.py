"""Trend charts and insights, and the therapy sessions that mark them."""

from flask import Blueprint

bp = Blueprint("charts", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
