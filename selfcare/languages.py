"""The languages the product speaks, and which one a request is answered in: the person's own
once signed in, else the best the browser asks for, else English."""

from babel import Locale
from flask import Flask, has_request_context, request
from flask_babel import Babel, get_locale
from flask_login import current_user

DEFAULT_LANGUAGE = "en"
# Each language by its code, named as its own speakers name it (a list to choose from must be
# readable by someone who can't read the language it is shown in).
LANGUAGES = {"en": "English", "es": "Español"}


def browser_language() -> str:
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def request_language() -> str:
    if not has_request_context():  # a command: each mail says its own language
        return DEFAULT_LANGUAGE
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    return browser_language()


def reading_locale() -> Locale:
    """The locale of the page or mail being written; English outside a request."""
    return get_locale() or Locale.parse(DEFAULT_LANGUAGE)


def current_language() -> str:
    """The language of the page being written, as `lang` names it ("es", "en-150")."""
    return str(reading_locale()).replace("_", "-")


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=request_language, default_locale=DEFAULT_LANGUAGE)
    app.add_template_global(current_language)
