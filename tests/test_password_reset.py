"""A new password by e-mail: the link arrives through a real SMTP server, works once, for an
hour, only for the password it was made for; the page never tells whether an address has an
account; and the requests are limited per address and per client."""

from selfcare.auth.service import LINK_BROKEN, RESET_LINK_USED
from selfcare.extensions import db
from selfcare.mail import DELIVERY
from selfcare.models import User

from .helpers import (
    PASSWORD,
    csrf_token_from,
    form_values,
    links_judged_later,
    log_in,
    mail_link,
    make_user,
    open_mailed_form,
    submit,
)

NEW_PASSWORD = "mossy pebble violin harbour"  # noqa: S105


def ask_for_link(client, email, **kwargs):
    return submit(client, "/forgot-password", {"email": email}, **kwargs)


def escaped(text: str) -> str:
    return text.replace("'", "&#39;")


def password_hash(app, user_id) -> str:
    with app.app_context():
        return db.session.get(User, user_id).password_hash


def test_login_page_offers_a_reset(client):
    assert 'href="/forgot-password"' in client.get("/login").text


def test_reset_end_to_end_through_the_mail_server(app, client, client_user, mailbox):
    other_device = app.test_client()
    log_in(other_device, client_user)
    response = ask_for_link(client, client_user.email.upper())
    assert response.headers["Location"] == "/forgot-password/sent"

    [mail] = mailbox.wait_for(to=client_user.email)
    assert mail["Subject"] == "Choose a new password"
    response = open_mailed_form(
        client, mail, "/reset-password", "reset-form", password=NEW_PASSWORD
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/today"
    assert client.get("/account").status_code == 200, "logged in with the new password"
    assert other_device.get("/account").status_code == 302, "other sessions ended"

    fresh = app.test_client()
    old = submit(fresh, "/login", {"email": client_user.email, "password": PASSWORD})
    assert old.status_code == 401
    log_in(fresh, client_user, password=NEW_PASSWORD)

    again = app.test_client().get(mail_link(mail, "/reset-password"))
    assert again.status_code == 400
    assert escaped(RESET_LINK_USED) in again.text
    assert 'href="/forgot-password"' in again.text


def test_a_used_link_cannot_set_a_second_password(app, client, client_user, mailbox):
    ask_for_link(client, client_user.email)
    [mail] = mailbox.wait_for(to=client_user.email)
    page = client.get(mail_link(mail, "/reset-password")).text
    form = form_values(page, "reset-form")
    assert client.post("/reset-password", data=form | {"password": NEW_PASSWORD}).status_code == 302
    after_first = password_hash(app, client_user.id)
    attacker = app.test_client()
    attacker_page = attacker.get("/login").text
    second = attacker.post(
        "/reset-password",
        data=form
        | {"csrf_token": csrf_token_from(attacker_page), "password": "another fine phrase here"},
    )
    assert second.status_code == 400
    assert escaped(RESET_LINK_USED) in second.text
    assert password_hash(app, client_user.id) == after_first


def test_an_expired_link_is_refused_with_a_clear_message(
    app, client, client_user, mailbox, monkeypatch
):
    ask_for_link(client, client_user.email)
    [mail] = mailbox.wait_for(to=client_user.email)
    before = password_hash(app, client_user.id)
    links_judged_later(monkeypatch, 3601)
    response = client.get(mail_link(mail, "/reset-password"))
    assert response.status_code == 400
    assert "This link has expired: links for a new password last an hour." in response.text
    assert 'id="reset-form"' not in response.text
    assert password_hash(app, client_user.id) == before


def test_a_link_still_works_within_the_hour(app, client, client_user, mailbox, monkeypatch):
    ask_for_link(client, client_user.email)
    [mail] = mailbox.wait_for(to=client_user.email)
    links_judged_later(monkeypatch, 3500)
    response = open_mailed_form(
        client, mail, "/reset-password", "reset-form", password=NEW_PASSWORD
    )
    assert response.status_code == 302


def test_a_tampered_link_is_refused(app, client, client_user, mailbox):
    ask_for_link(client, client_user.email)
    [mail] = mailbox.wait_for(to=client_user.email)
    link = mail_link(mail, "/reset-password")
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    before = password_hash(app, client_user.id)
    for url in [tampered, "/reset-password?token=not-a-token", "/reset-password"]:
        response = client.get(url)
        assert response.status_code == 400, url
        assert escaped(LINK_BROKEN) in response.text or "damaged" in response.text
    page = client.get("/login").text
    posted = client.post(
        "/reset-password",
        data={
            "csrf_token": csrf_token_from(page),
            "token": tampered.partition("token=")[2],
            "password": NEW_PASSWORD,
        },
    )
    assert posted.status_code == 400
    assert password_hash(app, client_user.id) == before


def test_the_new_password_follows_the_rules(app, client, client_user, mailbox):
    ask_for_link(client, client_user.email)
    [mail] = mailbox.wait_for(to=client_user.email)
    before = password_hash(app, client_user.id)
    for weak in ["short", "password1234"]:
        response = open_mailed_form(client, mail, "/reset-password", "reset-form", password=weak)
        assert response.status_code == 422
    assert password_hash(app, client_user.id) == before
    response = open_mailed_form(
        client, mail, "/reset-password", "reset-form", password=NEW_PASSWORD
    )
    assert response.status_code == 302


def test_same_answer_for_an_address_without_an_account(app, client, client_user, mailbox):
    known = ask_for_link(client, client_user.email)
    unknown = ask_for_link(app.test_client(), "nobody@example.com")
    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    assert known.get_data() == unknown.get_data()
    assert "If an account uses that address" in client.get(known.headers["Location"]).text
    app.extensions[DELIVERY].shutdown(wait=True)
    assert [m["To"] for m in mailbox.messages] == [client_user.email]


def test_a_bad_address_gets_a_message_and_no_mail(client, mailbox):
    response = ask_for_link(client, "not an address")
    assert response.status_code == 422
    assert "doesn&#39;t look like an email address" in response.text
    assert mailbox.messages == []


def test_resetting_confirms_the_address(app, client, mailbox):
    unconfirmed = make_user(app, verified=False)
    ask_for_link(client, unconfirmed.email)
    [mail] = mailbox.wait_for(to=unconfirmed.email)
    open_mailed_form(client, mail, "/reset-password", "reset-form", password=NEW_PASSWORD)
    with app.app_context():
        assert db.session.get(User, unconfirmed.id).email_verified_at is not None


def test_at_most_five_links_an_hour_to_one_address(app, client_user, mailbox):
    for attempt in range(5):
        browser = app.test_client()
        sent = ask_for_link(
            browser, client_user.email, environ_base={"REMOTE_ADDR": f"10.0.0.{attempt}"}
        )
        assert sent.status_code == 302
    blocked = ask_for_link(
        app.test_client(), client_user.email, environ_base={"REMOTE_ADDR": "10.0.0.99"}
    )
    assert blocked.status_code == 429
    assert "Too many tries" in blocked.text
    mailbox.wait_for(5, to=client_user.email)
    unknown = ask_for_link(app.test_client(), "nobody@example.com")
    assert unknown.status_code == 302, "another address is not held up"


def test_unknown_addresses_count_the_same(app, client):
    for _ in range(5):
        assert ask_for_link(client, "nobody@example.com").status_code == 302
    assert ask_for_link(client, "nobody@example.com").status_code == 429


def test_at_most_twenty_requests_an_hour_from_one_client(app, client):
    for number in range(20):
        assert ask_for_link(client, f"person{number}@example.com").status_code == 302
    blocked = ask_for_link(client, "one.more@example.com")
    assert blocked.status_code == 429
    assert "Too many tries" in blocked.text
    elsewhere = ask_for_link(
        app.test_client(), "one.more@example.com", environ_base={"REMOTE_ADDR": "10.0.0.7"}
    )
    assert elsewhere.status_code == 302
