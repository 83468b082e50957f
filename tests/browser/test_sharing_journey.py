"""The whole product as two people use it, on phones: a client logs and shares, a therapist
links and looks, the client stops sharing. axe-core checks every page on the way."""

import re

import pytest

from .helpers import PHONE, add_earlier_checkins, register

pytestmark = pytest.mark.browser
CLIENT_ROLE = "A client tracking my own care"


def test_client_shares_with_a_therapist_and_revokes(
    browser, live_server, live_app, check_accessibility
):
    # axe is injected as a script, which our Content-Security-Policy rightly blocks; these two
    # contexts let it in (test_client_journey checks that the policy does block scripts).
    phone = {"viewport": PHONE, "is_mobile": True, "has_touch": True, "bypass_csp": True}
    client_context, therapist_context = browser.new_context(**phone), browser.new_context(**phone)
    client, therapist = client_context.new_page(), therapist_context.new_page()
    base = live_server

    client.goto(f"{base}/register")
    check_accessibility(client, "register")
    register(
        client,
        base,
        live_app,
        "Jamie Journey",
        "jamie@example.com",
        "A client tracking my own care",
    )
    client.wait_for_url("**/today")
    check_accessibility(client, "today (empty)")
    client.get_by_role("group", name="Neck").get_by_label("5", exact=True).click()
    client.get_by_role("group", name="Upper back").get_by_label("3", exact=True).click()
    client.get_by_role("group", name="Lower back").get_by_label("4", exact=True).click()
    client.get_by_role("button", name="Save check-in").first.click()
    assert client.get_by_text("Saved. Thanks for checking in.").is_visible()

    client.goto(f"{base}/routines/new")
    check_accessibility(client, "new routine")
    client.get_by_label("Routine name").fill("Evening neck routine")
    client.get_by_role("checkbox", name=re.compile("^Chin tuck")).check()
    client.get_by_role("checkbox", name=re.compile("^Upper trapezius")).check()
    client.get_by_role("button", name="Create routine").click()
    check_accessibility(client, "edit routine")
    client.goto(f"{base}/today")
    client.get_by_role("button", name=re.compile(r"Done today\W+Evening neck routine")).click()
    assert client.get_by_text(re.compile(r"Done today at \d\d:\d\d")).is_visible()
    check_accessibility(client, "today (checked in)")

    client.goto(f"{base}/measurements/new")
    check_accessibility(client, "choose movement")
    client.get_by_role("link", name="Neck: turning the head").click()
    check_accessibility(client, "measurement form")
    client.get_by_label("Left (degrees)").fill("66")
    client.get_by_role("button", name="Save measurement").click()
    check_accessibility(client, "measurements")

    add_earlier_checkins(live_app, "jamie@example.com", neck=5, days=2)
    client.goto(f"{base}/trends")
    assert client.locator("svg#pain-neck, svg[aria-labelledby^='pain-neck']").count() == 1
    average = "Neck pain averaged 5.0 over 3 days of the last 7."
    assert client.get_by_text(average, exact=True).is_visible()
    check_accessibility(client, "trends")

    client.goto(f"{base}/sharing")
    client.get_by_role("button", name="Create a code").click()
    code = client.locator(".invite-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    check_accessibility(client, "sharing")

    register(therapist, base, live_app, "Robin Therapist", "robin@example.com", "A therapist")
    therapist.wait_for_url("**/therapist")
    check_accessibility(therapist, "dashboard (empty)")
    therapist.get_by_role("link", name="Add a client with a code").click()
    check_accessibility(therapist, "link")
    therapist.get_by_label("Invite code").fill(code)
    therapist.get_by_role("button", name="Connect").click()
    therapist.wait_for_url(re.compile(r".*/therapist/clients/\d+$"))
    client_url = therapist.url
    assert therapist.get_by_role("heading", name="Jamie Journey").is_visible()
    check_accessibility(therapist, "therapist: client view")
    therapist.goto(f"{base}/therapist")
    assert therapist.get_by_role("link", name="Jamie Journey").is_visible()
    check_accessibility(therapist, "dashboard")
    therapist.get_by_role("link", name="Jamie Journey").click()
    therapist.goto(client_url + "/report")
    check_accessibility(therapist, "therapist: report")

    client.goto(f"{base}/sharing")
    assert client.get_by_role("cell", name="Robin Therapist").first.is_visible()  # the access log
    client.get_by_role("link", name="Stop sharing with Robin Therapist").click()
    check_accessibility(client, "stop sharing?")
    client.get_by_role("button", name="Stop sharing").click()
    assert client.get_by_role("heading", name="Sharing stopped").is_visible()
    assert client.get_by_text("Robin Therapist can't open your charts").is_visible()
    check_accessibility(client, "sharing (after revoking)")

    response = therapist.goto(client_url)
    assert response.status == 404
    assert therapist.get_by_role("heading", name="Page not found").is_visible()
    check_accessibility(therapist, "not found")
    therapist.goto(f"{base}/therapist")
    assert therapist.get_by_role("link", name="Jamie Journey").count() == 0
    client_context.close()
    therapist_context.close()
