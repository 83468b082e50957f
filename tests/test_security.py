"""Headers on every page, cookies in production, nothing cached that holds health data."""

import re

import brotli
import pytest

from selfcare import create_app

from .helpers import log_in, settings_for

CLIENT_PAGES = [
    "/today",
    "/checkins",
    "/routines",
    "/exercises",
    "/measurements",
    "/trends",
    "/sharing",
    "/report",
    "/account",
    "/account/tokens",
    "/account/confirm",
]
THERAPIST_PAGES = ["/therapist", "/therapist/link", "/account"]
PUBLIC_PAGES = ["/", "/login", "/register", "/no-such-page"]


def assert_safe_headers(response, path):
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
    assert "unsafe-inline" not in csp and "http" not in csp, path  # no inline code, no third party
    assert headers["X-Content-Type-Options"] == "nosniff", path
    assert headers["Referrer-Policy"] == "same-origin", path
    assert headers["Cache-Control"] == "no-store", path


def test_every_page_sends_the_security_headers(app, client, client_user, therapist_user):
    for path in PUBLIC_PAGES:
        assert_safe_headers(client.get(path), path)
    log_in(client, client_user)
    for path in CLIENT_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_safe_headers(response, path)
        assert "https://" not in response.text and "http://" not in response.text.replace(
            "http://www.w3.org/2000/svg", ""
        ), path
    therapist = app.test_client()
    log_in(therapist, therapist_user)
    for path in THERAPIST_PAGES:
        assert_safe_headers(therapist.get(path), path)


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"


def test_production_cookies_are_secure(monkeypatch, database_url):
    monkeypatch.setenv("SELFCARE_ENV", "production")
    app = create_app(settings_for(database_url))
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_demo_data_is_refused_in_production(monkeypatch, database_url):
    monkeypatch.setenv("SELFCARE_ENV", "production")
    app = create_app(settings_for(database_url))
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "Refusing to load demo data" in result.output


def test_login_cookie_is_httponly(app, client, client_user):
    log_in(client, client_user)
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


@pytest.mark.parametrize("path", ["/login", "/register"])
def test_forms_carry_a_csrf_token(client, path):
    assert 'name="csrf_token"' in client.get(path).text


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    from selfcare.config import build_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = build_config(tmp_path, {})["SECRET_KEY"]
    second = build_config(tmp_path, {})["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert build_config(tmp_path, {})["SECRET_KEY"] == "from-the-environment"


def test_database_url_selects_postgresql(tmp_path, monkeypatch):
    from selfcare.config import build_config

    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/selfcare")
    assert (
        build_config(tmp_path, {"SECRET_KEY": "x"})["SQLALCHEMY_DATABASE_URI"]
        == "postgresql+psycopg://u:p@db/selfcare"
    )
    monkeypatch.delenv("DATABASE_URL")
    assert build_config(tmp_path, {"SECRET_KEY": "x"})["SQLALCHEMY_DATABASE_URI"].endswith(
        "selfcare.db"
    )


def test_assets_have_fingerprinted_urls_and_long_caching(client):
    page = client.get("/login").text
    css_url = re.search(r'href="(/assets/[0-9a-f]{12}/css/app\.css)"', page).group(1)
    response = client.get(css_url)
    assert response.status_code == 200 and b"--accent" in response.data
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/assets/000000000000/css/app.css").status_code == 404
    assert client.get("/assets/000000000000/../config.py").status_code == 404


def test_assets_are_compressed_and_pages_never_are(client):
    """Compression shrinks the stylesheet; pages stay plain because a page's CSRF token sits
    next to text a visitor can choose, which compression would leak (BREACH)."""
    browser_encodings = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    login = client.get("/login", headers=browser_encodings)
    assert "Content-Encoding" not in login.headers and "csrf_token" in login.text
    css_url = re.search(r'href="(/assets/[0-9a-f]{12}/css/app\.css)"', login.text).group(1)
    plain = client.get(css_url).data
    packed = client.get(css_url, headers={"Accept-Encoding": "br"})
    assert packed.headers["Content-Encoding"] == "br"
    assert len(packed.data) < len(plain) / 2
    assert brotli.decompress(packed.data) == plain
    assert "Accept-Encoding" in packed.headers["Vary"]
