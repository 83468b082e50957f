from wtforms import BooleanField, DecimalField, HiddenField, RadioField, SelectChoice
from wtforms.validators import InputRequired, ValidationError

from ..clinical import Movement
from ..forms import DatedForm, SubmissionIdField, day_field, note_field
from .service import MeasuredValue


class MeasurementForm(DatedForm):
    """Built for one movement: the side choice and the plausible bounds come from it."""

    submission_id = SubmissionIdField()
    side = RadioField(
        "Side",
        choices=[SelectChoice("left", "Left"), SelectChoice("right", "Right")],
        invalid_choice_message="Choose left or right.",
    )
    value = DecimalField(
        "Measurement",
        places=None,
        validators=[InputRequired(message="Please enter the number you measured.")],
        render_kw={"inputmode": "decimal", "step": "any"},
    )
    day = day_field("Measured on")
    note = note_field("Note (optional)", max_length=500)
    # What an edit page showed when it was loaded, so a save writes only what it changed.
    loaded = HiddenField()
    save_again = BooleanField("Yes, save it again")

    def __init__(self, movement: Movement, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.movement = movement
        if not movement.sides:
            del self.side
        self.value.label.text = f"Measurement ({movement.unit_name})"

    def validate_value(self, field):
        movement = self.movement
        if field.data is None:
            return
        if not field.data.is_finite():
            raise ValidationError("Please enter a number, for example 65.")
        if not (movement.lowest <= field.data <= movement.highest):
            raise ValidationError(
                f"{movement.label} is recorded between {movement.format(movement.lowest)} and "
                f"{movement.format(movement.highest)}. Please check the number."
            )

    def measured(self) -> MeasuredValue:
        return MeasuredValue(
            movement=self.movement,
            side=self.side.data if self.movement.sides else None,
            value=float(self.value.data),
            day=self.day.data,
            note=self.note.data or None,
        )
