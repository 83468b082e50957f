from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import client_required, owned_or_404
from ..clinical import BASE_REGION_LABELS, MOVEMENTS, side_word
from ..dates import format_day, local_today
from ..extensions import db
from ..merge import save_edit, show_loaded
from ..models import Measurement
from ..pages import delete_after_confirmation, newest_first_page, render_form
from . import bp
from .forms import MeasurementForm
from .phone import PHONE_MEASURABLE as INCLINOMETER
from .service import (
    add_measurement,
    same_measurement,
    side_submission_id,
    stored_fields,
    update_measurement,
)


def _movement_or_404(key: str):
    movement = MOVEMENTS.get(key)
    if movement is None:
        abort(404)
    return movement


@bp.get("/measurements")
@client_required
def index():
    page = newest_first_page(
        db.select(Measurement)
        .filter_by(user_id=current_user.id)
        .order_by(Measurement.day.desc(), Measurement.created_at.desc())
    )
    return render_template("measurements/index.html", page=page, movements=MOVEMENTS)


@bp.get("/measurements/new")
@client_required
def choose_movement():
    by_region: dict[str, list] = {}
    for movement in MOVEMENTS.values():
        by_region.setdefault(str(BASE_REGION_LABELS[movement.region]), []).append(movement)
    return render_template("measurements/choose.html", by_region=by_region)


def _measurement_page(movement, measurement: Measurement | None):
    today = local_today(current_user.timezone)
    form = MeasurementForm(
        movement,
        obj=measurement,
        data=None if measurement else {"day": today},
        today=today,
        both_sides=measurement is None,
    )
    context = {"movement": movement, "measurement": measurement, "inclinometer": INCLINOMETER}
    if form.validate_on_submit():
        if measurement is None:
            return _save_new(form, movement, context)
        measured = form.measured()
        merge, form = save_edit(
            form,
            measured.fields(),
            stored_fields(measurement),
            lambda changes: update_measurement(measurement, changes),
            stored_again=lambda: stored_fields(measurement),
            shown_again=lambda _: MeasurementForm(
                movement, obj=measurement, formdata=None, today=today
            ),
        )
        if merge.conflicts:
            return render_template(
                "measurements/form.html", form=form, conflicts=merge.conflicts, **context
            ), 409
        flash(_saved(movement, movement.format(measured.value)), "success")
        return redirect(url_for("measurements.index"))
    if measurement is not None and request.method == "GET":
        show_loaded(form, stored_fields(measurement))
    return render_form("measurements/form.html", form, **context)


def _saved(movement, values: str) -> str:
    # Translators: after saving, e.g. "Neck: turning the head: left 62°, right 71.5° saved."
    return _("%(movement)s: %(values)s saved.", movement=movement.label, values=values)


def _save_new(form: MeasurementForm, movement, context: dict):
    """Save each side filled in as its own row. The same form sent again is simply saved once;
    a new one with the same values as a saved measurement asks first."""
    sides = [
        (measured, side_submission_id(form.submission_id.data, measured, form.both_sides))
        for measured in form.measured_sides()
    ]
    if not form.save_again.data:
        twins = [same_measurement(current_user.id, measured) for measured, _id in sides]
        twins = [
            twin
            for twin, (_measured, submission_id) in zip(twins, sides, strict=True)
            if twin is not None and twin.submission_id != submission_id
        ]
        if twins:
            return render_template("measurements/form.html", form=form, twins=twins, **context), 409
    for measured, submission_id in sides:
        add_measurement(current_user.id, measured, submission_id)
    values = ", ".join(
        # Translators: one side's value, e.g. "left 62°".
        _(
            "%(side)s %(value)s",
            side=side_word(measured.side),
            value=movement.format(measured.value),
        )
        if measured.side
        else movement.format(measured.value)
        for measured, _submission_id in sides
    )
    flash(_saved(movement, values), "success")
    return redirect(url_for("measurements.index"))


@bp.route("/measurements/new/<movement_key>", methods=["GET", "POST"])
@client_required
def new(movement_key):
    return _measurement_page(_movement_or_404(movement_key), None)


@bp.route("/measurements/<id:measurement_id>", methods=["GET", "POST"])
@client_required
def edit(measurement_id):
    measurement = owned_or_404(Measurement, measurement_id)
    return _measurement_page(_movement_or_404(measurement.movement), measurement)


@bp.route("/measurements/<id:measurement_id>/delete", methods=["GET", "POST"])
@client_required
def delete(measurement_id):
    measurement = owned_or_404(Measurement, measurement_id)
    movement = MOVEMENTS[measurement.movement]
    # Translators: what is deleted, e.g. "Neck: chin to chest 45° on 1 Dec 2026".
    what = _(
        "%(movement)s %(value)s on %(day)s",
        movement=movement.label,
        value=movement.format(measurement.value),
        day=format_day(measurement.day),
    )
    return delete_after_confirmation(measurement, what, "measurements.index")
