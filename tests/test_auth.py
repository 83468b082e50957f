import re

from flask_login import current_user
from werkzeug.security import generate_password_hash

from selfcare.auth.forms import PASSWORD_TOO_GUESSABLE
from selfcare.auth.views import LOGIN_FAILED
from selfcare.extensions import db
from selfcare.models import User
from selfcare.pages import safe_next_url

from .helpers import (
    PASSWORD,
    csrf_token_from,
    form_values,
    log_in,
    mail_link,
    make_user,
    open_mailed_form,
    submit,
)


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(User.id)))


def stored_user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def register(client, **overrides):
    data = {
        "name": "Robin Reader",
        "email": "Robin@Example.com",
        "password": "a long enough passphrase",
        "role": "client",
        "timezone": "America/New_York",
    }
    data.update(overrides)
    return submit(client, "/register", data)


def test_register_creates_account_and_mails_a_link_that_confirms_and_logs_in(app, client, mailbox):
    response = register(client)
    assert response.headers["Location"] == "/register/check-your-email"
    assert "Check your e-mail to finish" in client.get(response.headers["Location"]).text
    with app.app_context():
        user = db.session.scalar(db.select(User))
    assert user.email == "robin@example.com"
    assert user.timezone == "America/New_York"
    assert user.password_hash.startswith("$argon2id$")
    assert user.email_verified_at is None
    assert client.get("/account").status_code == 302, "not logged in before confirming"

    [mail] = mailbox.wait_for(to="robin@example.com")
    response = open_mailed_form(client, mail, "/confirm-email", "confirm-form")
    assert response.headers["Location"] == "/today"
    assert "Robin Reader" in client.get("/account").text
    assert stored_user(app, user.id).email_verified_at is not None


def test_register_with_a_taken_address_looks_the_same_and_mails_the_owner(app, client, mailbox):
    owner = make_user(app, email="robin@example.com", name="Robin Owner")
    new = register(app.test_client(), email="someone.new@example.com")
    taken = register(client, email="ROBIN@example.COM", password="a different long phrase")
    assert (taken.status_code, taken.headers["Location"]) == (
        new.status_code,
        new.headers["Location"],
    )
    assert count_users(app) == 2
    assert stored_user(app, owner.id).name == "Robin Owner"
    [mail] = mailbox.wait_for(to="robin@example.com")
    assert mail["Subject"] == "Someone tried to use your address"
    assert "/forgot-password" in mail_link(mail, "/forgot-password")
    assert "/confirm-email" not in mail.as_string()


def test_register_validation_messages_and_nothing_written(app, client):
    response = register(client, password="short", email="not-an-email", timezone="Mars/Olympus")
    assert response.status_code == 422
    page = response.text
    assert "Use between 12 and 128 characters." in page
    assert PASSWORD_TOO_GUESSABLE.replace("'", "&#39;") not in page
    assert "doesn&#39;t look like an email address" in page
    assert "Please choose your time zone from the list" in page
    assert count_users(app) == 0


def test_without_javascript_registration_asks_for_the_time_zone(app, client):
    """No script runs in the test client: the page asks, nothing is assumed, the choice is kept."""
    page = client.get("/register").text
    assert '<option selected value="">Choose your time zone</option>' in page
    assert '<optgroup label="Europe">' in page and '<option value="Europe/Lisbon">Lisbon' in page
    assert form_values(page, "register-form")["timezone"] == ""
    typed = {
        "name": "Noor",
        "email": "noor@example.com",
        "password": "a long enough passphrase",
    }

    response = client.post("/register", data=form_values(page, "register-form") | typed)
    assert response.status_code == 422
    assert re.search(
        r'id="timezone-errors">\s*<li>Please choose your time zone from the list', response.text
    )
    assert count_users(app) == 0

    # The page kept what was typed except the password, which is typed again.
    chosen = form_values(response.text, "register-form") | {
        "password": typed["password"],
        "timezone": "Asia/Kolkata",
    }
    assert client.post("/register", data=chosen).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(User.timezone)) == "Asia/Kolkata"


def test_password_longer_than_128_is_refused(app, client):
    response = register(client, password="x" * 129)
    assert response.status_code == 422
    assert count_users(app) == 0


