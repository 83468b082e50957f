"""The app on the home screen: Chromium finds it installable, and logging out clears what the
browser kept for the site."""

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS
from .helpers import PHONE, register

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
