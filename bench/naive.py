"""The yardstick every real page must beat: what a first Flask-SQLAlchemy version of a history
page would do. It loads one client's last 90 days of check-ins through the ORM (scores by the
relationship) and renders them as a table, with no login, no forms and no query tuning."""

from datetime import date, timedelta

from flask import render_template_string

from bench.data import HEAVY_CLIENT
from selfcare import create_app
from selfcare.extensions import db
from selfcare.models import CheckIn, User

app = create_app()
TABLE = """<!doctype html><title>90 days</title><table>
{% for checkin in checkins %}<tr><td>{{ checkin.day }}</td><td>{{ checkin.day_kind }}</td>
{% for score in checkin.scores %}<td>{{ score.region }} {{ score.score }}</td>{% endfor %}
<td>{{ checkin.note or "" }}</td></tr>{% endfor %}</table>"""


@app.get("/naive")
def ninety_days():
    user = db.session.scalar(db.select(User).filter_by(email=HEAVY_CLIENT))
    checkins = db.session.scalars(
        db.select(CheckIn)
        .filter_by(user_id=user.id)
        .where(CheckIn.day >= date.today() - timedelta(days=90))
        .order_by(CheckIn.day)
    ).all()
    return render_template_string(TABLE, checkins=checkins)
