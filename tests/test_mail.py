"""E-mail as a component: SMTP settings from the environment, files in development, every mail
plain text and HTML that says who sent it and why, and no health data in any of them."""

import logging
import stat
from pathlib import Path

import pytest

from selfcare import create_app
from selfcare.config import build_config
from selfcare.extensions import db
from selfcare.mail import DELIVERY
from selfcare.models import CheckIn, PainScore, utcnow

from .helpers import (
    PASSWORD,
    csrf_token_from,
    log_in,
    mail_html,
    mail_text,
    settings_for,
    submit,
)

NOTE = "Migraine after the new medication"


def test_smtp_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("MAIL_PORT", "465")
    monkeypatch.setenv("MAIL_USERNAME", "selfcare")
    monkeypatch.setenv("MAIL_PASSWORD", "app-password")
    monkeypatch.setenv("MAIL_USE_SSL", "true")
    monkeypatch.setenv("MAIL_DEFAULT_SENDER", "Self-care <care@example.org>")
    settings = build_config(tmp_path, {})
    assert settings["MAIL_BACKEND"] == "smtp"
    assert (settings["MAIL_SERVER"], settings["MAIL_PORT"]) == ("smtp.example.org", 465)
    assert (settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"]) == ("selfcare", "app-password")
    assert settings["MAIL_USE_SSL"] is True and settings["MAIL_USE_TLS"] is False
    assert settings["MAIL_DEFAULT_SENDER"] == "Self-care <care@example.org>"


def test_without_a_mail_server_mail_goes_to_files_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    settings = build_config(tmp_path, {})
    assert settings["MAIL_BACKEND"] == "file"
    assert settings["MAIL_FILE_PATH"] == str(tmp_path / "mail")


def test_file_backend_writes_the_mail_and_logs_where(tmp_path, caplog):
    mail_dir = tmp_path / "mail"
    app = create_app(
        settings_for(f"sqlite:///{tmp_path / 'dev.db'}")
        | {"MAIL_BACKEND": "file", "MAIL_FILE_PATH": str(mail_dir)}
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        submit(client, "/forgot-password", {"email": "nobody@example.com"})
        submit(
            client,
            "/register",
            {
                "name": "Dev Person",
                "email": "dev@example.com",
                "password": PASSWORD,
                "role": "client",
                "timezone": "UTC",
            },
        )
        app.extensions[DELIVERY].shutdown(wait=True)
    [written] = list(Path(mail_dir).iterdir())
    assert "To: dev@example.com" in written.read_text()
    assert "/confirm-email?token=" in written.read_text()
    assert f"is in {mail_dir}" in caplog.text
    # Links in those files sign people in: only the owner may open the folder, and the log
    # doesn't say who got mail (that would tell who has an account).
    assert stat.S_IMODE(mail_dir.stat().st_mode) == 0o700
    assert "dev@example.com" not in caplog.text


def test_every_mail_is_multipart_says_who_and_why_and_carries_no_health_data(
    app, client, client_user, mailbox
):
    with app.app_context():
        db.session.add(
            CheckIn(
                user_id=client_user.id,
                day=utcnow().date(),
                note=NOTE,
                scores=[PainScore(region="lower_back", score=9)],
            )
        )
        db.session.commit()
    log_in(client, client_user)
    submit(client, "/account/email", {"email": "moved@example.com", "current_password": PASSWORD})
    submit(client, "/account/email", {"email": "moved@example.com", "current_password": PASSWORD})
    stranger = app.test_client()
    submit(stranger, "/forgot-password", {"email": client_user.email})
    submit(
        stranger,
        "/register",
        {
            "name": "Someone Else",
            "email": client_user.email,
            "password": "a different long phrase",
            "role": "client",
            "timezone": "UTC",
        },
    )
    submit(
        stranger,
        "/register",
        {
            "name": "New Person",
            "email": "new.person@example.com",
            "password": "a different long phrase",
            "role": "client",
            "timezone": "UTC",
        },
    )
    messages = mailbox.wait_for(7)
    assert {m["Subject"] for m in messages} == {
        "Confirm your new address",
        "A change of your e-mail address was asked for",
        "Choose a new password",
        "Someone tried to use your address",
        "Confirm your e-mail address",
    }
    for message in messages:
        assert message.get_content_type() == "multipart/alternative"
        assert message["From"] == "Self-care tracker <no-reply@localhost>"
        for body in (mail_text(message), mail_html(message)):
            assert "Sent by" in body and "because of a request made there" in body
            assert "health" in body  # "We never put anything about your health in an e-mail."
            for health_data in (NOTE, "lower back", "lower_back", "Migraine", "9/10"):
                assert health_data not in body, (message["Subject"], health_data)


@pytest.mark.parametrize("host", ["127.0.0.1:5000", "localhost:5000"])
def test_links_in_mail_from_a_page_name_the_host_it_was_opened_at(
    app, client, client_user, mailbox, host
):
    """In development (no PUBLIC_BASE_URL) a link opens where the person browses, so its
    page finds them logged in."""
    page = client.get("/forgot-password", headers={"Host": host})
    client.post(
        "/forgot-password",
        data={"csrf_token": csrf_token_from(page.text), "email": client_user.email},
        headers={"Host": host},
    )
    [mail] = mailbox.wait_for(to=client_user.email)
    assert f"http://{host}/reset-password?token=" in mail_text(mail)


def test_links_in_mail_use_the_public_address_whatever_the_host_header(
    app, client, client_user, mailbox
):
    app.config["PUBLIC_BASE_URL"] = "https://selfcare.example.org"
    page = client.get("/forgot-password", headers={"Host": "evil.example"})
    client.post(
        "/forgot-password",
        data={"csrf_token": csrf_token_from(page.text), "email": client_user.email},
        headers={"Host": "evil.example"},
    )
    [mail] = mailbox.wait_for(to=client_user.email)
    assert "https://selfcare.example.org/reset-password?token=" in mail_text(mail)
    assert "evil.example" not in mail.as_string()


def test_registering_an_address_again_and_again_cannot_flood_its_inbox(app, client_user, mailbox):
    for attempt in range(6):
        response = submit(
            app.test_client(),
            "/register",
            {
                "name": "Flood",
                "email": client_user.email,
                "password": "a different long phrase",
                "role": "client",
                "timezone": "UTC",
            },
            environ_base={"REMOTE_ADDR": f"10.0.1.{attempt}"},
        )
    assert response.status_code == 429
    app.extensions[DELIVERY].shutdown(wait=True)
    assert len(mailbox.wait_for(5, to=client_user.email)) == 5
