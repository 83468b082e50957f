"""On a phone: sharing a code by copy or share sheet, taking back a stop, and measuring a
movement with the phone's own motion sensor (Chromium's device-orientation override, and a fake
clock for the still holds)."""

import pytest
from playwright.sync_api import expect

from selfcare.extensions import db
from selfcare.models import Share
from selfcare.sharing.service import create_invite, redeem_invite

from ..helpers import PASSWORD, make_user
from .helpers import PHONE

pytestmark = pytest.mark.browser
PHONE_CONTEXT = {"viewport": PHONE, "is_mobile": True, "has_touch": True}
FLEXION = "/measurements/new/cervical_flexion"


def logged_in_phone(browser, live_server, live_app, **context):
    client = make_user(live_app, name="Pat Phone")
    page = browser.new_context(**PHONE_CONTEXT, **context).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(client.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/today")
    return page, client


def tap_size(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["width"], box["height"]


def test_copy_and_share_buttons_appear_only_where_the_browser_can(browser, live_server, live_app):
    # A phone whose browser has a share sheet (Chromium on a desktop has none): recorded here.
    share_sheet = "navigator.share = async (data) => { window.shared = data; };"
    page, client = logged_in_phone(
        browser, live_server, live_app, permissions=["clipboard-read", "clipboard-write"]
    )
    page.context.add_init_script(share_sheet)
    page.goto(f"{live_server}/sharing")
    page.get_by_role("button", name="Create a code").click()
    link = page.locator(".invite-link a")
    url = link.get_attribute("href")
    assert url == link.inner_text() and "/therapist/link/" in url
    copy = page.get_by_role("button", name="Copy link")
    share = page.get_by_role("button", name="Share…")
    for button in (copy, share):
        assert min(tap_size(button)) >= 44
    copy.click()
    expect(page.get_by_text("Link copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    share.click()
    assert page.evaluate("window.shared.url") == url
    assert page.get_by_role("button", name="Create a code").count() == 0
    assert page.get_by_role("button", name="Replace this code").is_visible()

    # Where the browser has neither, no button is left that does nothing.
    plain, _ = logged_in_phone(browser, live_server, live_app)
    plain.context.add_init_script("delete Navigator.prototype.share; delete navigator.share;")
    plain.context.add_init_script("delete Navigator.prototype.clipboard;")
    plain.goto(f"{live_server}/sharing")
    plain.get_by_role("button", name="Create a code").click()
    assert plain.locator(".invite-link a").is_visible()
    expect(plain.get_by_role("button", name="Copy link")).to_be_hidden()
    expect(plain.get_by_role("button", name="Share…")).to_be_hidden()
    page.context.close()
    plain.context.close()


def test_stopping_a_share_asks_first_and_can_be_undone(browser, live_server, live_app):
    page, client = logged_in_phone(browser, live_server, live_app)
    therapist = make_user(live_app, "therapist", name="Dana Therapist")
    with live_app.app_context():
        redeem_invite(therapist.id, create_invite(client.id, parts=frozenset({"pain"})).code)
    page.goto(f"{live_server}/sharing")
    page.get_by_role("link", name="Stop sharing with Dana Therapist").click()
    assert page.get_by_role("heading", name="Stop sharing with Dana Therapist?").is_visible()
    page.get_by_role("button", name="Stop sharing").click()
    assert page.get_by_role("heading", name="Sharing stopped").is_visible()
    undo = page.get_by_role("button", name="Undo")
    assert min(tap_size(undo)) >= 44
    undo.click()
    expect(page.get_by_text("Sharing with Dana Therapist is back on")).to_be_visible()
    assert page.get_by_text("Sees: Pain scores (also during exercises), check-ins").is_visible()
    with live_app.app_context():
        share = db.session.scalar(db.select(Share).filter_by(client_id=client.id))
        assert (share.revoked_at, share.parts) == (None, "pain")
    page.context.close()


def test_measure_a_neck_flexion_with_the_phone(browser, live_server, live_app):
    page, _ = logged_in_phone(browser, live_server, live_app)
    page.clock.install()
    page.goto(f"{live_server}{FLEXION}")
    sensor = page.context.new_cdp_session(page)

    def hold_phone(beta: float) -> None:
        sensor.send(
            "DeviceOrientation.setDeviceOrientationOverride",
            {"alpha": 10, "beta": beta, "gamma": 0},
        )

    hold_phone(90)  # upright against the forehead
    measure = page.get_by_role("button", name="Measure with this phone")
    assert min(tap_size(measure)) >= 44
    measure.click()
    expect(page.get_by_text("Hold still at the start…")).to_be_visible()
    page.clock.run_for(1500)
    expect(page.get_by_text("Start taken.")).to_be_visible()
    hold_phone(50)  # chin towards the chest: the phone tips 40 degrees
    expect(page.get_by_text("Moved 40° so far.")).to_be_visible()
    page.clock.run_for(1500)
    expect(page.get_by_text("Measured 40°.")).to_be_visible()
    value = page.get_by_label("Measurement (degrees)")
    expect(value).to_have_value("40")
    expect(value).to_be_focused()
    page.get_by_role("button", name="Save measurement").click()
    expect(page.get_by_text("Neck: chin to chest: 40° saved.")).to_be_visible()

    # The one function with the math, across the wrap of each angle.
    page.goto(f"{live_server}/measurements/new/cervical_rotation")
    cases = {
        "alpha 350 to 10": ("alpha", 350, 10, 20),
        "alpha 10 to 300": ("alpha", 10, 300, 70),
        "beta 90 to 130": ("beta", 90, 130, 40),
        "beta 170 to -170": ("beta", 170, -170, 20),
        "gamma -10 to 25": ("gamma", -10, 25, 35),
    }
    for label, (axis, start, end, degrees) in cases.items():
        found = page.evaluate(f"degreesBetween('{axis}', {{{axis}: {start}}}, {{{axis}: {end}}})")
        assert found == degrees, label
    page.context.close()


def test_the_phone_mode_is_hidden_without_a_motion_sensor(browser, live_server, live_app):
    page, _ = logged_in_phone(browser, live_server, live_app)
    page.context.add_init_script("delete window.DeviceOrientationEvent;")
    page.goto(f"{live_server}{FLEXION}")
    expect(page.get_by_label("Measurement (degrees)")).to_be_visible()
    expect(page.get_by_role("button", name="Measure with this phone")).to_be_hidden()
    page.context.close()
