"""Invites and shares, without a request: create, redeem (once), revoke."""

import secrets
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..access import Purpose, share_in_force, share_is_in_force
from ..extensions import db
from ..models import ALL_PARTS, AccessLogEntry, Invite, Share, utcnow

# No 0/O, 1/I/L, so a code read aloud or copied from a note is typed right.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 8
INVITE_LIFETIME = timedelta(days=7)
# What the client's access log keeps when they stop a share or take the stop back.
SHARE_STOPPED = Purpose.SHARE_STOPPED
SHARE_RESTORED = Purpose.SHARE_RESTORED
# The access log keeps what was done as a code (access.Purpose); the client reads it in their
# language. A value not listed here shows as it is.
PURPOSE_LABELS = {
    Purpose.CHARTS: _l("charts"),
    Purpose.REPORT: _l("report"),
    Purpose.APPOINTMENT_ADDED: _l("added an appointment"),
    Purpose.EXPORT_CSV: _l("export (CSV)"),
    Purpose.EXPORT_FHIR: _l("export (FHIR)"),
    Purpose.PROGRAMME_OPENED: _l("opened the home programme"),
    Purpose.PROGRAMME_CHANGED: _l("changed the home programme"),
    Purpose.PSFS_RESCORE_ASKED: _l("asked to re-score PSFS"),
    Purpose.PSFS_ACTIVITIES_OPENED: _l("opened PSFS activities"),
    Purpose.PSFS_ACTIVITIES_NAMED: _l("named PSFS activities with the client"),
    Purpose.PSFS_SCORING_OPENED: _l("opened PSFS scoring"),
    Purpose.PSFS_SCORES_ENTERED: _l("entered PSFS scores with the client"),
    Purpose.DASHBOARD: _l("dashboard figures"),
    Purpose.SHARE_STOPPED: _l("you stopped sharing"),
    Purpose.SHARE_RESTORED: _l("you undid stopping"),
}
# How long after stopping a share the client may take it back, exactly as it was.
UNDO_WINDOW = timedelta(minutes=10)


class InviteError(Exception):
    """A code could not be used. The therapist reads one message whatever the reason, so codes
    can't be probed; the reason goes to the security log."""

    message = _l("That code didn't work. Check it with your client, or ask them for a new one.")

    def __init__(self, reason: str):
        super().__init__(self.message)
        self.reason = reason


def new_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))


def purpose_label(purpose: str) -> str:
    """What an access log entry says was done, in the reader's language."""
    return str(PURPOSE_LABELS.get(purpose, purpose))


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalize_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def create_invite(
    client_id: int,
    now: datetime | None = None,
    parts: frozenset[str] = ALL_PARTS,
    ends_on: date | None = None,
) -> Invite:
    """A code for one therapist; the share it starts covers `parts` until `ends_on`. A client has
    one working code at a time: a new one ends any earlier code that is still unused, in the same
    transaction, so two tabs can't leave two codes working."""
    now = now or utcnow()
    for _ in range(5):
        db.session.execute(
            update(Invite)
            .where(Invite.client_id == client_id, Invite.used_at.is_(None), Invite.expires_at > now)
            .values(expires_at=now)
        )
        invite = Invite(
            client_id=client_id,
            code=new_code(),
            created_at=now,
            expires_at=now + INVITE_LIFETIME,
            parts=",".join(sorted(parts)),
            ends_on=ends_on,
        )
        db.session.add(invite)
        try:
            db.session.commit()
            return invite
        except IntegrityError:  # the same code already exists: draw again
            db.session.rollback()
    raise RuntimeError("could not draw an unused invite code")


def redeem_invite(therapist_id: int, typed_code: str, now: datetime | None = None) -> Share:
    """Turn a valid code into an active share. The code is claimed with one conditional UPDATE,
    so two therapists racing for the same code can't both win."""
    now = now or utcnow()
    code = normalize_code(typed_code)
    invite = db.session.scalar(db.select(Invite).filter_by(code=code))
    if invite is None:
        raise InviteError("unknown")
    if invite.used_at is not None:
        raise InviteError("used")
    if invite.expires_at <= now:
        raise InviteError("expired")
    claimed = db.session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None), Invite.expires_at > now)
        .values(used_at=now, used_by_id=therapist_id)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise InviteError("used")
    share = db.session.scalar(
        db.select(Share).filter_by(client_id=invite.client_id, therapist_id=therapist_id)
    )
    if share is None:
        share = Share(client_id=invite.client_id, therapist_id=therapist_id, since=now)
        db.session.add(share)
    elif not share_is_in_force(share, now):
        share.revoked_at, share.since = None, now
    # The latest code says what the client shares now.
    share.parts, share.ends_on = invite.parts, invite.ends_on
    db.session.commit()
    return share


def active_shares_of_client(client_id: int) -> list[Share]:
    return list(
        db.session.scalars(
            db.select(Share)
            .where(Share.client_id == client_id, share_in_force())
            .order_by(Share.since)
        )
    )


def active_invite(client_id: int, now: datetime | None = None) -> Invite | None:
    """The client's one working code, if any."""
    return db.session.scalar(
        db.select(Invite)
        .where(
            Invite.client_id == client_id,
            Invite.used_at.is_(None),
            Invite.expires_at > (now or utcnow()),
        )
        .order_by(Invite.created_at.desc())
        .limit(1)
    )


def _log_change(share: Share, purpose: str, now: datetime) -> None:
    db.session.add(
        AccessLogEntry(
            client_id=share.client_id,
            therapist_id=share.therapist_id,
            therapist_name=share.therapist.name,
            purpose=purpose,
            viewed_at=now,
        )
    )


def revoke(share: Share, now: datetime | None = None) -> None:
    share.revoked_at = now = now or utcnow()
    _log_change(share, SHARE_STOPPED, now)
    db.session.commit()


def undo_deadline(share: Share) -> datetime | None:
    """Until when stopping this share can be undone; None once it is back on."""
    return share.revoked_at + UNDO_WINDOW if share.revoked_at is not None else None


def can_undo(share: Share, now: datetime | None = None) -> bool:
    deadline = undo_deadline(share)
    return deadline is not None and (now or utcnow()) <= deadline


def stopped_with_a_closed_account(client_id: int, now: datetime | None = None) -> bool:
    """Whether the client stopped sharing, within the undo window, with a therapist whose
    account has since been deleted (the log keeps the stop, the share went with the account)."""
    since = (now or utcnow()) - UNDO_WINDOW
    return (
        db.session.scalar(
            db.select(AccessLogEntry.id)
            .where(
                AccessLogEntry.client_id == client_id,
                AccessLogEntry.purpose == SHARE_STOPPED,
                AccessLogEntry.therapist_id.is_(None),
                AccessLogEntry.viewed_at >= since,
            )
            .limit(1)
        )
        is not None
    )


def restore(share: Share) -> bool:
    """Take back a stop: the share is in force again with the same parts, end day and start.
    One conditional UPDATE, so Undo tapped in two tabs restores (and logs) once; False for the
    second."""
    restored = db.session.execute(
        update(Share)
        .where(Share.id == share.id, Share.revoked_at == share.revoked_at)
        .values(revoked_at=None)
    )
    if restored.rowcount != 1:
        db.session.rollback()
        return False
    _log_change(share, SHARE_RESTORED, utcnow())
    db.session.commit()
    return True
