"""What every template can use: date filters, asset URLs, the navigation for the user's role."""

import uuid

from flask import Flask
from flask_login import current_user

from .assets import asset_url
from .dates import format_day, format_moment

CLIENT_NAV = [
    ("checkins.today", "Today", "today"),
    ("routines.index", "Routines", "routines"),
    ("trends.trends", "Trends", "trends"),
    ("sharing.index", "Sharing", "sharing"),
]
THERAPIST_NAV = [
    ("therapist.dashboard", "Clients", "clients"),
    ("therapist.exercises", "Exercises", "exercises"),
]


def _navigation():
    if not current_user.is_authenticated:
        return []
    return THERAPIST_NAV if current_user.is_therapist else CLIENT_NAV


def _local_time(moment, style: str = "full") -> str:
    return format_moment(moment, current_user.timezone, style)


def init_app(app: Flask) -> None:
    # Block tags leave no indentation or blank lines behind.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.context_processor(lambda: {"navigation": _navigation()})
    app.add_template_filter(format_day, "day")
    app.add_template_filter(_local_time, "local_time")
    app.add_template_global(asset_url)
    # For one-tap forms that carry a submission id (see forms.SubmissionIdField).
    app.add_template_global(lambda: str(uuid.uuid4()), "new_submission_id")
