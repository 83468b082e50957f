"""The guided session: its page is the detailed log form (so it saves without JavaScript), and
each exercise carries pain during it and how hard it felt, through edits and exports."""

import json
import re

from selfcare.api.views import routine_log_json
from selfcare.exports import csv_zip, fhir_bundle
from selfcare.extensions import db
from selfcare.models import Exercise, RoutineLog, RoutineLogItem, User
from selfcare.routines.service import create_routine

from .helpers import (
    count_rows,
    fetch_all,
    form_values,
    log_session,
    logged_in_therapist,
    new_invite_code,
    read_zip,
    redeem,
    session_form,
    tap_routine,
)

SLUGS = ("foam_roll_thoracic", "upper_trap_stretch", "chin_tuck")


def routine_for(app, user_id: int, slugs=SLUGS) -> int:
    with app.app_context():
        by_slug = {e.slug: e for e in db.session.scalars(db.select(Exercise)).all()}
        return create_routine(user_id, "Neck and upper back", [by_slug[s] for s in slugs]).id


def test_session_page_is_the_log_form_with_each_exercise_and_its_plan(
    app, logged_in_client, client_user
):
    routine_id = routine_for(app, client_user.id)
    page = logged_in_client.get(f"/routines/{routine_id}/session").text
    assert f'action="/routines/{routine_id}/log"' in page
    assert page.count('<fieldset class="log-exercise"') == 3
    assert 'data-sets="2" data-reps="" data-hold="30" data-duration="" data-per-side="yes"' in page
    assert "2 × 30 s each side" in page
    # The timer's arithmetic first: the player uses it.
    assert -1 < page.find("/js/timer.js") < page.find("/js/player.js")
    # Each exercise with its drawing.
    assert page.count('<figure class="exercise-picture">') == 3
    assert "Start" in logged_in_client.get("/today").text.split("routine-card", 1)[1]


def test_a_session_saves_pain_difficulty_and_skips_once(app, logged_in_client, client_user):
    routine_id = routine_for(app, client_user.id)
    data = session_form(logged_in_client, routine_id)
    assert data["exercises-0-pain_during"] == "" and data["exercises-0-difficulty"] == ""
    data.pop("exercises-1-done")  # skipped
    data |= {
        "exercises-0-pain_during": "3",
        "exercises-0-difficulty": "about_right",
        "exercises-2-pain_during": "7",
        "exercises-2-difficulty": "too_hard",
        "note": "Chin tucks pinched today",
    }
    for _ in range(2):  # sent twice (a double tap): saved once
        response = logged_in_client.post(f"/routines/{routine_id}/log", data=data)
        assert response.status_code == 302, response.text
    [log] = fetch_all(app, RoutineLog, user_id=client_user.id)
    items = fetch_all(app, RoutineLogItem, log_id=log.id)
    assert [(i.done, i.pain_during, i.difficulty) for i in items] == [
        (True, 3, "about_right"),
        (False, None, None),
        (True, 7, "too_hard"),
    ]
    assert log.note == "Chin tucks pinched today"


def test_bad_pain_or_difficulty_is_refused_next_to_the_field(app, logged_in_client, client_user):
    routine_id = routine_for(app, client_user.id)
    cases = [
        ({"exercises-1-pain_during": "11"}, "Choose a whole number from 0 to 10."),
        ({"exercises-1-pain_during": "-1"}, "Choose a whole number from 0 to 10."),
        ({"exercises-0-difficulty": "brutal"}, "Choose too easy, about right or too hard."),
    ]
    for change, message in cases:
        data = session_form(logged_in_client, routine_id) | change
        response = logged_in_client.post(f"/routines/{routine_id}/log", data=data)
        assert response.status_code == 422, change
        [field] = change
        assert f'id="{field}-errors"' in response.text and message in response.text
    assert count_rows(app, RoutineLog) == 0


def test_editing_a_log_keeps_and_changes_pain_and_difficulty(app, logged_in_client, client_user):
    routine_id = routine_for(app, client_user.id)
    data = session_form(logged_in_client, routine_id) | {
        "exercises-0-pain_during": "5",
        "exercises-0-difficulty": "too_hard",
    }
    logged_in_client.post(f"/routines/{routine_id}/log", data=data)
    [log] = fetch_all(app, RoutineLog, user_id=client_user.id)
    edit = form_values(logged_in_client.get(f"/routines/logs/{log.id}").text, "routine-log-form")
    assert (edit["exercises-0-pain_during"], edit["exercises-0-difficulty"]) == ("5", "too_hard")
    edit |= {"exercises-0-pain_during": "2", "exercises-0-difficulty": "about_right"}
    response = logged_in_client.post(f"/routines/logs/{log.id}", data=edit)
    assert response.status_code == 302, response.text
    first = fetch_all(app, RoutineLogItem, log_id=log.id)[0]
    assert (first.pain_during, first.difficulty) == (2, "about_right")


