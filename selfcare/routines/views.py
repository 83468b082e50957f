from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import client_required, one_of_or_404, owned_or_404
from ..clinical import BASE_REGION_LABELS, EXERCISE_KINDS, PAIN_MAX
from ..dates import format_day, format_moment, local_today
from ..drafts import back_to_page
from ..extensions import db
from ..merge import readable, save_edit, show_loaded
from ..models import Exercise, Routine, RoutineLog
from ..pages import delete_after_confirmation, newest_first_page, render_form
from ..photos import accepts_photo, send_photo
from ..programmes.service import programme_history
from . import bp
from .exercises import exercise_visible_to, save_exercise, visible_exercises
from .forms import (
    AddExerciseForm,
    DosesForm,
    ExerciseForm,
    RenameForm,
    RoutineForm,
    RoutineLogForm,
    dose_rows,
    rows_match,
    sent_item_fields,
    show_answer_clashes,
    show_item_conflicts,
)
from .logs import (
    LoggedExercise,
    add_to_log,
    log_fields,
    log_routine,
    log_to_add_to,
    sent_before,
    stored_log_fields,
    submission_ids_of_day,
    update_log,
)
from .service import add_exercise, create_routine, move_item, stored_item_fields, write_item_changes


def _today():
    return local_today(current_user.timezone)


@bp.get("/routines")
@client_required
def index():
    routines = db.session.scalars(
        db.select(Routine)
        .filter_by(user_id=current_user.id)
        .order_by(Routine.archived, Routine.created_at)
    ).all()
    return render_template("routines/index.html", routines=routines)


@bp.route("/routines/new", methods=["GET", "POST"])
@client_required
def new():
    exercises = visible_exercises(current_user.id)
    form = RoutineForm(exercises)
    if form.validate_on_submit():
        by_id = {exercise.id: exercise for exercise in exercises}
        routine = create_routine(
            current_user.id, form.name.data, [by_id[i] for i in form.exercise_ids.data]
        )
        flash(
            _(
                "“%(name)s” is ready. Adjust the doses if your therapist gave you others.",
                name=routine.name,
            ),
            "success",
        )
        return redirect(url_for("routines.edit", routine_id=routine.id))
    return render_form(
        "routines/new.html",
        form,
        exercises={str(e.id): e for e in exercises},
    )


def _changeable_or_403(routine_id: int) -> Routine:
    """The client's own routine, to change its exercises, doses or name: a therapist's
    programme is theirs to dose (the client may still log, archive or restore it)."""
    routine = owned_or_404(Routine, routine_id)
    if routine.is_programme:
        abort(403)
    return routine


@bp.route("/routines/<id:routine_id>", methods=["GET", "POST"])
@client_required
def edit(routine_id):
    routine = owned_or_404(Routine, routine_id)
    if routine.is_programme:
        if request.method == "POST":
            abort(403)
        return render_template(
            "routines/programme.html", routine=routine, history=programme_history(routine.id)
        )
    rename_form = RenameForm(obj=routine)
    if rename_form.validate_on_submit():
        routine.name = rename_form.name.data.strip()
        db.session.commit()
        flash(_("Name saved."), "success")
        return back_to_page(url_for("routines.edit", routine_id=routine.id), rename_form)
    return _edit_page(routine, rename_form=rename_form)


def new_doses_form(routine: Routine, **kwargs) -> DosesForm:
    form = DosesForm(data={"items": dose_rows(routine)}, **kwargs)
    # A kept draft keeps what its page was loaded with, so saving it writes only its changes.
    if not form.loaded.data:
        show_loaded(form, stored_item_fields(routine))
    return form


def _edit_page(
    routine: Routine,
    *,
    rename_form: RenameForm | None = None,
    add_form: AddExerciseForm | None = None,
    doses_form: DosesForm | None = None,
    status: int | None = None,
):
    """The routine editor, one form of three parts; sent back after a POST, each part shows
    what was sent, the one that failed with its errors."""
    rename_form = rename_form or RenameForm(obj=routine)
    add_form = add_form or AddExerciseForm(visible_exercises(current_user.id))
    doses_form = doses_form or new_doses_form(routine)
    has_errors = any(form.errors for form in [rename_form, add_form, doses_form])
    return render_template(
        "routines/edit.html",
        routine=routine,
        rename_form=rename_form,
        add_form=add_form,
        doses_form=doses_form,
        item_of={str(item.id): item for item in routine.items},
    ), status or (422 if has_errors else 200)


