import re
from datetime import timedelta

from selfcare.dates import local_today
from selfcare.extensions import db
from selfcare.models import Exercise, Routine, RoutineItem, RoutineLog, RoutineLogItem

from .helpers import (
    count_rows,
    fetch_all,
    form_values,
    library_ids,
    log_in,
    make_routine,
    make_user,
    routine_button,
    submit,
    tap_routine,
)

SUBMISSION = "11111111-1111-4111-8111-111111111111"


def test_library_is_seeded_from_the_reference_data(app, logged_in_client):
    assert count_rows(app, Exercise, owner_id=None) == 22
    page = logged_in_client.get("/exercises").text
    assert "Chin tuck (neck retraction)" in page
    assert "double chin" in page
    stretches = logged_in_client.get("/exercises?kind=stretch").text
    assert "Upper trapezius stretch" in stretches and "Chin tuck" not in stretches


def test_create_routine_with_default_doses_in_order(app, logged_in_client, client_user):
    routine_id = make_routine(app, logged_in_client)
    items = fetch_all(app, RoutineItem, routine_id=routine_id)
    assert [item.position for item in items] == [0, 1, 2]
    trap = items[1]
    assert (trap.sets, trap.hold_seconds, trap.per_side) == (2, 30, True)
    page = logged_in_client.get("/routines").text
    assert "Evening neck routine" in page
    assert "2 × 30 s each side" in page


def test_routine_needs_a_name_and_an_exercise(app, logged_in_client):
    response = submit(logged_in_client, "/routines/new", {"name": "", "exercise_ids": []})
    assert response.status_code == 422
    assert "Please give it a name." in response.text
    assert "Choose at least one exercise." in response.text
    assert count_rows(app, Routine) == 0


def test_another_users_exercise_cannot_be_used(app, logged_in_client):
    stranger = app.test_client()
    log_in(stranger, make_user(app))
    submit(stranger, "/exercises/new", {"name": "Secret stretch", "kind": "stretch", "reps": "5"})
    [secret] = fetch_all(app, Exercise, name="Secret stretch")
    response = submit(
        logged_in_client, "/routines/new", {"name": "Mine", "exercise_ids": [secret.id]}
    )
    assert response.status_code == 422
    assert "isn&#39;t available to you" in response.text
    assert count_rows(app, Routine) == 0
    assert "Secret stretch" not in logged_in_client.get("/exercises").text


def test_own_exercise_is_added_and_usable(app, logged_in_client, client_user):
    response = submit(
        logged_in_client,
        "/exercises/new",
        {
            "name": "Wall angels",
            "kind": "mobility",
            "regions": ["upper_back"],
            "sets": "2",
            "reps": "10",
        },
    )
    assert response.status_code == 302
    [mine] = fetch_all(app, Exercise, owner_id=client_user.id)
    assert (mine.sets, mine.reps, mine.regions) == (2, 10, "upper_back")
    response = submit(
        logged_in_client, "/routines/new", {"name": "Desk breaks", "exercise_ids": [mine.id]}
    )
    assert response.status_code == 302


def doses_form(client, routine_id) -> dict:
    return form_values(client.get(f"/routines/{routine_id}").text, "routine-form")


def test_every_dose_is_saved_with_one_form_and_bad_doses_are_refused(app, logged_in_client):
    routine_id = make_routine(app, logged_in_client)
    first, _, last = fetch_all(app, RoutineItem, routine_id=routine_id)
    url = f"/routines/{routine_id}/doses"
    data = doses_form(logged_in_client, routine_id)
    assert data["items-2-row_key"] == str(last.id)
    data |= {"items-0-sets": "4", "items-2-sets": "3", "items-2-reps": "12"}
    data["items-2-note"] = "Slowly"
    ok = logged_in_client.post(url, data=data)
    assert ok.status_code == 302
    assert fetch_all(app, RoutineItem, id=last.id)[0].dose.text() == "3 × 12 × 5 s hold"
    assert fetch_all(app, RoutineItem, id=last.id)[0].note == "Slowly"
    assert fetch_all(app, RoutineItem, id=first.id)[0].sets == 4
    bad = doses_form(logged_in_client, routine_id) | {"items-2-sets": "0", "items-1-reps": "abc"}
    response = logged_in_client.post(url, data=bad)
    assert response.status_code == 422
    assert "Use a whole number from 1 to 20." in response.text
    assert fetch_all(app, RoutineItem, id=last.id)[0].sets == 3


