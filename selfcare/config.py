"""Configuration: environment first, then files in instance/, then safe defaults."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):
        # Heroku-style URLs name a driver SQLAlchemy no longer accepts.
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    return url or f"sqlite:///{instance_path / 'selfcare.db'}"


def build_config(instance_path: Path, overrides: dict) -> dict:
    """Settings for create_app; `overrides` (tests, embedding code) win over everything else."""
    production = os.environ.get("SELFCARE_ENV") == "production"
    settings = {
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # The largest thing anyone sends is a form with a 1,000-character note.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "LOGIN_RATE_LIMIT": "10 per 15 minutes",
        "PASSWORD_HASH_METHOD": "scrypt",
        "SELFCARE_PRODUCTION": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # A sign-in ends after this long unused, or this long after it began, whichever comes
        # first; "keep me logged in" gets the longer pair.
        "SIGN_IN_IDLE_TIMEOUT": timedelta(minutes=30),
        "SIGN_IN_LIFETIME": timedelta(hours=12),
        "REMEMBERED_IDLE_TIMEOUT": timedelta(days=30),
        "REMEMBERED_LIFETIME": timedelta(days=90),
        # New API tokens and exports want the password entered this recently.
        "PASSWORD_RECENT_FOR": timedelta(minutes=10),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        "SEND_FILE_MAX_AGE_DEFAULT": 0,
        # Only the static assets are compressed (see assets.asset): pages carry a CSRF token next
        # to text a visitor can choose, which compression would leak (the BREACH attack).
        "COMPRESS_REGISTER": False,
        "COMPRESS_MIMETYPES": ["text/css", "text/javascript", "image/svg+xml"],
    }
    settings.update(overrides)
    # The browser may drop the remember cookie once no sign-in could still accept it.
    settings.setdefault("REMEMBER_COOKIE_DURATION", settings["REMEMBERED_LIFETIME"])
    if "SECRET_KEY" not in settings:
        settings["SECRET_KEY"] = _secret_key(instance_path)
    return settings
