import json

from flask import Response, flash, redirect, session, url_for
from flask_login import current_user, login_required, logout_user

from ..access import client_required, owned_or_404, shared_client_or_404
from ..exports import csv_zip, fhir_bundle
from ..extensions import db
from ..models import ApiToken
from ..web import render_form
from . import bp
from .forms import DeleteAccountForm, TokenForm
from .service import create_token, delete_account


def zip_download(client) -> Response:
    return Response(
        csv_zip(client),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="selfcare-{client.id}-csv.zip"'},
    )


def fhir_download(client) -> Response:
    return Response(
        json.dumps(fhir_bundle(client), indent=1),
        mimetype="application/fhir+json",
        headers={"Content-Disposition": f'attachment; filename="selfcare-{client.id}-fhir.json"'},
    )


@bp.get("/account/export.zip")
@client_required
def export_csv():
    return zip_download(current_user)


@bp.get("/account/export.fhir.json")
@client_required
def export_fhir():
    return fhir_download(current_user)


@bp.get("/therapist/clients/<int:client_id>/export.zip")
@login_required
def therapist_export_csv(client_id):
    return zip_download(shared_client_or_404(client_id, "export (CSV)"))


@bp.get("/therapist/clients/<int:client_id>/export.fhir.json")
@login_required
def therapist_export_fhir(client_id):
    return fhir_download(shared_client_or_404(client_id, "export (FHIR)"))


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


@bp.post("/account/tokens/<int:token_id>/revoke")
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
            return redirect(url_for("main.index"))
    return render_form("account/delete.html", form)
