"""What a person typed survives a session that ended or a form that went stale: it waits in
their browser's session, and the page it came from fills it back in, ready to save."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound

DRAFT_KEY = "draft"
# The routine buttons on /today; a draft can hold a tap on one (checkins.forms.RoutineTapForm).
ROUTINE_BUTTONS = ("done", "again", "undo")
DRAFT_LIFETIME = timedelta(hours=2)
# The session lives in a cookie of at most 4 KB, which must also hold the login.
MAX_DRAFT_CHARACTERS = 2500


def _page_of_form() -> str:
    """The page that showed the form: the posted URL when it is a page, else the page that
    sent it (same site only), else the front page."""
    adapter = current_app.url_map.bind("")
    for path in (request.path, urlsplit(request.referrer or "").path):
        if path and (path == request.path or urlsplit(request.referrer).netloc == request.host):
            try:
                adapter.match(path, method="GET")
            except (NotFound, MethodNotAllowed):
                continue
            return path
    return url_for("home.index")


def from_this_site() -> bool:
    """Whether the browser says the form was sent from one of our pages (browsers send Origin
    with every POST; a client without it is taken at its word)."""
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


def _owner_hint() -> str | None:
    """Who the session belonged to, even when its sign-in has ended: the draft goes back to
    that person only. A sign-in nobody knows keeps it for nobody."""
    from .auth.service import owner_of_sign_in

    sign_in_token = session.get("_user_id")
    if not sign_in_token:
        return None
    return str(owner_of_sign_in(sign_in_token) or "nobody")


def _values_to_keep(leave_out=lambda name: False) -> list[tuple[str, str]]:
    """The posted values worth keeping. A form token is kept by name only: the page makes a
    new one, and the name tells which of its forms was sent. Passwords are never kept, and long
    texts that would not fit are left out, and the person is told."""
    values, kept = [], 0
    too_long = False
    for name, value in request.form.items(multi=True):
        if leave_out(name) or "password" in name:
            continue
        if name.endswith("csrf_token"):
            value = ""
        if kept + len(value) > MAX_DRAFT_CHARACTERS:
            too_long = True
            continue
        values.append((name, value))
        kept += len(value)
    if too_long:
        flash(_("A long text was too large to keep: please paste it again."), "info")
    return values


def _keep(page: str, values: list, owner: str | None, nothing_saved: bool) -> None:
    session[DRAFT_KEY] = {
        "page": page,
        "values": values,
        "owner": owner,
        "kept_at": datetime.now(UTC).isoformat(),
        "nothing_saved": nothing_saved,
    }


def keep_draft() -> str:
    """Keep the posted form for its page; returns the page."""
    page = _page_of_form()
    _keep(page, _values_to_keep(), _owner_hint(), nothing_saved=True)
    return page


def back_to_page(url: str, *saved_forms) -> Response:
    """Back to the page after one part of it was sent (saved, or a button of it pressed). The
    page's parts share one <form> (the `parts_form` macro), so what was typed in the others
    came along: it waits for the page, which shows it marked "Not saved yet" where it differs
    from what is saved (forms.PageForm)."""
    sent = {field.name for form in saved_forms for field in form}

    def saved(name: str) -> bool:
        return name in sent or any(name.startswith(f"{field}-") for field in sent)

    values = _values_to_keep(saved)
    if any(not name.endswith("csrf_token") for name, _ in values):
        _keep(urlsplit(url).path, values, str(current_user.id), nothing_saved=False)
    return redirect(url)


def carry_over(user) -> dict | None:
    """The draft to keep through a new login, if it is this user's (or nobody's)."""
    draft = session.get(DRAFT_KEY)
    if draft and draft.get("owner") in (None, str(user.id)):
        return draft
    return None


def _restore_draft() -> None:
    """On the page a draft belongs to, hand it to the forms (see forms.PageForm)."""
    draft = session.get(DRAFT_KEY) if request.method == "GET" else None
    if not draft or draft.get("page") != request.path or not current_user.is_authenticated:
        return
    session.pop(DRAFT_KEY)
    kept_at = datetime.fromisoformat(draft["kept_at"])
    if draft.get("owner") not in (None, str(current_user.id)):
        return
    if datetime.now(UTC) - kept_at > DRAFT_LIFETIME:
        return
    g.draft = ImmutableMultiDict(draft["values"])
    if not draft.get("nothing_saved", True):
        return  # the forms it fills say what is not saved yet
    g.unsaved = True
    flash(
        _("What you typed before is filled in below. Nothing is saved until you save it."), "info"
    )
    if any(name in g.draft for name in ROUTINE_BUTTONS):
        flash(_("The routine you tapped isn't logged yet: tap it again."), "info")


def draft_formdata():
    """The restored draft for this request's forms, or None."""
    return g.get("draft")


def keep_and_log_in_again():
    """For a form sent without a valid session: keep it, then log in and come back to it."""
    page = keep_draft()
    if current_user.is_authenticated:
        flash(
            _(
                "This page was out of date (you logged out or in elsewhere), so nothing was saved "
                "yet."
            ),
            "info",
        )
        return redirect(page)
    flash(_("Your session ended before this was saved. Log in again to finish."), "info")
    return redirect(url_for("auth.login", next=page))


def init_app(app: Flask) -> None:
    app.before_request(_restore_draft)
