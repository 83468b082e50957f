"""Daily check-in: pain per region, optional details, the day's history."""

from flask import Blueprint

bp = Blueprint("checkins", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
