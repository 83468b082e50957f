from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Optional, ValidationError

from ..forms import DatedForm, at_most, limit_attrs, not_too_early

PLANNING_HORIZON_DAYS = 366


def _within_a_year_ahead(form, field):
    """Appointments may be planned ahead, but not absurdly far."""
    if field.data and field.data > form.today + timedelta(days=PLANNING_HORIZON_DAYS):
        raise ValidationError(_l("Choose a date within the next year."))


class AppointmentForm(DatedForm):
    day = DateField(
        _l("Appointment date"),
        validators=[
            InputRequired(message=_l("Please choose a date.")),
            not_too_early,
            _within_a_year_ahead,
        ],
    )
    note = StringField(
        _l("Note (optional)"),
        validators=[Optional(), at_most(500)],
        render_kw=limit_attrs(500),
        description=_l("For example: “next time: thoracic mobility”."),
    )


def new_appointment_form(today: date) -> AppointmentForm:
    """An empty form dated today, for a page that shows it beside other content (or what was
    typed in it, kept while another part of its page was sent: drafts.back_to_page)."""
    return AppointmentForm(data={"day": today}, today=today)
