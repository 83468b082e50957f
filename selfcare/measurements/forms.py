from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, RadioField, SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from ..clinical import SIDE_LABELS, Movement
from ..forms import DatedForm, EditsSavedRecord, SubmissionIdField, day_field, note_field
from .service import MeasuredValue


def _side_value(side: str) -> DecimalField:
    return DecimalField(
        SIDE_LABELS[side], places=None, validators=[Optional()], render_kw={"inputmode": "decimal"}
    )


class MeasurementForm(EditsSavedRecord, DatedForm):
    """Built for one movement: the side choice and the plausible bounds come from it. With
    `both_sides` (a new entry of a movement with sides) it asks left and right at once, either
    may stay empty; otherwise one value (and, for a sided movement, which side)."""

    submission_id = SubmissionIdField()
    side = RadioField(
        _l("Side"),
        choices=[SelectChoice(side, label) for side, label in SIDE_LABELS.items()],
        invalid_choice_message=_l("Choose left or right."),
    )
    value = DecimalField(
        _l("Measurement"),
        places=None,
        validators=[InputRequired(message=_l("Please enter the number you measured."))],
        render_kw={"inputmode": "decimal", "step": "any"},
    )
    left = _side_value("left")
    right = _side_value("right")
    day = day_field(_l("Measured on"))
    note = note_field(_l("Note (optional)"), max_length=500)
    save_again = BooleanField(_l("Yes, save it again"))

    def __init__(self, movement: Movement, *args, both_sides: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.movement = movement
        self.both_sides = both_sides and bool(movement.sides)
        if self.both_sides:
            del self.side, self.value
            for side in movement.sides:
                # Translators: a side and the unit its value is in, e.g. "Left (degrees)".
                self[side].label.text = _(
                    "%(side)s (%(unit)s)", side=SIDE_LABELS[side], unit=movement.unit_name
                )
        else:
            del self.left, self.right
            if not movement.sides:
                del self.side
            self.value.label.text = _("Measurement (%(unit)s)", unit=movement.unit_name)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        sides = (self.left, self.right) if self.both_sides else ()
        # Nothing typed on either side (a value refused on one side already says so).
        if sides and all(side.data is None and not side.errors for side in sides):
            self.left.errors.append(_("Please enter at least one side: left, right or both."))
            return False
        return valid

    def validate_value(self, field):
        self._check_plausible(field)

    def validate_left(self, field):
        self._check_plausible(field)

    def validate_right(self, field):
        self._check_plausible(field)

    def _check_plausible(self, field):
        movement = self.movement
        if field.data is None:
            return
        if not field.data.is_finite():
            raise ValidationError(_("Please enter a number, for example 65."))
        if not (movement.lowest <= field.data <= movement.highest):
            raise ValidationError(
                _(
                    "%(movement)s is recorded between %(lowest)s and %(highest)s. "
                    "Please check the number.",
                    movement=movement.label,
                    lowest=movement.format(movement.lowest),
                    highest=movement.format(movement.highest),
                )
            )

    def measured(self) -> MeasuredValue:
        """The one value of a single-value form."""
        side = self.side.data if self.movement.sides else None
        return self._measured(side, self.value.data)

    def measured_sides(self) -> list[MeasuredValue]:
        """One value per side filled in (a both-sides form), left first."""
        if not self.both_sides:
            return [self.measured()]
        return [
            self._measured(side, self[side].data)
            for side in self.movement.sides
            if self[side].data is not None
        ]

    def _measured(self, side: str | None, value) -> MeasuredValue:
        return MeasuredValue(
            movement=self.movement,
            side=side,
            value=float(value),
            day=self.day.data,
            note=self.note.data or None,
        )
