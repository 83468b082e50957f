"""Self-care tracker: the application factory."""

from pathlib import Path

import click
from flask import Flask, flash, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from .config import build_config
from .extensions import csrf, db, init_migrations, limiter, login_manager, owner_only

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(build_config(Path(app.instance_path), config or {}))
    owner_only(Path(app.instance_path))

    db.init_app(app)
    if app.testing or click.get_current_context(silent=True) is not None:
        init_migrations(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from . import (
        assets,
        converters,
        drafts,
        errors,
        home,
        json_bodies,
        languages,
        mail,
        photos,
        security,
        security_log,
        templating,
        webapp,
    )
    from .account import bp as account_bp
    from .api import bp as api_bp
    from .appointments import bp as appointments_bp
    from .auth import bp as auth_bp
    from .checkins import bp as checkins_bp
    from .cli import register_commands
    from .figures import listener as figures_listener
    from .measurements import bp as measurements_bp
    from .outcomes import bp as outcomes_bp
    from .programmes import bp as programmes_bp
    from .reminders import bp as reminders_bp
    from .routines import bp as routines_bp
    from .sharing import bp as sharing_bp
    from .therapist import bp as therapist_bp
    from .trends import bp as trends_bp

    security_log.init_app(app)
    converters.init_app(app)
    drafts.init_app(app)
    figures_listener.init_app(app)
    errors.init_app(app)
    json_bodies.init_app(app)
    languages.init_app(app)
    mail.init_app(app)
    security.init_app(app)
    photos.init_app(app)
    templating.init_app(app)
    for blueprint in (
        home.bp,
        assets.bp,
        webapp.bp,
        auth_bp,
        account_bp,
        checkins_bp,
        routines_bp,
        measurements_bp,
        outcomes_bp,
        appointments_bp,
        reminders_bp,
        trends_bp,
        sharing_bp,
        therapist_bp,
        programmes_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)
    register_commands(app)
    return app


@login_manager.unauthorized_handler
def _log_in_first():
    """A page needs a login: a form sent without one is kept until the person is back."""
    from .drafts import keep_and_log_in_again

    if request.method == "POST" and request.form:
        return keep_and_log_in_again()
    flash(str(login_manager.login_message), login_manager.login_message_category)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@login_manager.user_loader
def _load_user(sign_in_token: str):
    from .auth.service import live_sign_in

    sign_in = live_sign_in(sign_in_token)
    if sign_in is None:
        return None
    g.sign_in = sign_in
    return sign_in.user
