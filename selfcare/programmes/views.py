from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import Purpose, owned_or_404, shared_client, therapist_required
from ..dates import local_today
from ..drafts import back_to_page
from ..extensions import db
from ..merge import show_loaded, snapshot_text
from ..models import ProgrammeTemplate, Routine
from ..pages import render_form
from ..routines.exercises import visible_exercises
from ..routines.forms import (
    NewProgrammeForm,
    ProgrammeForm,
    TemplateForm,
    UseTemplateForm,
    dose_rows,
    plan_data,
    rows_match,
    sent_item_fields,
    show_programme_conflicts,
)
from ..routines.service import create_routine
from . import bp
from .changes import changes_text
from .service import (
    ProgrammeEdit,
    programme_from_template,
    programme_history,
    save_as_template,
    save_programme,
    stored_programme_fields,
    write_programme_fields,
)


def _with_routines(share) -> None:
    """Programmes are the routines part of what a client shares: without it, no access."""
    if "routines" not in share.part_set:
        abort(404)


def _templates():
    return db.session.scalars(
        db.select(ProgrammeTemplate)
        .filter_by(therapist_id=current_user.id)
        .order_by(ProgrammeTemplate.name, ProgrammeTemplate.id)
    ).all()


def _new_page(client, form, use_form=None, **context):
    """The new-programme page: the form to build one, and the therapist's templates."""
    exercises = visible_exercises(current_user.id)
    page, status = render_form(
        "programmes/new.html",
        form,
        client=client,
        exercises={str(e.id): e for e in exercises},
        templates=_templates(),
        use_form=use_form
        or UseTemplateForm(formdata=None, data={"starts_on": local_today(client.timezone)}),
        **context,
    )
    # Either form may be the one sent back with errors.
    return page, 422 if use_form is not None and use_form.errors else status


@bp.route("/therapist/clients/<id:client_id>/routines/new", methods=["GET", "POST"])
@shared_client(Purpose.PROGRAMME_CHANGED, opened=Purpose.PROGRAMME_OPENED)
def new(client, share):
    _with_routines(share)
    exercises = visible_exercises(current_user.id)
    today = local_today(client.timezone)
    form = NewProgrammeForm(exercises, data={"starts_on": today})
    if form.validate_on_submit():
        by_id = {exercise.id: exercise for exercise in exercises}
        routine = create_routine(
            client.id,
            form.name.data,
            [by_id[i] for i in form.exercise_ids.data],
            assigned_by_id=current_user.id,
            starts_on=form.starts_on.data or today,
            ends_on=form.ends_on.data,
            **form.plan_columns(),
        )
        flash(
            _(
                "“%(name)s” is now in %(client)s's routines. Set the doses here.",
                name=routine.name,
                client=client.name,
            ),
            "success",
        )
        return redirect(url_for("programmes.edit", client_id=client.id, programme_id=routine.id))
    return _new_page(client, form)


@bp.post("/therapist/clients/<id:client_id>/templates/<id:template_id>/use")
@shared_client(Purpose.PROGRAMME_CHANGED, opened=Purpose.PROGRAMME_OPENED)
def from_template(client, share, template_id):
    _with_routines(share)
    template = owned_or_404(ProgrammeTemplate, template_id, "therapist_id")
    use_form = UseTemplateForm()
    if not use_form.validate_on_submit():
        form = NewProgrammeForm(visible_exercises(current_user.id), formdata=None)
        return _new_page(client, form, use_form, failed_template=template.id)
    routine = programme_from_template(template, client.id, current_user, use_form.starts_on.data)
    flash(
        _("“%(name)s” is now in %(client)s's routines.", name=routine.name, client=client.name),
        "success",
    )
    return redirect(url_for("programmes.edit", client_id=client.id, programme_id=routine.id))


def _programme_or_404(client, programme_id: int) -> Routine:
    """One of this client's programmes that the current therapist prescribed."""
    routine = db.session.get(Routine, programme_id)
    if routine is None or (routine.user_id, routine.assigned_by_id) != (
        client.id,
        current_user.id,
    ):
        abort(404)
    return routine


