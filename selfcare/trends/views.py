from flask import render_template, request
from flask_login import current_user

from ..access import client_required
from ..appointments.forms import new_appointment_form
from ..dates import local_today
from . import bp
from .service import DEFAULT_RANGE, RANGES, build_report, build_trends


@bp.get("/trends")
@client_required
def trends():
    trends = build_trends(
        current_user, request.args.get("range", DEFAULT_RANGE), request.args.get("region")
    )
    return render_template(
        "trends/trends.html",
        trends=trends,
        ranges=RANGES,
        endpoint="trends.trends",
        url_args={},
        appointment_form=new_appointment_form(local_today(current_user.timezone)),
    )


@bp.get("/report")
@client_required
def report():
    report = build_report(current_user, request.args.get("range", DEFAULT_RANGE))
    return render_template("trends/report.html", report=report, ranges=RANGES)
