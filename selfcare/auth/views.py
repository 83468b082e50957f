from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from .. import security_log
from ..extensions import db, limiter
from ..limits import configured, named_address
from ..pages import home_endpoint, render_form
from . import bp
from .forms import LoginForm, RegisterForm
from .service import (
    create_user,
    current_sign_in,
    end_sign_in,
    find_user_by_email,
    is_demo_account,
    start_session,
)

LOGIN_FAILED = "That email and password don't match an account. Please check both and try again."
# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def safe_next_url(target: str | None) -> str | None:
    """Only a path on this site is followed after login; anything else is dropped."""
    if not target or "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_failed(response) -> bool:
    return response.status_code != 302


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(configured("REGISTER_RATE_LIMIT"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                role=form.role.data,
                timezone=form.timezone.data,
            )
        except IntegrityError:
            db.session.rollback()
            form.email.errors.append("An account with this email already exists. Try logging in.")
        else:
            security_log.record("account.created", user_id=user.id, role=user.role)
            start_session(user, remember=False)
            flash(f"Welcome, {user.name}. Your account is ready.", "success")
            return redirect(url_for(home_endpoint(user)))
    return render_form("auth/register.html", form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(configured("LOGIN_RATE_LIMIT"), methods=["POST"], deduct_when=_login_failed)
@limiter.limit(
    configured("LOGIN_ACCOUNT_RATE_LIMIT"),
    key_func=named_address,
    methods=["POST"],
    deduct_when=_login_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is None:
            check_password_hash(_DUMMY_HASH, form.password.data)
        elif is_demo_account(user) and current_app.config["SELFCARE_PRODUCTION"]:
            security_log.record("login.refused", user_id=user.id, reason="demo account")
        elif user.check_password(form.password.data):
            security_log.record("login.succeeded", user_id=user.id, remember=form.remember.data)
            start_session(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")) or url_for(home_endpoint(user)))
        security_log.record(
            "login.failed",
            user_id=user.id if user else None,
            address=None if user else security_log.address_hash(form.email.data),
        )
        form.password.errors.append(LOGIN_FAILED)
        return render_template("auth/login.html", form=form), 401
    return render_form("auth/login.html", form)


@bp.post("/logout")
@login_required
def logout():
    security_log.record("logout", user_id=current_user.id)
    end_sign_in(current_sign_in())
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