def test_password_of_128_characters_is_kept_whole(app, client):
    words = "lantern quiet mango river copper fennel harbour violet thimble orbit walrus cobalt "
    password = (words * 2)[:128]
    assert len(password) == 128
    register(client, password=password)
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.check_password(password)
        assert not user.check_password(password[:127])


def test_password_field_has_no_maxlength(client):
    assert "maxlength" not in client.get("/register").text


def test_common_and_guessable_passwords_are_refused_kindly(app, client):
    for guessable in ["123456789012", "password1234", "qwertyuiopas", "Robin Reader 1"]:
        response = register(client, password=guessable)
        assert response.status_code == 422, guessable
        assert PASSWORD_TOO_GUESSABLE.replace("'", "&#39;") in response.text
    assert count_users(app) == 0


def test_passwords_are_hashed_with_argon2id(app, client_user):
    with app.app_context():
        stored = db.session.get(User, client_user.id).password_hash
    assert stored.startswith("$argon2id$v=19$")


def test_an_old_scrypt_hash_still_logs_in_and_is_upgraded_to_argon2id(app, client, client_user):
    with app.app_context():
        user = db.session.get(User, client_user.id)
        user.password_hash = generate_password_hash(PASSWORD, method="scrypt:4096:8:1")
        db.session.commit()
    other_device = app.test_client()
    log_in(other_device, client_user)
    stored = stored_user(app, client_user.id)
    assert stored.password_hash.startswith("$argon2id$")
    log_in(client, client_user)
    assert other_device.get("/account").status_code == 200
    stranger = app.test_client()
    failed = submit(stranger, "/login", {"email": client_user.email, "password": "scrypt guess"})
    assert failed.status_code == 401


def test_a_hash_with_weaker_argon2_parameters_is_upgraded(app, client, client_user):
    app.config["PASSWORD_HASH_PARAMETERS"] = {"time_cost": 2, "memory_cost": 16, "parallelism": 1}
    log_in(client, client_user)
    assert "m=16,t=2,p=1" in stored_user(app, client_user.id).password_hash


def test_login_and_logout(client, client_user):
    response = log_in(client, client_user)
    assert response.headers["Location"] == "/today"
    with client:
        client.get("/account")
        assert current_user.id == client_user.id
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/account").text)})
    assert client.get("/account").status_code == 302


def test_wrong_password_and_unknown_email_give_the_same_message(client, client_user):
    wrong_password = submit(client, "/login", {"email": client_user.email, "password": "nope nope"})
    unknown_email = submit(client, "/login", {"email": "nobody@example.com", "password": "nope"})
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert LOGIN_FAILED.replace("'", "&#39;") in wrong_password.text
    assert LOGIN_FAILED.replace("'", "&#39;") in unknown_email.text


