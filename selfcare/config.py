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
        instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):
        # Heroku-style URLs name a driver SQLAlchemy no longer accepts.
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    return url or f"sqlite:///{instance_path / 'selfcare.db'}"


ENVIRONMENTS = ("development", "production")
# Where `make run` serves the site (its --host and --port): in development, mails sent without
# a request (`flask send-reminders`) link here unless PUBLIC_BASE_URL says otherwise.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


class ConfigurationError(RuntimeError):
    """A setting the app refuses to start with: better a clear stop than a silent default."""


def _environment() -> str:
    value = os.environ.get("SELFCARE_ENV", "development")
    if value not in ENVIRONMENTS:
        raise ConfigurationError(
            f"SELFCARE_ENV={value!r} is not one of {', '.join(ENVIRONMENTS)} (lower case)."
        )
    return value


def _trusted_hosts(production: bool) -> list[str] | None:
    """Host names the app answers to; links in mails and pages are built from the Host header,
    so in production it must be one of these."""
    hosts = [host.strip() for host in os.environ.get("SELFCARE_HOSTS", "").split(",") if host]
    if production and not hosts:
        raise ConfigurationError("Set SELFCARE_HOSTS to the site's host names, e.g. care.example.")
    return hosts or None


def _proxy_count(name: str) -> int:
    text = os.environ.get(name, "0")
    if not (text.isascii() and text.isdigit()):
        raise ConfigurationError(f"{name} must be a whole number of proxies, not {text!r}.")
    return int(text)


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _mail_settings(instance_path: Path) -> dict:
    """SMTP when MAIL_SERVER is set; otherwise (development) each mail is written as a file under
    instance/mail/ for the developer to read."""
    server = os.environ.get("MAIL_SERVER", "")
    return {
        "MAIL_BACKEND": "smtp" if server else "file",
        "MAIL_FILE_PATH": str(instance_path / "mail"),
        "MAIL_SERVER": server or "localhost",
        "MAIL_PORT": int(os.environ.get("MAIL_PORT") or 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL"),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "Self-care tracker <no-reply@localhost>"
        ),
        # A mail server that stops answering must not hold a delivery thread forever.
        "MAIL_TIMEOUT": 30,
        # Links in mails start with this when set (e.g. https://selfcare.example.org), so a forged
        # Host header can't point a reset link at someone else's site.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").rstrip("/"),
    }


def build_config(instance_path: Path, overrides: dict) -> dict:
    """Settings for create_app; `overrides` (tests, embedding code) win over everything else."""
    production = _environment() == "production"
    settings = {
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        # Parameters can be health data: never in a log line about a failed statement.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "TRUSTED_HOSTS": _trusted_hosts(production),
        # How many reverse proxies stand in front of the app and set X-Forwarded-For/-Proto.
        "PROXY_COUNT": _proxy_count("SELFCARE_PROXY_COUNT"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # The largest thing anyone sends is a form with a 1,000-character note.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Exercise photos (selfcare/photos.py): the forms that take one accept this much more.
        "PHOTO_DIR": os.environ.get("PHOTO_DIR") or str(instance_path / "photos"),
        "PHOTO_MAX_BYTES": 8 * 1024 * 1024,
        "PHOTO_MAX_PIXELS": 40_000_000,
        # PNG and WebP are decoded in full (JPEG at a reduced scale): a smaller limit keeps an
        # upload's memory to about a hundred MB.
        "PHOTO_MAX_DECODED_PIXELS": 16_000_000,
        "PHOTO_RATE_LIMIT": "30 per hour",
        "PHOTO_MAX_SIDE": 1600,
        # Failed logins per client address, and per account from anywhere (slower, so one
        # person can't lock another out for long).
        "LOGIN_RATE_LIMIT": "10 per 15 minutes",
        "LOGIN_ACCOUNT_RATE_LIMIT": "20 per hour",
        "REGISTER_RATE_LIMIT": "10 per hour",
        "INVITE_RATE_LIMIT": "10 per hour",
        "TOKEN_RATE_LIMIT": "10 per hour",
        "PASSWORD_CHECK_RATE_LIMIT": "10 per hour",
        # Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane).
        "PASSWORD_HASH_PARAMETERS": {"time_cost": 2, "memory_cost": 19456, "parallelism": 1},
        "PASSWORD_RESET_MAX_AGE": 3600,
        "EMAIL_CONFIRM_MAX_AGE": 24 * 3600,
        "MAIL_RATE_LIMIT_PER_ADDRESS": "5 per hour",
        "MAIL_RATE_LIMIT_PER_CLIENT": "20 per hour",
        "SELFCARE_PRODUCTION": production,
        "HSTS_SECONDS": 63072000 if production else 0,
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
    } | _mail_settings(instance_path)
    if production and settings["MAIL_BACKEND"] != "smtp":
        # Files of mail hold links that sign people in: fine on a developer's machine only.
        raise ConfigurationError("Set MAIL_SERVER (and its login) to send the site's mail.")
    settings.update(overrides)
    # The browser may drop the remember cookie once no sign-in could still accept it.
    settings.setdefault("REMEMBER_COOKIE_DURATION", settings["REMEMBERED_LIFETIME"])
    if "SECRET_KEY" not in settings:
        settings["SECRET_KEY"] = _secret_key(instance_path)
    return settings
