"""The guided session on a phone, with a fake clock: three exercises, timers run through, pain
and difficulty tapped, the log saved; its place kept through a reload and the phone sleeping,
leaving asked about, a session after "Done today" in that day's log; and the same page without
JavaScript."""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from selfcare.extensions import db
from selfcare.models import Exercise, RoutineLog, User
from selfcare.routines.service import create_routine

from .helpers import PHONE, register

# The clock of the sessions that control it: installed a minute before, paused at nine.
PAUSED_AT = datetime(2026, 3, 2, 9, 0)

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


def session_of(page, base, app, email) -> tuple[int, object]:
    """A new client's guided session of their routine, on a clock that moves only when told."""
    page.clock.install(time=PAUSED_AT - timedelta(minutes=1))
    page.clock.pause_at(PAUSED_AT)
    user_id, routine_id = client_with_routine(page, base, app, email)
    page.goto(f"{base}/routines/{routine_id}/session")
    return user_id, page.locator(".log-exercise:not([hidden])")


def rate(step, pain: str, feel: str) -> None:
    step.get_by_role("group", name="Pain during it").get_by_label(pain, exact=True).click()
    step.get_by_label(feel).check()


def test_a_reload_keeps_the_exercise_answers_sets_and_timer(phone, live_server, live_app):
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    user_id, step = session_of(phone, live_server, live_app, "reload@example.com")
    status, clock = step.locator(".player-status"), step.locator(".player-clock")
    step.get_by_role("button", name="Start").click()
    phone.clock.run_for(2 * 33_000 + 1_000)
    rate(step, "2", "About right")
    step.get_by_role("button", name="Next exercise").click()
    # The doorway stretch, 3 × 30 s: ten seconds into the second set.
    step.get_by_role("button", name="Start").click()
    phone.clock.run_for(33_000 + 3_000 + 10_000)
    expect(status).to_have_text("Set 2 of 3: hold")
    phone.once("dialog", lambda dialog: dialog.accept())  # a reload is leaving: it asks
    phone.reload()
    expect(phone.get_by_text("Picked up where you left off.")).to_be_visible()
    expect(step.locator("legend").first).to_contain_text("Doorway")
    expect(status).to_have_text("Set 2 of 3: hold")
    expect(clock).to_have_text("0:20")
    phone.clock.run_for(20_000)
    expect(status).to_have_text("Set 3 of 3: get ready")
    phone.clock.run_for(33_000)
    rate(step, "7", "Too hard")
    step.get_by_role("button", name="Next exercise").click()
    step.get_by_role("button", name="Skip").click()
    # The first exercise's answers came back with the rest.
    expect(phone.locator(".player-summary-list li").first).to_have_text(
        re.compile(r"done, pain 2/10, about right$")
    )
    phone.get_by_role("button", name="Save log").click()
    phone.wait_for_url("**/routines/logs")
    assert saved_items(live_app, user_id) == [
        [(True, 2, "about_right"), (True, 7, "too_hard"), (False, None, None)]
    ]
    # Saved, the session is not picked up again.
    phone.go_back()
    expect(step.locator("legend").first).to_contain_text("Latissimus")
    expect(phone.get_by_text("Picked up where you left off.")).to_have_count(0)
    assert errors == []


def hide(page, hidden: bool) -> None:
    """The page hidden (the phone locked, another app) or back in view, as the browser tells it."""
    page.evaluate(
        """hidden => {
            Object.defineProperty(document, "hidden", {value: hidden, configurable: true});
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def test_the_timer_catches_up_after_the_phone_slept(phone, live_server, live_app):
    _, step = session_of(phone, live_server, live_app, "asleep@example.com")
    status, clock = step.locator(".player-status"), step.locator(".player-clock")
    # Side lying lat roll: 3 s to get ready, 30 s left side, 3 s, 30 s right side.
    step.get_by_role("button", name="Start").click()
    phone.clock.run_for(3_000)
    expect(status).to_have_text("left side: hold")
    # 40 s asleep, no timer running: back in view it shows where it would be.
    hide(phone, True)
    phone.clock.set_system_time(PAUSED_AT + timedelta(seconds=43))
    hide(phone, False)
    expect(status).to_have_text("right side: hold")
    expect(clock).to_have_text("0:23")
    # The lid closed for 10 s: the timer fires once on waking, and catches up.
    phone.clock.fast_forward(10_000)
    expect(clock).to_have_text("0:13")
    # Paused, time asleep doesn't count.
    step.get_by_role("button", name="Pause").click()
    phone.clock.fast_forward(300_000)
    expect(status).to_have_text("Paused")
    expect(clock).to_have_text("0:13")
    step.get_by_role("button", name="Resume").click()
    expect(status).to_have_text("right side: hold")
    expect(clock).to_have_text("0:13")
    # Asleep past the end: the exercise is done and asks how it went.
    phone.clock.fast_forward(60_000)
    expect(step.get_by_role("group", name="Pain during it")).to_be_visible()


def leave(page) -> list[str]:
    """Tap "← Today"; returns the dialogs the browser showed, each answered "stay"."""
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="← Today").click()
    page.wait_for_timeout(300)
    return dialogs


def test_leaving_with_answers_not_saved_asks_first(phone, live_server, live_app):
    _, step = session_of(phone, live_server, live_app, "leaving@example.com")
    session_url = phone.url
    assert leave(phone) == []  # nothing done yet: nothing to lose
    phone.wait_for_url("**/today")
    phone.goto(session_url)
    step.get_by_role("button", name="Start").click()
    phone.clock.run_for(2 * 33_000 + 1_000)
    rate(step, "4", "Too easy")
    assert leave(phone) == ["beforeunload"]
    assert phone.url == session_url
    # Picked up after a reload, it still asks; started over, there is nothing to lose.
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.reload()
    assert leave(phone) == ["beforeunload"]
    phone.get_by_role("button", name="Start over").click()
    expect(step.locator("legend").first).to_contain_text("Latissimus")
    expect(step.get_by_role("button", name="Start")).to_be_visible()
    assert leave(phone) == []
    phone.wait_for_url("**/today")


def test_a_session_after_done_today_goes_into_that_days_log(phone, live_server, live_app):
    phone.clock.install()
    user_id, routine_id = client_with_routine(phone, live_server, live_app, "twice@example.com")
    phone.reload()
    phone.get_by_role("button", name=re.compile(r"^Done today\W+Desk breaks")).click()
    expect(phone.get_by_text(re.compile(r"Done today at \d\d:\d\d"))).to_be_visible()
    phone.goto(f"{live_server}/routines/{routine_id}/session")
    step = phone.locator(".log-exercise:not([hidden])")
    step.get_by_role("button", name="Start").click()
    phone.clock.run_for(2 * 33_000 + 1_000)
    rate(step, "3", "About right")
    step.get_by_role("button", name="Next exercise").click()
    step.get_by_role("button", name="Skip").click()
    step.get_by_role("button", name="Done").click()
    step.get_by_role("button", name="Finish").click()
    expect(phone.get_by_text("saving adds these answers to that log")).to_be_visible()
    phone.get_by_role("button", name="Save log").click()
    phone.wait_for_url("**/routines/logs")
    expect(phone.get_by_text("Added to the log of")).to_be_visible()
    assert saved_items(live_app, user_id) == [
        [(True, 3, "about_right"), (False, None, None), (True, None, None)]
    ]
    phone.goto(f"{live_server}/today")
    expect(phone.get_by_text(re.compile(r"Done today at \d\d:\d\d$"))).to_be_visible()
