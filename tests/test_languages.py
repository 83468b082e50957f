"""Each person chooses the language the product speaks to them in: on registration, where the
browser's choice comes preselected, and on their account page. Pages, dates and mails follow it."""

from babel.dates import get_day_names

from selfcare.dates import local_today
from selfcare.extensions import db
from selfcare.models import User

from .helpers import form_values, log_in, make_user, submit

SPANISH_BROWSER = {"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}
ENGLISH_BROWSER = {"Accept-Language": "en-GB,en;q=0.9"}
NEW_PERSON = {
    "name": "Rosa Reader",
    "email": "rosa@example.com",
    "password": "a long enough passphrase",
    "role": "client",
    "timezone": "Europe/Madrid",
}


def stored_language(app, email: str) -> str | None:
    with app.app_context():
        return db.session.scalar(db.select(User.language).filter_by(email=email))


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(User.id)))


def register_as_shown(client, headers, **changes):
    """Fill in the registration form as a person would, leaving the language as it comes."""
    page = client.get("/register", headers=headers).text
    data = form_values(page, "register-form") | NEW_PERSON | changes
    return page, client.post("/register", data=data, headers=headers)


def test_a_spanish_browser_gets_spanish_preselected_and_the_account_keeps_it(app, client):
    page, response = register_as_shown(client, SPANISH_BROWSER)
    assert '<html lang="es">' in page
    assert form_values(page, "register-form")["language"] == "es"
    # Each language is listed in its own name, and marked as being in that language.
    assert 'lang="es"' in page and ">Español</option>" in page
    assert 'lang="en"' in page and ">English</option>" in page
    assert response.status_code == 302, response.text
    assert stored_language(app, "rosa@example.com") == "es"


def test_the_browsers_language_is_only_a_default(app, client):
    page = client.get("/register", headers={"Accept-Language": "de-DE,fr;q=0.8"}).text
    assert form_values(page, "register-form")["language"] == "en"
    page, response = register_as_shown(app.test_client(), ENGLISH_BROWSER, language="es")
    assert form_values(page, "register-form")["language"] == "en"
    assert response.status_code == 302
    assert stored_language(app, "rosa@example.com") == "es"


def test_an_unknown_language_is_refused_next_to_the_field(app, client):
    _, response = register_as_shown(client, ENGLISH_BROWSER, language="xx")
    assert response.status_code == 422
    errors = response.text.split('id="language-errors"', 1)[1].split("</ul>", 1)[0]
    assert "Please choose a language from the list." in errors
    assert count_users(app) == 0


def test_changing_the_language_on_the_account_page_changes_the_next_pages(app, client):
    person = make_user(app, timezone="Europe/Madrid")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB,en;q=0.9"
    log_in(client, person)
    page = client.get("/account").text
    assert '<html lang="en">' in page
    assert form_values(page, "profile-form")["language"] == "en"

    data = form_values(page, "profile-form") | {"language": "es"}
    response = client.post("/account", data=data)
    assert response.status_code == 302
    assert stored_language(app, person.email) == "es"

    # The person's own choice, not the browser's, from the very next page on.
    page = client.get(response.headers["Location"]).text
    assert '<html lang="es">' in page
    assert form_values(page, "profile-form")["language"] == "es"
    today = client.get("/today").text
    assert '<html lang="es">' in today
    weekday = get_day_names("wide", locale="es")[local_today("Europe/Madrid").weekday()]
    assert weekday in today  # "martes": the day's heading, dated by selfcare/dates.py
    english_weekday = get_day_names("wide", locale="en")[local_today("Europe/Madrid").weekday()]
    assert english_weekday not in today

    # And back.
    data = form_values(page, "profile-form") | {"language": "en"}
    assert client.post("/account", data=data).status_code == 302
    assert '<html lang="en">' in client.get("/today").text


def test_an_unknown_language_on_the_account_page_changes_nothing(app, client):
    person = make_user(app, name="Casey Client")
    log_in(client, person)
    data = form_values(client.get("/account").text, "profile-form")
    response = client.post("/account", data=data | {"language": "xx", "name": "Someone Else"})
    assert response.status_code == 422
    errors = response.text.split('id="language-errors"', 1)[1].split("</ul>", 1)[0]
    assert "Please choose a language from the list." in errors
    with app.app_context():
        user = db.session.get(User, person.id)
        assert (user.language, user.name) == ("en", "Casey Client")


def test_mails_come_in_the_recipients_language(app, client, mailbox):
    person = make_user(app)
    log_in(client, person)
    data = form_values(client.get("/account").text, "profile-form") | {"language": "es"}
    assert client.post("/account", data=data).status_code == 302
    # Asked from a browser that speaks English, logged out: the mail is still in Spanish.
    stranger = app.test_client()
    stranger.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB,en;q=0.9"
    submit(stranger, "/forgot-password", {"email": person.email})
    [mail] = mailbox.wait_for(to=person.email)
    html = next(part for part in mail.walk() if part.get_content_type() == "text/html")
    assert '<html lang="es">' in html.get_content()
