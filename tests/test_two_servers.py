"""Two app servers on one database (README, "Two app servers"): what a person does on one
works on the other without sticky sessions, and the shipped nginx configuration is valid.
The load spread and the shared Redis limits are checked by `make bench BENCH_ARGS=--two-servers`
(it needs nginx, Redis and wrk); the reminders' two senders by tests/test_reminders.py."""

import shutil
import subprocess

import pytest

from bench.twoservers import NGINX, nginx_config
from selfcare import create_app

from .helpers import log_in, settings_for, submit

pytestmark = pytest.mark.slow


def test_a_session_made_on_one_server_works_on_the_other(app, client_user):
    other_server = create_app(settings_for(app.config["SQLALCHEMY_DATABASE_URI"]))
    first, second = app.test_client(), other_server.test_client()
    log_in(first, client_user)
    second.set_cookie("session", first.get_cookie("session").value)
    page = second.get("/today")
    assert page.status_code == 200 and 'id="checkin-form"' in page.text
    submit(second, "/today", {"pain_neck": "6"})
    assert 'value="6" checked' in first.get("/today").text
    # Logging out on one ends the sign-in everywhere.
    submit(first, "/logout")
    assert second.get("/today").status_code == 302


def test_the_shipped_nginx_configuration_is_valid(tmp_path):
    if not shutil.which(NGINX):
        pytest.skip("nginx is not installed (Debian: nginx-light)")
    config = nginx_config(tmp_path, 18080, [18001, 18002])
    check = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(config)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    assert "server 127.0.0.1:18001;" in config.read_text()
