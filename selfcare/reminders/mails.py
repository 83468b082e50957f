"""Reminder mails. Their links name this site, so they are built in a request context (the
command opens one on PUBLIC_BASE_URL, in development on config.DEVELOPMENT_BASE_URL)."""

from flask_babel import lazy_gettext as _l

from ..mail import compose, deliver_now, link
from .service import Due, unsubscribe_token


def send_due(due: Due) -> bool:
    """Send one reminder or quiet note now; whether it went."""
    unsubscribe_url = link(
        "reminders.unsubscribe", unsubscribe_token=unsubscribe_token(due.user_id)
    )
    if due.quiet:
        subject, template = _l("Reminders are resting"), "reminder_quiet"
    elif due.routine_id is None:
        subject, template = _l("A moment to check in"), "reminder_checkin"
    else:
        subject, template = _l("A moment for your routine"), "reminder_routine"
    message = compose(
        due.email,
        subject,
        template,
        language=due.language,
        name=due.name,
        today_url=link("checkins.today"),
        settings_url=link("reminders.settings"),
        unsubscribe_url=unsubscribe_url,
    )
    # RFC 8058: mail programs offer a one-click unsubscribe that POSTs to this link.
    message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return deliver_now(message)
