"""Nothing a person taps is lost or silently changed, on a phone: taps in any order, two tabs,
Back, an ended session, a pasted long text, the feedback of "Done today", and day one."""

import re

import pytest
from playwright.sync_api import expect

from selfcare.extensions import db
from selfcare.models import CheckIn, Measurement, RoutineLog, User
from selfcare.routines.exercises import visible_exercises
from selfcare.routines.service import create_routine

from .helpers import PHONE, register

pytestmark = pytest.mark.browser
CLIENT_ROLE = "A client tracking my own care"
ROUTINE = "Evening neck routine"


def new_client(page, base, app, email, routine=True) -> int:
    register(page, base, app, "Robin Rows", email, CLIENT_ROLE)
    page.wait_for_url("**/today")
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email))
        if routine:
            create_routine(user.id, ROUTINE, visible_exercises(user.id)[:2])
        user_id = user.id
    page.reload()
    return user_id


def rate(page, region: str, score: int) -> None:
    page.get_by_role("group", name=region).get_by_label(str(score), exact=True).click()


def rate_and_save(page, region: str, score: int) -> None:
    rate(page, region, score)
    page.get_by_role("button", name="Save check-in").first.click()
    page.wait_for_load_state()


def saved_scores(app, user_id) -> dict:
    with app.app_context():
        checkin = db.session.scalar(db.select(CheckIn).filter_by(user_id=user_id))
        return checkin.score_by_region() if checkin else {}


def count(app, model, user_id) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(model.id)).filter_by(user_id=user_id))


def test_done_today_after_rating_keeps_the_ratings_and_answers_where_tapped(
    phone, live_server, live_app
):
    user_id = new_client(phone, live_server, live_app, "order@example.com")
    rate(phone, "Neck", 8)
    rate(phone, "Lower back", 9)
    phone.get_by_role("button", name=re.compile(rf"Done today\W+{ROUTINE}")).click()
    phone.wait_for_url("**/today#routine-*")
    assert saved_scores(live_app, user_id) == {"neck": 8, "lower_back": 9}
    assert count(live_app, RoutineLog, user_id) == 1
    done = phone.get_by_text(re.compile(r"Done today at \d\d:\d\d"))
    expect(done).to_be_in_viewport()  # seen where the thumb is
    undo = phone.get_by_role("button", name=re.compile(rf"Undo the last one\W+{ROUTINE}"))
    assert undo.is_visible()
    assert phone.get_by_role("group", name="Neck").get_by_label("8", exact=True).is_checked()
    # A second tap is a deliberate "Log again", never a silent repeat.
    phone.get_by_role("button", name=re.compile(rf"Log again\W+{ROUTINE}")).click()
    phone.wait_for_load_state()
    assert count(live_app, RoutineLog, user_id) == 2
    undo.click()
    phone.wait_for_load_state()
    assert count(live_app, RoutineLog, user_id) == 1


