"""The user's own account: profile, password, API tokens, their data to take away, deletion."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
