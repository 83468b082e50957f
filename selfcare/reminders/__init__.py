"""Reminders: when to be nudged to check in or do a routine, by e-mail and a calendar feed."""

from flask import Blueprint

bp = Blueprint("reminders", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
