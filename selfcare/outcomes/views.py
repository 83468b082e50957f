from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import Purpose, client_required, owned_or_404, shared_client
from ..clinical import PSFS_MAX_ACTIVITIES
from ..dates import format_day, local_today
from ..extensions import db
from ..merge import save_edit, show_loaded
from ..models import PsfsActivity, PsfsScoring
from ..pages import delete_after_confirmation, newest_first_page, render_form
from . import bp
from .forms import SCORE_FIELD_PREFIX, ActivitiesForm, RenameForm, scoring_form
from .service import (
    active_activities,
    add_activities,
    add_scoring,
    ask_to_rescore,
    has_open_request,
    load_psfs,
    psfs_panel,
    rename_activity,
    retire_activity,
    retired_activities,
    update_scoring,
)


@bp.get("/psfs")
@client_required
def index():
    activities = active_activities(current_user.id)
    page = newest_first_page(
        db.select(PsfsScoring)
        .filter_by(user_id=current_user.id)
        .order_by(PsfsScoring.day.desc(), PsfsScoring.id.desc())
    )
    return render_template(
        "outcomes/index.html",
        activities=activities,
        retired=retired_activities(current_user.id),
        page=page,
        panel=psfs_panel(load_psfs(current_user.id), local_today(current_user.timezone)),
        requested=has_open_request(current_user.id),
        can_add=len(activities) < PSFS_MAX_ACTIVITIES,
        max_activities=PSFS_MAX_ACTIVITIES,
    )


@bp.route("/psfs/activities", methods=["GET", "POST"])
@client_required
def name_activities():
    return _naming_page(current_user, url_for("outcomes.index"), url_for("outcomes.score"))


def _naming_page(client, back_url: str, done_url: str):
    """Name up to the free places of `client`'s activities: the client's own page, or their
    therapist's with them."""
    activities = active_activities(client.id)
    free = PSFS_MAX_ACTIVITIES - len(activities)
    if free == 0:
        flash(
            _(
                "There are %(num)d activities, the most there can be. Retire one to name another.",
                num=PSFS_MAX_ACTIVITIES,
            ),
            "info",
        )
        return redirect(back_url)
    form = ActivitiesForm(free, [activity.name for activity in activities])
    if form.validate_on_submit():
        add_activities(client.id, form.names())
        flash(_("The activities are saved. Score them whenever suits."), "success")
        return redirect(done_url)
    return render_form(
        "outcomes/activities.html",
        form,
        activities=activities,
        first_time=not activities,
        client=client,
        back_url=back_url,
    )


@bp.route("/psfs/activities/<id:activity_id>", methods=["GET", "POST"])
@client_required
def rename(activity_id):
    activity = owned_or_404(PsfsActivity, activity_id)
    others = [a.name for a in active_activities(current_user.id) if a.id != activity.id]
    form = RenameForm(others, obj=activity)
    if form.validate_on_submit():
        rename_activity(activity, form.name.data.strip())
        flash(_("Renamed. Its earlier scores stay with it."), "success")
        return redirect(url_for("outcomes.index"))
    return render_form("outcomes/rename.html", form, activity=activity)


@bp.post("/psfs/activities/<id:activity_id>/retire")
@client_required
def retire(activity_id):
    activity = owned_or_404(PsfsActivity, activity_id)
    if activity.retired_at is None:
        retire_activity(activity)
        flash(
            _(
                "“%(activity)s” is retired; its scores stay in your history.",
                activity=activity.name,
            ),
            "success",
        )
    return redirect(url_for("outcomes.index"))


def _new_scoring_page(client, template_context: dict, done_url: str, entered_by_id=None):
    """Score every active activity of `client`: the client's own page, or their therapist's
    with them (`entered_by_id`)."""
    activities = active_activities(client.id)
    if not activities:
        return None
    today = local_today(client.timezone)
    form = scoring_form(
        [(activity.id, activity.name) for activity in activities], data={"day": today}, today=today
    )
    if form.validate_on_submit():
        _scoring, is_new = add_scoring(
            client.id, form.day.data, form.scores(), form.submission_id.data, entered_by_id
        )
        if is_new:
            flash(_("Scores saved. Thank you."), "success")
        return redirect(done_url)
    return render_form("outcomes/score.html", form, **template_context)


