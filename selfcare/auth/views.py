from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from .. import security_log
from ..extensions import limiter
from ..languages import browser_language
from ..limits import configured, named_address
from ..mail import form_email, mail_limited
from ..pages import home_endpoint, render_form, safe_next_url
from . import bp
from .forms import ConfirmEmailForm, ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from .login import current_sign_in, start_session
from .mails import (
    send_address_confirmation,
    send_address_in_use,
    send_password_reset,
    spend_a_reset_mail,
)
from .service import (
    BadLink,
    authenticate,
    check_address_token,
    confirm_address,
    end_sign_in,
    find_user_by_email,
    is_demo_account,
    register_account,
    save_reset_password,
    user_for_reset_token,
)

LOGIN_FAILED = _l(
    "That email and password don't match an account. Please check both and try again."
)


def _login_failed(response) -> bool:
    """Only a refused password counts against the limits (not an outage's 503)."""
    return response.status_code == 401


def _link_page(template: str, form, check_token):
    """A mailed link's page: its form when the link can still be used, else why not (400)."""
    if not form.errors:
        try:
            check_token(form.token.data)
        except BadLink as problem:
            return render_template(template, form=form, problem=str(problem)), 400
    return render_form(template, form)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(configured("REGISTER_RATE_LIMIT"), methods=["POST"])
@mail_limited(form_email)
def register():
    """A new address gets an account and a link to confirm it; an address that has an account
    gets a mail to its owner instead. The page answers the same either way, so it can't be used
    to find out who has an account."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm(language=browser_language())
    if form.validate_on_submit():
        user, created = register_account(
            email=form.email.data,
            name=form.name.data,
            password=form.password.data,
            role=form.role.data,
            timezone=form.timezone.data,
            language=form.language.data,
        )
        if created:
            security_log.record("account.created", user_id=user.id, role=user.role)
            send_address_confirmation(user, user.email)
        else:
            send_address_in_use(user)
        return redirect(url_for("auth.check_your_email"))
    return render_form("auth/register.html", form)


@bp.get("/register/check-your-email")
def check_your_email():
    return render_template("auth/check_your_email.html")


@bp.route("/confirm-email", methods=["GET", "POST"])
def confirm_email():
    """The link mailed to confirm an address. It opens a page with a button, so mail scanners
    that open links by themselves confirm nothing."""
    form = ConfirmEmailForm(token=request.args.get("token", ""))
    if not form.validate_on_submit():
        return _link_page("auth/confirm_email.html", form, check_address_token)
    try:
        user, address = check_address_token(form.token.data)
        first_confirmation = address == user.email
        confirm_address(user, address)
        security_log.record("address.confirmed", user_id=user.id)
    except BadLink as problem:
        return render_template("auth/confirm_email.html", form=form, problem=str(problem)), 400
    if first_confirmation:
        # A link is no password: this session can't make tokens or exports until one is typed.
        _sign_in_from_a_link(user, password_entered=False)
        flash(_("Welcome, %(name)s. Your address is confirmed.", name=user.name), "success")
        return redirect(url_for(home_endpoint(user)))
    flash(_("Your account's address is now %(address)s.", address=address), "success")
    signed_in_as_them = current_user.is_authenticated and current_user.id == user.id
    return redirect(url_for("account.profile" if signed_in_as_them else "auth.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@mail_limited(form_email)
def forgot_password():
    """Mails a link for a new password. The answer is the same whether or not the address has
    an account, and takes as long: the mail is sent after the response, off the request."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is not None:
            send_password_reset(user)
            security_log.record("password.reset_requested", user_id=user.id)
        else:
            spend_a_reset_mail(form.email.data)
        return redirect(url_for("auth.reset_link_sent"))
    return render_form("auth/forgot_password.html", form)


@bp.get("/forgot-password/sent")
def reset_link_sent():
    lifetime = timedelta(seconds=current_app.config["PASSWORD_RESET_MAX_AGE"])
    return render_template("auth/reset_link_sent.html", link_lifetime=lifetime)


def _holder_of(token: str):
    """Whose reset link this is, to count their name and address as easy guesses."""
    try:
        return user_for_reset_token(token)
    except BadLink:
        return None


def _sign_in_from_a_link(user, password_entered: bool) -> None:
    if is_demo_account(user) and current_app.config["SELFCARE_PRODUCTION"]:
        security_log.record("login.refused", user_id=user.id, reason="demo account")
        return
    start_session(user, remember=False, password_entered=password_entered)


@bp.route("/reset-password", methods=["GET", "POST"])
def reset_password():
    form = ResetPasswordForm(token=request.args.get("token", ""))
    form.person = _holder_of(form.token.data or request.form.get("token", ""))
    if not form.validate_on_submit():
        return _link_page("auth/reset_password.html", form, user_for_reset_token)
    try:
        user = user_for_reset_token(form.token.data)
    except BadLink as problem:
        return render_template("auth/reset_password.html", form=form, problem=str(problem)), 400
    security_log.record("password.reset", user_id=user.id)
    save_reset_password(user, form.password.data)
    _sign_in_from_a_link(user, password_entered=True)
    flash(_("Your new password is set. Any other devices have been logged out."), "success")
    return redirect(url_for(home_endpoint(user)))


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
        user = authenticate(form.email.data, form.password.data)
        if user is not None and is_demo_account(user) and current_app.config["SELFCARE_PRODUCTION"]:
            security_log.record("login.refused", user_id=user.id, reason="demo account")
            user = None
        if user is not None:
            security_log.record("login.succeeded", user_id=user.id, remember=form.remember.data)
            start_session(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")) or url_for(home_endpoint(user)))
        security_log.record("login.failed", address=security_log.address_hash(form.email.data))
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
    flash(_("You are logged out."), "info")
    response = redirect(url_for("auth.login"))
    # Whatever this browser kept for the site (the service worker's files, anything waiting to
    # be sent) goes with the person; unless entries made without signal still wait on the phone
    # for someone (static/js/offline.js asks the person about theirs, then says so).
    kept_for_someone = request.form.get("keep_offline_entries") == "yes"
    response.headers["Clear-Site-Data"] = '"cache"' if kept_for_someone else '"cache", "storage"'
    return response
