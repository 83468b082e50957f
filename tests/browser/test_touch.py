"""On a phone: sharing a code by copy or share sheet, and taking back a stop. (Measuring with
the phone's motion sensor: test_inclinometer.py.)"""

import pytest
from playwright.sync_api import expect

from selfcare.extensions import db
from selfcare.models import Share
from selfcare.sharing.service import create_invite, redeem_invite

from ..helpers import PASSWORD, make_user
from .helpers import PHONE

pytestmark = pytest.mark.browser
PHONE_CONTEXT = {"viewport": PHONE, "is_mobile": True, "has_touch": True}


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
