import re
from datetime import timedelta

from selfcare.dates import local_today
from selfcare.extensions import db
from selfcare.models import CheckIn, PainScore, TrackedRegion

from .helpers import count_rows, csrf_token_from, form_values, log_in, make_user, submit

ALL_NOT_RATED = {"pain_neck": "", "pain_upper_back": "", "pain_lower_back": ""}


def checkin(client, url="/today", **fields):
    data = dict(ALL_NOT_RATED)
    data.update(fields)
    return submit(client, url, data)


def scores(app, user_id) -> dict:
    with app.app_context():
        rows = db.session.execute(
            db.select(CheckIn.day, PainScore.region, PainScore.score)
            .join(PainScore.checkin)
            .where(CheckIn.user_id == user_id)
        ).all()
    return {(day, region): score for day, region, score in rows}


def test_today_shows_a_scale_for_each_default_region(logged_in_client):
    page = logged_in_client.get("/today").text
    for legend in (
        "<legend>Neck</legend>",
        "<legend>Upper back</legend>",
        "<legend>Lower back</legend>",
    ):
        assert legend in page
    assert len(re.findall(r'class="scale-input" name="pain_', page)) == 3 * 11
    # The pain scale is explained once, and every region's buttons point to that explanation.
    assert page.count("0 = no pain, 10 = worst pain imaginable") == 1
    assert page.count('aria-describedby="pain-scale-hint"') == 3


def test_checkin_saves_scores_for_the_local_day(app, logged_in_client, client_user):
    response = checkin(logged_in_client, pain_neck="4", pain_lower_back="7", stress="3")
    assert response.status_code == 302
    today = local_today("Europe/London")
    assert scores(app, client_user.id) == {(today, "neck"): 4, (today, "lower_back"): 7}
    with app.app_context():
        saved = db.session.scalar(db.select(CheckIn))
        assert saved.stress == 3 and saved.stiffness is None


def test_blank_region_is_not_rated_never_zero(app, logged_in_client, client_user):
    checkin(logged_in_client, pain_neck="0")
    stored = scores(app, client_user.id)
    assert list(stored.values()) == [0]
    assert all(region == "neck" for _, region in stored)


def test_today_is_the_users_local_day(app, client):
    far_east = make_user(app, timezone="Pacific/Kiritimati")  # UTC+14
    log_in(client, far_east)
    checkin(client, pain_neck="3")
    assert count_rows(app, CheckIn, user_id=far_east.id, day=local_today("Pacific/Kiritimati")) == 1


def test_second_save_of_the_day_updates_the_same_row(app, logged_in_client, client_user):
    checkin(logged_in_client, pain_neck="6", pain_upper_back="2")
    page = logged_in_client.get("/today").text
    assert re.search(r'name="pain_neck" id="pain_neck-6" value="6" checked', page)
    checkin(logged_in_client, pain_neck="3", pain_upper_back="")
    assert count_rows(app, CheckIn, user_id=client_user.id) == 1
    assert list(scores(app, client_user.id).values()) == [3]


def test_double_submit_of_the_same_form_creates_one_row(app, logged_in_client, client_user):
    token_page = logged_in_client.get("/today").text
    data = {"csrf_token": csrf_token_from(token_page), **ALL_NOT_RATED, "pain_neck": "5"}
    first = logged_in_client.post("/today", data=data)
    second = logged_in_client.post("/today", data=data)
    assert first.status_code == second.status_code == 302
    assert count_rows(app, CheckIn, user_id=client_user.id) == 1
    assert count_rows(app, PainScore) == 1


def test_bad_pain_values_are_refused_and_nothing_written(app, logged_in_client):
    for bad in ("11", "-1", "abc", "4.5"):
        response = checkin(logged_in_client, pain_neck=bad)
        assert response.status_code == 422, bad
        assert "Choose a whole number from 0 to 10." in response.text
        assert 'id="pain_neck-errors"' in response.text
    assert count_rows(app, CheckIn) == 0


def test_overlong_note_is_refused(app, logged_in_client):
    response = checkin(logged_in_client, pain_neck="2", note="x" * 10_000)
    assert response.status_code == 422
    assert "Please keep it to 1,000 characters or fewer." in response.text
    assert count_rows(app, CheckIn) == 0


