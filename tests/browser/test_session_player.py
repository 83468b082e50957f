"""The guided session on a phone, with a fake clock: three exercises, timers run through, pain
and difficulty tapped, the log saved; and the same page without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from selfcare.extensions import db
from selfcare.models import Exercise, RoutineLog, User
from selfcare.routines.service import create_routine

from .helpers import PHONE, register

pytestmark = pytest.mark.browser
CLIENT_ROLE = "A client tracking my own care"
# 30 s each side (timed), 3 × 30 s holds (timed), 10 reps (no timer).
SLUGS = ("foam_roll_lats", "doorway_pec_stretch", "cat_cow")


def client_with_routine(page, base, app, email) -> tuple[int, int]:
    register(page, base, app, "Sam Session", email, CLIENT_ROLE)
    page.wait_for_url("**/today")
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email))
        by_slug = {e.slug: e for e in db.session.scalars(db.select(Exercise)).all()}
        routine = create_routine(user.id, "Desk breaks", [by_slug[s] for s in SLUGS])
        return user.id, routine.id


def saved_items(app, user_id):
    with app.app_context():
        logs = db.session.scalars(db.select(RoutineLog).filter_by(user_id=user_id)).all()
        return [[(i.done, i.pain_during, i.difficulty) for i in log.items] for log in logs]


def test_a_guided_session_of_three_exercises_is_saved(phone, live_server, live_app):
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.clock.install()
    user_id, _ = client_with_routine(phone, live_server, live_app, "guided@example.com")
    phone.reload()
    phone.get_by_role("link", name=re.compile(r"^Start\W+Desk breaks")).click()
    phone.wait_for_url("**/session")
    step = phone.locator(".log-exercise:not([hidden])")
    clock = step.locator(".player-clock")

    # 1. Side lying lat roll: a 3-2-1 count-down, then 30 s on the left, again on the right.
    expect(step.locator("legend").first).to_contain_text("Latissimus")
    expect(phone.get_by_label("Day")).to_be_hidden()
    step.get_by_role("button", name="Start").click()
    expect(clock).to_have_text("3")
    expect(step.locator(".player-status")).to_have_text("left side: get ready")
    phone.clock.run_for(3_000)
    expect(step.locator(".player-status")).to_have_text("left side: hold")
    expect(clock).to_have_text("0:30")
    step.get_by_role("button", name="Pause").click()
    phone.clock.run_for(60_000)  # paused: nothing moves
    expect(clock).to_have_text("0:30")
    step.get_by_role("button", name="Resume").click()
    phone.clock.run_for(31_000)
    expect(step.locator(".player-status")).to_contain_text("right side")
    phone.clock.run_for(35_000)
    group = step.get_by_role("group", name="Pain during it")
    expect(group).to_be_visible()
    group.get_by_label("2", exact=True).click()
    step.get_by_label("About right").check()
    step.get_by_role("button", name="Next exercise").click()

    # 2. Doorway stretch, 3 × 30 s: Back returns to the first one's answers, kept.
    expect(step.locator("legend").first).to_contain_text("Doorway")
    step.get_by_role("button", name="Back").click()
    kept = step.get_by_role("group", name="Pain during it").get_by_label("2", exact=True)
    expect(kept).to_be_checked()
    step.get_by_role("button", name="Next exercise").click()
    step.get_by_role("button", name="Start").click()
    phone.clock.run_for(3 * (3_000 + 30_000) + 1_000)
    step.get_by_role("group", name="Pain during it").get_by_label("7", exact=True).click()
    step.get_by_label("Too hard").check()
    step.get_by_role("button", name="Next exercise").click()

    # 3. Cat-cow has reps only: no timer, and this time it is skipped.
    expect(step.get_by_role("button", name="Done")).to_be_visible()
    step.get_by_role("button", name="Skip").click()

    summary = phone.locator(".player-summary-list")
    expect(summary).to_contain_text("done, pain 2/10, about right")
    expect(summary).to_contain_text("done, pain 7/10, too hard")
    expect(summary).to_contain_text("skipped")
    # Back from the summary to a skipped exercise offers it again, not its answers.
    phone.locator(".player-summary").get_by_role("button", name="Back").click()
    expect(step.get_by_role("button", name="Done")).to_be_visible()
    step.get_by_role("button", name="Skip").click()
    phone.get_by_role("button", name="Save log").click()
    phone.wait_for_url("**/routines/logs")
    assert saved_items(live_app, user_id) == [
        [(True, 2, "about_right"), (True, 7, "too_hard"), (False, None, None)]
    ]
    assert errors == []


def test_without_javascript_the_session_page_is_a_form_that_saves(browser, live_server, live_app):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        user_id, routine_id = client_with_routine(page, live_server, live_app, "nojs@example.com")
        page.goto(f"{live_server}/routines/{routine_id}/session")
        first = page.locator(".log-exercise").first
        first.get_by_role("group", name="Pain during it").get_by_label("4", exact=True).check()
        first.get_by_label("Too easy").check()
        page.get_by_role("button", name="Save log").click()
        page.wait_for_url("**/routines/logs")
        assert saved_items(live_app, user_id) == [
            [(True, 4, "too_easy"), (True, None, None), (True, None, None)]
        ]
    finally:
        context.close()


def test_the_player_steps_pass_the_accessibility_check(
    browser, live_server, live_app, check_accessibility
):
    # axe is added as a script, which the CSP (kept on in the tests above) would refuse.
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True)
    page = context.new_page()
    try:
        _, routine_id = client_with_routine(page, live_server, live_app, "axe-player@example.com")
        page.goto(f"{live_server}/routines/{routine_id}/session")
        step = page.locator(".log-exercise:not([hidden])")
        check_accessibility(page, "guided session: an exercise")
        step.get_by_role("button", name="Start").click()
        step.get_by_role("button", name="Pause").click()
        check_accessibility(page, "guided session: timer paused")
        for _ in SLUGS:
            page.locator(".log-exercise:not([hidden])").get_by_role("button", name="Skip").click()
        expect(page.locator(".player-summary-list")).to_be_visible()
        check_accessibility(page, "guided session: summary")
    finally:
        context.close()