def test_a_dose_saved_in_another_tab_is_kept_and_a_clash_is_put_to_the_person(
    app, logged_in_client
):
    routine_id = make_routine(app, logged_in_client)
    first, second, _ = fetch_all(app, RoutineItem, routine_id=routine_id)
    url = f"/routines/{routine_id}/doses"
    this_tab = doses_form(logged_in_client, routine_id)
    other_tab = dict(this_tab) | {"items-0-reps": "15", "items-1-sets": "5"}
    assert logged_in_client.post(url, data=other_tab).status_code == 302
    # This tab changes the second exercise too (a clash) and nothing else.
    response = logged_in_client.post(url, data=this_tab | {"items-1-sets": "4"})
    assert response.status_code == 409
    assert "While this page was open" in response.text
    assert fetch_all(app, RoutineItem, id=first.id)[0].reps == 15
    assert fetch_all(app, RoutineItem, id=second.id)[0].sets == 5
    again = form_values(response.text, "routine-form")
    # The clash shows this tab's value; the rest shows what is saved now.
    assert (again["items-1-sets"], again["items-0-reps"]) == ("4", "15")
    assert logged_in_client.post(url, data=again).status_code == 302
    assert fetch_all(app, RoutineItem, id=second.id)[0].sets == 4


def test_reorder_remove_and_add(app, logged_in_client):
    routine_id = make_routine(app, logged_in_client)
    first, second, third = fetch_all(app, RoutineItem, routine_id=routine_id)
    submit(
        logged_in_client,
        f"/routines/{routine_id}/items/{third.id}/up",
        page=f"/routines/{routine_id}",
    )
    order = sorted(
        fetch_all(app, RoutineItem, routine_id=routine_id), key=lambda item: item.position
    )
    assert [item.id for item in order] == [first.id, third.id, second.id]
    submit(
        logged_in_client,
        f"/routines/{routine_id}/items/{first.id}/remove",
        page=f"/routines/{routine_id}",
    )
    assert count_rows(app, RoutineItem, routine_id=routine_id) == 2
    [cat_cow] = library_ids(app, "cat_cow")
    submit(
        logged_in_client,
        f"/routines/{routine_id}/items",
        {"exercise_id": cat_cow},
        page=f"/routines/{routine_id}",
    )
    assert count_rows(app, RoutineItem, routine_id=routine_id, exercise_id=cat_cow) == 1


def test_archive_hides_from_today_and_restore_brings_back(app, logged_in_client):
    assert "No routines yet" in logged_in_client.get("/today").text
    routine_id = make_routine(app, logged_in_client)
    submit(logged_in_client, f"/routines/{routine_id}/archive", page="/routines")
    today = logged_in_client.get("/today").text
    assert '<h3 dir="auto">Evening neck routine</h3>' not in today
    # Today shows the way back rather than "No routines yet".
    assert "No routines yet" not in today
    assert "All your routines are put away." in today
    assert '<a href="/routines#put-away">Use one again</a>' in today
    assert '<h2 id="put-away">Put away</h2>' in logged_in_client.get("/routines").text
    submit(logged_in_client, f"/routines/{routine_id}/restore", page="/routines")
    assert '<h3 dir="auto">Evening neck routine</h3>' in logged_in_client.get("/today").text


