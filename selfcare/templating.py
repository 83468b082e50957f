"""What every template can use: date filters, asset URLs, the navigation for the user's role."""

import uuid
from collections import OrderedDict
from types import SimpleNamespace

from flask import Flask, current_app, request
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from . import insights
from .assets import asset_url
from .dates import format_day, format_duration, format_moment
from .figures.texts import adherence_text, figure_value, points
from .languages import current_language
from .number_format import decimal, percent
from .sharing.service import INVITE_LIFETIME, UNDO_WINDOW

# The numbers the rules run on, for the sentences that name them: a changed rule changes them.
RULES = SimpleNamespace(
    average_window_days=insights.AVERAGE_WINDOW_DAYS,
    min_days_for_average=insights.MIN_DAYS_FOR_AVERAGE,
    min_days_for_change=insights.MIN_DAYS_FOR_CHANGE,
    inactive_after_days=insights.INACTIVE_AFTER_DAYS,
    adherence_window_days=insights.ADHERENCE_WINDOW_DAYS,
    pain_during_flag=insights.PAIN_DURING_FLAG,
    min_days_per_group=insights.MIN_DAYS_PER_GROUP,
    invite_lifetime=INVITE_LIFETIME,
    undo_window=UNDO_WINDOW,
)

# (page, label, icon, the blueprints or pages the tab stays highlighted on)
CLIENT_NAV = [
    ("checkins.today", _l("Today"), "today", ("checkins", "measurements", "outcomes")),
    ("routines.index", _l("Routines"), "routines", ("routines",)),
    ("trends.trends", _l("Trends"), "trends", ("trends", "appointments")),
    ("sharing.index", _l("Sharing"), "sharing", ("sharing",)),
]
THERAPIST_NAV = [
    ("therapist.dashboard", _l("Clients"), "clients", ("therapist", "programmes", "outcomes")),
    (
        "therapist.exercises",
        _l("Exercises"),
        "exercises",
        ("therapist.new_exercise", "therapist.edit_exercise", "therapist.delete_exercise_page"),
    ),
    ("therapist.link", _l("Add a client"), "link", ()),
    ("account.profile", _l("Account"), "account", ("account", "reminders")),
]


def _tab_of_page(tabs) -> str | None:
    """The tab a page belongs to: its own, else the one naming the page, else the one naming
    its blueprint."""
    for belongs in (
        lambda endpoint, sections: request.endpoint == endpoint,
        lambda endpoint, sections: request.endpoint in sections,
        lambda endpoint, sections: request.blueprint in sections,
    ):
        for endpoint, _label, _icon, sections in tabs:
            if belongs(endpoint, sections):
                return endpoint
    return None


def _navigation() -> list[tuple[str, str, str, str | None]]:
    """The tabs with what `aria-current` says of each: "page" on its own page, "true" on a page
    under it, else None."""
    if not current_user.is_authenticated:
        return []
    tabs = THERAPIST_NAV if current_user.is_therapist else CLIENT_NAV
    here = _tab_of_page(tabs)
    return [
        (
            endpoint,
            label,
            icon,
            ("page" if request.endpoint == endpoint else "true") if endpoint == here else None,
        )
        for endpoint, label, icon, _sections in tabs
    ]


def _local_time(moment, style: str = "full") -> str:
    return format_moment(moment, current_user.timezone, style)


def _lazy_strings_as_text(app: Flask) -> None:
    """Flask-Babel's lazy strings (`_l`) claim to be markup (`__html__`), so Jinja and WTForms
    would print them unescaped: "can't" where a plain string gives "can&#39;t", and whatever a
    translation holds as HTML (flask-babel issues 121, 224). Without the claim they are escaped
    like any text; JSON (responses, and the session that carries flashed messages) writes them
    as the text they read in the current language."""
    if "__html__" in vars(LazyString):
        del LazyString.__html__
    default = app.json.default
    app.json.default = lambda value: str(value) if isinstance(value, LazyString) else default(value)


def init_app(app: Flask) -> None:
    _lazy_strings_as_text(app)
    # Block tags leave no indentation or blank lines behind.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # {% trans %} blocks are looked up as `make messages` extracts them (babel.cfg): trimmed,
    # line breaks and the indentation around them read as one space.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.context_processor(lambda: {"navigation": _navigation()})
    app.add_template_filter(format_day, "day")
    app.add_template_filter(decimal)
    app.add_template_filter(percent)
    app.add_template_filter(format_duration, "duration")
    app.add_template_filter(_local_time, "local_time")
    app.add_template_global(asset_url)
    app.add_template_global(RULES, "rules")
    app.add_template_filter(figure_value)
    app.add_template_filter(adherence_text)
    app.add_template_filter(points)
    app.add_template_global(cached_markup)
    # For one-tap forms that carry a submission id (see forms.SubmissionIdField).
    app.add_template_global(lambda: str(uuid.uuid4()), "new_submission_id")


# Markup that many requests render the same: each 0-10 scale of /today is the same for the same
# field, value and wording, and building it again was a large share of the page (see
# docs/benchmarks.md). Bounded, per worker.
MARKUP_CACHE_SIZE = 2048


def cached_markup(*key, caller) -> Markup:
    """`{% call cached_markup(name, value, ...) %}…{% endcall %}`: the block rendered once for
    each key, which must name everything the block shows. The page's language is part of every
    key (the block's own words are in it), and a lazy string in the key is read out now: kept
    lazy, it would compare equal in whatever language the next page is in."""
    cache = current_app.extensions.setdefault("markup_cache", OrderedDict())
    key = (
        current_language(),
        *(str(part) if isinstance(part, LazyString) else part for part in key),
    )
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    markup = cache[key] = caller()  # Markup: the block was rendered with autoescape on
    if len(cache) > MARKUP_CACHE_SIZE:
        cache.popitem(last=False)
    return markup
