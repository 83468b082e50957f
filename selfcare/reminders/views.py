from flask import Response, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import security_log
from ..access import client_required, owned_or_404
from ..drafts import back_to_page
from ..extensions import csrf
from ..models import Routine
from . import bp
from .forms import EmailForm, ReminderForm, reminder_form
from .service import (
    active_routines,
    calendar_feed,
    channels_for,
    feed_owner,
    new_feed_token,
    reminder_for,
    save_reminder,
    set_email,
    stop_feed,
    unsubscriber,
)

CHECKIN_PREFIX = "checkin"


def _routine_prefix(routine_id: int) -> str:
    return f"routine-{routine_id}"


def _settings_page(sent: ReminderForm | None = None, sent_prefix: str = "", feed_url=None):
    """The settings page. The page is one form, so sent back after a POST each card shows what
    was sent; `sent` is the card that came back with errors, shown in its place."""

    def form_for(routine_id: int | None, prefix: str):
        if sent is not None and prefix == sent_prefix:
            return sent
        return reminder_form(reminder_for(current_user.id, routine_id), prefix)

    channels = channels_for(current_user.id)
    routines = [
        (routine, form_for(routine.id, _routine_prefix(routine.id)))
        for routine in active_routines(current_user.id)
    ]
    page = render_template(
        "reminders/settings.html",
        checkin_form=form_for(None, CHECKIN_PREFIX),
        routines=routines,
        email_form=EmailForm(data={"email": channels.email}),
        has_feed=channels.feed_token_hash is not None,
        feed_url=feed_url,
    )
    return page, 422 if sent is not None else 200


@bp.route("/reminders")
@client_required
def settings():
    return _settings_page()


def _save(routine_id: int | None, prefix: str):
    form = ReminderForm(prefix=prefix)
    if not form.validate_on_submit():
        return _settings_page(form, prefix)
    save_reminder(current_user.id, routine_id, form.enabled.data, form.at.data, form.weekdays.data)
    flash(
        _("Your reminder is saved.") if form.enabled.data else _("That reminder is off."), "success"
    )
    return back_to_page(url_for("reminders.settings", _anchor=prefix), form)


@bp.route("/reminders/checkin", methods=["POST"])
@client_required
def save_checkin():
    return _save(None, CHECKIN_PREFIX)


@bp.route("/reminders/routines/<id:routine_id>", methods=["POST"])
@client_required
def save_routine(routine_id: int):
    routine = owned_or_404(Routine, routine_id)
    if routine.archived:
        abort(404)
    return _save(routine.id, _routine_prefix(routine.id))


@bp.route("/reminders/email", methods=["POST"])
@client_required
def email():
    form = EmailForm()
    if form.validate_on_submit():
        set_email(current_user.id, form.email.data)
        flash(
            _("Reminders will come by e-mail.") if form.email.data else _("No reminder e-mails."),
            "success",
        )
    return back_to_page(url_for("reminders.settings", _anchor="email"), form)


@bp.route("/reminders/calendar", methods=["POST"])
@client_required
def new_calendar_link():
    # The link is shown on this answer alone: only its hash is kept.
    feed_url = url_for(
        "reminders.calendar", feed_token=new_feed_token(current_user.id), _external=True
    )
    return _settings_page(feed_url=feed_url)[0]


@bp.route("/reminders/calendar/stop", methods=["POST"])
@client_required
def stop_calendar():
    stop_feed(current_user.id)
    security_log.record("reminders.calendar_link_stopped", user_id=current_user.id)
    flash(_("The calendar link no longer works."), "success")
    return back_to_page(url_for("reminders.settings", _anchor="calendar"))


@bp.route("/reminders/calendar/<feed_token>.ics")
def calendar(feed_token: str):
    owner = feed_owner(feed_token)
    if owner is None:
        abort(404)
    return Response(calendar_feed(owner), mimetype="text/calendar")


# A mail program's one-click unsubscribe (RFC 8058) POSTs without a session or CSRF token; the
# signed link is the proof.
@bp.route("/reminders/unsubscribe/<unsubscribe_token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(unsubscribe_token: str):
    user_id = unsubscriber(unsubscribe_token)
    if user_id is None:
        abort(404)
    if request.method == "POST":
        set_email(user_id, False)
        return render_template("reminders/unsubscribed.html")
    return render_template("reminders/unsubscribe.html")
