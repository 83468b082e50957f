from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import client_required, owned_or_404
from ..appointments.service import latest_therapist_note
from ..clinical import PAIN_QUESTION, REGIONS
from ..dates import format_day, local_today, past_day_problem
from ..errors import render_error
from ..extensions import db
from ..models import CheckIn
from ..pages import delete_after_confirmation, history_page, render_form
from ..routines.service import today_routine_cards
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
    problem = past_day_problem(day, _today())
    if problem:
        return render_error(400, problem)
    if day == _today():
        return redirect(url_for("checkins.today"))
    return _checkin_page(day, "checkins/edit.html")


@bp.get("/checkins")
@client_required
def history():
    chosen = request.args.get("day")
    if chosen:
        try:
            return redirect(url_for("checkins.edit_day", day=date.fromisoformat(chosen)))
        except ValueError:
            return render_error(400, "Choose a day with the date picker, like 2026-03-01.")
    page = history_page(
        db.select(CheckIn).filter_by(user_id=current_user.id).order_by(CheckIn.day.desc())
    )
    return render_template("checkins/history.html", page=page, regions=REGIONS, today=_today())


@bp.route("/checkins/<id:checkin_id>/delete", methods=["GET", "POST"])
@client_required
def delete(checkin_id):
    checkin = owned_or_404(CheckIn, checkin_id)
    return delete_after_confirmation(
        checkin, f"your check-in of {format_day(checkin.day, 'long')}", "checkins.history"
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
