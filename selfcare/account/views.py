from datetime import timedelta

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import confirm_login, current_user, login_required, logout_user

from .. import security_log
from ..access import client_required, owned_or_404, recent_password_required
from ..auth.login import current_sign_in, start_session
from ..auth.mails import (
    send_address_change_notice,
    send_address_confirmation,
    send_address_in_use,
)
from ..auth.service import (
    device_label,
    end_other_sign_ins,
    end_sign_in,
    find_user_by_email,
    open_sign_ins,
    password_entered,
    replace_password,
)
from ..drafts import back_to_page
from ..exports import csv_zip_download, fhir_download
from ..extensions import db, limiter
from ..limits import configured, password_checks, signed_in_account
from ..mail import form_email, mail_limited
from ..models import ApiToken, SignIn, User, utcnow
from ..pages import render_form, safe_next_url
from . import bp
from .forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmPasswordForm,
    DeleteAccountForm,
    ProfileForm,
    TokenForm,
)
from .service import create_token, delete_account, tokens_of


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.name = form.name.data
        current_user.timezone = form.timezone.data
        current_user.language = form.language.data
        db.session.commit()
        with force_locale(current_user.language):  # said in the language just chosen
            flash(_("Your details are saved."), "success")
        return redirect(url_for("account.profile"))
    return render_form(
        "account/profile.html",
        form,
        sign_ins=open_sign_ins(current_user.id),
        this_sign_in=current_sign_in(),
        device_label=device_label,
    )


@bp.route("/account/confirm", methods=["GET", "POST"])
@login_required
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
)
def confirm_password():
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        if current_user.check_password(form.password.data):
            password_entered(current_sign_in())
            confirm_login()
            return redirect(safe_next_url(request.args.get("next")) or url_for("account.profile"))
        form.password.errors.append(_("That isn't your password."))
    return render_form("account/confirm_password.html", form)


@bp.post("/account/devices/<id:sign_in_id>/sign-out")
@login_required
def sign_out_device(sign_in_id):
    sign_in = owned_or_404(SignIn, sign_in_id)
    end_sign_in(sign_in)
    security_log.record("sign_in.ended", user_id=current_user.id, sign_in_id=sign_in.id)
    flash(_("%(device)s is signed out.", device=device_label(sign_in)), "success")
    return back_to_page(url_for("account.profile", _anchor="devices"))


@bp.post("/account/devices/sign-out-others")
@login_required
def sign_out_other_devices():
    end_other_sign_ins(current_user.id, keep=current_sign_in())
    security_log.record("sign_in.ended_elsewhere", user_id=current_user.id)
    flash(_("Every other device is signed out."), "success")
    return back_to_page(url_for("account.profile", _anchor="devices"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@password_checks
def change_password():
    form = ChangePasswordForm()
    form.person = current_user
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("That isn't your current password."))
            security_log.record("password.check_failed", user_id=current_user.id)
        else:
            user = current_user._get_current_object()
            remember = current_sign_in().remember
            replace_password(user, form.new_password.data)
            security_log.record("password.changed", user_id=user.id)
            start_session(user, remember=remember)
            flash(
                _(
                    "Your password is changed. Other devices are signed out and your API tokens "
                    "no longer work."
                ),
                "success",
            )
            return redirect(url_for("account.profile"))
    return render_form("account/change_password.html", form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@password_checks
@mail_limited(form_email)
def change_email():
    """The new address gets a link and the change waits for it; the old one gets a notice. An
    address that has another account gets a mail to its owner, and this page answers the same."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        address = User.normalize_email(form.email.data)
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append(_("That isn't your current password."))
            security_log.record("password.check_failed", user_id=current_user.id)
        elif address == user.email:
            form.email.errors.append(_("That's already your address."))
        else:
            owner = find_user_by_email(address)
            if owner is None:
                send_address_confirmation(user, address)
            else:
                send_address_in_use(owner)
            send_address_change_notice(user)
            flash(
                _(
                    "We sent a link to %(address)s. Your address changes when you open it.",
                    address=address,
                ),
                "success",
            )
            return redirect(url_for("account.profile"))
    return render_form("account/change_email.html", form)


@bp.post("/account/email/resend")
@login_required
@mail_limited(lambda: getattr(current_user, "email", ""))
def resend_confirmation():
    user = current_user._get_current_object()
    if user.email_verified_at is not None:
        flash(_("Your address is confirmed already."), "info")
    else:
        send_address_confirmation(user, user.email)
        flash(_("We sent a new link to %(address)s.", address=user.email), "success")
    return redirect(url_for("account.profile"))


@bp.get("/account/export.zip")
@client_required
@recent_password_required
def export_csv():
    return csv_zip_download(current_user)


@bp.get("/account/export.fhir.json")
@client_required
@recent_password_required
def export_fhir():
    return fhir_download(current_user)


def _tokens_page(form: TokenForm, new_token: str | None = None):
    return render_form(
        "account/tokens.html",
        form,
        tokens=tokens_of(current_user.id),
        new_token=new_token,
        now=utcnow(),
    )


@bp.get("/account/tokens")
@client_required
def tokens():
    return _tokens_page(TokenForm())


@bp.post("/account/tokens")
@client_required
@recent_password_required
@limiter.limit(configured("TOKEN_RATE_LIMIT"), key_func=signed_in_account)
def make_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _tokens_page(form)
    token, new_token = create_token(
        current_user.id,
        form.name.data,
        scope=form.scope.data,
        lifetime=timedelta(days=int(form.lifetime_days.data)),
    )
    security_log.record("token.created", user_id=current_user.id, token_id=token.id)
    return _tokens_page(TokenForm(formdata=None), new_token)


@bp.post("/account/tokens/<id:token_id>/revoke")
@client_required
def revoke_token(token_id):
    token = owned_or_404(ApiToken, token_id)
    db.session.delete(token)
    security_log.record("token.revoked", user_id=current_user.id, token_id=token.id)
    db.session.commit()
    flash(_("The token “%(name)s” no longer works.", name=token.name), "success")
    return back_to_page(url_for("account.tokens"))


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@password_checks
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not user.check_password(form.password.data):
            form.password.errors.append(_("That isn't your password."))
            security_log.record("password.check_failed", user_id=current_user.id)
        else:
            logout_user()
            security_log.record("account.deleted", user_id=user.id)
            delete_account(user)
            session.clear()
            flash(_("Your account and all its data are deleted."), "success")
            return redirect(url_for("home.index"))
    return render_form("account/delete.html", form)
