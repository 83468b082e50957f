from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import client_required, owned_or_404
from ..clinical import BASE_REGION_LABELS, EXERCISE_KINDS
from ..extensions import db
from ..localtime import local_today
from ..models import Exercise, Routine, RoutineItem, RoutineLog
from ..web import delete_after_confirmation, history_page, render_form
from . import bp
from .forms import (
    AddExerciseForm,
    DoseForm,
    ExerciseForm,
    QuickLogForm,
    RenameForm,
    RoutineForm,
    RoutineLogForm,
)
from .service import (
    add_exercise,
    create_routine,
    dose_of,
    exercise_visible_to,
    last_log_on,
    log_routine,
    move_item,
    replace_log_items,
    visible_exercises,
)


def _today():
    return local_today(current_user.timezone)


def _routine_item_or_404(routine: Routine, item_id: int) -> RoutineItem:
    item = next((item for item in routine.items if item.id == item_id), None)
    if item is None:
        abort(404)
    return item


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
            f"“{routine.name}” is ready. Adjust the doses if your therapist gave you others.",
            "success",
        )
        return redirect(url_for("routines.edit", routine_id=routine.id))
    return render_form(
        "routines/new.html",
        form,
        exercises={str(e.id): e for e in exercises},
    )


@bp.route("/routines/<int:routine_id>", methods=["GET", "POST"])
@client_required
def edit(routine_id):
    routine = owned_or_404(Routine, routine_id)
    rename_form = RenameForm(obj=routine)
    if rename_form.validate_on_submit():
        routine.name = rename_form.name.data.strip()
        db.session.commit()
        flash("Name saved.", "success")
        return redirect(url_for("routines.edit", routine_id=routine.id))
    return _edit_page(routine, rename_form=rename_form)


def _edit_page(routine, **forms):
    exercises = visible_exercises(current_user.id)
    forms.setdefault("rename_form", RenameForm(obj=routine))
    forms.setdefault("add_form", AddExerciseForm(exercises, formdata=None))
    dose_forms = {
        item.id: DoseForm(obj=item, formdata=None, prefix=f"item{item.id}")
        for item in routine.items
    }
    dose_forms.update(forms.pop("dose_forms", {}))
    has_errors = any(form.errors for form in [*forms.values(), *dose_forms.values()])
    return render_template(
        "routines/edit.html",
        routine=routine,
        dose_forms=dose_forms,
        **forms,
    ), (422 if has_errors else 200)


@bp.post("/routines/<int:routine_id>/items")
@client_required
def add_item(routine_id):
    routine = owned_or_404(Routine, routine_id)
    form = AddExerciseForm(visible_exercises(current_user.id))
    if not form.validate_on_submit():
        return _edit_page(routine, add_form=form)
    add_exercise(routine, exercise_visible_to(current_user.id, form.exercise_id.data))
    flash("Exercise added.", "success")
    return redirect(url_for("routines.edit", routine_id=routine.id))


@bp.post("/routines/<int:routine_id>/items/<int:item_id>")
@client_required
def update_item(routine_id, item_id):
    routine = owned_or_404(Routine, routine_id)
    item = _routine_item_or_404(routine, item_id)
    form = DoseForm(prefix=f"item{item.id}")
    if not form.validate_on_submit():
        return _edit_page(routine, dose_forms={item.id: form})
    for field, value in form.dose().items():
        setattr(item, field, value)
    db.session.commit()
    flash(f"Dose for {item.exercise.name} saved.", "success")
    return redirect(url_for("routines.edit", routine_id=routine.id))


@bp.post("/routines/<int:routine_id>/items/<int:item_id>/<any(up, down):direction>")
@client_required
def move(routine_id, item_id, direction):
    routine = owned_or_404(Routine, routine_id)
    move_item(routine, _routine_item_or_404(routine, item_id), -1 if direction == "up" else 1)
    return redirect(url_for("routines.edit", routine_id=routine.id) + f"#item-{item_id}")


@bp.post("/routines/<int:routine_id>/items/<int:item_id>/remove")
@client_required
def remove_item(routine_id, item_id):
    routine = owned_or_404(Routine, routine_id)
    item = _routine_item_or_404(routine, item_id)
    routine.items.remove(item)
    db.session.commit()
    flash(f"{item.exercise.name} removed from the routine.", "success")
    return redirect(url_for("routines.edit", routine_id=routine.id))


@bp.post("/routines/<int:routine_id>/<any(archive, restore):action>")
@client_required
def archive(routine_id, action):
    routine = owned_or_404(Routine, routine_id)
    routine.archived = action == "archive"
    db.session.commit()
    message = "put away; its history stays in your charts" if routine.archived else "back in use"
    flash(f"“{routine.name}” is {message}.", "success")
    return redirect(url_for("routines.index"))


