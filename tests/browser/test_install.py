"""The app on the home screen: Chromium finds it installable, and logging out clears what the
browser kept for the site."""

import pytest
from playwright.sync_api import expect

from selfcare.extensions import db
from selfcare.models import CheckIn, RoutineLog, User
from selfcare.routines.exercises import visible_exercises
from selfcare.routines.service import create_routine

from .helpers import CHROMIUM, CHROMIUM_ARGS, PHONE, register

pytestmark = pytest.mark.browser


def test_chromium_finds_the_app_installable_and_logout_clears_what_it_kept(
    browser, live_server, live_app, tmp_path
):
    # Installing needs a profile of its own: Chromium never installs from an incognito window.
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile",
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    page = context.pages[0]
    register(page, live_server, live_app, "Ines Install", "ines@example.com", "A client")
    page.wait_for_url("**/today")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    session = context.new_cdp_session(page)
    assert session.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    assert session.send("Page.getAppManifest")["errors"] == []
    assert page.evaluate("caches.keys()")  # the worker keeps the site's files
    page.evaluate("caches.open('left-behind').then((cache) => cache.put('/x', new Response('x')))")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    assert "left-behind" not in page.evaluate("caches.keys()")
    context.close()


def count(app, model, user_id) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(model.id)).filter_by(user_id=user_id))


def test_entries_made_without_signal_wait_and_are_sent_once(browser, live_server, live_app):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    register(page, live_server, live_app, "Owen Offline", "owen@example.com", "A client")
    page.wait_for_url("**/today")
    with live_app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="owen@example.com"))
        create_routine(user.id, "Neck routine", visible_exercises(user.id)[:2])
        user_id = user.id
    page.reload()  # Today leaves its regions and routines on the phone
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    page.goto(f"{live_server}/today")
    assert page.get_by_text("No connection: what you enter waits on this phone").is_visible()
    page.get_by_role("group", name="Neck").get_by_label("7", exact=True).click()
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_role("button", name="Done today: Neck routine").click()
    expect(page.get_by_text("2 entries waiting to send.")).to_be_visible()
    assert count(live_app, CheckIn, user_id) == count(live_app, RoutineLog, user_id) == 0

    context.set_offline(False)
    page.goto(f"{live_server}/today")  # back online, Today sends what waited
    expect(page.get_by_role("group", name="Neck").get_by_label("7", exact=True)).to_be_checked()
    page.reload()  # nothing is sent twice
    assert count(live_app, CheckIn, user_id) == 1
    assert count(live_app, RoutineLog, user_id) == 1
    context.close()