def test_exports_and_api_carry_pain_and_difficulty(app, logged_in_client, client_user):
    routine_id = routine_for(app, client_user.id)
    data = session_form(logged_in_client, routine_id) | {
        "exercises-2-pain_during": "6",
        "exercises-2-difficulty": "too_easy",
    }
    logged_in_client.post(f"/routines/{routine_id}/log", data=data)
    with app.app_context():
        client = db.session.get(User, client_user.id)
        log = db.session.scalar(db.select(RoutineLog))
        assert routine_log_json(log)["exercises"][2] | {"exercise": ""} == {
            "exercise": "",
            "done": True,
            "pain_during": 6,
            "difficulty": "too_easy",
        }
        rows = read_zip(csv_zip(client))["routine_logs.csv"]
        assert (rows[2]["pain during it (0-10)"], rows[2]["how it felt"]) == ("6", "Too easy")
        bundle = json.dumps(fhir_bundle(client))
        assert "Chin tuck (neck retraction): done, pain 6/10, too easy" in bundle


def answers_of(app, user_id: int) -> list:
    """Each log of the user: its effort and note, and each exercise done, pain, how it felt."""
    return [
        (
            log.effort,
            log.note,
            [
                (i.done, i.pain_during, i.difficulty)
                for i in fetch_all(app, RoutineLogItem, log_id=log.id)
            ],
        )
        for log in fetch_all(app, RoutineLog, user_id=user_id)
    ]


def test_a_session_after_done_today_goes_into_that_days_log(app, logged_in_client, client_user):
    routine_id = routine_for(app, client_user.id)
    tap_routine(logged_in_client, routine_id, "done")
    [tapped] = fetch_all(app, RoutineLog, user_id=client_user.id)
    page = logged_in_client.get(f"/routines/{routine_id}/session").text
    # The page says where the answers go, and knows the day's log is saved.
    assert "saving adds these answers to that log" in page and "Yes, log it again" in page
    assert f'data-saved-ids="{tapped.submission_id}"' in page
    data = form_values(page, "routine-log-form")
    data.pop("exercises-1-done")  # skipped
    data |= {
        "exercises-0-pain_during": "3",
        "exercises-0-difficulty": "about_right",
        "effort": "5",
        "note": "Easier with the towel",
    }
    for _ in range(2):  # sent twice (Back, then Save): added once
        response = logged_in_client.post(f"/routines/{routine_id}/log", data=data)
        assert response.status_code == 302, response.text
    assert "Added to the log of" in logged_in_client.get(response.location).text
    assert answers_of(app, client_user.id) == [
        (
            5,
            "Easier with the towel",
            [(True, 3, "about_right"), (False, None, None), (True, None, None)],
        )
    ]
    # One log on Today, and the session page now knows this form was saved.
    today = logged_in_client.get("/today").text
    assert "Done today at" in today and "(2 times)" not in today
    again = logged_in_client.get(f"/routines/{routine_id}/session").text
    assert data["submission_id"] in again.split("data-saved-ids=", 1)[1].split(">", 1)[0]


