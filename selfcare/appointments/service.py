"""Appointments without a request: add them, list them, find the therapist's latest note."""

from datetime import date

from sqlalchemy import Row, bindparam

from ..extensions import db
from ..models import Appointment


def add_appointment(client_id: int, day: date, note: str | None, author_id: int) -> Appointment:
    """Clients record their own appointments; a sharing therapist records them for a client."""
    appointment = Appointment(client_id=client_id, day=day, note=note, created_by_id=author_id)
    db.session.add(appointment)
    db.session.commit()
    return appointment


def appointments_of(client_id: int) -> list[Appointment]:
    """Newest first."""
    return list(
        db.session.scalars(
            db.select(Appointment)
            .filter_by(client_id=client_id)
            .order_by(Appointment.day.desc(), Appointment.id.desc())
        )
    )


# Built once: Today shows it on every view, on the session's connection (see checkins.service).
_LATEST_THERAPIST_NOTE = (
    db.select(Appointment.day, Appointment.note)
    .where(
        Appointment.client_id == bindparam("client_id"),
        Appointment.note.is_not(None),
        Appointment.created_by_id != bindparam("client_id"),
    )
    .order_by(Appointment.day.desc(), Appointment.id.desc())
    .limit(1)
)


def latest_therapist_note(client_id: int) -> Row | None:
    """The newest appointment note a therapist wrote for the client, shown on their Today page:
    its day and note."""
    found = db.session.connection().execute(_LATEST_THERAPIST_NOTE, {"client_id": client_id})
    return found.first()
