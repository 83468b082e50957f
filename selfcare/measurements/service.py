"""Saving range-of-motion measurements, for the pages and the API alike."""

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


def update_measurement(measurement: Measurement, measured: MeasuredValue) -> None:
    for column, value in measured.columns().items():
        setattr(measurement, column, value)
    db.session.commit()
