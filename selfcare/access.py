"""Who may see and change what. Every view asks these functions; none decides on its own."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .extensions import db
from .models import CLIENT, THERAPIST, AccessLogEntry, Share, User


def _role_required(role: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role != role:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


# Logging is for clients: therapists read shared data but never write a client's entries.
client_required = _role_required(CLIENT)
therapist_required = _role_required(THERAPIST)


def owned_or_404(model, row_id: int, owner_attribute: str = "user_id"):
    """The current user's own row, or 404: someone else's row looks exactly like a missing one."""
    row = db.session.get(model, row_id)
    if row is None or getattr(row, owner_attribute) != current_user.id:
        abort(404)
    return row


def can_view_client(viewer, client_id: int) -> bool:
    """The one rule for reading a client's health data: the client themselves, or a therapist
    while that client actively shares with them. Nobody else, ever."""
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.is_client:
        return viewer.id == client_id
    return (
        db.session.scalar(
            db.select(Share.id).where(
                Share.client_id == client_id,
                Share.therapist_id == viewer.id,
                Share.revoked_at.is_(None),
            )
        )
        is not None
    )


def shared_client_or_404(client_id: int, what: str) -> User:
    """For a therapist's page about one client: the client if they share with the current
    therapist (the view is then written to the client's access log), else 404 for everyone, so
    a page never reveals whether a client exists."""
    if not current_user.is_therapist or not can_view_client(current_user, client_id):
        abort(404)
    client = db.session.get(User, client_id)
    db.session.add(
        AccessLogEntry(
            client_id=client.id,
            therapist_id=current_user.id,
            therapist_name=current_user.name,
            what=what,
        )
    )
    db.session.commit()
    return client
