"""E-mail through Flask-Mailman: SMTP when MAIL_SERVER is set, files under instance/mail/ when not.

Each mail is plain text with an HTML alternative, both from templates/mail/. Mails name people
and links, never health data. Delivery happens off the request, so a slow or failing mail server
neither delays a page nor changes its answer (which would tell whether an address has an
account); the limits below stop anyone using the site to flood an inbox.
"""

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flask import Flask, current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives, Mail

from .extensions import limiter, owner_only

mail = Mail()
DELIVERY = "selfcare.mail_delivery"


def init_app(app: Flask) -> None:
    mail.init_app(app)
    if app.config["MAIL_BACKEND"] == "file":
        # The files hold links that sign people in: a folder only its owner may open keeps them
        # from everyone else, whatever mode each file gets.
        folder = Path(app.config["MAIL_FILE_PATH"])
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        owner_only(folder)
    app.extensions[DELIVERY] = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail")


def link(endpoint: str, **values) -> str:
    """An absolute link for a mail: on PUBLIC_BASE_URL when set, else on the host asked."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def compose(
    to: str, subject: str, template: str, *, language: str, **context
) -> EmailMultiAlternatives:
    """templates/mail/<template>.txt and .html, rendered into one mail in the recipient's
    language (the subject may be a lazy string, read out in that language here)."""
    with force_locale(language):
        context |= {"subject": str(subject), "site": link("home.index")}
        message = EmailMultiAlternatives(
            subject=context["subject"],
            body=render_template(f"mail/{template}.txt", **context),
            to=[to],
        )
        message.attach_alternative(render_template(f"mail/{template}.html", **context), "text/html")
    return message


def send_mail(to: str, subject: str, template: str, *, language: str, **context) -> None:
    """Compose the mail and queue it for delivery."""
    message = compose(to, subject, template, language=language, **context)
    app = current_app._get_current_object()
    app.extensions[DELIVERY].submit(_deliver, app, message)


def _deliver(app: Flask, message: EmailMultiAlternatives) -> None:
    with app.app_context():
        deliver_now(message)


def deliver_now(message: EmailMultiAlternatives) -> bool:
    """Send in this thread, waiting for the server: for commands, which have no page to keep
    quick and want to know whether it went. False (and logged) when it didn't."""
    app = current_app._get_current_object()
    try:
        mail.get_connection().send_messages([message])
    except Exception:  # noqa: BLE001 (in a worker thread it would vanish unseen)
        app.logger.exception("Could not send the mail %r", message.subject)
        return False
    if app.config["MAIL_BACKEND"] == "file":
        # Where, not to whom: an address in the log would tell who has an account.
        app.logger.warning(
            "No MAIL_SERVER set: the mail %r is in %s",
            message.subject,
            app.config["MAIL_FILE_PATH"],
        )
    return True


def _sent_a_mail(response) -> bool:
    # Every request that sends (or, for an unknown address, would send) a mail redirects.
    return response.status_code == 302


def mail_limited(address):
    """Limit a route that mails `address()`: per address and per client address, counted across
    all such routes, so the site can't be used to flood an inbox."""

    def address_key() -> str:
        normalized = (address() or "").strip().lower()
        return "mail-to:" + hashlib.sha256(normalized.encode()).hexdigest()

    def decorate(view):
        per_address = limiter.shared_limit(
            lambda: current_app.config["MAIL_RATE_LIMIT_PER_ADDRESS"],
            scope="mail-to-address",
            key_func=address_key,
            methods=["POST"],
            deduct_when=_sent_a_mail,
        )
        per_client = limiter.shared_limit(
            lambda: current_app.config["MAIL_RATE_LIMIT_PER_CLIENT"],
            scope="mail-from-client",
            methods=["POST"],
            deduct_when=_sent_a_mail,
        )
        return per_client(per_address(view))

    return decorate


def form_email() -> str:
    return request.form.get("email", "")
