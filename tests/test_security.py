"""Headers on every page, cookies in production, nothing cached that holds health data."""

import gzip
import json
import logging
import re
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from selfcare import create_app
from selfcare.config import ConfigurationError
from selfcare.extensions import db
from selfcare.security_log import address_hash

from .helpers import PASSWORD, csrf_token_from, log_in, make_user, settings_for, submit

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


@pytest.mark.slow
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


def production(monkeypatch, database_url, **settings):
    """An app as deployed: production mode, behind one proxy, for care.example."""
    monkeypatch.setenv("SELFCARE_ENV", "production")
    monkeypatch.setenv("SELFCARE_HOSTS", "care.example")
    monkeypatch.setenv("SELFCARE_PROXY_COUNT", "1")
    monkeypatch.setenv("MAIL_SERVER", "127.0.0.1")
    return create_app(settings_for(database_url) | settings)


def test_production_cookies_are_secure(monkeypatch, database_url):
    monkeypatch.setenv("SELFCARE_ENV", "production")
    monkeypatch.setenv("SELFCARE_HOSTS", "care.example")
    monkeypatch.setenv("MAIL_SERVER", "127.0.0.1")
    app = create_app(settings_for(database_url))
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_demo_data_is_refused_in_production(monkeypatch, database_url):
    app = production(monkeypatch, database_url)
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
    packed = client.get(css_url, headers=browser_encodings)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain) / 3
    assert gzip.decompress(packed.data) == plain
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert packed.headers["ETag"] != client.get(css_url).headers["ETag"]
    revalidated = browser_encodings | {"If-None-Match": packed.headers["ETag"]}
    again = client.get(css_url, headers=revalidated)
    assert again.status_code == 304
    refused = client.get(css_url, headers={"Accept-Encoding": "gzip;q=0, br"})
    assert "Content-Encoding" not in refused.headers and refused.data == plain


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SELFCARE_ENV", "Production"),
        ("SELFCARE_ENV", "prod"),
        ("SELFCARE_PROXY_COUNT", "one"),
    ],
)
def test_unknown_settings_stop_the_start(monkeypatch, variable, value):
    """SELFCARE_ENV=Production silently meant development."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=variable):
        create_app(settings_for("sqlite://"))


def test_production_needs_its_host_names_and_a_mail_server(monkeypatch):
    monkeypatch.setenv("SELFCARE_ENV", "production")
    monkeypatch.delenv("SELFCARE_HOSTS", raising=False)
    with pytest.raises(ConfigurationError, match="SELFCARE_HOSTS"):
        create_app(settings_for("sqlite://"))
    monkeypatch.setenv("SELFCARE_HOSTS", "care.example")
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    with pytest.raises(ConfigurationError, match="MAIL_SERVER"):
        create_app(settings_for("sqlite://"))


def test_production_sends_hsts_and_answers_only_its_hosts(monkeypatch, database_url):
    client = production(monkeypatch, database_url).test_client()
    page = client.get("/login", base_url="https://care.example")
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=63072000")
    # The invite link is built from the Host header: a forged one is refused, not reflected.
    assert client.get("/login", base_url="https://evil.example").status_code == 400
    monkeypatch.setenv("SELFCARE_ENV", "development")
    development = create_app(settings_for(database_url)).test_client()
    assert "Strict-Transport-Security" not in development.get("/login").headers


def test_demo_accounts_are_refused_in_production(monkeypatch, app, database_url):
    make_user(app, email="client@example.com")
    client = production(monkeypatch, database_url).test_client()
    login = client.get("/login", base_url="https://care.example")
    response = client.post(
        "/login",
        base_url="https://care.example",
        headers={"Referer": "https://care.example/login"},
        data={
            "csrf_token": csrf_token_from(login.text),
            "email": "client@example.com",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 401


def test_login_limit_counts_the_client_behind_the_proxy(monkeypatch, app, database_url):
    """Behind a proxy every request comes from the proxy's address: ten bad logins from anyone
    locked everyone out. With the proxy configured, each client is counted by its own address,
    and each account by its e-mail address, wherever the tries come from."""
    deployed = production(monkeypatch, database_url, LOGIN_RATE_LIMIT="3 per hour")
    victim = make_user(app)
    client = deployed.test_client()

    def attempt(email, address, password):
        page = client.get("/login", base_url="https://care.example")
        return client.post(
            "/login",
            base_url="https://care.example",
            headers={
                "X-Forwarded-For": address,
                "X-Forwarded-Proto": "https",
                "Referer": "https://care.example/login",
            },
            data={"csrf_token": csrf_token_from(page.text), "email": email, "password": password},
        )

    wrong = "wrong password here"
    assert [attempt("someone@example.org", "203.0.113.9", wrong).status_code for _ in range(4)] == [
        401,
        401,
        401,
        429,
    ]
    # Another client behind the same proxy still logs in.
    assert attempt(victim.email, "198.51.100.7", PASSWORD).status_code == 302


def test_login_limit_per_account_holds_across_addresses(app, client, client_user):
    app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = "3 per hour"
    statuses = []
    for number in range(4):
        page = client.get("/login")
        statuses.append(
            client.post(
                "/login",
                environ_base={"REMOTE_ADDR": f"192.0.2.{number}"},
                data={
                    "csrf_token": csrf_token_from(page.text),
                    "email": client_user.email,
                    "password": "not the password",
                },
            ).status_code
        )
    assert statuses == [401, 401, 401, 429]


def test_security_events_are_logged_without_health_data(app, client, client_user, caplog):
    caplog.set_level(logging.INFO, logger="selfcare.security")
    submit(client, "/login", {"email": client_user.email, "password": "wrong password here"})
    log_in(client, client_user)
    submit(client, "/today", {"pain_neck": "9", "note": "private note"})
    submit(client, "/logout", page="/today")
    events = [json.loads(record.message) for record in caplog.records]
    assert [event["event"] for event in events] == ["login.failed", "login.succeeded", "logout"]
    assert events[0]["address"] == address_hash(client_user.email)  # not the address itself
    assert all(event["user_id"] == client_user.id for event in events[1:])
    assert "private note" not in caplog.text and client_user.email not in caplog.text


def test_a_database_outage_gets_a_page_that_says_so(app, client, client_user, tmp_path):
    """During an outage people got Werkzeug's bare 500 (the error page needed the database)
    and /healthz said ok."""
    log_in(client, client_user)
    session_cookie = client.get_cookie("session").value
    unreachable = (
        "postgresql+psycopg://postgres@127.0.0.1:1/nothing"
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
        else f"sqlite:///{tmp_path}/no/such/dir/selfcare.db"
    )
    down = create_app(settings_for(unreachable)).test_client()
    down.set_cookie("session", session_cookie)
    page = down.get("/today")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "Back in a moment" in page.text and "Nothing you saved is lost" in page.text
    health = down.get("/healthz")
    assert health.status_code == 503 and health.json["database"] == "unreachable"
    api = down.get("/api/v1/checkins", headers={"Authorization": "Bearer sc_whatever"})
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}


def test_database_and_backups_are_owner_only(tmp_path, logged_in_client, app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("file modes are SQLite's; PostgreSQL keeps its own files")
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    app.instance_path = str(tmp_path)
    assert app.test_cli_runner().invoke(args=["backup"]).exit_code == 0
    [copy] = (tmp_path / "backups").glob("selfcare-*.db")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700


def test_a_huge_body_is_refused_before_it_is_read(client):
    """An anonymous 100 MB POST to /login was parsed whole (a worker grew by 330 MB)."""
    response = client.post(
        "/login",
        data=b"email=" + b"x" * (20 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413


def test_failed_statements_never_carry_their_parameters(app):
    """Parameters can be health data; the error (and so the error log) must not repeat them."""
    with app.app_context():
        statement = text("INSERT INTO no_such_table (note) VALUES (:note)")
        with pytest.raises(Exception) as failure:  # noqa: PT011 (any driver error will do)
            db.session.execute(statement, {"note": "neck pain after the fall"})
        db.session.rollback()
    assert "neck pain after the fall" not in str(failure.value)


def test_the_app_installs_with_a_manifest_a_worker_and_an_offline_page(client, client_user):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    body = manifest.json
    assert (body["start_url"], body["display"]) == ("/today", "standalone")
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in body["icons"])
    for icon in body["icons"]:
        assert client.get(icon["src"]).data.startswith(b"\x89PNG")
    worker = client.get("/sw.js")
    assert worker.mimetype == "text/javascript" and '"/offline"' in worker.text
    # Today without signal runs on scripts the worker kept: the sentences' helper, the queue's
    # logic, then the page's.
    scripts = re.findall(r'<script src="([^"]+)"', client.get("/offline/today").text)
    assert [src.rsplit("/", 1)[1] for src in scripts] == ["app.js", "queue.js", "offline.js"]
    assert all(f'"{src}"' in worker.text for src in scripts)
    log_in(client, client_user)
    offline = client.get("/offline").text
    assert "No connection" in offline and client_user.name not in offline
    page = client.get("/today").text
    assert 'rel="manifest"' in page and 'rel="apple-touch-icon"' in page
    logout = submit(client, "/logout", page="/today")
    assert logout.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_logging_out_keeps_the_storage_only_for_entries_waiting(client, client_user):
    """static/js/offline.js says when entries made without signal wait on the phone for someone:
    the browser then keeps the site's storage (and drops only its cache)."""
    log_in(client, client_user)
    logout = submit(client, "/logout", {"keep_offline_entries": "yes"}, page="/today")
    assert logout.headers["Clear-Site-Data"] == '"cache"'
