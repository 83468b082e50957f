"""The front door: the welcome page, and the health check for load balancers."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from .pages import home_endpoint

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    return render_template("index.html")


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
