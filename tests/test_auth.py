from flask_login import current_user

from selfcare.auth.views import LOGIN_FAILED, safe_next_url
from selfcare.extensions import db
from selfcare.models import User

from .helpers import PASSWORD, csrf_token_from, log_in, make_user, submit


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


def test_register_creates_account_and_logs_in(app, client):
    response = register(client)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User))
    assert user.email == "robin@example.com"
    assert user.timezone == "America/New_York"
    assert user.password_hash.startswith("scrypt:")
    assert "Robin Reader" in client.get("/account").get_data(as_text=True)


def test_duplicate_email_is_refused_case_insensitively(app, client):
    register(client)
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/account").text)})
    response = register(client, email="ROBIN@example.COM")
    assert response.status_code == 422
    assert "already exists" in response.text
    assert count_users(app) == 1


def test_register_validation_messages_and_nothing_written(app, client):
    response = register(client, password="short", email="not-an-email", timezone="Mars/Olympus")
    assert response.status_code == 422
    page = response.text
    assert "Use between 8 and 128 characters." in page
    assert "doesn&#39;t look like an email address" in page
    assert "Not a valid choice" in page
    assert count_users(app) == 0


def test_password_longer_than_128_is_refused(app, client):
    response = register(client, password="x" * 129)
    assert response.status_code == 422
    assert count_users(app) == 0


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
    assert stored_user(app, client_user.id).check_password("a brand new passphrase")


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
