"""Therapy appointments: markers on every chart, and a therapist's note for the client."""

from flask import Blueprint

bp = Blueprint("appointments", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
