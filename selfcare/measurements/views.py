from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..access import client_required, owned_or_404
from ..clinical import BASE_REGION_LABELS, MOVEMENTS
from ..dates import format_day, local_today
from ..extensions import db
from ..models import Measurement
from ..pages import delete_after_confirmation, history_page, render_form
from . import bp
from .forms import MeasurementForm
from .service import add_measurement, update_measurement


def _movement_or_404(key: str):
    movement = MOVEMENTS.get(key)
    if movement is None:
        abort(404)
    return movement


@bp.get("/measurements")
@client_required
def index():
    page = history_page(
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
        by_region.setdefault(BASE_REGION_LABELS[movement.region], []).append(movement)
    return render_template("measurements/choose.html", by_region=by_region)


def _measurement_page(movement, measurement: Measurement | None):
    today = local_today(current_user.timezone)
    form = MeasurementForm(
        movement, obj=measurement, data=None if measurement else {"day": today}, today=today
    )
    if form.validate_on_submit():
        measured = form.measured()
        if measurement is None:
            add_measurement(current_user.id, measured, form.submission_id.data)
        else:
            update_measurement(measurement, measured)
        flash(f"{movement.label}: {movement.format(measured.value)} saved.", "success")
        return redirect(url_for("measurements.index"))
    return render_form("measurements/form.html", form, movement=movement, measurement=measurement)


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
    what = f"{movement.label} {movement.format(measurement.value)} on {format_day(measurement.day)}"
    return delete_after_confirmation(measurement, what, "measurements.index")