@bp.route("/psfs/score", methods=["GET", "POST"])
@client_required
def score():
    page = _new_scoring_page(
        current_user,
        {"back_url": url_for("outcomes.index"), "client": None},
        url_for("outcomes.index"),
    )
    return page or redirect(url_for("outcomes.name_activities"))


def _stored_fields(scoring: PsfsScoring) -> dict:
    return {"day": scoring.day} | {
        SCORE_FIELD_PREFIX + str(row.activity_id): row.score for row in scoring.scores
    }


@bp.route("/psfs/scorings/<id:scoring_id>", methods=["GET", "POST"])
@client_required
def edit_scoring(scoring_id):
    scoring = owned_or_404(PsfsScoring, scoring_id)
    activities = [(row.activity_id, row.activity.name) for row in scoring.scores]
    today = local_today(current_user.timezone)
    form = scoring_form(activities, scoring, today=today)
    context = {"back_url": url_for("outcomes.index"), "client": None, "scoring": scoring}
    if form.validate_on_submit():
        sent = {"day": form.day.data} | {
            SCORE_FIELD_PREFIX + str(key): value for key, value in form.scores().items()
        }

        def write(changes: dict) -> None:
            scores = {
                int(name.removeprefix(SCORE_FIELD_PREFIX)): value
                for name, value in changes.items()
                if name.startswith(SCORE_FIELD_PREFIX)
            }
            update_scoring(scoring, changes.get("day", scoring.day), scores)

        merge, form = save_edit(
            form,
            sent,
            _stored_fields(scoring),
            write,
            stored_again=lambda: _stored_fields(scoring),
            shown_again=lambda _: scoring_form(activities, scoring, formdata=None, today=today),
        )
        if merge.conflicts:
            return render_template(
                "outcomes/score.html", form=form, conflicts=merge.conflicts, **context
            ), 409
        flash(_("Scores of %(day)s saved.", day=format_day(scoring.day, "short")), "success")
        return redirect(url_for("outcomes.index"))
    if request.method == "GET":
        show_loaded(form, _stored_fields(scoring))
    return render_form("outcomes/score.html", form, **context)


@bp.route("/psfs/scorings/<id:scoring_id>/delete", methods=["GET", "POST"])
@client_required
def delete_scoring(scoring_id):
    scoring = owned_or_404(PsfsScoring, scoring_id)
    what = _("your activity scores of %(day)s", day=format_day(scoring.day, "long"))
    return delete_after_confirmation(scoring, what, "outcomes.index")


def _psfs_shared(share) -> None:
    """PSFS scores are shared with the pain scores: without that part, these pages are
    missing."""
    if "pain" not in share.part_set:
        abort(404)


@bp.post("/therapist/clients/<id:client_id>/psfs/ask")
@shared_client(Purpose.PSFS_RESCORE_ASKED)
def ask(client, share):
    _psfs_shared(share)
    if ask_to_rescore(client.id, current_user.id):
        flash(_("%(name)s will see your request on their Today page.", name=client.name), "success")
    else:
        flash(
            _("%(name)s already has a request to score their activities.", name=client.name),
            "info",
        )
    return redirect(url_for("therapist.client", client_id=client.id) + "#psfs-actions")


@bp.route("/therapist/clients/<id:client_id>/psfs/activities", methods=["GET", "POST"])
@shared_client(Purpose.PSFS_ACTIVITIES_NAMED, opened=Purpose.PSFS_ACTIVITIES_OPENED)
def name_with_client(client, share):
    _psfs_shared(share)
    back_url = url_for("therapist.client", client_id=client.id) + "#psfs-actions"
    return _naming_page(
        client, back_url, url_for("outcomes.score_with_client", client_id=client.id)
    )


@bp.route("/therapist/clients/<id:client_id>/psfs/score", methods=["GET", "POST"])
@shared_client(Purpose.PSFS_SCORES_ENTERED, opened=Purpose.PSFS_SCORING_OPENED)
def score_with_client(client, share):
    _psfs_shared(share)
    back_url = url_for("therapist.client", client_id=client.id) + "#psfs-actions"
    page = _new_scoring_page(
        client, {"back_url": back_url, "client": client}, back_url, current_user.id
    )
    if page is None:
        flash(_("%(name)s hasn't named any activities yet.", name=client.name), "info")
        return redirect(back_url)
    return page
