"""Who may see and change what. Every view asks these functions; none decides on its own."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .extensions import db


def client_required(view):
    """Logging is for clients: therapists read shared data but never write a client's entries."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_client:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def owned_or_404(model, row_id: int, owner_attribute: str = "user_id"):
    """The current user's own row, or 404: someone else's row looks exactly like a missing one."""
    row = db.session.get(model, row_id)
    if row is None or getattr(row, owner_attribute) != current_user.id:
        abort(404)
    return row