def _save_sent_doses(
    routine: Routine, *, say_unchanged: bool = False
) -> tuple[DosesForm, tuple | None]:
    """Save the doses and notes sent with the page (what another tab saved meanwhile is kept
    unless this page changed the same exercise). Returns the form, and the page to show
    instead when they could not be saved (a mistake, or a clash put to the person)."""
    form = DosesForm()
    if not (form.validate_on_submit() and rows_match(form.items, routine)):
        return form, _edit_page(routine, doses_form=form)
    merge, form = save_edit(
        form,
        sent_item_fields(form.items),
        stored_item_fields(routine),
        lambda changes: write_item_changes(routine, changes),
        stored_again=lambda: stored_item_fields(routine),
        shown_again=lambda _: new_doses_form(routine, formdata=None),
        show_mine=lambda shown, conflicts: show_item_conflicts(shown.items, conflicts),
    )
    db.session.commit()
    if merge.conflicts:
        return form, _edit_page(routine, doses_form=form, status=409)
    if merge.changes or say_unchanged:
        flash(_("Doses saved."), "success")
    return form, None


@bp.post("/routines/<id:routine_id>/items")
@client_required
def add_item(routine_id):
    """Adding, moving and removing change the rows of the doses part, so the doses sent with
    them are saved first: kept as a draft, they would no longer match the rows."""
    routine = _changeable_or_403(routine_id)
    form = AddExerciseForm(visible_exercises(current_user.id))
    if not form.validate_on_submit():
        return _edit_page(routine, add_form=form)
    doses_form, instead = _save_sent_doses(routine)
    if instead:
        return instead
    add_exercise(routine, exercise_visible_to(current_user.id, form.exercise_id.data))
    flash(_("Exercise added."), "success")
    return back_to_page(url_for("routines.edit", routine_id=routine.id), form, doses_form)


@bp.post("/routines/<id:routine_id>/doses")
@client_required
def update_doses(routine_id):
    """Every exercise's dose and note in one save."""
    routine = _changeable_or_403(routine_id)
    form, instead = _save_sent_doses(routine, say_unchanged=True)
    if instead:
        return instead
    return back_to_page(url_for("routines.edit", routine_id=routine.id), form)


@bp.post("/routines/<id:routine_id>/items/<id:item_id>/<any(up, down):direction>")
@client_required
def move(routine_id, item_id, direction):
    routine = _changeable_or_403(routine_id)
    item = one_of_or_404(routine.items, item_id)
    doses_form, instead = _save_sent_doses(routine)
    if instead:
        return instead
    move_item(routine, item, -1 if direction == "up" else 1)
    url = url_for("routines.edit", routine_id=routine.id, _anchor=f"item-{item_id}")
    return back_to_page(url, doses_form)


@bp.post("/routines/<id:routine_id>/items/<id:item_id>/remove")
@client_required
def remove_item(routine_id, item_id):
    routine = _changeable_or_403(routine_id)
    item = one_of_or_404(routine.items, item_id)
    doses_form, instead = _save_sent_doses(routine)
    if instead:
        return instead
    routine.items.remove(item)
    db.session.commit()
    flash(_("%(name)s removed from the routine.", name=item.exercise.shown_name), "success")
    return back_to_page(url_for("routines.edit", routine_id=routine.id), doses_form)


@bp.post("/routines/<id:routine_id>/<any(archive, restore):action>")
@client_required
def archive(routine_id, action):
    routine = owned_or_404(Routine, routine_id)
    routine.archived = action == "archive"
    db.session.commit()
    if routine.archived:
        message = _("“%(name)s” is put away; its history stays in your charts.", name=routine.name)
    else:
        message = _("“%(name)s” is back in use.", name=routine.name)
    flash(message, "success")
    return redirect(url_for("routines.index"))


