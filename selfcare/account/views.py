from flask import flash, redirect, session, url_for
from flask_login import current_user, login_required, logout_user

from ..access import client_required, owned_or_404
from ..auth.mails import (
    send_address_change_notice,
    send_address_confirmation,
    send_address_in_use,
)
from ..auth.service import find_user_by_email, start_session
from ..exports import csv_zip_download, fhir_download
from ..extensions import db
from ..mail import form_email, mail_limited
from ..models import ApiToken, User
from ..pages import render_form
from . import bp
from .forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
    ProfileForm,
    TokenForm,
)
from .service import create_token, delete_account


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.name = form.name.data
        current_user.timezone = form.timezone.data
        db.session.commit()
        flash("Your details are saved.", "success")
        return redirect(url_for("account.profile"))
    return render_form("account/profile.html", form)


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
            start_session(user, remember=False)
            flash("Your password is changed. Other devices have been logged out.", "success")
            return redirect(url_for("account.profile"))
    return render_form("account/change_password.html", form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@mail_limited(form_email)
def change_email():
    """The new address gets a link and the change waits for it; the old one gets a notice. An
    address that has another account gets a mail to its owner, and this page answers the same."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        address = User.normalize_email(form.email.data)
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append("That isn't your current password.")
        elif address == user.email:
            form.email.errors.append("That's already your address.")
        else:
            owner = find_user_by_email(address)
            if owner is None:
                send_address_confirmation(user, address)
            else:
                send_address_in_use(owner)
            send_address_change_notice(user)
            flash(f"We sent a link to {address}. Your address changes when you open it.", "success")
            return redirect(url_for("account.profile"))
    return render_form("account/change_email.html", form)


@bp.post("/account/email/resend")
@login_required
@mail_limited(lambda: getattr(current_user, "email", ""))
def resend_confirmation():
    user = current_user._get_current_object()
    if user.email_verified_at is not None:
        flash("Your address is confirmed already.", "info")
    else:
        send_address_confirmation(user, user.email)
        flash(f"We sent a new link to {user.email}.", "success")
    return redirect(url_for("account.profile"))


@bp.get("/account/export.zip")
@client_required
def export_csv():
    return csv_zip_download(current_user)


@bp.get("/account/export.fhir.json")
@client_required
def export_fhir():
    return fhir_download(current_user)


@bp.route("/account/tokens", methods=["GET", "POST"])
@client_required
def tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        _, new_token = create_token(current_user.id, form.name.data)
        form = TokenForm(formdata=None)
    rows = db.session.scalars(
        db.select(ApiToken).filter_by(user_id=current_user.id).order_by(ApiToken.created_at)
    ).all()
    return render_form("account/tokens.html", form, tokens=rows, new_token=new_token)


@bp.post("/account/tokens/<id:token_id>/revoke")
@client_required
def revoke_token(token_id):
    token = owned_or_404(ApiToken, token_id)
    db.session.delete(token)
    db.session.commit()
    flash(f"The token “{token.name}” no longer works.", "success")
    return redirect(url_for("account.tokens"))


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not user.check_password(form.password.data):
            form.password.errors.append("That isn't your password.")
        else:
            logout_user()
            delete_account(user)
            session.clear()
            flash("Your account and all its data are deleted.", "success")
            return redirect(url_for("home.index"))
    return render_form("account/delete.html", form)
