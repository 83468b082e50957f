from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import security_log
from ..access import (
    Purpose,
    log_dashboard_views,
    owned_or_404,
    recent_password_required,
    shared_client,
    therapist_required,
)
from ..appointments.forms import AppointmentForm, new_appointment_form
from ..appointments.service import add_appointment
from ..clinical import BASE_REGION_LABELS, EXERCISE_KINDS
from ..dates import format_day, local_today
from ..exports import csv_zip_download, fhir_download
from ..extensions import db, limiter
from ..limits import configured, signed_in_account
from ..models import Exercise, Routine
from ..pages import CountedPage, page_number, render_form
from ..photos import accepts_photo
from ..routines.exercise_history import routine_histories
from ..routines.exercises import delete_exercise, exercise_in_use, own_exercises, save_exercise
from ..routines.forms import ExerciseForm
from ..sharing.service import InviteError, redeem_invite
from ..trends.service import DEFAULT_RANGE, RANGES, build_report, build_trends
from . import bp
from .forms import LinkForm
from .service import FLAGS, SharingClients

DASHBOARD_PAGE_SIZE = 50
# How far back a client's page lists each exercise's logs.
EXERCISE_HISTORY_DAYS = 28


@bp.get("/therapist")
@therapist_required
def dashboard():
    search = request.args.get("q", "").strip()
    clients = SharingClients(current_user.id, search)
    counts = clients.counts()
    # An unknown flag shows everyone rather than an error: it can only come from an edited link.
    flag = request.args.get("flag", "") if request.args.get("flag") in FLAGS else ""
    page = CountedPage.read(
        page=page_number(),
        per_page=DASHBOARD_PAGE_SIZE,
        total=counts.by_flag[flag] if flag else counts.total,
        rows=lambda offset, limit: clients.rows(flag, offset, limit),
    )
    page_html = render_template(
        "therapist/dashboard.html",
        page=page,
        rows=page.items,
        search=search,
        flag=flag,
        flags=FLAGS,
        flag_counts=counts.by_flag,
        flagged=counts.flagged,
        today=local_today(current_user.timezone),
    )
    # After rendering: the log's commit would expire the rows the page reads.
    log_dashboard_views([row.client for row in page.items])
    return page_html


@bp.route("/therapist/link", methods=["GET", "POST"])
@bp.route("/therapist/link/<code>", methods=["GET"])
@therapist_required
@limiter.limit(configured("INVITE_RATE_LIMIT"), methods=["POST"])
@limiter.limit(configured("INVITE_RATE_LIMIT"), key_func=signed_in_account, methods=["POST"])
def link(code=None):
    form = LinkForm(data={"code": code} if code else None)
    if form.validate_on_submit():
        try:
            share = redeem_invite(current_user.id, form.code.data)
        except InviteError as error:
            security_log.record("invite.refused", user_id=current_user.id, reason=error.reason)
            form.code.errors.append(str(error))
        else:
            security_log.record("share.started", user_id=current_user.id, share_id=share.id)
            flash(_("You can now see %(name)s's charts.", name=share.client.name), "success")
            return redirect(url_for("therapist.client", client_id=share.client_id))
    return render_form("therapist/link.html", form)


def _client_page(client, share, appointment_form: AppointmentForm):
    routines = db.session.scalars(
        db.select(Routine).filter_by(user_id=client.id, archived=False).order_by(Routine.created_at)
    ).all()
    histories = None
    if "routines" in share.part_set:
        start = local_today(client.timezone) - timedelta(days=EXERCISE_HISTORY_DAYS - 1)
        histories = routine_histories(client.id, routines, start)
    trends = build_trends(
        client,
        request.args.get("range", DEFAULT_RANGE),
        request.args.get("region"),
        parts=share.part_set,
    )
    return render_form(
        "therapist/client.html",
        appointment_form,
        client=client,
        histories=histories,
        history_days=EXERCISE_HISTORY_DAYS,
        share=share,
        trends=trends,
        ranges=RANGES,
        endpoint="therapist.client",
        url_args={"client_id": client.id},
    )


@bp.get("/therapist/clients/<id:client_id>")
@shared_client(Purpose.CHARTS)
def client(client, share):
    return _client_page(client, share, new_appointment_form(local_today(client.timezone)))