def test_rest_and_flare_days_and_details(app, logged_in_client):
    checkin(
        logged_in_client,
        pain_neck="8",
        day_kind="flare",
        medication_taken="yes",
        medication_note="ibuprofen",
        note="Slept badly",
    )
    with app.app_context():
        saved = db.session.scalar(db.select(CheckIn))
        assert (saved.day_kind, saved.medication_taken, saved.medication_note, saved.note) == (
            "flare",
            True,
            "ibuprofen",
            "Slept badly",
        )
    assert count_rows(app, CheckIn, day_kind="flare") == 1
    response = checkin(logged_in_client, day_kind="terrible")
    assert response.status_code == 422


def test_past_day_can_be_added_and_edited(app, logged_in_client, client_user):
    yesterday = local_today("Europe/London") - timedelta(days=1)
    url = f"/checkins/{yesterday.isoformat()}"
    assert "No check-in on this day yet" in logged_in_client.get(url).text
    assert checkin(logged_in_client, url, pain_neck="5").status_code == 302
    assert checkin(logged_in_client, url, pain_neck="4").status_code == 302
    assert scores(app, client_user.id) == {(yesterday, "neck"): 4}


def test_future_day_is_refused(app, logged_in_client):
    tomorrow = local_today("Europe/London") + timedelta(days=2)
    response = logged_in_client.get(f"/checkins/{tomorrow.isoformat()}")
    assert response.status_code == 400
    assert "That date is in the future" in response.text
    assert count_rows(app, CheckIn) == 0


def test_not_a_date_is_not_found_and_ancient_dates_are_refused(logged_in_client):
    assert logged_in_client.get("/checkins/2026-02-31").status_code == 404
    assert logged_in_client.get("/checkins/0001-01-01").status_code == 400


def test_history_is_newest_first_and_paginated(app, logged_in_client, client_user):
    today = local_today("Europe/London")
    with app.app_context():
        for offset in range(25):
            db.session.add(CheckIn(user_id=client_user.id, day=today - timedelta(days=offset)))
        db.session.commit()
    first_page = logged_in_client.get("/checkins").text
    assert first_page.index("Today") < first_page.index(
        (today - timedelta(days=1)).strftime("%a %d %b %Y")
    )
    assert "Page 1 of 2" in first_page
    second_page = logged_in_client.get("/checkins?page=2").text
    assert (today - timedelta(days=24)).strftime("%a %d %b %Y") in second_page


def test_delete_asks_first_then_deletes(app, logged_in_client, client_user):
    checkin(logged_in_client, pain_neck="3")
    with app.app_context():
        checkin_id = db.session.scalar(db.select(CheckIn.id))
    confirm = logged_in_client.get(f"/checkins/{checkin_id}/delete")
    assert confirm.status_code == 200 and "can't be undone" in confirm.text
    assert count_rows(app, CheckIn) == 1
    submit(logged_in_client, f"/checkins/{checkin_id}/delete")
    assert count_rows(app, CheckIn) == 0
    assert count_rows(app, PainScore) == 0


def test_another_clients_checkin_cannot_be_deleted(app, logged_in_client):
    checkin(logged_in_client, pain_neck="3")
    with app.app_context():
        checkin_id = db.session.scalar(db.select(CheckIn.id))
    intruder = app.test_client()
    log_in(intruder, make_user(app))
    assert intruder.get(f"/checkins/{checkin_id}/delete").status_code == 404
    assert submit(intruder, f"/checkins/{checkin_id}/delete", page="/checkins").status_code == 404
    assert count_rows(app, CheckIn) == 1


def test_therapist_cannot_create_client_entries(app, client, therapist_user):
    log_in(client, therapist_user)
    assert client.get("/today").status_code == 403
    assert count_rows(app, CheckIn) == 0


def test_choosing_regions_adds_and_hides_rows(app, logged_in_client, client_user):
    response = submit(
        logged_in_client, "/checkins/regions", {"regions": ["neck", "shoulder_left", "hip_right"]}
    )
    assert response.status_code == 302
    page = logged_in_client.get("/today").text
    assert "<legend>Left shoulder</legend>" in page and "<legend>Right hip</legend>" in page
    assert "<legend>Upper back</legend>" not in page
    assert count_rows(app, TrackedRegion, user_id=client_user.id) == 3


def test_regions_must_not_be_empty_or_unknown(app, logged_in_client, client_user):
    assert submit(logged_in_client, "/checkins/regions", {}).status_code == 422
    assert submit(logged_in_client, "/checkins/regions", {"regions": ["tail"]}).status_code == 422
    assert count_rows(app, TrackedRegion, user_id=client_user.id) == 0
    assert "<legend>Upper back</legend>" in logged_in_client.get("/today").text  # the defaults


