"""Saving range-of-motion measurements, for the pages and the API alike."""

import uuid
from dataclasses import dataclass
from datetime import date

from ..clinical import Movement
from ..extensions import db
from ..models import Measurement
from ..submissions import add_once


@dataclass(frozen=True)
class MeasuredValue:
    """What a valid form says was measured."""

    movement: Movement
    side: str | None
    value: float
    day: date
    note: str | None

    def fields(self) -> dict:
        """What a person can change on an existing measurement."""
        return {
            "side": self.columns()["side"],
            "value": self.value,
            "day": self.day,
            "note": self.note,
        }

    def columns(self) -> dict:
        return {
            "movement": self.movement.key,
            "side": self.side if self.movement.sides else None,
            "value": self.value,
            "unit": self.movement.unit,
            "day": self.day,
            "note": self.note,
        }


def add_measurement(
    user_id: int, measured: MeasuredValue, submission_id: str
) -> tuple[Measurement, bool]:
    """Save a new measurement. Returns it and whether it is new: the same submission sent twice,
    one after the other or at the same moment, is saved once."""
    return add_once(
        Measurement,
        user_id,
        submission_id,
        lambda: Measurement(user_id=user_id, submission_id=submission_id, **measured.columns()),
    )


def side_submission_id(submission_id: str, measured: MeasuredValue, both_sides: bool) -> str:
    """The submission id of one side's row. A both-sides form saves two rows from one
    submission; each side gets its own id derived from the form's, so the same form sent again
    still finds both rows."""
    if not both_sides:
        return submission_id
    return str(uuid.uuid5(uuid.UUID(submission_id), measured.side))


def stored_fields(measurement: Measurement) -> dict:
    """The fields of MeasuredValue.fields, as stored."""
    return {name: getattr(measurement, name) for name in ("side", "value", "day", "note")}


def update_measurement(measurement: Measurement, changes: dict) -> None:
    for name, value in changes.items():
        setattr(measurement, name, value)
    db.session.commit()


def same_measurement(user_id: int, measured: MeasuredValue) -> Measurement | None:
    """An identical measurement already saved (same movement, side, value and day): a form sent
    again after Back, or a person measuring twice who should be asked first."""
    columns = measured.columns()
    return db.session.scalar(
        db.select(Measurement)
        .filter_by(
            user_id=user_id,
            movement=columns["movement"],
            side=columns["side"],
            value=columns["value"],
            day=columns["day"],
        )
        .order_by(Measurement.created_at.desc())
        .limit(1)
    )
