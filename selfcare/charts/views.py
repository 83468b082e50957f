from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import client_required, owned_or_404
from ..extensions import db
from ..localtime import local_today
from ..models import CheckIn, TherapySession
from ..trends import DEFAULT_RANGE, RANGES, build_trends
from ..web import render_form
from . import bp
from .forms import TherapySessionForm

REPORT_NOTES = 6


def trends_context(client, endpoint: str, **url_args) -> dict:
    """What the trends template needs, for the client's own page and a therapist's view alike."""
    trends = build_trends(
        client, request.args.get("range", DEFAULT_RANGE), request.args.get("region")
    )
    return {"trends": trends, "ranges": RANGES, "endpoint": endpoint, "url_args": url_args}


def add_therapy_session(client_id: int, form: TherapySessionForm, author_id: int) -> None:
    """Save an appointment from a validated form; clients and therapists both add them."""
    session = TherapySession(
        client_id=client_id, day=form.day.data, note=form.note.data or None, created_by_id=author_id
    )
    db.session.add(session)
    db.session.commit()


def report_context(client) -> dict:
    """The one-page report: the trends plus recent notes, for printing or saving as PDF."""
    trends = build_trends(client, request.args.get("range", DEFAULT_RANGE), None)
    notes = db.session.scalars(
        db.select(CheckIn)
        .where(CheckIn.user_id == client.id, CheckIn.note.is_not(None), CheckIn.day >= trends.start)
        .order_by(CheckIn.day.desc())
        .limit(REPORT_NOTES)
    ).all()
    return {"trends": trends, "ranges": RANGES, "notes": notes, "client": client}


@bp.get("/report")
@client_required
def report():
    return render_template("charts/report.html", **report_context(current_user))


@bp.get("/trends")
@client_required
def trends():
    form = TherapySessionForm(formdata=None, data={"day": local_today(current_user.timezone)})
    return render_template(
        "charts/trends.html", session_form=form, **trends_context(current_user, "charts.trends")
    )


@bp.post("/sessions")
@client_required
def add_session():
    form = TherapySessionForm()
    form.today = local_today(current_user.timezone)
    if not form.validate_on_submit():
        return render_form(
            "charts/trends.html",
            form,
            session_form=form,
            **trends_context(current_user, "charts.trends"),
        )
    add_therapy_session(current_user.id, form, current_user.id)
    flash(
        f"Appointment on {form.day.data:%d %B} added; it shows as a line on your charts.", "success"
    )
    return redirect(url_for("charts.trends") + "#sessions")


@bp.post("/sessions/<int:session_id>/delete")
@client_required
def delete_session(session_id):
    session = owned_or_404(TherapySession, session_id, owner_attribute="client_id")
    if session.created_by_id != current_user.id:
        abort(403)
    db.session.delete(session)
    db.session.commit()
    flash("Appointment removed.", "success")
    return redirect(url_for("charts.trends") + "#sessions")