def test_hidden_region_keeps_its_past_scores(app, logged_in_client, client_user):
    yesterday = local_today("Europe/London") - timedelta(days=1)
    checkin(logged_in_client, f"/checkins/{yesterday}", pain_upper_back="6")
    submit(logged_in_client, "/checkins/regions", {"regions": ["neck"]})
    submit(logged_in_client, f"/checkins/{yesterday}", {"pain_neck": "2"})
    assert scores(app, client_user.id) == {(yesterday, "upper_back"): 6, (yesterday, "neck"): 2}


def test_add_or_change_a_day_box_opens_the_day_or_says_what_is_wrong(logged_in_client):
    """The GET form on /checkins: a date opens that day (it answered 500 for every input)."""
    opened = logged_in_client.get("/checkins?day=2026-01-05")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/checkins/2026-01-05")
    for typed in ("05/01/2026", "2026-02-30", "yesterday", "٢٠٢٦-٠١-٠٥"):
        refused = logged_in_client.get("/checkins", query_string={"day": typed})
        assert refused.status_code == 400, typed
        assert "date picker" in refused.text


def test_page_numbers_beyond_any_history_are_not_found(logged_in_client):
    """?page= with a number the database can't offset by answered 500."""
    for path in ("/checkins", "/routines/logs", "/measurements"):
        assert logged_in_client.get(f"{path}?page=1").status_code == 200
        for page in ("99999999999999999999", "0", "-1", "٣", "x"):
            assert logged_in_client.get(f"{path}?page={page}").status_code == 404, (path, page)


def test_a_conflict_page_shows_what_the_other_tab_saved(app, logged_in_client, client_user):
    """The 409 page kept the second tab's stale note, and saving it again as told wiped the
    note the first tab had saved."""
    page = logged_in_client.get("/today").text
    tab_a = form_values(page, "checkin-form")
    tab_b = dict(tab_a)
    saved = logged_in_client.post("/today", data=tab_a | {"pain_neck": "3", "note": "A's note"})
    assert saved.status_code == 302
    clash = logged_in_client.post("/today", data=tab_b | {"pain_neck": "6"})
    assert clash.status_code == 409
    again = form_values(clash.text, "checkin-form")
    assert (again["note"], again["pain_neck"]) == ("A's note", "6")
    assert logged_in_client.post("/today", data=again).status_code == 302
    with app.app_context():
        checkin = db.session.scalar(db.select(CheckIn).filter_by(user_id=client_user.id))
        assert (checkin.note, checkin.score_by_region()["neck"]) == ("A's note", 6)


def offline_owner(client) -> str:
    """Whose entries made offline the logged-in person's pages send (data-offline-owner)."""
    return re.search(r'data-offline-owner="([^"]*)"', client.get("/today").text).group(1)


def queued(client, entry: dict, owner: str | None = None):
    """What static/js/offline.js sends for an entry made without signal, by default as made by
    the person logged in."""
    token = csrf_token_from(client.get("/today").text)
    body = {"owner": owner or offline_owner(client), **entry}
    return client.post("/today/queued", json=body, headers={"X-CSRFToken": token})


def test_entries_made_offline_are_stored_once_and_never_overwrite(app, logged_in_client):
    today = local_today("Europe/London").isoformat()
    checkin = {
        "kind": "checkin",
        "submission_id": "0f8e4d2a-1b3c-4d5e-8f90-a1b2c3d4e5f6",
        "day": today,
        "scores": {"neck": 7},
    }
    assert queued(logged_in_client, checkin).status_code == 200
    assert queued(logged_in_client, checkin).status_code == 200  # sent twice, stored once
    assert count_rows(app, PainScore) == 1
    # Saved elsewhere meanwhile: the offline score doesn't overwrite it, and the phone is told.
    submit(logged_in_client, "/today", {"pain_lower_back": "4"})
    clash = queued(
        logged_in_client,
        checkin
        | {"submission_id": "1f8e4d2a-1b3c-4d5e-8f90-a1b2c3d4e5f6", "scores": {"lower_back": 8}},
    )
    assert clash.status_code == 409
    assert clash.json["conflicts"] == {"lower_back": {"yours": 8, "saved": 4}}
    with app.app_context():
        checkin_row = db.session.scalar(db.select(CheckIn))
        assert checkin_row.score_by_region() == {"neck": 7, "lower_back": 4}