def test_leaving_with_unsaved_ratings_asks_first(phone, live_server, live_app):
    new_client(phone, live_server, live_app, "leave@example.com", routine=False)
    rate(phone, "Neck", 6)
    asked = []

    def dismiss(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    phone.on("dialog", dismiss)
    phone.get_by_role("link", name="Trends").click()
    phone.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    assert phone.url.endswith("/today")


def test_two_tabs_editing_the_same_day_merge(browser, live_server, live_app):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    tab_a = context.new_page()
    user_id = new_client(tab_a, live_server, live_app, "tabs@example.com", routine=False)
    tab_b = context.new_page()
    tab_b.goto(f"{live_server}/today")  # loaded before tab A saves
    rate_and_save(tab_a, "Neck", 3)
    rate_and_save(tab_b, "Lower back", 7)
    assert saved_scores(live_app, user_id) == {"neck": 3, "lower_back": 7}
    # Both change the neck: the later save shows both values and lets the person choose.
    tab_a.goto(f"{live_server}/today")
    tab_b.goto(f"{live_server}/today")
    rate_and_save(tab_a, "Neck", 4)
    rate_and_save(tab_b, "Neck", 6)
    assert tab_b.get_by_text("saved elsewhere as 4. Yours, 6").is_visible()
    assert saved_scores(live_app, user_id)["neck"] == 4
    tab_b.get_by_role("button", name="Save check-in").first.click()  # keep mine
    tab_b.wait_for_load_state()
    assert saved_scores(live_app, user_id) == {"neck": 6, "lower_back": 7}
    context.close()


def test_back_then_save_asks_before_saving_a_measurement_twice(phone, live_server, live_app):
    user_id = new_client(phone, live_server, live_app, "back@example.com", routine=False)
    phone.goto(f"{live_server}/measurements/new/cervical_rotation")
    phone.get_by_label("Left (degrees)").fill("64")
    phone.get_by_role("button", name="Save measurement").click()
    phone.wait_for_url("**/measurements")
    phone.go_back()
    phone.get_by_label("Left (degrees)").fill("64")
    phone.get_by_role("button", name="Save measurement").click()
    assert phone.get_by_text("You already saved").is_visible()
    assert count(live_app, Measurement, user_id) == 1
    phone.get_by_label("Yes, save it again").check()
    phone.get_by_role("button", name="Save measurement").click()
    phone.wait_for_url("**/measurements")
    assert count(live_app, Measurement, user_id) == 2


def test_an_ended_session_keeps_what_was_typed(browser, live_server, live_app):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    user_id = new_client(page, live_server, live_app, "ended@example.com", routine=False)
    rate(page, "Neck", 7)
    page.get_by_text("Day type, sleep, stress, medication, note").click()
    page.get_by_label("Anything else worth remembering?").fill("Slept on a bad pillow")
    context.clear_cookies()  # the session ends while the page is open
    page.get_by_role("button", name="Save check-in").first.click()
    page.wait_for_url(re.compile(r"/login\?next=/today$"))
    assert page.get_by_text("Your session ended before this was saved").is_visible()
    page.get_by_label("Email").fill("ended@example.com")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/today")
    assert page.get_by_text("What you typed before is filled in below").is_visible()
    assert page.get_by_role("group", name="Neck").get_by_label("7", exact=True).is_checked()
    assert saved_scores(live_app, user_id) == {}  # nothing saved behind the person's back
    page.get_by_role("button", name="Save check-in").first.click()
    page.wait_for_load_state()
    assert saved_scores(live_app, user_id) == {"neck": 7}
    with live_app.app_context():
        checkin = db.session.scalar(db.select(CheckIn).filter_by(user_id=user_id))
        assert checkin.note == "Slept on a bad pillow"
    context.close()


def test_a_pasted_long_note_is_never_cut(phone, live_server, live_app):
    user_id = new_client(phone, live_server, live_app, "paste@example.com", routine=False)
    phone.get_by_text("Day type, sleep, stress, medication, note").click()
    note = phone.get_by_label("Anything else worth remembering?")
    note.fill("word " * 2000)  # 10,000 characters, as a paste
    assert len(note.input_value()) == 10_000
    assert phone.get_by_text("10,000 of 1,000 characters: 9,000 too many").is_visible()
    phone.get_by_role("button", name="Save check-in").last.click()
    assert phone.get_by_text("Please keep it to 1,000 characters or fewer.").is_visible()
    assert len(phone.get_by_label("Anything else worth remembering?").input_value()) >= 9_999
    assert count(live_app, CheckIn, user_id) == 0


def test_day_one_shows_no_scolding(phone, live_server, live_app):
    new_client(phone, live_server, live_app, "dayone@example.com")
    rate(phone, "Neck", 4)
    phone.get_by_role("button", name=re.compile(rf"Done today\W+{ROUTINE}")).click()
    phone.wait_for_load_state()
    phone.get_by_role("link", name="Trends").click()
    assert phone.get_by_text("Pain charts are on their way").is_visible()
    day_one = re.compile(r"Routine day since \d+ \w+: 1 of 1 \(100%\)\.")
    assert phone.locator("p", has_text=day_one).is_visible()
    assert phone.get_by_role("link", name="One-page report").is_visible()