def _logged_exercises(form: RoutineLogForm, exercise_of: dict[str, Exercise]):
    return [
        LoggedExercise(
            exercise_of[entry.row_key.data].id,
            entry.done.data,
            entry.form.dose(),
            entry.pain_during.data,
            entry.difficulty.data or None,
        )
        for entry in form.exercises
    ]


def _rows_match(form: RoutineLogForm, exercise_of: dict[str, Exercise]) -> bool:
    """Each row of the sent form still stands for an exercise of the routine (or log)."""
    if form.exercises.entries and all(
        entry.row_key.data in exercise_of for entry in form.exercises
    ):
        return True
    form.exercises.errors.append(
        _("This routine changed while you were logging it. Please reload the page.")
    )
    return False


def _log_page(form: RoutineLogForm, routine: Routine, log, exercise_of, status=None, **extra):
    if status is None:
        return render_form(
            "routines/log.html", form, routine=routine, log=log, exercise_of=exercise_of, **extra
        )
    return render_template(
        "routines/log.html", form=form, routine=routine, log=log, exercise_of=exercise_of, **extra
    ), status


def _logged() -> str:
    return _("Logged. Well done for making time for it.")


def _new_log_form(routine: Routine) -> tuple[RoutineLogForm, dict[str, Exercise]]:
    """A log of the routine as planned (every exercise done at its dose), and the exercise each
    row stands for."""
    today = _today()
    rows = [
        {"row_key": str(item.id), "done": True, **item.dose.as_columns()} for item in routine.items
    ]
    form = RoutineLogForm(data={"day": today, "exercises": rows}, today=today)
    return form, {str(item.id): item.exercise for item in routine.items}


@bp.get("/routines/<id:routine_id>/session")
@client_required
def session(routine_id):
    """The guided session: the detailed log form, one exercise at a time (static/js/player.js)."""
    routine = owned_or_404(Routine, routine_id)
    form, exercise_of = _new_log_form(routine)
    return render_template(
        "routines/session.html",
        form=form,
        routine=routine,
        exercise_of=exercise_of,
        adds_to=log_to_add_to(current_user.id, routine, form.day.data),
        saved_ids=submission_ids_of_day(current_user.id, routine.id, form.day.data),
    )


@bp.route("/routines/<id:routine_id>/log", methods=["GET", "POST"])
@client_required
def log_details(routine_id):
    routine = owned_or_404(Routine, routine_id)
    form, exercise_of = _new_log_form(routine)
    if form.validate_on_submit() and _rows_match(form, exercise_of):
        return _save_detailed_log(form, routine, exercise_of)
    adds_to = log_to_add_to(current_user.id, routine, form.day.data or _today())
    return _log_page(form, routine, None, exercise_of, adds_to=adds_to)


def _save_detailed_log(form: RoutineLogForm, routine: Routine, exercise_of):
    """One routine, one day, one log: a detailed log (a guided session) of a day the routine
    is already logged goes into that log, unless the person says they did it again. Answers
    that log gives differently are put to the person first. The same form sent again is saved
    once."""
    day, submission_id = form.day.data, form.submission_id.data
    answers = {
        "effort": form.effort.data,
        "note": form.note.data or None,
        "exercises": _logged_exercises(form, exercise_of),
    }
    earlier = None if form.save_again.data else log_to_add_to(current_user.id, routine, day)
    if earlier is None or sent_before(current_user.id, submission_id):
        log_routine(current_user.id, routine, day, submission_id, **answers)
        flash(_logged(), "success")
        return redirect(url_for("routines.logs"))
    clashes = add_to_log(earlier, submission_id, sent_wins=form.use_these_answers.data, **answers)
    if clashes:
        show_answer_clashes(form, clashes)
        return _log_page(form, routine, None, exercise_of, 409, earlier=earlier, clashes=clashes)
    at = format_moment(earlier.logged_at, current_user.timezone, "time")
    flash(
        _(
            "Added to the log of %(day)s you saved at %(time)s. Well done for making time for it.",
            day=format_day(day),
            time=at,
        ),
        "success",
    )
    return redirect(url_for("routines.logs"))


