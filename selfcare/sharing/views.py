from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import security_log
from ..access import client_required, owned_or_404
from ..dates import local_today
from ..extensions import db
from ..models import AccessLogEntry, Invite, Share, utcnow
from ..pages import render_form
from . import bp
from .forms import InviteForm
from .service import active_shares_of_client, create_invite, display_code, revoke

ACCESS_LOG_ROWS = 50


def _sharing_page(form: InviteForm):
    invites = db.session.scalars(
        db.select(Invite)
        .where(
            Invite.client_id == current_user.id,
            Invite.used_at.is_(None),
            Invite.expires_at > utcnow(),
        )
        .order_by(Invite.created_at.desc())
    ).all()
    log = db.session.scalars(
        db.select(AccessLogEntry)
        .filter_by(client_id=current_user.id)
        .order_by(AccessLogEntry.viewed_at.desc(), AccessLogEntry.id.desc())
        .limit(ACCESS_LOG_ROWS)
    ).all()
    return render_form(
        "sharing/index.html",
        form,
        shares=active_shares_of_client(current_user.id),
        invites=invites,
        log=log,
        display_code=display_code,
    )


def _today():
    return local_today(current_user.timezone)


@bp.get("/sharing")
@client_required
def index():
    return _sharing_page(InviteForm(today=_today()))


@bp.post("/sharing/invites")
@client_required
def new_invite():
    form = InviteForm(today=_today())
    if not form.validate_on_submit():
        return _sharing_page(form)
    invite = create_invite(
        current_user.id, parts=frozenset(form.parts.data), ends_on=form.ends_on.data
    )
    security_log.record("invite.created", user_id=current_user.id, invite_id=invite.id)
    code = display_code(invite.code)
    flash(f"Your code is {code}. Give it to your therapist; it works once, for 7 days.", "success")
    return redirect(url_for("sharing.index"))


@bp.post("/sharing/invites/<id:invite_id>/cancel")
@client_required
def cancel_invite(invite_id):
    invite = owned_or_404(Invite, invite_id, owner_attribute="client_id")
    if invite.used_at is None:
        db.session.delete(invite)
        db.session.commit()
        flash("That code is cancelled and can't be used.", "success")
    return redirect(url_for("sharing.index"))


@bp.post("/sharing/<id:share_id>/revoke")
@client_required
def revoke_share(share_id):
    share = owned_or_404(Share, share_id, owner_attribute="client_id")
    if share.revoked_at is not None:
        abort(404)
    revoke(share)
    security_log.record("share.stopped", user_id=current_user.id, share_id=share.id)
    return redirect(url_for("sharing.receipt", share_id=share.id))


@bp.get("/sharing/<id:share_id>/receipt")
@client_required
def receipt(share_id):
    """What stopping a share did, in writing, for the client to keep."""
    share = owned_or_404(Share, share_id, owner_attribute="client_id")
    if share.revoked_at is None:
        return redirect(url_for("sharing.index"))
    views = db.session.scalar(
        db.select(db.func.count(AccessLogEntry.id)).filter_by(
            client_id=current_user.id, therapist_id=share.therapist_id
        )
    )
    return render_template("sharing/receipt.html", share=share, views=views)
