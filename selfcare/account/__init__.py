"""The client's control over their data: exports, API tokens, deleting the account."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
