from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import client_required, owned_or_404
from ..clinical import PAIN_QUESTION, REGIONS
from ..extensions import db
from ..forms import EARLIEST_DAY
from ..localtime import local_today
from ..models import CheckIn
from ..routines.service import today_routine_cards
from ..sharing.service import latest_therapist_note
from ..web import delete_after_confirmation, history_page, render_error, render_form
from . import bp
from .forms import RegionsForm, checkin_form
from .service import checkin_for, save_checkin, set_tracked_regions, tracked_regions


def _today():
    return local_today(current_user.timezone)


def _checkin_page(day, template: str, **context):
    """Show and save the check-in of `day`; shared by /today and the history's edit page."""
    existing = checkin_for(current_user.id, day)
    form = checkin_form(tracked_regions(current_user.id), existing)
    if form.validate_on_submit():
        save_checkin(current_user.id, day, form.scores(), form.details())
        flash("Saved. Thanks for checking in." if day == _today() else "Saved.", "success")
        return redirect(request.path)
    return render_form(
        template, form, day=day, existing=existing, pain_question=PAIN_QUESTION, **context
    )


@bp.route("/today", methods=["GET", "POST"])
@client_required
def today():
    day = _today()
    return _checkin_page(
        day,
        "checkins/today.html",
        routines=today_routine_cards(current_user.id, day),
        therapist_note=latest_therapist_note(current_user.id),
    )


@bp.route("/checkins/<date:day>", methods=["GET", "POST"])
@client_required
def edit_day(day):
    if day > _today():
        return render_error(
            400, "That day hasn't happened yet. You can check in for today or earlier."
        )
    if day < EARLIEST_DAY:
        return render_error(400, f"Check-ins start from {EARLIEST_DAY.year}.")
    if day == _today():
        return redirect(url_for("checkins.today"))
    return _checkin_page(day, "checkins/edit.html")


@bp.get("/checkins")
@client_required
def history():
    chosen = request.args.get("day")
    if chosen:
        return redirect(url_for("checkins.edit_day", day=chosen))
    page = history_page(
        db.select(CheckIn).filter_by(user_id=current_user.id).order_by(CheckIn.day.desc())
    )
    return render_template("checkins/history.html", page=page, regions=REGIONS, today=_today())


@bp.route("/checkins/<int:checkin_id>/delete", methods=["GET", "POST"])
@client_required
def delete(checkin_id):
    checkin = owned_or_404(CheckIn, checkin_id)
    return delete_after_confirmation(
        checkin, f"your check-in of {checkin.day:%A %d %B %Y}", "checkins.history"
    )


@bp.route("/checkins/regions", methods=["GET", "POST"])
@client_required
def regions():
    form = RegionsForm(data={"regions": tracked_regions(current_user.id)})
    if form.validate_on_submit():
        set_tracked_regions(current_user.id, form.regions.data)
        flash("Your regions are saved.", "success")
        return redirect(url_for("checkins.today"))
    return render_form("checkins/regions.html", form)