def test_answers_the_days_log_gives_otherwise_are_asked_with_both_shown(
    app, logged_in_client, client_user
):
    routine_id = routine_for(app, client_user.id)
    url = f"/routines/{routine_id}/log"
    first = session_form(logged_in_client, routine_id) | {
        "exercises-0-pain_during": "3",
        "exercises-0-difficulty": "too_hard",
        "effort": "4",
    }
    assert logged_in_client.post(url, data=first).status_code == 302
    second = session_form(logged_in_client, routine_id) | {
        "exercises-0-pain_during": "6",  # otherwise
        "exercises-0-difficulty": "too_hard",  # the same
        "exercises-2-pain_during": "2",  # new
        "effort": "7",  # otherwise
    }
    asked = logged_in_client.post(url, data=second)
    assert asked.status_code == 409 and "You already logged" in asked.text
    assert "That log has 3/10. Yours, 6/10, is filled in." in asked.text
    assert "That log has 4/10. Yours, 7/10, is filled in." in asked.text
    assert asked.text.count("That log has") == 2
    shown = form_values(asked.text, "routine-log-form")
    assert (shown["exercises-0-pain_during"], shown["effort"]) == ("6", "7")
    assert 'name="use_these_answers" value="y"' in asked.text
    assert 'name="save_again" value="y"' in asked.text
    assert answers_of(app, client_user.id) == [
        (4, None, [(True, 3, "too_hard"), (True, None, None), (True, None, None)])
    ]
    # "Put these answers in that log": still one log, with this page's answers.
    chosen = logged_in_client.post(url, data=shown | {"use_these_answers": "y"})
    assert chosen.status_code == 302
    assert answers_of(app, client_user.id) == [
        (7, None, [(True, 6, "too_hard"), (True, None, None), (True, 2, None)])
    ]
    # Skipping an exercise that log has answers for is asked too; "Yes, log it again" makes two.
    third = session_form(logged_in_client, routine_id)
    third.pop("exercises-0-done")
    asked = logged_in_client.post(url, data=third)
    assert asked.status_code == 409
    assert "That log has done. Yours, skipped, is filled in." in asked.text
    shown = form_values(asked.text, "routine-log-form")
    assert logged_in_client.post(url, data=shown | {"save_again": "y"}).status_code == 302
    assert [effort for effort, _, _ in answers_of(app, client_user.id)] == [7, None]


def test_therapist_sees_each_exercise_over_time_and_the_notes(app, logged_in_client, client_user):
    routine_id = routine_for(app, client_user.id)
    log_session(
        logged_in_client,
        routine_id,
        **{"exercises-2-pain_during": "4", "exercises-2-difficulty": "about_right"},
    )
    log_session(
        logged_in_client,
        routine_id,
        **{
            "exercises-1-done": "",
            "exercises-2-pain_during": "8",
            "exercises-2-difficulty": "too_hard",
            "note": "Neck sore after the tucks",
        },
    )
    browser, _ = logged_in_therapist(app)
    assert redeem(browser, new_invite_code(logged_in_client)).status_code == 302
    page = browser.get(f"/therapist/clients/{client_user.id}").text
    row = re.search(r'<th scope="row" dir="auto">Chin tuck.*?</tr>', page, re.S).group(0)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert cells[:2] == ["2", "0"]
    assert re.sub(r"<[^>]+>", "", cells[2]).startswith("8 on")  # newest first
    assert "too hard" in cells[3] and "about right" in cells[3]
    trap = re.search(r'<th scope="row" dir="auto">Upper trapezius.*?</tr>', page, re.S).group(0)
    assert re.findall(r"<td>(.*?)</td>", trap)[:2] == ["1", "1"]
    assert "Neck sore after the tucks" in page


def test_no_exercise_view_when_routines_are_not_shared(app, logged_in_client, client_user):
    routine_id = routine_for(app, client_user.id)
    log_session(logged_in_client, routine_id, note="Private note")
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client, parts=["pain"]))
    page = browser.get(f"/therapist/clients/{client_user.id}").text
    assert 'class="exercise-history"' not in page and "Private note" not in page
    assert "Chin tuck" not in page


def test_pain_during_exercises_stays_with_the_pain_part(app, logged_in_client, client_user):
    """A client who shares routines but not pain keeps the pain felt during exercises to
    themselves: no column, no flag, nothing in the exports; how it felt is still shared."""
    routine_id = routine_for(app, client_user.id)
    log_session(
        logged_in_client,
        routine_id,
        **{"exercises-2-pain_during": "9", "exercises-2-difficulty": "too_hard"},
    )
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client, parts=["routines"]))
    page = browser.get(f"/therapist/clients/{client_user.id}").text
    assert 'class="exercise-history"' in page and "too hard" in page
    assert "Pain during it" not in page and "pain-during" not in page
    assert "pain 9 during" not in browser.get("/therapist").text
    assert client_user.name not in browser.get("/therapist?flag=pain").text
    rows = read_zip(browser.get(f"/therapist/clients/{client_user.id}/export.zip").data)
    assert {row["pain during it (0-10)"] for row in rows["routine_logs.csv"]} == {""}
    bundle = browser.get(f"/therapist/clients/{client_user.id}/export.fhir.json").text
    assert "too hard" in bundle and "pain 9/10" not in bundle
