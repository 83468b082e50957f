"""Range-of-motion measurements: movement, side, value in its unit, day."""

from flask import Blueprint

bp = Blueprint("measurements", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