def test_a_score_chosen_over_a_clash_is_kept_unless_changed_again(app, logged_in_client):
    """The person saw 4 saved elsewhere and kept their 8: it is stored over the 4 it was chosen
    over, but not over a 5 saved since, which is put to them again."""
    today = local_today("Europe/London").isoformat()
    submit(logged_in_client, "/today", {"pain_lower_back": "4"})
    chosen = {
        "kind": "checkin",
        "submission_id": "3f8e4d2a-1b3c-4d5e-8f90-a1b2c3d4e5f6",
        "day": today,
        "scores": {"lower_back": 8, "neck": 2},
        "seen": {"lower_back": 5},
    }
    clash = queued(logged_in_client, chosen)
    assert clash.status_code == 409
    assert clash.json["conflicts"] == {"lower_back": {"yours": 8, "saved": 4}}
    assert queued(logged_in_client, chosen | {"seen": {"lower_back": 4}}).status_code == 200
    with app.app_context():
        checkin_row = db.session.scalar(db.select(CheckIn))
        assert checkin_row.score_by_region() == {"neck": 2, "lower_back": 8}


def test_an_entry_made_by_someone_else_on_the_phone_is_refused_unread(app, client):
    """Alma's sign-in ended with her entries waiting; Bo logged in on the phone. Hers are
    refused in his session, say nothing of what they hold, and write nothing; they go into
    her account once she is back."""
    alma, bo = make_user(app, name="Alma"), make_user(app, name="Bo")
    log_in(client, alma)
    almas = offline_owner(client)
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/today").text)})
    log_in(client, bo)
    assert offline_owner(client) not in (almas, "")
    today = local_today("Europe/London").isoformat()
    checkin(client, pain_neck="2")  # so that Alma's score would clash with Bo's
    entries = [
        {
            "kind": "checkin",
            "submission_id": "4f8e4d2a-1b3c-4d5e-8f90-a1b2c3d4e5f6",
            "day": today,
            "scores": {"neck": 9},
            "labels": {"neck": "Neck"},
        },
        {"kind": "routine", "submission_id": "5f8e4d2a-1b3c-4d5e-8f90-a1b2c3d4e5f6", "day": today},
    ]
    rows_before = count_rows(app, CheckIn), count_rows(app, PainScore)
    for entry in entries:
        for owner in (almas, "", 42, None, ["x"], "ü" * 22):
            response = queued(client, entry | {"owner": owner})
            assert response.status_code == 403, (entry, owner)
            assert set(response.json) == {"type", "title", "status", "detail"}
            said = response.get_data(as_text=True)
            assert not any(word in said for word in ("9", "Neck", today, "4f8e", "5f8e"))
    assert (count_rows(app, CheckIn), count_rows(app, PainScore)) == rows_before
    assert scores(app, bo.id) == {(local_today("Europe/London"), "neck"): 2}

    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/today").text)})
    log_in(client, alma)
    assert queued(client, entries[0], owner=almas).status_code == 200
    assert scores(app, alma.id) == {(local_today("Europe/London"), "neck"): 9}


