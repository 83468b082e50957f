"""Home programmes: a therapist prescribes and edits a client's routine with doses, notes,
a frequency and dates, and keeps programmes as templates to reuse."""

from flask import Blueprint

bp = Blueprint("programmes", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
