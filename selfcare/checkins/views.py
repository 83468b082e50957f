import hmac
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ..access import client_required, owned_by, owned_or_404
from ..appointments.service import latest_therapist_note
from ..clinical import (
    PAIN_MAX,
    PAIN_MIN,
    PAIN_QUESTION,
    PAIN_VALUES,
    PAST_PAIN_QUESTION,
    REGIONS,
    DayKind,
)
from ..dates import format_day, format_moment, local_today, past_day_problem
from ..drafts import ROUTINE_BUTTONS
from ..errors import problem, render_error
from ..extensions import db
from ..json_bodies import json_object, takes_json
from ..merge import merge_edits, readable, save_edit, show_loaded
from ..models import CheckIn, Routine
from ..outcomes.service import today_status as psfs_today_status
from ..pages import delete_after_confirmation, newest_first_page, render_form
from ..reminders.service import has_reminders
from ..routines.logs import delete_log, last_log_of, log_routine
from ..routines.service import has_put_away_routines, today_routine_cards
from ..webapp import offline_owner
from . import bp
from .forms import (
    REGION_FIELD_PREFIX,
    QueuedEntryForm,
    RegionsForm,
    RoutineTapForm,
    checkin_form,
    checkin_values,
    sent_values,
)
from .service import (
    DETAIL_FIELDS,
    checkin_for,
    save_checkin,
    set_tracked_regions,
    tracked_regions,
)


def _today():
    return local_today(current_user.timezone)


# Said once, after the client's very first check-in.
_REMINDER_OFFER = _l(
    "If a daily nudge would help, you can choose one under Reminders on your account page."
)


def _first_checkin() -> bool:
    count = db.select(db.func.count()).select_from(CheckIn).filter_by(user_id=current_user.id)
    return db.session.scalar(count) == 1 and not has_reminders(current_user.id)


def _checkin_page(day, template: str, page_context=lambda regions: {}):
    """Show and save the check-in of `day`; shared by /today and the history's edit page. A
    save writes only the fields this page changed; one changed here and elsewhere meanwhile is
    put to the person (409), the rest saved."""
    regions = tracked_regions(current_user.id)
    existing = checkin_for(current_user.id, day)
    form = checkin_form(regions, existing)
    taps = RoutineTapForm(request.form)
    if form.validate_on_submit():
        if not taps.validate():
            return render_error(400, _("This page is out of date; please reload it."))
        sent = {name: value for name, value in sent_values(form).items() if name in request.form}
        is_today = day == _today()  # asked before the commit, which expires the user
        merge, form = save_edit(
            form,
            sent,
            checkin_values(existing, regions),
            lambda changes: _save_changes(day, changes, existing),
            stored_again=lambda: checkin_values(checkin_for(current_user.id, day), regions),
            shown_again=lambda _: checkin_form(
                regions, checkin_for(current_user.id, day), formdata=None
            ),
            describe=_describe,
        )
        anchor = _apply_routine_tap(taps, day)
        if merge.conflicts:
            return render_template(
                template,
                form=form,
                conflicts=merge.conflicts,
                day=day,
                existing=checkin_for(current_user.id, day),
                pain_question=PAIN_QUESTION if is_today else PAST_PAIN_QUESTION,
                **page_context(regions),
            ), 409
        if merge.changes:
            flash(_("Saved. Thanks for checking in.") if is_today else _("Saved."), "success")
            if existing is None and _first_checkin():
                flash(str(_REMINDER_OFFER), "info")
        elif anchor is None:
            flash(_("Nothing new to save."), "info")
        return redirect(request.path + (anchor or ""))
    if request.method == "GET":
        show_loaded(form, checkin_values(existing, regions))
    elif any(request.form.get(name) for name in ROUTINE_BUTTONS):
        flash(
            _("The routine you tapped isn't logged yet either: fix the field below first."), "info"
        )
    return render_form(
        template,
        form,
        day=day,
        existing=existing,
        pain_question=PAIN_QUESTION if day == _today() else PAST_PAIN_QUESTION,
        **page_context(regions),
    )


def _save_changes(day, changes: dict, existing: CheckIn | None = None) -> None:
    scores = {
        name.removeprefix(REGION_FIELD_PREFIX): value
        for name, value in changes.items()
        if name.startswith(REGION_FIELD_PREFIX)
    }
    details = {name: value for name, value in changes.items() if name in DETAIL_FIELDS}
    save_checkin(current_user.id, day, scores, details, existing)


def _describe(field, value) -> str:
    if field.name.startswith(REGION_FIELD_PREFIX):
        return _("not rated") if value is None else str(value)
    if field.name == "day_kind":
        return DayKind(value).label.lower()
    return readable(value)


def _apply_routine_tap(taps: RoutineTapForm, day) -> str | None:
    """Log or undo the routine whose button sent the form; returns the page anchor to go back
    to, or None when no routine button was tapped."""
    for action in ("done", "again", "undo"):
        value = taps[action].data
        if value:
            routine_id, _colon, submission_id = value.partition(":")
            routine = owned_by(current_user.id, Routine, int(routine_id))
            if routine is None:
                flash(_("That routine isn't yours or no longer exists."), "info")
                return "#routines"
            _routine_action(action, routine, day, submission_id)
            return f"#routine-{routine.id}"
    return None


