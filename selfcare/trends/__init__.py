"""Trends: the client's charts and insights, and the one-page report."""

from flask import Blueprint

bp = Blueprint("trends", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