@bp.post("/therapist/clients/<id:client_id>/appointments")
@shared_client(Purpose.APPOINTMENT_ADDED)
def new_appointment(client, share):
    form = AppointmentForm(today=local_today(client.timezone))
    if not form.validate_on_submit():
        return _client_page(client, share, form)
    add_appointment(client.id, form.day.data, form.note.data or None, current_user.id)
    flash(
        _(
            "Appointment on %(day)s added for %(name)s.",
            day=format_day(form.day.data, "short"),
            name=client.name,
        ),
        "success",
    )
    return redirect(url_for("therapist.client", client_id=client.id) + "#appointments")


@bp.get("/therapist/clients/<id:client_id>/report")
@shared_client(Purpose.REPORT)
def report(client, share):
    report = build_report(client, request.args.get("range", DEFAULT_RANGE), parts=share.part_set)
    return render_template("trends/report.html", report=report, ranges=RANGES)


# The password check comes first, so a visit sent to confirm it is not logged as an export.
@bp.get("/therapist/clients/<id:client_id>/export.zip")
@recent_password_required
@shared_client(Purpose.EXPORT_CSV)
def export_csv(client, share):
    return csv_zip_download(client, share.part_set)


@bp.get("/therapist/clients/<id:client_id>/export.fhir.json")
@recent_password_required
@shared_client(Purpose.EXPORT_FHIR)
def export_fhir(client, share):
    return fhir_download(client, share.part_set)


@bp.get("/therapist/exercises")
@therapist_required
def exercises():
    return render_template(
        "therapist/exercises.html",
        exercises=own_exercises(current_user.id),
        kinds=EXERCISE_KINDS,
        region_labels=BASE_REGION_LABELS,
    )


def _exercise_form_page(form: ExerciseForm, exercise: Exercise | None = None):
    return render_form(
        "routines/new_exercise.html",
        form,
        exercise=exercise,
        heading=_("Change “%(name)s”", name=exercise.name)
        if exercise
        else _("Add an exercise of your own"),
        submit_label=_("Save") if exercise else _("Add exercise"),
        back_url=url_for("therapist.exercises"),
        back_label=_("Your exercises"),
    )


@bp.route("/therapist/exercises/new", methods=["GET", "POST"])
@therapist_required
@accepts_photo
def new_exercise():
    form = ExerciseForm()
    if form.validate_on_submit():
        exercise = save_exercise(Exercise(owner_id=current_user.id), form)
        flash(_("“%(name)s” is in your exercises.", name=exercise.name), "success")
        return redirect(url_for("therapist.exercises"))
    return _exercise_form_page(form)


@bp.route("/therapist/exercises/<id:exercise_id>", methods=["GET", "POST"])
@therapist_required
@accepts_photo
def edit_exercise(exercise_id):
    exercise = owned_or_404(Exercise, exercise_id, "owner_id")
    form = ExerciseForm(
        data={
            "name": exercise.name,
            "kind": exercise.kind,
            "regions": exercise.region_list,
            "how_to": exercise.how_to,
            **exercise.dose.as_columns(),
        }
    )
    if form.validate_on_submit():
        save_exercise(exercise, form)
        flash(_("“%(name)s” saved.", name=exercise.name), "success")
        return redirect(url_for("therapist.exercises"))
    return _exercise_form_page(form, exercise)


@bp.route("/therapist/exercises/<id:exercise_id>/delete", methods=["GET", "POST"])
@therapist_required
def delete_exercise_page(exercise_id):
    exercise = owned_or_404(Exercise, exercise_id, "owner_id")
    if exercise_in_use(exercise):
        flash(
            _(
                "“%(name)s” is part of a client's routine or history, so it stays.",
                name=exercise.name,
            ),
            "info",
        )
        return redirect(url_for("therapist.exercises"))
    if request.method == "POST":
        delete_exercise(exercise)
        flash(_("Deleted “%(name)s”.", name=exercise.name), "success")
        return redirect(url_for("therapist.exercises"))
    return render_template(
        "confirm_delete.html",
        what=_("“%(name)s”", name=exercise.name),
        cancel_url=url_for("therapist.exercises"),
    )
