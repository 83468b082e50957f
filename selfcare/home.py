"""The front door: the welcome page, and the health check for load balancers."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from .extensions import db
from .pages import home_endpoint

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    return render_template("index.html")


@bp.get("/healthz")
def healthz():
    """For load balancers: ok only when the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
    except OperationalError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