@bp.route("/routines/logs/<id:log_id>", methods=["GET", "POST"])
@client_required
def edit_log(log_id):
    log = owned_or_404(RoutineLog, log_id)
    form = _stored_log_form(log)
    exercise_of = {str(entry.id): entry.exercise for entry in log.items}
    if form.validate_on_submit() and _rows_match(form, exercise_of):
        sent = log_fields(
            day=form.day.data,
            effort=form.effort.data,
            note=form.note.data or None,
            exercises=_logged_exercises(form, exercise_of),
        )
        merge, form = save_edit(
            form,
            sent,
            stored_log_fields(log),
            lambda changes: update_log(log, changes),
            stored_again=lambda: stored_log_fields(log),
            # A clash over which exercises were done keeps the rows as sent: they can't be
            # laid over the stored ones.
            shown_again=lambda conflicts: (
                None if "exercises" in conflicts else _stored_log_form(log, formdata=None)
            ),
            describe=_describe_log_field,
        )
        if merge.conflicts:
            return _log_page(form, log.routine, log, exercise_of, 409, conflicts=merge.conflicts)
        flash(_logged(), "success")
        return redirect(url_for("routines.logs"))
    if request.method == "GET":
        show_loaded(form, stored_log_fields(log))
    return _log_page(form, log.routine, log, exercise_of)


def _stored_log_form(log: RoutineLog, **kwargs) -> RoutineLogForm:
    rows = [
        {
            "row_key": str(entry.id),
            "done": entry.done,
            "pain_during": entry.pain_during,
            "difficulty": entry.difficulty or "",
            **entry.dose.as_columns(),
        }
        for entry in log.items
    ]
    return RoutineLogForm(obj=log, data={"exercises": rows}, today=_today(), **kwargs)


def _describe_log_field(field, value) -> str:
    if field.name == "exercises":
        return _("other exercises done or doses") if value else _("no exercises")
    return readable(value)


@bp.get("/routines/logs")
@client_required
def logs():
    page = newest_first_page(
        db.select(RoutineLog)
        .filter_by(user_id=current_user.id)
        .order_by(RoutineLog.day.desc(), RoutineLog.logged_at.desc())
    )
    return render_template("routines/logs.html", page=page, scale_max=PAIN_MAX)


@bp.route("/routines/logs/<id:log_id>/delete", methods=["GET", "POST"])
@client_required
def delete_log(log_id):
    log = owned_or_404(RoutineLog, log_id)
    return delete_after_confirmation(
        log,
        _(
            "the log of “%(name)s” on %(day)s",
            name=log.routine.name,
            day=format_day(log.day, "long"),
        ),
        "routines.logs",
    )


@bp.get("/exercises")
@client_required
def exercises():
    kind = request.args.get("kind")
    shown = [e for e in visible_exercises(current_user.id) if kind in (None, "", e.kind)]
    return render_template(
        "routines/exercises.html",
        exercises=shown,
        kinds=EXERCISE_KINDS,
        kind=kind,
        region_labels=BASE_REGION_LABELS,
    )


@bp.route("/exercises/new", methods=["GET", "POST"])
@client_required
@accepts_photo
def new_exercise():
    form = ExerciseForm()
    if form.validate_on_submit():
        exercise = save_exercise(Exercise(owner_id=current_user.id), form)
        flash(_("“%(name)s” is in your library.", name=exercise.name), "success")
        return redirect(url_for("routines.exercises"))
    return render_form("routines/new_exercise.html", form)


@bp.get("/photos/<id:exercise_id>/<name>")
@login_required
def photo(exercise_id, name):
    """An exercise's photo, for whoever may see the exercise (its owner, or a client with it in
    a routine); the stored name is in the URL, so a new photo gets a new URL."""
    exercise = exercise_visible_to(current_user.id, exercise_id)
    if exercise is None or exercise.photo is None or exercise.photo != name:
        abort(404)
    return send_photo(exercise.photo)
