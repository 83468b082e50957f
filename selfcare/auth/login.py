"""Signing a person in or out on this request's browser: the one part of accounts that touches
the request and the cookie session (auth/service.py never does)."""

from flask import current_app, g, request, session
from flask_login import login_user

from ..drafts import DRAFT_KEY, carry_over
from ..extensions import db
from ..models import SignIn, User
from .service import open_sign_in


def start_session(user: User, remember: bool, password_entered: bool = True) -> None:
    """Sign the user in on a fresh session and a new sign-in, so nothing set before it (or by
    someone else) carries over. Without `password_entered` (a mailed link signed them in) the
    sign-in is not recent enough for sensitive actions until they type their password."""
    draft = carry_over(user)
    session.clear()
    g.sign_in = open_sign_in(user, remember, request.user_agent.string)
    if not password_entered:
        g.sign_in.password_entered_at = (
            g.sign_in.created_at - current_app.config["PASSWORD_RECENT_FOR"]
        )
        db.session.commit()
    login_user(user, remember=remember, fresh=password_entered)
    if draft:
        session[DRAFT_KEY] = draft


def current_sign_in() -> SignIn | None:
    """The sign-in of this request (set when the login cookie is read or at login)."""
    return g.get("sign_in")
