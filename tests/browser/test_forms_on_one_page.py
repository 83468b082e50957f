"""Forms on one page don't undo each other, on a phone: saving one part of a page keeps what
was typed in the others, shown as not saved yet, and leaving still asks about them."""

import pytest
from playwright.sync_api import expect

from selfcare.account.service import create_token
from selfcare.extensions import db
from selfcare.models import ApiToken, Reminder, User
from selfcare.routines.exercises import visible_exercises
from selfcare.routines.service import create_routine

from .helpers import register

pytestmark = pytest.mark.browser
CLIENT_ROLE = "A client tracking my own care"
ROUTINE = "Morning mobility"
PASSWORD = "a long enough passphrase"  # what helpers.register chooses


def new_client(page, base, app, email) -> int:
    register(page, base, app, "Sam Cards", email, CLIENT_ROLE)
    page.wait_for_url("**/today")
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email))
        create_routine(user.id, ROUTINE, visible_exercises(user.id)[:2])
        return user.id


def log_in_again(page, base, email) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/today")


def card(page, title: str):
    return page.locator("section.card", has=page.get_by_role("heading", name=title, exact=True))


def set_reminder(section, at: str, day: str) -> None:
    section.get_by_label("Remind me").check()
    section.get_by_label("At", exact=True).fill(at)
    section.get_by_label(day, exact=True).check()


def saved_reminders(app, user_id) -> dict:
    with app.app_context():
        reminders = db.session.scalars(db.select(Reminder).filter_by(user_id=user_id))
        return {
            reminder.routine_id: (reminder.enabled, reminder.at.strftime("%H:%M"))
            for reminder in reminders
        }


def ask_before_leaving(page) -> list:
    asked = []

    def dismiss(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return asked


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_saving_one_reminder_card_keeps_the_other_cards_changes(
    browser, live_server, live_app, javascript
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    user_id = new_client(
        page, live_server, live_app, f"cards-js-{str(javascript).lower()}@example.com"
    )
    page.goto(f"{live_server}/reminders")
    set_reminder(card(page, "Check-in reminder"), "07:15", "Mon")
    set_reminder(card(page, ROUTINE), "21:40", "Tue")

    card(page, "Check-in reminder").get_by_role("button", name="Save").click()
    page.wait_for_url("**/reminders#checkin")
    assert saved_reminders(live_app, user_id) == {None: (True, "07:15")}
    routine_card = card(page, ROUTINE)
    expect(routine_card.get_by_text("Not saved yet")).to_be_visible()
    expect(routine_card.get_by_label("At", exact=True)).to_have_value("21:40")
    expect(routine_card.get_by_label("Remind me")).to_be_checked()
    expect(routine_card.get_by_label("Tue")).to_be_checked()
    expect(card(page, "Check-in reminder").get_by_text("Not saved yet")).to_have_count(0)

    if javascript:
        asked = ask_before_leaving(page)
        page.get_by_role("link", name="← Your account").click()
        page.wait_for_timeout(300)
        assert asked == ["beforeunload"]
        assert page.url.endswith("/reminders#checkin")

    routine_card.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    routine_id = next(key for key in saved_reminders(live_app, user_id) if key is not None)
    assert saved_reminders(live_app, user_id) == {
        None: (True, "07:15"),
        routine_id: (True, "21:40"),
    }
    expect(page.get_by_text("Not saved yet")).to_have_count(0)
    context.close()


def test_revoking_a_token_keeps_the_name_typed_for_a_new_one(phone, live_server, live_app):
    email = "tokens-cards@example.com"
    user_id = new_client(phone, live_server, live_app, email)
    with live_app.app_context():
        create_token(user_id, "Old script", scope="read")
        create_token(user_id, "Watch app", scope="read")
    log_in_again(phone, live_server, email)  # making a token needs the password just entered
    phone.goto(f"{live_server}/account/tokens")

    phone.get_by_label("Token name").fill("Garmin export")
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Revoke").first.click()
    phone.wait_for_url("**/account/tokens")
    expect(phone.get_by_text("no longer works")).to_be_visible()
    expect(phone.get_by_text("Not saved yet")).to_be_visible()
    expect(phone.get_by_label("Token name")).to_have_value("Garmin export")

    # Enter makes the token: the first button of the page's form is a Revoke, but a hidden
    # one before it sends the form where its main button does.
    phone.get_by_label("Token name").press("Enter")
    expect(phone.get_by_text("Your new token")).to_be_visible()
    with live_app.app_context():
        names = db.session.scalars(db.select(ApiToken.name).filter_by(user_id=user_id)).all()
    assert sorted(names) == ["Garmin export", "Watch app"]
