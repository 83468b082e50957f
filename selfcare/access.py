"""Who may see and change what. Views ask these decorators and functions; none decides on its
own."""

from datetime import UTC, datetime, time
from functools import wraps

from flask import abort, current_app, make_response, redirect, request, url_for
from flask_login import current_user, login_fresh, login_required
from sqlalchemy import and_, or_

from . import security_log
from .auth.login import current_sign_in
from .drafts import keep_draft
from .extensions import db
from .models import CLIENT, THERAPIST, AccessLogEntry, Share, User, utcnow


def _role_required(role: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role != role:
                security_log.record("access.denied", user_id=current_user.id, needs=role)
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


# Logging is for clients: therapists read shared data but never write a client's entries.
client_required = _role_required(CLIENT)
therapist_required = _role_required(THERAPIST)


def password_is_recent() -> bool:
    """Whether the password was entered on this browser within PASSWORD_RECENT_FOR. A session
    restored from the remember cookie alone never counts (Flask-Login calls it not fresh)."""
    sign_in = current_sign_in()
    return (
        login_fresh()
        and sign_in is not None
        and utcnow() - sign_in.password_entered_at <= current_app.config["PASSWORD_RECENT_FOR"]
    )


def recent_password_required(view):
    """For what a borrowed or stolen session must not do (make an API token, take the data
    away): without a recent password the person confirms theirs, then comes back to the page.
    A form they sent waits there, filled in, for them to send again."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if password_is_recent():
            return view(*args, **kwargs)
        if request.method == "POST" and request.form:
            back_to = keep_draft()
        else:
            back_to = request.full_path.rstrip("?")
        return redirect(url_for("account.confirm_password", next=back_to))

    return wrapper


def owned_by(user_id: int, model, row_id: int, owner_attribute: str = "user_id"):
    """The row if it belongs to `user_id`, else None."""
    row = db.session.get(model, row_id)
    if row is None or getattr(row, owner_attribute) != user_id:
        return None
    return row


def owned_or_404(model, row_id: int, owner_attribute: str = "user_id"):
    """The current user's own row, or 404: someone else's row looks exactly like a missing one."""
    row = owned_by(current_user.id, model, row_id, owner_attribute)
    if row is None:
        abort(404)
    return row


def one_of_or_404(rows, row_id: int):
    """The row with this id among `rows` (the items of a routine the user owns), or 404."""
    row = next((row for row in rows if row.id == row_id), None)
    if row is None:
        abort(404)
    return row


def share_in_force():
    """The SQL condition of a share in force: not stopped, and its last day (UTC) not passed."""
    return and_(
        Share.revoked_at.is_(None),
        or_(Share.ends_on.is_(None), Share.ends_on >= utcnow().date()),
    )


def share_is_in_force(share: Share, now: datetime) -> bool:
    """share_in_force for a loaded row."""
    return share.revoked_at is None and (share.ends_on is None or share.ends_on >= now.date())


def share_with(viewer, client_id: int) -> Share | None:
    """The share in force from this client to this therapist, if any."""
    return db.session.scalar(
        db.select(Share).where(
            Share.client_id == client_id, Share.therapist_id == viewer.id, share_in_force()
        )
    )


class Purpose:
    """What was done with a client's data, as their access log keeps it: a code, never a
    sentence. The client reads it in their own language (sharing.service.purpose_label); a new
    code needs a label there. The codes are stored: one is renamed only with a migration."""

    # By a therapist.
    DASHBOARD = "dashboard"  # the dashboard showed the client's latest figures
    CHARTS = "charts"
    REPORT = "report"
    APPOINTMENT_ADDED = "appointment_added"
    EXPORT_CSV = "export_csv"
    EXPORT_FHIR = "export_fhir"
    PROGRAMME_OPENED = "programme_opened"
    PROGRAMME_CHANGED = "programme_changed"
    PSFS_RESCORE_ASKED = "psfs_rescore_asked"
    PSFS_ACTIVITIES_OPENED = "psfs_activities_opened"
    PSFS_ACTIVITIES_NAMED = "psfs_activities_named"
    PSFS_SCORING_OPENED = "psfs_scoring_opened"
    PSFS_SCORES_ENTERED = "psfs_scores_entered"
    # Written by the client themselves, on their sharing page.
    SHARE_STOPPED = "share_stopped"
    SHARE_RESTORED = "share_restored"

    @classmethod
    def codes(cls) -> set[str]:
        return {value for name, value in vars(cls).items() if name.isupper()}


DASHBOARD_VIEW = Purpose.DASHBOARD


def log_dashboard_views(clients) -> None:
    """A therapist's dashboard shows each client's latest figures: that is a view too, written
    to each shown client's access log once a day (UTC) per therapist, not at every reload."""
    start_of_day = datetime.combine(utcnow().date(), time(), UTC)
    already = set(
        db.session.scalars(
            db.select(AccessLogEntry.client_id).where(
                AccessLogEntry.therapist_id == current_user.id,
                AccessLogEntry.purpose == DASHBOARD_VIEW,
                AccessLogEntry.viewed_at >= start_of_day,
                AccessLogEntry.client_id.in_([client.id for client in clients]),
            )
        )
    )
    entries = [
        {
            "client_id": client.id,
            "therapist_id": current_user.id,
            "therapist_name": current_user.name,
            "purpose": DASHBOARD_VIEW,
            "viewed_at": utcnow(),
        }
        for client in clients
        if client.id not in already
    ]
    if entries:  # one statement for the page, however many clients it shows
        db.session.execute(db.insert(AccessLogEntry), entries)
        db.session.commit()


def shared_client(purpose: str, opened: str | None = None):
    """For a therapist's page about one client: the view is called with `client` and `share` in
    place of the URL's `client_id` while that client's share with the current therapist is in
    force (the view shows only `share.part_set`), and the visit is written to the client's
    access log as `purpose` (as `opened` when a page that does `purpose` is only opened), each
    one of the Purpose codes.
    Anyone else gets 404, so a page never reveals whether a client exists."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(client_id: int, **kwargs):
            share = share_with(current_user, client_id) if current_user.is_therapist else None
            if share is None:
                security_log.record("access.denied", user_id=current_user.id, client_id=client_id)
                abort(404)
            client = db.session.get(User, client_id)
            response = make_response(view(client=client, share=share, **kwargs))
            # What was refused (a form sent back with errors) is a view of the charts, no more.
            if request.method == "GET":
                done = opened or purpose
            else:
                done = purpose if response.status_code < 400 else Purpose.CHARTS
            db.session.add(
                AccessLogEntry(
                    client_id=client.id,
                    therapist_id=current_user.id,
                    therapist_name=current_user.name,
                    purpose=done,
                )
            )
            db.session.commit()
            return response

        return wrapper

    return decorator
