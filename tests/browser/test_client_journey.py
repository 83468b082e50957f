"""A client on a phone: register, check in, log a routine, record a measurement."""

import re

import pytest

from selfcare.extensions import db
from selfcare.models import CheckIn, Measurement, RoutineLog, User
from selfcare.routines.exercises import visible_exercises
from selfcare.routines.service import create_routine

from .helpers import PHONE, register

pytestmark = pytest.mark.browser
CLIENT_ROLE = "A client tracking my own care"


def test_checkin_and_routine_in_five_taps(phone, live_server, live_app):
    register(phone, live_server, live_app, "Pat Phone", "pat@example.com", CLIENT_ROLE)
    phone.wait_for_url("**/today")
    with live_app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="pat@example.com"))
        exercises = visible_exercises(user.id)[:3]
        create_routine(user.id, "Evening neck routine", exercises)
        user_id = user.id
    phone.reload()

    taps = [
        phone.get_by_role("group", name="Neck").get_by_label("4", exact=True),
        phone.get_by_role("group", name="Upper back").get_by_label("2", exact=True),
        phone.get_by_role("group", name="Lower back").get_by_label("6", exact=True),
        phone.get_by_role("button", name="Save check-in").first,
        phone.get_by_role("button", name=re.compile(r"Done today\W+Evening neck routine")),
    ]
    for target in taps:
        target.click()
        phone.wait_for_load_state()
    phone.wait_for_url("**/today#routine-*")

    with live_app.app_context():
        checkin = db.session.scalar(db.select(CheckIn).filter_by(user_id=user_id))
        assert checkin.score_by_region() == {"neck": 4, "upper_back": 2, "lower_back": 6}
        assert (
            db.session.scalar(db.select(db.func.count(RoutineLog.id)).filter_by(user_id=user_id))
            == 1
        )
    assert phone.get_by_text(re.compile(r"Done today at \d\d:\d\d")).is_visible()


def test_content_security_policy_blocks_injected_scripts(phone, live_server):
    phone.goto(f"{live_server}/login")
    with pytest.raises(Exception, match="Content Security Policy"):
        phone.add_script_tag(content="window.injected = true")
    assert phone.evaluate("window.injected === undefined")


def test_record_a_neck_rotation_both_sides_in_one_entry(phone, live_server, live_app):
    register(phone, live_server, live_app, "Rory Rotation", "rory@example.com", CLIENT_ROLE)
    phone.goto(f"{live_server}/measurements/new")
    phone.get_by_role("link", name="Neck: turning the head").click()
    phone.get_by_label("Left (degrees)").fill("250")
    phone.get_by_role("button", name="Save measurement").click()
    assert phone.get_by_text("recorded between 0° and 100°").is_visible()
    phone.get_by_label("Left (degrees)").fill("68")
    phone.get_by_label("Right (degrees)").fill("74")
    phone.get_by_role("button", name="Save measurement").click()
    phone.wait_for_url("**/measurements")
    assert phone.get_by_text("Neck: turning the head (left): 68°").is_visible()
    assert phone.get_by_text("Neck: turning the head (right): 74°").is_visible()
    with live_app.app_context():
        saved = db.session.scalars(
            db.select(Measurement).join(User).filter(User.email == "rory@example.com")
        ).all()
        assert sorted((m.side, m.value) for m in saved) == [("left", 68.0), ("right", 74.0)]


@pytest.mark.parametrize("path", ["/today", "/trends", "/routines", "/sharing", "/account"])
def test_pages_reflow_without_sideways_scrolling_at_320_px(browser, live_server, live_app, path):
    """320 CSS pixels is a 1280-pixel window at 400 % zoom, or a 640-pixel one at 200 %
    (WCAG reflow): nothing may need scrolling sideways."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    # A long email address, as people have: it must wrap, not push the page sideways.
    email = f"a.rather.long.address.{path.strip('/')}@example-clinic-mail.com"
    register(page, live_server, live_app, "Zoe Zoom", email, CLIENT_ROLE)
    page.goto(live_server + path)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    context.close()
    assert overflow <= 0, f"{path} is {overflow}px wider than the screen"


def test_every_dose_of_a_routine_in_one_save(browser, live_server, live_app, check_accessibility):
    # axe comes in as a script: this context lets it past the CSP (tested above).
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True)
    phone = context.new_page()
    register(phone, live_server, live_app, "Dee Doses", "dee@example.com", CLIENT_ROLE)
    with live_app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="dee@example.com"))
        routine = create_routine(user.id, "Desk breaks", visible_exercises(user.id)[:2])
        routine_id, first, second = routine.id, *[item.exercise.name for item in routine.items]
    phone.goto(f"{live_server}/routines/{routine_id}")
    check_accessibility(phone, "routine editor")
    phone.locator("#items-0-sets").fill("4")
    phone.locator("#items-1-reps").fill("15")
    phone.locator("#items-1-note").fill("Shoulders down")
    phone.get_by_role("button", name="Save doses").click()
    phone.wait_for_url(f"**/routines/{routine_id}")
    assert phone.get_by_text("Doses saved.").is_visible()
    assert phone.locator("#items-0-sets").input_value() == "4"
    assert phone.locator("#items-1-note").input_value() == "Shoulders down"
    # Moving is a button of the same form: no script, no nested form.
    phone.get_by_role("button", name=re.compile(rf"Move up\W+{re.escape(second)}")).click()
    phone.wait_for_url(f"**/routines/{routine_id}#item-*")
    headings = phone.locator(".dose-list h3").all_inner_texts()
    assert headings == [f"1. {second}", f"2. {first}"]
