from wtforms import IntegerField
from wtforms.validators import InputRequired

from ..checkins.forms import CheckInForm
from ..forms import (
    DatedForm,
    ScaleField,
    SubmissionIdField,
    day_field,
    note_field,
    whole_number_between,
)
from ..models import MAX_ID


class ApiRoutineLogForm(DatedForm):
    """A routine done, every exercise in it (the API's "Done today" with optional effort)."""

    routine_id = IntegerField(
        "Routine",
        validators=[
            InputRequired(message="Give the id of one of your routines."),
            whole_number_between(1, MAX_ID, "You have no routine with that id."),
        ],
    )
    submission_id = SubmissionIdField()
    day = day_field("Day")
    effort = ScaleField("Effort", low="no effort", high="as hard as it gets")
    note = note_field("Note")


class ApiCheckInForm(DatedForm, CheckInForm):
    """A check-in with the day it is for, which the page has in its address."""

    day = day_field("Date")