@bp.post("/routines/<int:routine_id>/done")
@client_required
def done_today(routine_id):
    routine = owned_or_404(Routine, routine_id)
    form = QuickLogForm()
    if not form.validate_on_submit():
        abort(400)
    _, is_new = log_routine(current_user.id, routine, _today(), form.submission_id.data)
    if is_new:
        flash(f"Nice. “{routine.name}” is logged for today.", "success")
    return redirect(url_for("checkins.today") + "#routines")


@bp.post("/routines/undo")
@client_required
def undo_last():
    log = last_log_on(current_user.id, _today())
    if log is not None:
        db.session.delete(log)
        db.session.commit()
        flash(f"Undone: “{log.routine.name}” is no longer logged for today.", "info")
    return redirect(url_for("checkins.today") + "#routines")


def _log_form_page(routine: Routine, log: RoutineLog | None):
    """The detailed log form, for a new log of `routine` or to edit `log`."""
    if log is None:
        entries = [{"row_key": item.id, "done": True, **dose_of(item)} for item in routine.items]
        form = RoutineLogForm(data={"day": _today(), "exercises": entries})
    else:
        entries = [
            {"row_key": entry.id, "done": entry.done, **_dose_of_logged(entry)}
            for entry in log.items
        ]
        form = RoutineLogForm(obj=log, data={"exercises": entries})
    form.today = _today()
    exercise_of = _exercise_lookup(routine, log)
    if form.validate_on_submit() and _check_entries(form, exercise_of):
        done_items = [
            {
                "exercise_id": exercise_of[entry.row_key.data].id,
                "done": entry.done.data,
                **entry.form.dose(),
            }
            for entry in form.exercises
        ]
        if log is None:
            log_routine(
                current_user.id,
                routine,
                form.day.data,
                form.submission_id.data,
                effort=form.effort.data,
                note=form.note.data or None,
                done_items=done_items,
            )
        else:
            log.day, log.effort, log.note = form.day.data, form.effort.data, form.note.data or None
            replace_log_items(log, done_items)
            db.session.commit()
        flash("Logged. Well done for making time for it.", "success")
        return redirect(url_for("routines.logs"))
    return render_form("routines/log.html", form, routine=routine, log=log, exercise_of=exercise_of)


def _dose_of_logged(entry) -> dict:
    return {
        field: getattr(entry, field)
        for field in ("sets", "reps", "hold_seconds", "duration_seconds")
    }


def _exercise_lookup(routine: Routine, log: RoutineLog | None) -> dict[str, Exercise]:
    """Which exercise each row of the form stands for, keyed by the hidden id the form carries."""
    if log is None:
        return {str(item.id): item.exercise for item in routine.items}
    return {str(entry.id): entry.exercise for entry in log.items}


def _check_entries(form: RoutineLogForm, exercise_of: dict) -> bool:
    if form.exercises.entries and all(
        entry.row_key.data in exercise_of for entry in form.exercises
    ):
        return True
    form.exercises.errors.append(
        "This routine changed while you were logging it. Please reload the page."
    )
    return False


@bp.route("/routines/<int:routine_id>/log", methods=["GET", "POST"])
@client_required
def log_details(routine_id):
    return _log_form_page(owned_or_404(Routine, routine_id), None)


@bp.route("/routines/logs/<int:log_id>", methods=["GET", "POST"])
@client_required
def edit_log(log_id):
    log = owned_or_404(RoutineLog, log_id)
    return _log_form_page(log.routine, log)


@bp.get("/routines/logs")
@client_required
def logs():
    page = history_page(
        db.select(RoutineLog)
        .filter_by(user_id=current_user.id)
        .order_by(RoutineLog.day.desc(), RoutineLog.logged_at.desc())
    )
    return render_template("routines/logs.html", page=page)


@bp.route("/routines/logs/<int:log_id>/delete", methods=["GET", "POST"])
@client_required
def delete_log(log_id):
    log = owned_or_404(RoutineLog, log_id)
    return delete_after_confirmation(
        log, f"the log of “{log.routine.name}” on {log.day:%A %d %B %Y}", "routines.logs"
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
def new_exercise():
    form = ExerciseForm()
    if form.validate_on_submit():
        exercise = Exercise(
            owner_id=current_user.id,
            name=form.name.data.strip(),
            kind=form.kind.data,
            regions=",".join(form.regions.data),
            how_to=form.how_to.data or "",
            **form.dose(),
        )
        db.session.add(exercise)
        db.session.commit()
        flash(f"“{exercise.name}” is in your library.", "success")
        return redirect(url_for("routines.exercises"))
    return render_form("routines/new_exercise.html", form)
