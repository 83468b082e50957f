"""The client's side of sharing: invite codes, who can see their data, and who looked."""

from flask import Blueprint

bp = Blueprint("sharing", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
