"""In Spanish on a phone: registration to the first check-in, a guided session, Trends and the
therapist's dashboard read in Spanish (the catalogue's words, found through the catalogue),
nothing scrolls sideways with the longer words at 320 and 390 px, and axe finds no serious
problem."""

import re

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from selfcare.demo import DEMO_PASSWORD
from selfcare.extensions import db
from selfcare.models import CheckIn, Exercise, RoutineLog, User
from selfcare.routines.service import create_routine

from .helpers import PHONE, mailed_link

pytestmark = pytest.mark.browser
SPANISH_BROWSER = {"locale": "es-ES"}
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def es(live_app):
    """The catalogue's Spanish for an English sentence: the test finds what a person reads."""

    def spanish(english: str, **values) -> str:
        with live_app.test_request_context(), force_locale("es"):
            return gettext(english, **values)

    return spanish


def spanish_phone(browser, width=PHONE["width"], **options):
    context = browser.new_context(
        viewport={"width": width, "height": PHONE["height"]},
        is_mobile=True,
        has_touch=True,
        **SPANISH_BROWSER,
        **options,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def assert_fits(page, label: str) -> None:
    assert page.locator("html").get_attribute("lang") == "es", label
    assert page.evaluate(SIDEWAYS) <= 0, f"{label} scrolls sideways"


def register_in_spanish(page, base, app, es, name, address):
    """A new client's account, registered and confirmed in Spanish."""
    page.goto(f"{base}/register")
    assert page.locator('select[name="language"]').input_value() == "es"
    page.get_by_label(es("Your name")).fill(name)
    page.get_by_label(es("Email")).fill(address)
    page.get_by_label(es("Password")).fill("a long enough passphrase")
    page.get_by_label(es("A client tracking my own care")).check()
    zone = page.locator('select[name="timezone"]')
    if not zone.input_value():
        zone.select_option("Europe/Madrid")
    page.get_by_role("button", name=es("Create account")).click()
    page.wait_for_url("**/register/check-your-email")
    page.goto(mailed_link(app, address, "/confirm-email"))
    page.get_by_role("button", name=es("Confirm my address")).click()


def test_from_registration_to_the_first_check_in(browser, live_server, live_app, es):
    page = spanish_phone(browser, width=320)
    try:
        register_in_spanish(page, live_server, live_app, es, "Lucía", "lucia@example.com")
        page.wait_for_url("**/today")
        assert_fits(page, "/today")
        page.get_by_role("group", name=es("Neck")).get_by_label("3", exact=True).click()
        page.get_by_role("button", name=es("Save check-in")).first.click()
        page.wait_for_load_state()
        assert_fits(page, "/today after saving")
        with live_app.app_context():
            user = db.session.scalar(db.select(User).filter_by(email="lucia@example.com"))
            assert user.language == "es"
            checkin = db.session.scalar(db.select(CheckIn).filter_by(user_id=user.id))
            assert checkin.score_by_region() == {"neck": 3}
    finally:
        page.context.close()


def test_a_guided_session_in_spanish(browser, live_server, live_app, es):
    page = spanish_phone(browser)
    page.clock.install()
    try:
        register_in_spanish(page, live_server, live_app, es, "Marta", "marta@example.com")
        page.wait_for_url("**/today")
        with live_app.app_context():
            user = db.session.scalar(db.select(User).filter_by(email="marta@example.com"))
            roll = db.session.scalar(db.select(Exercise).filter_by(slug="foam_roll_lats"))
            routine = create_routine(user.id, "Pausas", [roll])
            user_id, routine_id = user.id, routine.id
        page.goto(f"{live_server}/routines/{routine_id}/session")
        assert_fits(page, "guided session")
        step = page.locator(".log-exercise:not([hidden])")
        step.get_by_role("button", name=es("Start")).click()
        status = step.locator(".player-status")
        expect(status).to_have_text(es("%(phase)s: get ready", phase=es("left side")))
        page.clock.run_for(2 * (3_000 + 30_000) + 1_000)
        step.get_by_role("group", name=es("Pain during it")).get_by_label("2", exact=True).click()
        step.get_by_role("button", name=es("Finish")).click()
        page.get_by_role("button", name=es("Save log")).click()
        page.wait_for_url("**/routines/logs")
        assert_fits(page, "the log list")
        with live_app.app_context():
            log = db.session.scalar(db.select(RoutineLog).filter_by(user_id=user_id))
            assert [(item.done, item.pain_during) for item in log.items] == [(True, 2)]
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [320, 390])
def test_trends_and_the_dashboard_read_in_spanish(
    browser, live_server, live_app, people, es, width, check_accessibility
):
    with live_app.app_context():
        for address in ("layout-client@example.com", "layout-therapist@example.com"):
            db.session.scalar(db.select(User).filter_by(email=address)).language = "es"
        db.session.commit()
    try:
        for address, path, heading in (
            ("layout-client@example.com", "/trends", "Your trends"),
            ("layout-client@example.com", "/today", None),
            ("layout-therapist@example.com", "/therapist", "Your clients"),
        ):
            page = spanish_phone(browser, width=width, bypass_csp=True)
            page.goto(f"{live_server}/login")
            page.get_by_label(es("Email")).fill(address)
            page.get_by_label(es("Password")).fill(DEMO_PASSWORD)
            page.get_by_role("button", name=es("Log in")).click()
            page.goto(f"{live_server}{path}")
            if heading:
                expect(page.get_by_role("heading", level=1)).to_have_text(es(heading))
            assert not re.search(r"\b(January|February|Monday|Tuesday)\b", page.content())
            assert_fits(page, path)
            check_accessibility(page, f"{path} in Spanish at {width} px")
            page.context.close()
    finally:
        with live_app.app_context():
            for address in ("layout-client@example.com", "layout-therapist@example.com"):
                db.session.scalar(db.select(User).filter_by(email=address)).language = "en"
            db.session.commit()
