"""Configuration: environment first, then files in instance/, then safe defaults."""

import os
import secrets
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
    production = os.environ.get("SELFCARE_ENV") == "production"
    settings = {
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # The largest thing anyone sends is a form with a 1,000-character note.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "LOGIN_RATE_LIMIT": "10 per 15 minutes",
        # Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane).
        "PASSWORD_HASH_PARAMETERS": {"time_cost": 2, "memory_cost": 19456, "parallelism": 1},
        "PASSWORD_RESET_MAX_AGE": 3600,
        "EMAIL_CONFIRM_MAX_AGE": 24 * 3600,
        "MAIL_RATE_LIMIT_PER_ADDRESS": "5 per hour",
        "MAIL_RATE_LIMIT_PER_CLIENT": "20 per hour",
        "SELFCARE_PRODUCTION": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        "SEND_FILE_MAX_AGE_DEFAULT": 0,
        # Only the static assets are compressed (see assets.asset): pages carry a CSRF token next
        # to text a visitor can choose, which compression would leak (the BREACH attack).
        "COMPRESS_REGISTER": False,
        "COMPRESS_MIMETYPES": ["text/css", "text/javascript", "image/svg+xml"],
    } | _mail_settings(instance_path)
    settings.update(overrides)
    if "SECRET_KEY" not in settings:
        settings["SECRET_KEY"] = _secret_key(instance_path)
    return settings
