from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..forms import not_too_early

PLANNING_HORIZON_DAYS = 366


def within_a_year_ahead(form, field):
    """Appointments may be planned ahead, but not absurdly far. Needs the form's `today`."""
    if field.data and field.data > form.today + timedelta(days=PLANNING_HORIZON_DAYS):
        raise ValidationError("Choose a date within the next year.")


class TherapySessionForm(FlaskForm):
    day = DateField(
        "Appointment date",
        validators=[
            InputRequired(message="Please choose a date."),
            not_too_early,
            within_a_year_ahead,
        ],
    )
    note = StringField(
        "Note (optional)",
        validators=[Optional(), Length(max=500, message="Please keep it under 500 characters.")],
        description="For example: “next time: thoracic mobility”.",
    )
