from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import shared_client_or_404, therapist_required
from ..charts.forms import TherapySessionForm
from ..charts.views import add_therapy_session, report_context, trends_context
from ..extensions import db
from ..localtime import local_today
from ..models import Routine
from ..routines.forms import RoutineForm
from ..routines.service import create_routine, visible_exercises
from ..sharing.service import InviteError, redeem_invite
from ..web import ListPagination, render_form
from . import bp
from .forms import LinkForm
from .service import dashboard_rows

DASHBOARD_PAGE_SIZE = 50


@bp.get("/therapist")
@therapist_required
def dashboard():
    rows = dashboard_rows(current_user.id)
    search = request.args.get("q", "").strip()
    if search:
        rows = [row for row in rows if search.lower() in row.client.name.lower()]
    page = ListPagination(
        per_page=DASHBOARD_PAGE_SIZE, max_per_page=DASHBOARD_PAGE_SIZE, items=rows
    )
    return render_template(
        "therapist/dashboard.html",
        page=page,
        search=search,
        flagged=sum(row.flagged for row in rows),
        today=local_today(current_user.timezone),
    )


@bp.route("/therapist/link", methods=["GET", "POST"])
@bp.route("/therapist/link/<code>", methods=["GET"])
@therapist_required
def link(code=None):
    form = LinkForm(data={"code": code} if code else None)
    if form.validate_on_submit():
        try:
            share = redeem_invite(current_user.id, form.code.data)
        except InviteError as error:
            form.code.errors.append(str(error))
        else:
            flash(f"You can now see {share.client.name}'s charts.", "success")
            return redirect(url_for("therapist.client", client_id=share.client_id))
    return render_form("therapist/link.html", form)


def _client_page(client, session_form=None):
    routines = db.session.scalars(
        db.select(Routine).filter_by(user_id=client.id, archived=False).order_by(Routine.created_at)
    ).all()
    session_form = session_form or TherapySessionForm(
        formdata=None, data={"day": local_today(current_user.timezone)}
    )
    return render_form(
        "therapist/client.html",
        session_form,
        client=client,
        routines=routines,
        session_form=session_form,
        **trends_context(client, "therapist.client", client_id=client.id),
    )


@bp.get("/therapist/clients/<int:client_id>")
@login_required
def client(client_id):
    return _client_page(shared_client_or_404(client_id, "charts"))


@bp.post("/therapist/clients/<int:client_id>/sessions")
@login_required
def add_session(client_id):
    client = shared_client_or_404(client_id, "added an appointment")
    form = TherapySessionForm()
    form.today = local_today(client.timezone)
    if not form.validate_on_submit():
        return _client_page(client, form)
    add_therapy_session(client.id, form, current_user.id)
    flash(f"Appointment on {form.day.data:%d %B} added for {client.name}.", "success")
    return redirect(url_for("therapist.client", client_id=client.id) + "#sessions")


@bp.route("/therapist/clients/<int:client_id>/routines/new", methods=["GET", "POST"])
@login_required
def assign_routine(client_id):
    client = shared_client_or_404(client_id, "home program")
    library = visible_exercises(client.id)
    library = [exercise for exercise in library if exercise.owner_id is None]
    form = RoutineForm(library)
    if form.validate_on_submit():
        by_id = {exercise.id: exercise for exercise in library}
        routine = create_routine(
            client.id, form.name.data, [by_id[i] for i in form.exercise_ids.data]
        )
        routine.assigned_by_id = current_user.id
        db.session.commit()
        flash(f"“{routine.name}” is now in {client.name}'s routines.", "success")
        return redirect(url_for("therapist.client", client_id=client.id))
    return render_form(
        "therapist/assign_routine.html",
        form,
        client=client,
        exercises={str(e.id): e for e in library},
    )


@bp.get("/therapist/clients/<int:client_id>/report")
@login_required
def report(client_id):
    client = shared_client_or_404(client_id, "report")
    return render_template("charts/report.html", **report_context(client))