def _routine_action(action: str, routine: Routine, day, submission_id: str) -> None:
    earlier = last_log_of(current_user.id, routine.id, day)
    if action == "undo":
        if earlier is not None:
            delete_log(earlier)
            flash(
                _("Undone: the last log of “%(routine)s” today is removed.", routine=routine.name),
                "info",
            )
        return
    if action == "done" and earlier is not None:
        at = format_moment(earlier.logged_at, current_user.timezone, "time")
        flash(
            _(
                "“%(routine)s” is already logged today at %(time)s. "
                "Tap “Log again” to log it a second time.",
                routine=routine.name,
                time=at,
            ),
            "info",
        )
        return
    _log, is_new = log_routine(current_user.id, routine, day, submission_id)
    if is_new:
        flash(_("Nice. “%(routine)s” is logged for today.", routine=routine.name), "success")


@bp.route("/today", methods=["GET", "POST"])
@client_required
def today():
    day = _today()
    return _checkin_page(
        day,
        "checkins/today.html",
        lambda regions: _today_context(regions, day),
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
            return render_error(
                400,
                _("Choose a day with the date picker, like %(example)s.", example="2026-03-01"),
            )
    page = newest_first_page(
        db.select(CheckIn).filter_by(user_id=current_user.id).order_by(CheckIn.day.desc())
    )
    return render_template("checkins/history.html", page=page, regions=REGIONS, today=_today())


@bp.route("/checkins/<id:checkin_id>/delete", methods=["GET", "POST"])
@client_required
def delete(checkin_id):
    checkin = owned_or_404(CheckIn, checkin_id)
    return delete_after_confirmation(
        checkin,
        _("your check-in of %(day)s", day=format_day(checkin.day, "long")),
        "checkins.history",
    )


@bp.route("/checkins/regions", methods=["GET", "POST"])
@client_required
def regions():
    form = RegionsForm(data={"regions": tracked_regions(current_user.id)})
    if form.validate_on_submit():
        set_tracked_regions(current_user.id, form.regions.data)
        flash(_("Your regions are saved."), "success")
        return redirect(url_for("checkins.today"))
    return render_form("checkins/regions.html", form)


def _today_context(regions: list[str], day) -> dict:
    cards = today_routine_cards(current_user.id, day)
    # What Today without signal needs (static/js/offline.js): regions and routines, nothing else.
    offline_shell = {
        "regions": [{"key": key, "label": REGIONS[key].label} for key in regions],
        "routines": [{"id": card.routine.id, "name": card.routine.name} for card in cards],
    }
    return {
        "routines": cards,
        # Only asked when no routine is in use: Today then shows the way back to them.
        "routines_put_away": not cards and has_put_away_routines(current_user.id),
        "therapist_note": latest_therapist_note(current_user.id),
        "psfs_due": psfs_today_status(current_user.id, day),
        "offline_shell": offline_shell,
    }


def _is_score(value) -> bool:
    """A pain score as JSON sends it: a whole number on the one pain scale (not true or 5.0)."""
    return type(value) is int and value in PAIN_VALUES


@bp.post("/today/queued")
@takes_json
@client_required
def queued_entry():
    """An entry made on /today without signal and sent once there was (static/js/offline.js): a
    check-in's scores or a routine's "Done today", with the submission id it was made with, so
    sending it again stores it once. It names whose it is (webapp.offline_owner): one made by
    someone else on the phone is refused, whoever is logged in now, and nothing of it is said.
    A score someone saved differently meanwhile is not overwritten: the answer names both (409)
    and the phone asks the person; their choice comes back with the score they chose it over
    (`seen`)."""
    body = json_object()
    owner = body.get("owner")
    if not (
        isinstance(owner, str)
        and hmac.compare_digest(owner.encode(), offline_owner(current_user.id).encode())
    ):
        return problem(403, _("This entry isn't for the account logged in here."))
    # Text and whole numbers only: the form reads text, and other JSON reads as missing.
    fields = {
        name: str(value)
        for name, value in body.items()
        if isinstance(value, str | int) and not isinstance(value, bool)
    }
    form = QueuedEntryForm(MultiDict(fields))
    if not form.validate():
        return problem(422, _("That entry can't be stored."), errors=form.errors)
    day = form.day.data
    problem_text = past_day_problem(day, _today())
    if problem_text:
        return problem(422, problem_text, errors={"day": [problem_text]})
    if form.kind.data == "routine":
        routine = owned_by(current_user.id, Routine, form.routine_id.data)
        if routine is None:
            return problem(422, _("That routine isn't yours or no longer exists."))
        log_routine(current_user.id, routine, day, form.submission_id.data)
        return {"stored": True}
    regions = tracked_regions(current_user.id)
    scores, seen = body.get("scores"), body.get("seen", {})
    if (
        not isinstance(scores, dict)
        or not set(scores) <= set(regions)
        or not all(_is_score(score) for score in scores.values())
        or not isinstance(seen, dict)
        or not set(seen) <= set(scores)
        or not all(score is None or _is_score(score) for score in seen.values())
    ):
        return problem(
            422,
            _(
                "Scores are whole numbers from %(min)d to %(max)d for the regions you rate.",
                min=PAIN_MIN,
                max=PAIN_MAX,
            ),
        )
    sent = {REGION_FIELD_PREFIX + region: score for region, score in scores.items()}
    # What the phone showed: no scores while offline, or the ones saved elsewhere that the
    # person chose theirs over. Whatever anyone saved since then wins a clash.
    loaded = {REGION_FIELD_PREFIX + region: seen.get(region) for region in scores}
    merge = merge_edits(loaded, sent, checkin_values(checkin_for(current_user.id, day), regions))
    if merge.changes:
        _save_changes(day, merge.changes)
    if merge.conflicts:
        clashes = {
            name.removeprefix(REGION_FIELD_PREFIX): {"yours": c.mine, "saved": c.theirs}
            for name, c in merge.conflicts.items()
        }
        return problem(409, _("Some scores were saved elsewhere meanwhile."), conflicts=clashes)
    return {"stored": True}
