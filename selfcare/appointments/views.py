from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import client_required, owned_or_404
from ..dates import format_day, local_today
from ..drafts import back_to_page
from ..extensions import db
from ..models import Appointment
from ..pages import render_form
from . import bp
from .forms import AppointmentForm, new_appointment_form
from .service import add_appointment, appointments_of

BACK_TO_CHARTS = "trends.trends"


def _appointments_page(form: AppointmentForm):
    return render_form(
        "appointments/index.html", form, appointments=appointments_of(current_user.id)
    )


@bp.get("/appointments")
@client_required
def index():
    return _appointments_page(new_appointment_form(local_today(current_user.timezone)))


@bp.post("/appointments")
@client_required
def add():
    form = AppointmentForm(today=local_today(current_user.timezone))
    if not form.validate_on_submit():
        return _appointments_page(form)
    add_appointment(current_user.id, form.day.data, form.note.data or None, current_user.id)
    flash(
        _(
            "Appointment on %(day)s added; it shows as a line on your charts.",
            day=format_day(form.day.data, "short"),
        ),
        "success",
    )
    return redirect(url_for(BACK_TO_CHARTS) + "#appointments")


@bp.post("/appointments/<id:appointment_id>/delete")
@client_required
def delete(appointment_id):
    # Only the client's own entries: one their therapist recorded stays.
    appointment = owned_or_404(Appointment, appointment_id, owner_attribute="created_by_id")
    db.session.delete(appointment)
    db.session.commit()
    flash(_("Appointment removed."), "success")
    return back_to_page(url_for(BACK_TO_CHARTS, _anchor="appointments"))
