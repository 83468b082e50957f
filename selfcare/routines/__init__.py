"""Routines: the exercise library, named routines with doses, and logging them."""

from flask import Blueprint

bp = Blueprint("routines", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