def test_login_email_is_case_insensitive(client, client_user):
    response = submit(client, "/login", {"email": client_user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302


def test_next_is_followed_only_within_the_site(client, client_user):
    data = {"email": client_user.email, "password": PASSWORD}
    response = submit(client, "/login?next=/account", data)
    assert response.headers["Location"] == "/account"
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/account").text)})
    response = submit(client, "/login?next=https://evil.example/steal", data)
    assert response.headers["Location"] == "/today"


def test_safe_next_url_rejects_other_sites():
    assert safe_next_url("/trends?range=all") == "/trends?range=all"
    for bad in [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "javascript:x",
        "",
        None,
    ]:
        assert safe_next_url(bad) is None


def test_post_without_csrf_token_is_rejected(client, client_user):
    response = client.post("/login", data={"email": client_user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "expired" in response.text
    assert client.get("/account").status_code == 302


def test_login_is_rate_limited_after_repeated_failures(app, client, client_user):
    app.config["LOGIN_RATE_LIMIT"] = "3 per 15 minutes"
    for _ in range(3):
        response = submit(client, "/login", {"email": client_user.email, "password": "wrong pass"})
        assert response.status_code == 401
    blocked = submit(client, "/login", {"email": client_user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many tries" in blocked.text


def test_successful_logins_do_not_use_up_the_limit(app, client, client_user):
    app.config["LOGIN_RATE_LIMIT"] = "2 per 15 minutes"
    for _ in range(4):
        log_in(client, client_user)
        client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/account").text)})


def test_change_password_signs_out_other_sessions(app, client, client_user):
    other_device = app.test_client()
    log_in(other_device, client_user)
    log_in(client, client_user)
    response = submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302
    with app.app_context():
        assert db.session.get(User, client_user.id).check_password("a brand new passphrase")


def test_change_password_needs_the_current_one(app, client, client_user):
    log_in(client, client_user)
    old_hash = stored_user(app, client_user.id).password_hash
    response = submit(
        client,
        "/account/password",
        {"current_password": "not it at all", "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 422
    assert "isn&#39;t your current password" in response.text
    assert stored_user(app, client_user.id).password_hash == old_hash


def test_change_password_follows_the_same_rules(app, client, client_user):
    log_in(client, client_user)
    old_hash = stored_user(app, client_user.id).password_hash
    for weak in ["too short", "password1234"]:
        response = submit(
            client, "/account/password", {"current_password": PASSWORD, "new_password": weak}
        )
        assert response.status_code == 422
    assert stored_user(app, client_user.id).password_hash == old_hash


def test_session_cookie_changes_at_login(client, client_user):
    client.get("/login")
    before = client.get_cookie("session")
    log_in(client, client_user)
    after = client.get_cookie("session")
    assert after is not None and (before is None or before.value != after.value)


def test_profile_update_and_timezone(app, client, client_user):
    log_in(client, client_user)
    response = submit(client, "/account", {"name": "Casey C.", "timezone": "Asia/Tokyo"})
    assert response.status_code == 302
    assert stored_user(app, client_user.id).timezone == "Asia/Tokyo"


def test_pages_need_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_error_pages_use_the_site_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="top-bar"' in response.text


def test_therapist_lands_on_their_home(app, client):
    therapist = make_user(app, "therapist")
    response = log_in(client, therapist)
    assert response.status_code == 302


def test_next_url_with_control_characters_is_dropped(client, client_user):
    """A CR/LF in ?next= (header injection) answered 500; now it is ignored."""
    response = submit(
        client,
        "/login?next=/%0d%0aX-Injected:%201",
        {"email": client_user.email, "password": PASSWORD},
        page="/login",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/today"
    assert "X-Injected" not in response.headers


def test_registration_is_rate_limited(app, client):
    app.config["REGISTER_RATE_LIMIT"] = "2 per hour"
    statuses = [
        submit(
            app.test_client(),
            "/register",
            {
                "name": "Sam",
                "email": f"sam{n}@example.com",
                "password": PASSWORD,
                "role": "client",
                "timezone": "UTC",
            },
        ).status_code
        for n in range(3)
    ]
    assert statuses[2] == 429


def test_a_confirmation_link_signs_in_without_counting_as_a_password(app, client, mailbox):
    """The link signed people in as if they had typed their password: enough for exports and
    new API tokens."""
    register(client)
    [mail] = mailbox.wait_for(to="robin@example.com")
    assert open_mailed_form(client, mail, "/confirm-email", "confirm-form").status_code == 302
    export = client.get("/account/export.zip")
    assert export.status_code == 302 and "/account/confirm" in export.headers["Location"]


def test_guessing_the_current_password_is_limited(app, client, client_user):
    """A stolen session could try passwords on the change-password page without end."""
    app.config["PASSWORD_CHECK_RATE_LIMIT"] = "3 per hour"
    log_in(client, client_user)
    wrong = {"current_password": "not my password at all", "new_password": "mossy pebble violin"}
    statuses = [submit(client, "/account/password", wrong).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    delete = submit(client, "/account/delete", {"password": "still not it"}, page="/account")
    assert delete.status_code == 429  # one budget for every page that checks the password


def test_a_reset_refuses_the_persons_own_name_or_address_as_password(app, client, mailbox):
    make_user(app, email="eve.adams@example.org", name="Eve Adams")
    submit(client, "/forgot-password", {"email": "eve.adams@example.org"})
    [mail] = mailbox.wait_for(to="eve.adams@example.org")
    response = open_mailed_form(
        client, mail, "/reset-password", "reset-form", password="eve.adams@example.org"
    )
    assert response.status_code == 422
    assert PASSWORD_TOO_GUESSABLE.replace("'", "&#39;") in response.text
