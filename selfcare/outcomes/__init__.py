"""Outcome measures: the Patient-Specific Functional Scale (PSFS), the client's own activities
scored 0-10 now and then, with the therapist able to ask for a new scoring."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
