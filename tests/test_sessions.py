"""Sign-ins that end on the server: logout, lifetimes, the devices list, a password change, and a
recent password for making API tokens and taking the data away."""

from datetime import timedelta

import pytest

from selfcare.auth.service import device_label, device_parts
from selfcare.extensions import db
from selfcare.models import TOKEN_WRITE, AccessLogEntry, ApiToken, SignIn, utcnow

from .helpers import (
    PASSWORD,
    count_rows,
    csrf_token_from,
    fetch_all,
    log_in,
    logged_in_therapist,
    make_user,
    new_invite_code,
    redeem,
    submit,
)

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def device(app, user_agent: str):
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = user_agent
    return browser


def log_in_remembered(client, user):
    response = submit(
        client, "/login", {"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    return response


def log_out(client):
    return client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/account").text)})


def with_cookie(app, name: str, value: str):
    """A new browser holding only this cookie, as someone who copied it would."""
    browser = app.test_client()
    browser.set_cookie(name, value)
    return browser


def age_sign_ins(app, user_id: int, **ago: timedelta):
    """Move the user's sign-in times into the past: created_at=timedelta(hours=13), ..."""
    with app.app_context():
        for sign_in in db.session.scalars(db.select(SignIn).filter_by(user_id=user_id)):
            for column, delta in ago.items():
                setattr(sign_in, column, utcnow() - delta)
        db.session.commit()


def is_signed_in(client) -> bool:
    return client.get("/today").status_code == 200


def test_a_session_cookie_copied_before_logout_is_refused_after(app, client, client_user):
    log_in(client, client_user)
    copied = client.get_cookie("session").value
    assert with_cookie(app, "session", copied).get("/today").status_code == 200
    log_out(client)
    replay = with_cookie(app, "session", copied)
    today = replay.get("/today")
    assert today.status_code == 302 and today.headers["Location"].startswith("/login")
    export = replay.get("/account/export.fhir.json")
    assert export.status_code == 302 and export.headers["Location"].startswith("/login")
    assert count_rows(app, SignIn, user_id=client_user.id, ended_at=None) == 0


def test_the_remember_cookie_alone_stops_working_at_logout(app, client, client_user):
    log_in_remembered(client, client_user)
    remembered = client.get_cookie("remember_token").value
    assert is_signed_in(with_cookie(app, "remember_token", remembered))
    log_out(client)
    assert not is_signed_in(with_cookie(app, "remember_token", remembered))


@pytest.mark.parametrize(
    ("remember", "idle", "signed_in"),
    [
        (False, timedelta(minutes=29), True),
        (False, timedelta(minutes=31), False),
        (True, timedelta(days=29), True),
        (True, timedelta(days=31), False),
    ],
)
def test_a_sign_in_ends_when_unused_too_long(app, client, client_user, remember, idle, signed_in):
    (log_in_remembered if remember else log_in)(client, client_user)
    age_sign_ins(app, client_user.id, last_seen_at=idle)
    assert is_signed_in(client) is signed_in
    if remember:  # the remember cookie can't bring it back either
        browser = with_cookie(app, "remember_token", client.get_cookie("remember_token").value)
        assert is_signed_in(browser) is signed_in


@pytest.mark.parametrize(
    ("remember", "age", "signed_in"),
    [
        (False, timedelta(hours=11), True),
        (False, timedelta(hours=13), False),
        (True, timedelta(days=89), True),
        (True, timedelta(days=91), False),
    ],
)
def test_a_sign_in_ends_at_its_absolute_lifetime(
    app, client, client_user, remember, age, signed_in
):
    (log_in_remembered if remember else log_in)(client, client_user)
    age_sign_ins(app, client_user.id, created_at=age)  # though used a moment ago
    assert is_signed_in(client) is signed_in
    assert count_rows(app, SignIn, user_id=client_user.id, ended_at=None) == int(signed_in)


def test_last_seen_is_written_at_most_once_a_minute(app, client, client_user):
    log_in(client, client_user)
    age_sign_ins(app, client_user.id, last_seen_at=timedelta(seconds=30))
    with app.app_context():
        before = db.session.scalar(db.select(SignIn.last_seen_at))
    client.get("/today")
    with app.app_context():
        assert db.session.scalar(db.select(SignIn.last_seen_at)) == before
    age_sign_ins(app, client_user.id, last_seen_at=timedelta(minutes=2))
    client.get("/today")
    with app.app_context():
        assert utcnow() - db.session.scalar(db.select(SignIn.last_seen_at)) < timedelta(minutes=1)


def test_the_account_page_lists_devices_and_signs_one_out(app, client_user):
    laptop, phone = device(app, FIREFOX_LINUX), device(app, SAFARI_IPHONE)
    log_in(laptop, client_user)
    log_in(phone, client_user)
    page = laptop.get("/account").text
    assert "Firefox on Linux" in page and "Safari on iPhone" in page
    assert page.count("this device") == 1
    assert 'Firefox on Linux</strong> <span class="tag">this device' in page
    with app.app_context():
        iphone = db.select(SignIn.id).filter_by(device_browser="Safari", device_system="iPhone")
        phone_id = db.session.scalar(iphone)
    response = submit(laptop, f"/account/devices/{phone_id}/sign-out", page="/account")
    assert response.status_code == 302
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)
    assert "Safari on iPhone" not in laptop.get("/account").text


def test_sign_out_everywhere_else_keeps_this_device(app, client_user):
    laptop, phone, desktop = (
        device(app, agent) for agent in (FIREFOX_LINUX, SAFARI_IPHONE, CHROME_WINDOWS)
    )
    for browser in (laptop, phone, desktop):
        log_in(browser, client_user)
    response = submit(laptop, "/account/devices/sign-out-others", page="/account")
    assert response.status_code == 302
    assert is_signed_in(laptop)
    assert not is_signed_in(phone) and not is_signed_in(desktop)
    page = laptop.get("/account").text
    assert "Chrome on Windows" not in page and "Sign out everywhere else" not in page


def test_another_persons_device_is_not_found(app, client, client_user):
    other = make_user(app, name="Other")
    other_browser = app.test_client()
    log_in(other_browser, other)
    log_in(client, client_user)
    with app.app_context():
        theirs = db.session.scalar(db.select(SignIn.id).filter_by(user_id=other.id))
    response = submit(client, f"/account/devices/{theirs}/sign-out", page="/account")
    assert response.status_code == 404
    assert is_signed_in(other_browser)


def test_a_password_change_ends_other_sessions_and_every_api_token(app, client, client_user):
    phone = app.test_client()
    log_in_remembered(phone, client_user)
    remembered = phone.get_cookie("remember_token").value
    log_in(client, client_user)
    page = submit(client, "/account/tokens", {"name": "sheet", "scope": TOKEN_WRITE}).text
    token = page.split("<code>")[1].split("</code>")[0]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/checkins", headers=bearer).status_code == 200
    response = submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(phone)
    assert not is_signed_in(with_cookie(app, "remember_token", remembered))
    assert client.get("/api/v1/checkins", headers=bearer).status_code == 401
    assert count_rows(app, ApiToken, user_id=client_user.id) == 0
    assert count_rows(app, SignIn, user_id=client_user.id, ended_at=None) == 1


def test_exports_need_a_recent_password(app, client, client_user):
    log_in(client, client_user)
    assert client.get("/account/export.zip").status_code == 200  # entered at login just now
    age_sign_ins(app, client_user.id, password_entered_at=timedelta(minutes=11))
    for path in ("/account/export.zip", "/account/export.fhir.json"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/account/confirm?next={path}"
    wrong = submit(client, "/account/confirm?next=/account/export.zip", {"password": "nope"})
    assert wrong.status_code == 422 and "isn&#39;t your password" in wrong.text
    assert client.get("/account/export.zip").status_code == 302
    confirmed = submit(client, "/account/confirm?next=/account/export.zip", {"password": PASSWORD})
    assert confirmed.headers["Location"] == "/account/export.zip"
    download = client.get("/account/export.zip")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert client.get("/account/export.fhir.json").status_code == 200


def test_a_new_token_needs_a_recent_password_and_keeps_what_was_typed(app, client, client_user):
    log_in(client, client_user)
    age_sign_ins(app, client_user.id, password_entered_at=timedelta(minutes=11))
    response = submit(client, "/account/tokens", {"name": "watch app", "scope": TOKEN_WRITE})
    assert response.headers["Location"] == "/account/confirm?next=/account/tokens"
    assert count_rows(app, ApiToken, user_id=client_user.id) == 0
    submit(client, "/account/confirm?next=/account/tokens", {"password": PASSWORD})
    page = client.get("/account/tokens").text
    assert "What you typed before is filled in below" in page
    assert 'value="watch app"' in page
    made = submit(client, "/account/tokens", {"name": "watch app", "scope": TOKEN_WRITE})
    assert made.status_code == 200 and "Your new token" in made.text
    assert count_rows(app, ApiToken, user_id=client_user.id, scope=TOKEN_WRITE) == 1


def test_a_session_from_the_remember_cookie_alone_is_not_fresh(app, client, client_user):
    log_in_remembered(client, client_user)
    browser = with_cookie(app, "remember_token", client.get_cookie("remember_token").value)
    assert is_signed_in(browser)  # password entered a moment ago, but on another session
    export = browser.get("/account/export.fhir.json")
    assert export.headers["Location"] == "/account/confirm?next=/account/export.fhir.json"
    made = submit(browser, "/account/tokens", {"name": "stolen"})
    assert made.status_code == 302 and count_rows(app, ApiToken, user_id=client_user.id) == 0
    submit(browser, "/account/confirm", {"password": PASSWORD})
    assert browser.get("/account/export.fhir.json").status_code == 200


def test_confirming_goes_back_only_within_the_site(client, client_user):
    log_in(client, client_user)
    response = submit(client, "/account/confirm?next=https://evil.example/", {"password": PASSWORD})
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize("owner_returns", [True, False], ids=["owner", "someone else"])
def test_what_was_typed_when_a_sign_in_expired_waits_for_its_owner(
    app, client, client_user, owner_returns
):
    log_in(client, client_user)
    page = client.get("/today").text
    age_sign_ins(app, client_user.id, last_seen_at=timedelta(hours=1))
    sent = client.post("/today", data={"csrf_token": csrf_token_from(page), "pain_neck": "7"})
    assert sent.headers["Location"] == "/login?next=/today"
    log_in(client, client_user if owner_returns else make_user(app, name="Someone Else"))
    today = client.get("/today").text
    assert ("filled in below" in today) is owner_returns
    assert ('name="pain_neck" id="pain_neck-7" value="7" checked' in today) is owner_returns


@pytest.mark.parametrize(
    ("user_agent", "parts", "name"),
    [
        (FIREFOX_LINUX, ("Firefox", "Linux"), "Firefox on Linux"),
        (SAFARI_IPHONE, ("Safari", "iPhone"), "Safari on iPhone"),
        (CHROME_WINDOWS, ("Chrome", "Windows"), "Chrome on Windows"),
        (CHROME_WINDOWS + " Edg/131.0.0.0", ("Edge", "Windows"), "Edge on Windows"),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131 Mobile",
            ("Chrome", "Android"),
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Version/18.1 Safari/605",
            ("Safari", "macOS"),
            "Safari on macOS",
        ),
        ("Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101", ("", "Linux"), "Linux"),
        ("curl/8.5.0", ("curl", ""), "curl"),
        ("", ("", ""), "Unknown device"),
    ],
)
def test_device_names_a_person_recognises(user_agent, parts, name):
    """The names are kept; the sentence joining them is made when it is read."""
    assert device_parts(user_agent) == parts
    browser, system = parts
    assert device_label(SignIn(device_browser=browser, device_system=system)) == name


def test_sign_ins_past_every_lifetime_are_forgotten_at_the_next_login(app, client, client_user):
    log_in(client, client_user)
    log_out(client)
    age_sign_ins(app, client_user.id, created_at=timedelta(days=91))
    log_in(client, client_user)
    assert count_rows(app, SignIn, user_id=client_user.id) == 1


def test_a_therapists_export_needs_a_recent_password_and_is_logged_once(
    app, logged_in_client, client_user
):
    browser, therapist = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    age_sign_ins(app, therapist.id, password_entered_at=timedelta(minutes=11))
    path = f"/therapist/clients/{client_user.id}/export.zip"
    assert browser.get(path).headers["Location"] == f"/account/confirm?next={path}"
    assert count_rows(app, AccessLogEntry, client_id=client_user.id) == 0
    submit(browser, f"/account/confirm?next={path}", {"password": PASSWORD})
    assert browser.get(path).status_code == 200
    [entry] = fetch_all(app, AccessLogEntry, client_id=client_user.id)
    assert entry.purpose == "export_csv"
