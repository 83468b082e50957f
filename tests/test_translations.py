"""Every sentence a person reads is in their own language. The pseudo-locale finds any that
nobody marked: each page and mail, shown in it, may keep no English word but what people
typed, the product's name and the calendar's."""

import re
from datetime import date

import pytest
from babel.messages.pofile import read_po

from selfcare import languages
from selfcare.auth.mails import (
    send_address_change_notice,
    send_address_confirmation,
    send_address_in_use,
    send_password_reset,
)
from selfcare.extensions import db
from selfcare.models import (
    AccessLogEntry,
    ApiToken,
    Appointment,
    CheckIn,
    Exercise,
    Measurement,
    ProgrammeChange,
    ProgrammeTemplate,
    PsfsActivity,
    Routine,
    RoutineItem,
    RoutineLog,
    SignIn,
    User,
)
from selfcare.reminders.mails import send_due
from selfcare.reminders.service import Due

from .helpers import log_in, mail_html, mail_text, site_world, walk_site
from .pseudo_locale import PSEUDO_LANGUAGE, TEMPLATE, unmarked_text

MAX_PAGES = 160
# What people type, wherever a page shows it: never translated.
TYPED_COLUMNS = (
    User.name,
    User.email,
    CheckIn.note,
    CheckIn.medication_note,
    Routine.name,
    RoutineItem.note,
    RoutineLog.note,
    Measurement.note,
    Appointment.note,
    ProgrammeChange.changed_by_name,
    ProgrammeTemplate.name,
    AccessLogEntry.therapist_name,
    ApiToken.name,
    PsfsActivity.name,
)
# Names read from a browser's user agent, shown in the list of sign-ins: the same in every
# language (the sentence joining them is translated).
NAME_COLUMNS = (SignIn.device_browser, SignIn.device_system)


def typed_text() -> set[str]:
    columns = TYPED_COLUMNS + NAME_COLUMNS
    typed = {value for column in columns for value in db.session.scalars(db.select(column))}
    # A therapist's own exercises; the library's are reference texts, translated.
    own = db.select(Exercise.name, Exercise.how_to).where(Exercise.slug.is_(None))
    typed |= {value for row in db.session.execute(own) for value in row}
    typed |= set(languages.LANGUAGES.values())  # each language's name for itself, never translated
    return {value for value in typed if value and len(value) > 1}


@pytest.fixture
def app_settings(pseudo_catalogue):
    return {"BABEL_TRANSLATION_DIRECTORIES": f"translations;{pseudo_catalogue}"}


def speaking_pseudo(app, people) -> None:
    with app.app_context():
        for person in people:
            db.session.get(User, person.id).language = PSEUDO_LANGUAGE
        db.session.commit()


@pytest.mark.slow
@pytest.mark.parametrize("visitor", ["anonymous", "client", "therapist"])
def test_every_page_is_in_the_pseudo_locale(pseudo_app, visitor):
    accounts = site_world(pseudo_app)
    speaking_pseudo(pseudo_app, accounts.values())
    browser = pseudo_app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-150,en;q=0.5"
    if visitor != "anonymous":
        log_in(browser, accounts[visitor])
    with pseudo_app.app_context():
        typed = typed_text()
    pages, unmarked = 0, {}
    # The offline pages are the service worker's, linked from nowhere.
    for url, response in walk_site(browser, MAX_PAGES, start=("/", "/offline", "/offline/today")):
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        pages += 1
        assert '<html lang="en-150">' in response.text, url
        found = unmarked_text(response.text, typed)
        if found:
            unmarked[url] = found
    assert pages >= {"anonymous": 4, "client": 40, "therapist": 10}[visitor]
    assert unmarked == {}, "unmarked:\n" + "\n".join(
        f"{url}: {found}" for url, found in unmarked.items()
    )


def test_every_mail_is_in_the_recipients_language(pseudo_app, mailbox, client_user):
    speaking_pseudo(pseudo_app, [client_user])
    with pseudo_app.test_request_context():
        person = db.session.get(User, client_user.id)
        send_address_confirmation(person, person.email)
        send_address_confirmation(person, "new-address@example.com")
        send_address_in_use(person)
        send_password_reset(person)
        send_address_change_notice(person)
        for routine_id, quiet in ((None, False), (None, True), (1, False)):
            send_due(Due(person.id, person.email, person.name, routine_id, quiet, PSEUDO_LANGUAGE))
    mails = mailbox.wait_for(8)
    typed = {person.name, person.email, "new-address@example.com"}
    for mail in mails:
        assert mail["Subject"].strip().startswith("["), mail["Subject"]
        assert '<html lang="en-150">' in mail_html(mail)
        text = mail_text(mail)
        assert unmarked_text(mail_html(mail), typed) == [], mail["Subject"]
        assert unmarked_text(f"<p>{text}</p>", typed) == [], mail["Subject"]


def test_a_browser_that_asks_for_spanish_gets_it_before_signing_in(client):
    page = client.get("/login", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}).text
    assert '<html lang="es">' in page
    page = client.get("/login", headers={"Accept-Language": "de-DE,fr;q=0.8"}).text
    assert '<html lang="en">' in page


def test_dates_follow_the_language(app):
    from selfcare.dates import format_day

    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert format_day(date(2026, 11, 25), "long") == "miércoles, 25 de noviembre de 2026"
    with app.test_request_context():
        assert format_day(date(2026, 11, 25), "long") == "Wednesday 25 November 2026"


# What a translation must carry over from the English: placeholders and markup.
KEPT = re.compile(r"%\(\w+\)[sdif]|<[^>]*>")


def _kept(text: str) -> list[str]:
    return sorted(KEPT.findall(text))


@pytest.mark.parametrize("language", [code for code in languages.LANGUAGES if code != "en"])
def test_each_catalogue_translates_every_sentence_keeping_its_placeholders(language):
    with TEMPLATE.open("rb") as source:
        template = read_po(source)
    path = TEMPLATE.parent / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        catalogue = read_po(source, locale=language)
    problems = []
    for entry in template:
        if not entry.id:
            continue
        translated = catalogue.get(entry.id)
        forms = translated.string if translated else None
        if not forms or (translated.pluralizable and not all(forms)):
            problems.append(("missing", entry.id))
        elif translated.fuzzy:
            problems.append(("fuzzy", entry.id))
        elif translated.pluralizable:
            # The singular may say "one" in words; every form keeps the plural's markup.
            plural = entry.id[1]
            problems += [
                ("placeholders differ", entry.id)
                for form in forms
                if _kept(form.replace("%(num)d", "")) != _kept(plural.replace("%(num)d", ""))
            ][:1]
        elif _kept(forms) != _kept(entry.id):
            problems.append(("placeholders differ", entry.id))
    assert problems == []


def test_numbers_follow_the_language_and_round_as_everywhere(app):
    from selfcare.number_format import decimal, percent, short_decimal

    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert (decimal(4.35), short_decimal(2.5, 1), short_decimal(10.0)) == ("4,3", "2,5", "10")
        assert percent(0.625).replace("\xa0", " ") == "62 %"
    with app.test_request_context():
        # The float's own digits decide, as f"{value:.1f}" and the API's figures do.
        assert [decimal(value) for value in (4.35, 0.05, 10)] == ["4.3", "0.1", "10.0"]
        assert percent(0.625) == f"{0.625:.0%}" == "62%"
