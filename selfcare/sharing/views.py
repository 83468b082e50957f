from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import security_log
from ..access import client_required, owned_or_404
from ..dates import format_duration, local_today
from ..drafts import back_to_page
from ..extensions import db
from ..models import AccessLogEntry, Invite, Share
from ..pages import render_form
from . import bp
from .forms import InviteForm
from .service import (
    INVITE_LIFETIME,
    SHARE_RESTORED,
    SHARE_STOPPED,
    UNDO_WINDOW,
    active_invite,
    active_shares_of_client,
    can_undo,
    create_invite,
    display_code,
    purpose_label,
    restore,
    revoke,
    stopped_with_a_closed_account,
    undo_deadline,
)

ACCESS_LOG_ROWS = 50


def _sharing_page(form: InviteForm):
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
        invite=active_invite(current_user.id),
        log=log,
        display_code=display_code,
        purpose_label=purpose_label,
    )


def _today():
    return local_today(current_user.timezone)


@bp.get("/sharing")
@client_required
def index():
    invite = active_invite(current_user.id)
    # The boxes start as the working code has them, so the page shows one truth.
    chosen = {"parts": sorted(invite.part_set), "ends_on": invite.ends_on} if invite else None
    return _sharing_page(InviteForm(today=_today(), data=chosen))


@bp.post("/sharing/invites")
@client_required
def new_invite():
    form = InviteForm(today=_today())
    if not form.validate_on_submit():
        return _sharing_page(form)
    earlier = active_invite(current_user.id)
    invite = create_invite(
        current_user.id, parts=frozenset(form.parts.data), ends_on=form.ends_on.data
    )
    security_log.record("invite.created", user_id=current_user.id, invite_id=invite.id)
    code, lifetime = display_code(invite.code), format_duration(INVITE_LIFETIME)
    if earlier:
        message = _(
            "Your code is %(code)s. Give it to your therapist; it works once, for %(lifetime)s. "
            "The earlier code %(earlier)s no longer works.",
            code=code,
            lifetime=lifetime,
            earlier=display_code(earlier.code),
        )
    else:
        message = _(
            "Your code is %(code)s. Give it to your therapist; it works once, for %(lifetime)s.",
            code=code,
            lifetime=lifetime,
        )
    flash(message, "success")
    return redirect(url_for("sharing.index"))


@bp.post("/sharing/invites/<id:invite_id>/cancel")
@client_required
def cancel_invite(invite_id):
    invite = owned_or_404(Invite, invite_id, owner_attribute="client_id")
    if invite.used_at is None:
        db.session.delete(invite)
        db.session.commit()
        flash(_("That code is cancelled and can't be used."), "success")
    return back_to_page(url_for("sharing.index"))


@bp.route("/sharing/<id:share_id>/revoke", methods=["GET", "POST"])
@client_required
def revoke_share(share_id):
    """Asks first (a page of its own, so it works without JavaScript), then stops the share."""
    share = owned_or_404(Share, share_id, owner_attribute="client_id")
    if share.revoked_at is not None:
        abort(404)
    if request.method == "GET":
        return render_template("sharing/confirm_stop.html", share=share)
    revoke(share)
    security_log.record("share.stopped", user_id=current_user.id, share_id=share.id)
    return redirect(url_for("sharing.receipt", share_id=share.id))


@bp.post("/sharing/<id:share_id>/undo")
@client_required
def undo_revoke(share_id):
    share = db.session.get(Share, share_id)
    if share is None:
        # Shares go only with the therapist's account (a client's own go with theirs); an id
        # the client never stopped is not found, so ids of others' shares tell nothing.
        if not stopped_with_a_closed_account(current_user.id):
            abort(404)
        flash(
            _("Sharing can't be switched back on: that therapist's account no longer exists."),
            "info",
        )
        return redirect(url_for("sharing.index"))
    if share.client_id != current_user.id:
        abort(404)
    if share.revoked_at is not None and not can_undo(share):
        flash(
            _(
                "Stopping can be undone for %(window)s only, and that time has passed. "
                "To share again, create a new code.",
                window=format_duration(UNDO_WINDOW),
            ),
            "info",
        )
        return redirect(url_for("sharing.receipt", share_id=share.id))
    if share.revoked_at is None or not restore(share):  # another tab (or a new code) was first
        flash(_("You already share with %(name)s.", name=share.therapist.name), "success")
        return redirect(url_for("sharing.index"))
    security_log.record("share.restored", user_id=current_user.id, share_id=share.id)
    flash(
        _("Sharing with %(name)s is back on, as it was before.", name=share.therapist.name),
        "success",
    )
    return redirect(url_for("sharing.index"))


@bp.get("/sharing/<id:share_id>/receipt")
@client_required
def receipt(share_id):
    """What stopping a share did, in writing, for the client to keep."""
    share = owned_or_404(Share, share_id, owner_attribute="client_id")
    if share.revoked_at is None:
        return redirect(url_for("sharing.index"))
    views = db.session.scalar(
        db.select(db.func.count(AccessLogEntry.id))
        .filter_by(client_id=current_user.id, therapist_id=share.therapist_id)
        .where(AccessLogEntry.purpose.not_in((SHARE_STOPPED, SHARE_RESTORED)))
    )
    undo_until = undo_deadline(share) if can_undo(share) else None
    return render_template("sharing/receipt.html", share=share, views=views, undo_until=undo_until)
