"""Confirming an address: the banner until it is confirmed, sending the link again, and changing
the address, which takes effect only when the link mailed to the new one is followed."""

from selfcare.auth.service import CONFIRM_LINK_USED
from selfcare.extensions import db
from selfcare.mail import DELIVERY
from selfcare.models import User

from .helpers import (
    PASSWORD,
    csrf_token_from,
    links_judged_later,
    log_in,
    mail_link,
    make_user,
    open_mailed_form,
    submit,
)

BANNER = "Please confirm your address"


def stored(app, user_id) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def change_email(client, new_email, password=PASSWORD):
    return submit(client, "/account/email", {"email": new_email, "current_password": password})


def test_an_unconfirmed_address_can_log_in_and_is_asked_to_confirm(app, client, mailbox):
    person = make_user(app, verified=False)
    log_in(client, person)
    page = client.get("/today").text
    assert BANNER in page
    response = submit(client, "/account/email/resend", page="/today")
    assert response.status_code == 302
    [mail] = mailbox.wait_for(to=person.email)
    assert mail["Subject"] == "Confirm your e-mail address"
    assert open_mailed_form(client, mail, "/confirm-email", "confirm-form").status_code == 302
    assert stored(app, person.id).email_verified_at is not None
    assert BANNER not in client.get("/today").text


def test_a_confirmed_address_shows_no_banner_and_gets_no_new_link(
    app, client, client_user, mailbox
):
    log_in(client, client_user)
    assert BANNER not in client.get("/today").text
    response = submit(client, "/account/email/resend", page="/account")
    assert response.status_code == 302
    app.extensions[DELIVERY].shutdown(wait=True)
    assert mailbox.messages == []


def test_a_confirmation_link_works_once(app, client, mailbox):
    person = make_user(app, verified=False)
    log_in(client, person)
    submit(client, "/account/email/resend", page="/today")
    [mail] = mailbox.wait_for(to=person.email)
    open_mailed_form(client, mail, "/confirm-email", "confirm-form")
    again = app.test_client().get(mail_link(mail, "/confirm-email"))
    assert again.status_code == 400
    assert str(CONFIRM_LINK_USED) in again.text


def test_expired_and_tampered_confirmation_links_are_refused(app, client, mailbox, monkeypatch):
    person = make_user(app, verified=False)
    log_in(client, person)
    submit(client, "/account/email/resend", page="/today")
    [mail] = mailbox.wait_for(to=person.email)
    link = mail_link(mail, "/confirm-email")
    tampered = client.get(link.replace("token=", "token=x"))
    assert tampered.status_code == 400
    assert "doesn&#39;t work" in tampered.text
    links_judged_later(monkeypatch, 24 * 3600 + 1)
    expired = client.get(link)
    assert expired.status_code == 400
    assert "This link has expired: links to confirm an address last a day." in expired.text
    assert stored(app, person.id).email_verified_at is None


def test_changing_the_address_waits_for_the_link(app, client, client_user, mailbox):
    log_in(client, client_user)
    assert 'href="/account/email"' in client.get("/account").text
    response = change_email(client, "New.Address@Example.com")
    assert response.headers["Location"] == "/account"
    assert "new.address@example.com" in client.get("/account").text
    assert stored(app, client_user.id).email == client_user.email

    [notice] = mailbox.wait_for(to=client_user.email)
    assert "change its e-mail address" in notice.get_body(("plain",)).get_content()
    assert "new.address" not in notice.as_string()
    [confirm] = mailbox.wait_for(to="new.address@example.com")
    assert confirm["Subject"] == "Confirm your new address"
    response = open_mailed_form(client, confirm, "/confirm-email", "confirm-form")
    assert response.headers["Location"] == "/account"

    user = stored(app, client_user.id)
    assert user.email == "new.address@example.com"
    assert user.email_verified_at is not None
    fresh = app.test_client()
    old = submit(fresh, "/login", {"email": client_user.email, "password": PASSWORD})
    assert old.status_code == 401
    new = submit(fresh, "/login", {"email": "new.address@example.com", "password": PASSWORD})
    assert new.status_code == 302
    assert app.test_client().get(mail_link(confirm, "/confirm-email")).status_code == 400


def test_changing_the_address_needs_the_password_and_a_real_address(
    app, client, client_user, mailbox
):
    log_in(client, client_user)
    wrong = change_email(client, "new@example.com", password="not my password")
    assert wrong.status_code == 422
    assert "isn&#39;t your current password" in wrong.text
    bad = change_email(client, "not an address")
    assert bad.status_code == 422
    same = change_email(client, client_user.email.upper())
    assert same.status_code == 422
    app.extensions[DELIVERY].shutdown(wait=True)
    assert mailbox.messages == []


def test_moving_to_a_taken_address_looks_the_same_and_mails_its_owner(
    app, client, client_user, mailbox
):
    owner = make_user(app, email="taken@example.com")
    log_in(client, client_user)
    taken = change_email(client, "taken@example.com")
    free = change_email(client, "free@example.com")
    assert taken.status_code == free.status_code == 302
    assert taken.headers["Location"] == free.headers["Location"]
    [mail] = mailbox.wait_for(to=owner.email)
    assert mail["Subject"] == "Someone tried to use your address"
    assert "/confirm-email" not in mail.as_string()
    assert stored(app, client_user.id).email == client_user.email


def test_a_link_to_an_address_taken_since_changes_nothing(app, client, client_user, mailbox):
    log_in(client, client_user)
    change_email(client, "wanted@example.com")
    [confirm] = mailbox.wait_for(to="wanted@example.com")
    make_user(app, email="wanted@example.com")
    response = open_mailed_form(client, confirm, "/confirm-email", "confirm-form")
    assert response.status_code == 400
    assert "belongs to another account" in response.text
    assert stored(app, client_user.id).email == client_user.email


def test_a_confirmation_post_without_a_token_is_refused(client):
    page = client.get("/login").text
    response = client.post("/confirm-email", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 422
    assert "damaged" in response.text


def test_an_address_link_stops_working_once_another_change_is_confirmed(
    app, client, client_user, mailbox
):
    """Confirming A to B, then B back to A, and replaying the first link moved the address to B
    again, without the password."""
    log_in(client, client_user)
    change_email(client, "second@example.com")
    [to_second] = mailbox.wait_for(to="second@example.com")
    assert open_mailed_form(client, to_second, "/confirm-email", "confirm-form").status_code == 302
    change_email(client, client_user.email)
    [back] = [m for m in mailbox.wait_for(2, to=client_user.email) if "Confirm" in m["Subject"]]
    assert open_mailed_form(client, back, "/confirm-email", "confirm-form").status_code == 302
    replay = app.test_client().get(mail_link(to_second, "/confirm-email"))
    assert replay.status_code == 400
    assert stored(app, client_user.id).email == client_user.email