def test_done_today_logs_every_exercise_once_per_submission(app, logged_in_client, client_user):
    routine_id = make_routine(app, logged_in_client)
    page = logged_in_client.get("/today").text
    data = form_values(page, "checkin-form") | {"again": f"{routine_id}:{SUBMISSION}"}
    first = logged_in_client.post("/today", data=data)
    resent = logged_in_client.post("/today", data=data)
    assert first.status_code == resent.status_code == 302
    [log] = fetch_all(app, RoutineLog, user_id=client_user.id)
    assert log.day == local_today("Europe/London")
    assert count_rows(app, RoutineLogItem, log_id=log.id, done=True) == 3
    assert "Done today at" in logged_in_client.get("/today").text


def test_today_reads_routines_with_todays_logs_in_one_statement(
    app, logged_in_client, count_queries
):
    """The cards count exercises and today's logs in SQL: no exercise rows (with their how-to
    texts) loaded, no statement per routine."""
    neck = make_routine(app, logged_in_client)
    make_routine(app, logged_in_client, name="Back", slugs=("cat_cow",))
    tap_routine(logged_in_client, neck, "done")
    tap_routine(logged_in_client, neck, "again")
    with count_queries() as counter:
        page = logged_in_client.get("/today").text
    from_routines = [s for s in counter.statements if re.match(r"SELECT routines\.", s)]
    assert len(from_routines) == 1
    assert not [s for s in counter.statements if re.match(r"SELECT routine_(items|logs)\.", s)]
    assert "3 exercises" in page and "1 exercise<" in page
    assert (
        "(2 times)" in page.split('id="routine-')[1]
        and "Done today at" not in page.split('id="routine-')[2]
    )


def test_a_second_log_the_same_day_is_a_deliberate_choice(app, logged_in_client, client_user):
    routine_id = make_routine(app, logged_in_client)
    page = logged_in_client.get("/today").text
    done = routine_button(page, "done", routine_id)
    tap_routine(logged_in_client, routine_id, "done")
    # "Done today" again (a second tab still showing it) does not log twice...
    stale = form_values(page, "checkin-form") | {"done": done.replace(done[-4:], "0000")}
    response = logged_in_client.post("/today", data=stale, follow_redirects=True)
    assert "already logged today" in response.text
    assert count_rows(app, RoutineLog, user_id=client_user.id) == 1
    # ...while "Log again" does, and "Undo" takes the last one back.
    tap_routine(logged_in_client, routine_id, "again")
    assert count_rows(app, RoutineLog, user_id=client_user.id) == 2
    assert "(2 times)" in logged_in_client.get("/today").text
    tap_routine(logged_in_client, routine_id, "undo")
    assert count_rows(app, RoutineLog, user_id=client_user.id) == 1


def test_damaged_routine_button_is_refused(app, logged_in_client):
    routine_id = make_routine(app, logged_in_client)
    data = form_values(logged_in_client.get("/today").text, "checkin-form")
    for damaged in (f"{routine_id}:not-a-uuid", "x:y", f"{routine_id}"):
        response = logged_in_client.post("/today", data=data | {"done": damaged})
        assert response.status_code == 400, damaged
    assert count_rows(app, RoutineLog) == 0


def detailed_form(client, url):
    return form_values(client.get(url).text, "routine-log-form")


def test_detailed_log_records_skips_doses_effort_and_note(app, logged_in_client, client_user):
    routine_id = make_routine(app, logged_in_client)
    data = detailed_form(logged_in_client, f"/routines/{routine_id}/log")
    data.pop("exercises-1-done")
    data.update({"exercises-2-reps": "8", "effort": "4", "note": "Neck felt looser"})
    response = logged_in_client.post(f"/routines/{routine_id}/log", data=data)
    assert response.status_code == 302, response.text
    [log] = fetch_all(app, RoutineLog, user_id=client_user.id)
    assert (log.effort, log.note) == (4, "Neck felt looser")
    items = fetch_all(app, RoutineLogItem, log_id=log.id)
    assert [item.done for item in items] == [True, False, True]
    assert items[2].reps == 8