def _stored_form(routine: Routine, exercises, **kwargs) -> ProgrammeForm:
    """The programme as stored (or on its page, as typed: a kept draft, or a POST)."""
    form = ProgrammeForm(
        exercises,
        data={
            "name": routine.name,
            "starts_on": routine.starts_on,
            "ends_on": routine.ends_on,
            "items": dose_rows(routine),
            **plan_data(routine),
        },
        **kwargs,
    )
    # What the page was loaded with, so a save writes only its own changes.
    if not form.loaded.data:
        show_loaded(form, stored_programme_fields(routine))
    return form


def _edit_page(client, routine, form, status=None, template_form=None):
    page = render_template(
        "programmes/edit.html",
        client=client,
        routine=routine,
        form=form,
        item_of={str(item.id): item for item in routine.items},
        exercises={str(e.id): e for e in visible_exercises(current_user.id)},
        history=programme_history(routine.id),
        template_form=template_form or TemplateForm(data={"name": routine.name}),
    )
    return page, status or (422 if form.errors else 200)


@bp.route("/therapist/clients/<id:client_id>/routines/<id:programme_id>", methods=["GET", "POST"])
@shared_client(Purpose.PROGRAMME_CHANGED, opened=Purpose.PROGRAMME_OPENED)
def edit(client, share, programme_id):
    """Name, plan, dates and every exercise's dose and note in one form, one save; each save
    that changes something is recorded in words the client reads on their routine page."""
    _with_routines(share)
    routine = _programme_or_404(client, programme_id)
    exercises = visible_exercises(current_user.id)
    if request.method == "GET":
        return _edit_page(client, routine, _stored_form(routine, exercises))
    form = ProgrammeForm(exercises)
    if not (form.validate_on_submit() and rows_match(form.items, routine)):
        return _edit_page(client, routine, form)
    by_id = {exercise.id: exercise for exercise in exercises}
    sent = ProgrammeEdit(
        name=form.name.data,
        plan=form.plan_columns(),
        starts_on=form.starts_on.data or routine.starts_on or local_today(client.timezone),
        ends_on=form.ends_on.data,
        items=sent_item_fields(form.items),
        loaded=form.loaded.data,
        removed_item_ids={int(entry.row_key.data) for entry in form.items if entry.remove.data},
        added=[by_id[exercise_id] for exercise_id in form.add_exercise_ids.data],
    )
    changes, merge = save_programme(routine, current_user, sent, local_today(client.timezone))
    if merge.conflicts:
        # Nothing was saved. The page shows what is stored now with this page's changes on
        # top, each clash named next to its field; saving again keeps this page's values.
        stored = snapshot_text(stored_programme_fields(routine))
        write_programme_fields(
            routine, merge.changes | {name: c.mine for name, c in merge.conflicts.items()}
        )
        form = _stored_form(routine, exercises, formdata=None)
        db.session.rollback()
        form.loaded.data = stored
        show_programme_conflicts(form, merge.conflicts)
        return _edit_page(client, routine, form, 409)
    if changes:
        flash(_("Saved. %(changes)s", changes=changes_text(changes)), "success")
    else:
        flash(_("Saved. Nothing had changed."), "success")
    return back_to_page(
        url_for("programmes.edit", client_id=client.id, programme_id=routine.id), form
    )


@bp.post("/therapist/clients/<id:client_id>/routines/<id:programme_id>/template")
@shared_client(Purpose.PROGRAMME_CHANGED, opened=Purpose.PROGRAMME_OPENED)
def save_template(client, share, programme_id):
    _with_routines(share)
    routine = _programme_or_404(client, programme_id)
    form = TemplateForm()
    if not form.validate_on_submit():
        sent = _stored_form(routine, visible_exercises(current_user.id))
        return _edit_page(client, routine, sent, 422, template_form=form)
    template = save_as_template(routine, current_user.id, form.name.data)
    flash(
        _("Saved as the template “%(name)s”, ready for any client.", name=template.name), "success"
    )
    return back_to_page(
        url_for("programmes.edit", client_id=client.id, programme_id=routine.id), form
    )


@bp.get("/therapist/templates")
@therapist_required
def templates():
    return render_template("programmes/templates.html", templates=_templates())


@bp.post("/therapist/templates/<id:template_id>/delete")
@therapist_required
def delete_template(template_id):
    template = owned_or_404(ProgrammeTemplate, template_id, "therapist_id")
    db.session.delete(template)
    db.session.commit()
    flash(
        _("The template “%(name)s” is deleted; programmes made from it stay.", name=template.name),
        "success",
    )
    return redirect(url_for("programmes.templates"))