def test_malformed_offline_entries_are_refused_with_nothing_written(app, logged_in_client):
    token = csrf_token_from(logged_in_client.get("/today").text)
    owner = offline_owner(logged_in_client)
    entry = {
        "owner": owner,
        "kind": "checkin",
        "submission_id": "6f8e4d2a-1b3c-4d5e-8f90-a1b2c3d4e5f6",
        "day": local_today("Europe/London").isoformat(),
        "scores": {"neck": 3},
    }
    depth = 100_000
    raw_bodies = (
        "[" * depth + "]" * depth,
        '{"owner": ' + "[" * depth + "]" * depth + "}",
        "{" + '"a":{' * depth + "}" * (depth + 1),
        "not json",
        '{"owner": "x"',
        "[]",
        '"checkin"',
        "null",
        "1e999999",
        '{"day": ' + "9" * 5000 + "}",
    )
    for raw in raw_bodies:
        response = logged_in_client.post(
            "/today/queued",
            data=raw,
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        assert 400 <= response.status_code < 500, raw[:40]
    for changed in (
        {"submission_id": 7},
        {"submission_id": ["6f8e4d2a-1b3c-4d5e-8f90-a1b2c3d4e5f6"]},
        {"submission_id": "6f8e4d2a-1b3c-4d5e-8f90-a1b2c3d4e5f6\x00"},
        {"day": {"year": 2026}},
        {"day": 20260105},
        {"day": True},
        {"kind": ["checkin", "routine"]},
        {"kind": "routine", "routine_id": {"id": 1}},
        {"kind": "routine", "routine_id": 1.5},
        {"kind": "routine", "routine_id": 10**40},
        {"scores": {"neck": True}},
        {"scores": {"neck": 3.0}},
        {"scores": [["neck", 3]]},
        {"scores": {"neck": 3}, "seen": {"lower_back": 4}},
        {"scores": {"neck": 3}, "seen": {"neck": "4"}},
        {"scores": {"neck": 3}, "seen": [4]},
        {"scores": {"neck": 3}, "seen": []},
    ):
        response = logged_in_client.post(
            "/today/queued", json=entry | changed, headers={"X-CSRFToken": token}
        )
        assert response.status_code == 422, changed
    assert count_rows(app, CheckIn) == 0


def test_bad_offline_entries_are_refused_with_nothing_written(app, logged_in_client):
    base = {"kind": "checkin", "submission_id": "2f8e4d2a-1b3c-4d5e-8f90-a1b2c3d4e5f6"}
    tomorrow = (local_today("Europe/London") + timedelta(days=1)).isoformat()
    for entry in (
        base | {"day": tomorrow, "scores": {"neck": 3}},
        base | {"day": "2026-01-05", "scores": {"neck": 11}},
        base | {"day": "2026-01-05", "scores": {"elbow": 3}},
        base | {"day": "2026-01-05", "scores": "neck"},
        {"kind": "routine", "day": "2026-01-05", "submission_id": base["submission_id"]},
        {"kind": "checkin", "day": "2026-01-05", "scores": {"neck": 3}},
    ):
        assert queued(logged_in_client, entry).status_code == 422, entry
    response = logged_in_client.post("/today/queued", json=base | {"day": "2026-01-05"})
    assert response.status_code == 400  # no CSRF token: not from our page
    assert count_rows(app, CheckIn) == 0


def test_a_saved_check_in_costs_only_its_own_statements(logged_in_client, count_queries):
    """The save redirects to Today, so it loads nothing only the page shows (routines, the
    therapist's note), reads the day once with its scores, and doesn't reload the user; in the
    same transaction it works out again the week and month of pain it changed."""
    submit(logged_in_client, "/today", {"pain_neck": "4"})
    values = form_values(logged_in_client.get("/today").text, "checkin-form")
    values["pain_neck"] = "6"
    with count_queries() as counter:
        response = logged_in_client.post("/today", data=values)
    assert response.status_code == 302
    statements = [" ".join(statement.split()) for statement in counter.statements]
    periods = [s for s in statements if "pain_periods" in s]
    assert len(periods) == 2  # the day's week and month: deleted and worked out again
    assert not [
        s for s in statements if ("routine" in s or "appointments" in s) and s not in periods
    ]
    assert len([s for s in statements if s.startswith("SELECT checkins.id")]) == 1
    assert not [s for s in statements if s.startswith("SELECT users.id")]
    assert len(statements) <= 7
    assert form_values(logged_in_client.get("/today").text, "checkin-form")["pain_neck"] == "6"


def test_today_reads_the_day_and_its_scores_in_one_query(logged_in_client, count_queries):
    submit(logged_in_client, "/today", {"pain_neck": "4"})
    with count_queries() as counter:
        assert logged_in_client.get("/today").status_code == 200
    assert not [s for s in counter.statements if "FROM pain_scores" in s]


def test_right_to_left_notes_and_names_get_their_own_direction(app, client):
    """An Arabic note (and name) is shown in an element with dir="auto", so the browser lays it
    out right to left without scrambling the English around it; the fields take it the same way."""
    arabic_note = "نمت جيدا"
    person = make_user(app, name="سارة")
    log_in(client, person)
    checkin(client, pain_neck="3", note=arabic_note)
    history = client.get("/checkins").text
    assert f'<p class="small muted" dir="auto">{arabic_note}</p>' in history
    assert '<a class="account-link" href="/account" dir="auto">سارة</a>' in history
    today = client.get("/today").text
    assert re.search(r'<textarea[^>]* dir="auto"[^>]* name="note"', today)
    assert re.search(r'<input[^>]* dir="auto"[^>]* name="medication_note"', today)


def test_each_person_sees_their_own_day_type_and_medication(app, client):
    """The day type and medication answer are built once per value and kept for every request:
    two people with different answers each see their own."""
    flaring, resting = make_user(app, name="Fay Flare"), make_user(app, name="Rex Rest")
    other = app.test_client()
    log_in(client, flaring)
    log_in(other, resting)
    checkin(client, day_kind="flare", medication_taken="yes")
    checkin(other, day_kind="rest", medication_taken="no")
    for browser, kind, medication in [(client, "flare", "yes"), (other, "rest", "no")]:
        shown = form_values(browser.get("/today").text, "checkin-form")
        assert (shown["day_kind"], shown["medication_taken"]) == (kind, medication)