def test_detailed_log_refuses_bad_input(app, logged_in_client):
    routine_id = make_routine(app, logged_in_client)
    url = f"/routines/{routine_id}/log"
    future = (local_today("Europe/London") + timedelta(days=1)).isoformat()
    cases = [
        ({"effort": "11"}, "Choose a whole number from 0 to 10."),
        ({"day": future}, "That date is in the future."),
        ({"exercises-0-row_key": "999999"}, "This routine changed while you were logging it."),
        ({"note": "x" * 10_000}, "Please keep it to 1,000 characters or fewer."),
        ({"exercises-0-sets": "-3"}, "Use a whole number from 1 to 20."),
    ]
    for change, message in cases:
        data = detailed_form(logged_in_client, url)
        data.update(change)
        response = logged_in_client.post(url, data=data)
        assert response.status_code == 422, change
        assert message in response.text
    assert count_rows(app, RoutineLog) == 0


def test_log_history_edit_and_delete(app, logged_in_client, client_user):
    routine_id = make_routine(app, logged_in_client)
    tap_routine(logged_in_client, routine_id)
    [log] = fetch_all(app, RoutineLog)
    assert "Evening neck routine" in logged_in_client.get("/routines/logs").text
    data = detailed_form(logged_in_client, f"/routines/logs/{log.id}")
    data.update({"effort": "6"})
    assert logged_in_client.post(f"/routines/logs/{log.id}", data=data).status_code == 302
    assert fetch_all(app, RoutineLog)[0].effort == 6
    assert "can't be undone" in logged_in_client.get(f"/routines/logs/{log.id}/delete").text
    submit(logged_in_client, f"/routines/logs/{log.id}/delete")
    assert count_rows(app, RoutineLog) == 0
    assert count_rows(app, RoutineLogItem) == 0


def test_other_clients_routines_are_not_found(app, logged_in_client):
    routine_id = make_routine(app, logged_in_client)
    tap_routine(logged_in_client, routine_id)
    [log] = fetch_all(app, RoutineLog)
    stranger = app.test_client()
    log_in(stranger, make_user(app))
    for url in (
        f"/routines/{routine_id}",
        f"/routines/{routine_id}/log",
        f"/routines/logs/{log.id}",
    ):
        assert stranger.get(url).status_code == 404, url
    data = form_values(stranger.get("/today").text, "checkin-form")
    response = stranger.post("/today", data=data | {"done": f"{routine_id}:{SUBMISSION}"})
    assert response.status_code == 302
    assert count_rows(app, RoutineLog) == 1


def test_therapist_cannot_log_routines(app, client, therapist_user):
    log_in(client, therapist_user)
    assert client.get("/routines").status_code == 403
    assert client.get("/routines/new").status_code == 403


def test_log_forms_name_each_exercise_and_keep_each_side(app, logged_in_client, client_user):
    """Each row of the detailed log and of the log editor is titled with its exercise (they
    all read "Exercise" before), and a per-side dose is kept in the log."""
    routine_id = make_routine(app, logged_in_client, slugs=("chin_tuck", "upper_trap_stretch"))
    page = logged_in_client.get(f"/routines/{routine_id}/log").text
    legends = re.findall(r"<legend>([^<]+)</legend>", page)
    assert "Chin tuck (neck retraction)" in legends and "Exercise" not in legends
    assert tap_routine(logged_in_client, routine_id).status_code == 302
    [log] = fetch_all(app, RoutineLog, user_id=client_user.id)
    items = fetch_all(app, RoutineLogItem, log_id=log.id)
    with app.app_context():
        planned = db.session.scalars(
            db.select(RoutineItem).filter_by(routine_id=routine_id).order_by(RoutineItem.position)
        ).all()
        assert [item.dose for item in items] == [item.dose for item in planned]
        assert any(item.per_side for item in planned)
    editor = logged_in_client.get(f"/routines/logs/{log.id}").text
    assert re.findall(r"<legend>([^<]+)</legend>", editor)[:2] == legends[:2]
    # The detailed log and the log editor carry "each side" through, ticked or not.
    # (A second log of the day is asked for first: this one is meant.)
    data = detailed_form(logged_in_client, f"/routines/{routine_id}/log") | {"save_again": "y"}
    assert logged_in_client.post(f"/routines/{routine_id}/log", data=data).status_code == 302
    assert count_rows(app, RoutineLog, user_id=client_user.id) == 2  # both logs are compared
    sides = {
        tuple(item.per_side for item in fetch_all(app, RoutineLogItem, log_id=row.id))
        for row in fetch_all(app, RoutineLog, user_id=client_user.id)
    }
    assert sides == {tuple(item.per_side for item in planned)}


