"""The therapist's side: link with a client's code, the dashboard, a client's read-only view."""

from flask import Blueprint

bp = Blueprint("therapist", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
