"""Forms on one page don't undo each other, without a script: a page of several parts is one
form (the `parts_form` macro), each button sends all of it to its own address, and the page
comes back with what was typed in the other parts, marked "Not saved yet", until their own
Save. The reminder cards are in test_reminders.py; the same on a phone in
tests/browser/test_forms_on_one_page.py."""

import re

from selfcare.account.service import create_token
from selfcare.models import (
    ApiToken,
    Appointment,
    Invite,
    ProgrammeTemplate,
    Routine,
    RoutineItem,
)

from .helpers import (
    count_rows,
    fetch_all,
    form_values,
    log_in,
    make_routine,
    new_invite_code,
    new_programme,
    programme_url,
    sharing_therapist,
)

NOT_SAVED = "Not saved yet"


def press(browser, shown: str, form_id: str, action: str, typed: dict | None = None) -> str:
    """Send the form as the page `shown` has it, with what was `typed`, by the button that
    goes to `action`; returns the page it comes back to."""
    response = browser.post(action, data=form_values(shown, form_id) | (typed or {}))
    assert response.status_code == 302, response.text
    return browser.get(response.headers["Location"].split("#")[0]).text


def test_a_part_left_as_it_was_is_not_marked(app, logged_in_client):
    shown = logged_in_client.get("/reminders").text
    page = press(logged_in_client, shown, "reminders-form", "/reminders/checkin")
    assert NOT_SAVED not in page
    assert 'data-unsaved="true"' not in page


def test_the_routine_editor_keeps_a_typed_name_through_a_move(app, logged_in_client):
    routine_id = make_routine(app, logged_in_client)
    first, second, _ = fetch_all(app, RoutineItem, routine_id=routine_id)
    url = f"/routines/{routine_id}"
    typed = {"name": "Lunch break stretches", "items-1-sets": "4"}
    shown = logged_in_client.get(url).text
    page = press(logged_in_client, shown, "routine-form", f"{url}/items/{first.id}/down", typed)
    # The move changes the rows of the doses part, so the doses sent with it are saved too.
    moved = fetch_all(app, RoutineItem, id=second.id)[0]
    assert (moved.position, moved.sets) == (0, 4)
    assert "Doses saved." in page
    assert form_values(page, "routine-form")["name"] == "Lunch break stretches"
    assert page.count(NOT_SAVED) == 1
    assert fetch_all(app, Routine, id=routine_id)[0].name == "Evening neck routine"

    page = press(logged_in_client, page, "routine-form", url)
    assert fetch_all(app, Routine, id=routine_id)[0].name == "Lunch break stretches"
    assert NOT_SAVED not in page


def test_the_routine_editor_keeps_typed_doses_through_a_rename(app, logged_in_client):
    routine_id = make_routine(app, logged_in_client)
    url = f"/routines/{routine_id}"
    shown = logged_in_client.get(url).text
    page = press(
        logged_in_client, shown, "routine-form", url, {"name": "Desk", "items-2-note": "Slowly"}
    )
    assert fetch_all(app, Routine, id=routine_id)[0].name == "Desk"
    assert form_values(page, "routine-form")["items-2-note"] == "Slowly"
    assert NOT_SAVED in page
    assert {item.note for item in fetch_all(app, RoutineItem, routine_id=routine_id)} == {None}
    press(logged_in_client, page, "routine-form", f"{url}/doses")
    assert "Slowly" in {item.note for item in fetch_all(app, RoutineItem, routine_id=routine_id)}


def test_saving_a_template_keeps_the_programmes_unsaved_changes(app, logged_in_client, client_user):
    browser, therapist = sharing_therapist(app, logged_in_client)
    routine_id = new_programme(browser, client_user.id)
    url = programme_url(client_user.id, routine_id)
    page = press(
        browser,
        browser.get(url).text,
        "programme-form",
        f"{url}/template",
        {"template-name": "Neck basics", "items-0-sets": "5"},
    )
    [template] = fetch_all(app, ProgrammeTemplate, therapist_id=therapist.id)
    assert template.name == "Neck basics"
    assert form_values(page, "programme-form")["items-0-sets"] == "5"
    assert page.count(NOT_SAVED) == 1
    assert fetch_all(app, RoutineItem, routine_id=routine_id)[0].sets != 5

    page = press(browser, page, "programme-form", url)
    assert fetch_all(app, RoutineItem, routine_id=routine_id)[0].sets == 5
    assert NOT_SAVED not in page


def test_revoking_a_token_keeps_a_new_ones_name(app, logged_in_client, client_user):
    with app.app_context():
        token_id = create_token(client_user.id, "Old script", scope="read")[0].id
    page = press(
        logged_in_client,
        logged_in_client.get("/account/tokens").text,
        "token-form",
        f"/account/tokens/{token_id}/revoke",
        {"name": "Garmin export", "scope": "write"},
    )
    assert count_rows(app, ApiToken) == 0
    shown = form_values(page, "token-form")
    assert (shown["name"], shown["scope"]) == ("Garmin export", "write")
    assert NOT_SAVED in page


def test_removing_an_appointment_keeps_a_new_ones_note(app, logged_in_client):
    sent = form_values(logged_in_client.get("/trends").text, "appointment-form")
    assert logged_in_client.post("/appointments", data=sent).status_code == 302
    [appointment] = fetch_all(app, Appointment)
    page = press(
        logged_in_client,
        logged_in_client.get("/trends").text,
        "appointment-form",
        f"/appointments/{appointment.id}/delete",
        {"note": "Ask about the left shoulder"},
    )
    assert count_rows(app, Appointment) == 0
    assert form_values(page, "appointment-form")["note"] == "Ask about the left shoulder"
    assert NOT_SAVED in page


def test_signing_out_a_device_keeps_typed_details(app, logged_in_client, client_user):
    log_in(app.test_client(), client_user)  # another device
    shown = logged_in_client.get("/account").text
    other = re.search(r'formaction="(/account/devices/\d+/sign-out)"', shown).group(1)
    page = press(logged_in_client, shown, "profile-form", other, {"name": "Casey C."})
    assert "is signed out" in page
    assert form_values(page, "profile-form")["name"] == "Casey C."
    assert NOT_SAVED in page


def test_cancelling_a_code_keeps_what_was_ticked_for_the_next(app, logged_in_client):
    new_invite_code(logged_in_client)
    [invite] = fetch_all(app, Invite)
    page = press(
        logged_in_client,
        logged_in_client.get("/sharing").text,
        "invite-form",
        f"/sharing/invites/{invite.id}/cancel",
        {"parts": ["pain"]},
    )
    assert count_rows(app, Invite) == 0
    assert form_values(page, "invite-form")["parts"] == "pain"
    assert NOT_SAVED in page
