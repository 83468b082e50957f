from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db, limiter
from ..models import User
from ..web import home_endpoint, render_form
from . import bp
from .forms import ChangePasswordForm, LoginForm, ProfileForm, RegisterForm
from .service import create_user, find_user_by_email

LOGIN_FAILED = "That email and password don't match an account. Please check both and try again."
# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def safe_next_url(target: str | None) -> str | None:
    """Only a path on this site is followed after login; anything else is dropped."""
    if not target or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_failed(response) -> bool:
    return response.status_code != 302


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
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
            _start_session(user, remember=False)
            flash(f"Welcome, {user.name}. Your account is ready.", "success")
            return redirect(url_for(home_endpoint(user)))
    return render_form("auth/register.html", form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    methods=["POST"],
    deduct_when=_login_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is None:
            check_password_hash(_DUMMY_HASH, form.password.data)
        elif user.check_password(form.password.data):
            _start_session(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")) or url_for(home_endpoint(user)))
        form.password.errors.append(LOGIN_FAILED)
        return render_template("auth/login.html", form=form), 401
    return render_form("auth/login.html", form)


def _start_session(user: User, remember: bool) -> None:
    # A fresh session at login, so nothing set before it (or by someone else) carries over.
    session.clear()
    login_user(user, remember=remember)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.name = form.name.data
        current_user.timezone = form.timezone.data
        db.session.commit()
        flash("Your details are saved.", "success")
        return redirect(url_for("auth.account"))
    return render_form("auth/account.html", form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append("That isn't your current password.")
        else:
            user = current_user._get_current_object()
            user.set_password(form.new_password.data)
            db.session.commit()
            # The new session token signs out other devices; keep this one signed in.
            _start_session(user, remember=False)
            flash("Your password is changed. Other devices have been logged out.", "success")
            return redirect(url_for("auth.account"))
    return render_form("auth/change_password.html", form)