def test_a_second_detailed_log_of_the_day_goes_into_that_log_unless_asked_for(
    app, logged_in_client, client_user
):
    routine_id = make_routine(app, logged_in_client)
    url = f"/routines/{routine_id}/log"
    first = detailed_form(logged_in_client, url)
    assert logged_in_client.post(url, data=first).status_code == 302
    assert logged_in_client.post(url, data=first).status_code == 302  # re-sent: saved once
    assert count_rows(app, RoutineLog, user_id=client_user.id) == 1
    page = logged_in_client.get(url).text
    assert "saving adds these answers to that log" in page and "Yes, log it again" in page
    after_back = form_values(page, "routine-log-form")  # a fresh submission id, same values
    added = logged_in_client.post(url, data=after_back, follow_redirects=True)
    assert "Added to the log of" in added.text
    assert count_rows(app, RoutineLog, user_id=client_user.id) == 1
    again = detailed_form(logged_in_client, url) | {"save_again": "y"}
    assert logged_in_client.post(url, data=again).status_code == 302
    assert count_rows(app, RoutineLog, user_id=client_user.id) == 2


def test_log_edits_in_two_tabs_merge_field_by_field(app, logged_in_client, client_user):
    routine_id = make_routine(app, logged_in_client)
    tap_routine(logged_in_client, routine_id)
    [log] = fetch_all(app, RoutineLog, user_id=client_user.id)
    url = f"/routines/logs/{log.id}"
    tab_a = detailed_form(logged_in_client, url)
    tab_b = dict(tab_a)
    assert logged_in_client.post(url, data=tab_a | {"effort": "6"}).status_code == 302
    assert logged_in_client.post(url, data=tab_b | {"note": "Felt good"}).status_code == 302
    [merged] = fetch_all(app, RoutineLog, user_id=client_user.id)
    assert (merged.effort, merged.note) == (6, "Felt good")
    # One tab changes an exercise's reps, the other only the note: both are kept.
    tab_d = detailed_form(logged_in_client, url)
    tab_e = dict(tab_d)
    assert logged_in_client.post(url, data=tab_d | {"exercises-0-reps": "12"}).status_code == 302
    assert logged_in_client.post(url, data=tab_e | {"note": "Easy today"}).status_code == 302
    [both] = fetch_all(app, RoutineLog, user_id=client_user.id)
    assert both.note == "Easy today"
    assert fetch_all(app, RoutineLogItem, log_id=both.id)[0].reps == 12
    tab_c = detailed_form(logged_in_client, url)
    assert logged_in_client.post(url, data=tab_c | {"effort": "3"}).status_code == 302
    clash = logged_in_client.post(url, data=tab_c | {"effort": "8"})
    assert clash.status_code == 409 and "saved elsewhere as 3" in clash.text
    assert fetch_all(app, RoutineLog, user_id=client_user.id)[0].effort == 3


def test_undoing_a_detailed_log_asks_first(app, logged_in_client):
    """Undo removed a log with its effort and note at a tap; now the page asks first."""
    routine_id = make_routine(app, logged_in_client)
    tap_routine(logged_in_client, routine_id)
    assert "data-confirm" not in logged_in_client.get("/today").text.split('name="undo"')[1][:200]
    url = f"/routines/{routine_id}/log"
    data = detailed_form(logged_in_client, url) | {"effort": "6", "save_again": "y"}
    assert logged_in_client.post(url, data=data).status_code == 302
    undo = logged_in_client.get("/today").text.split('name="undo"')[1][:200]
    assert 'data-confirm="The last log has your effort or a note' in undo
