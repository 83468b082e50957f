import json
import re
from datetime import timedelta

import pytest

from selfcare.access import Purpose
from selfcare.dates import local_today
from selfcare.demo import DemoProfile, create_demo_routines, generate_demo_entries
from selfcare.extensions import db
from selfcare.models import AccessLogEntry, Invite, Routine, RoutineLog, Share, User, utcnow
from selfcare.sharing.service import (
    INVITE_ALPHABET,
    PURPOSE_LABELS,
    create_invite,
    purpose_label,
)

from .helpers import (
    count_rows,
    csrf_token_from,
    fetch_all,
    form_values,
    log_in,
    logged_in_therapist,
    make_user,
    new_invite_code,
    read_zip,
    redeem,
    submit,
    tap_routine,
)


def test_invite_code_is_short_unambiguous_and_shown_with_a_link(app, logged_in_client):
    code = new_invite_code(logged_in_client)
    plain = code.replace("-", "")
    assert len(plain) == 8 and set(plain) <= set(INVITE_ALPHABET)
    assert not set("01OIL") & set(plain)
    assert f"/therapist/link/{plain}" in logged_in_client.get("/sharing").text


def test_therapist_links_with_the_code_and_sees_the_client(app, logged_in_client, client_user):
    code = new_invite_code(logged_in_client)
    browser, therapist = logged_in_therapist(app)
    response = redeem(browser, code.lower())  # case and dash don't matter
    assert response.status_code == 302
    assert response.headers["Location"] == f"/therapist/clients/{client_user.id}"
    assert client_user.name in browser.get("/therapist").text
    assert browser.get(f"/therapist/clients/{client_user.id}").status_code == 200
    [share] = fetch_all(app, Share)
    assert (share.client_id, share.therapist_id, share.revoked_at) == (
        client_user.id,
        therapist.id,
        None,
    )
    sharing_page = logged_in_client.get("/sharing").text
    assert "Theo Therapist" in sharing_page and "Stop sharing" in sharing_page


def test_code_works_once(app, logged_in_client):
    code = new_invite_code(logged_in_client)
    first, _ = logged_in_therapist(app)
    second, _ = logged_in_therapist(app, "Other Therapist")
    assert redeem(first, code).status_code == 302
    response = redeem(second, code)
    assert response.status_code == 422
    assert "That code didn&#39;t work" in response.text
    assert count_rows(app, Share) == 1


def test_expired_and_unknown_codes_are_refused(app, logged_in_client, client_user):
    with app.app_context():
        old = create_invite(client_user.id, now=utcnow() - timedelta(days=8))
        old_code = old.code
    browser, _ = logged_in_therapist(app)
    expired = redeem(browser, old_code)
    unknown = redeem(browser, "ZZZZ-ZZZZ")
    # One message whatever the reason, so codes can't be probed.
    assert expired.status_code == unknown.status_code == 422
    assert (
        "That code didn&#39;t work" in expired.text and "That code didn&#39;t work" in unknown.text
    )
    assert redeem(browser, "").status_code == 422
    assert count_rows(app, Share) == 0


def test_link_from_the_invite_url_asks_before_connecting(app, logged_in_client):
    code = new_invite_code(logged_in_client).replace("-", "")
    browser, _ = logged_in_therapist(app)
    page = browser.get(f"/therapist/link/{code}")
    assert page.status_code == 200 and f'value="{code}"' in page.text
    assert count_rows(app, Share) == 0  # opening a link changes nothing; the button does
    assert redeem(browser, code).status_code == 302


def test_clients_cannot_redeem_codes(app, logged_in_client):
    code = new_invite_code(logged_in_client)
    other = app.test_client()
    log_in(other, make_user(app))
    assert other.get("/therapist/link").status_code == 403
    assert submit(other, "/therapist/link", {"code": code}, page="/today").status_code == 403
    assert count_rows(app, Share) == 0


def test_cancelled_code_cannot_be_used(app, logged_in_client):
    code = new_invite_code(logged_in_client)
    [invite] = fetch_all(app, Invite)
    submit(logged_in_client, f"/sharing/invites/{invite.id}/cancel", page="/sharing")
    browser, _ = logged_in_therapist(app)
    assert redeem(browser, code).status_code == 422


def test_revocation_takes_effect_on_the_next_request(app, logged_in_client, client_user):
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    assert browser.get(f"/therapist/clients/{client_user.id}").status_code == 200
    [share] = fetch_all(app, Share)
    assert (
        submit(logged_in_client, f"/sharing/{share.id}/revoke", page="/sharing").status_code == 302
    )
    assert browser.get(f"/therapist/clients/{client_user.id}").status_code == 404
    assert browser.get(f"/therapist/clients/{client_user.id}/report").status_code == 404
    assert client_user.name not in browser.get("/therapist").text
    assert "Only you can see your data" in logged_in_client.get("/sharing").text


def test_sharing_again_after_revoking(app, logged_in_client, client_user):
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    [share] = fetch_all(app, Share)
    submit(logged_in_client, f"/sharing/{share.id}/revoke", page="/sharing")
    redeem(browser, new_invite_code(logged_in_client))
    assert browser.get(f"/therapist/clients/{client_user.id}").status_code == 200
    assert count_rows(app, Share) == 1


def test_every_view_of_client_data_is_logged_and_shown_to_the_client(
    app, logged_in_client, client_user
):
    browser, therapist = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    # The dashboard shows the client's figures: logged too, once a day, not at every reload.
    browser.get("/therapist")
    browser.get("/therapist")
    assert [e.purpose for e in fetch_all(app, AccessLogEntry)] == ["dashboard"]
    browser.get(f"/therapist/clients/{client_user.id}")
    browser.get(f"/therapist/clients/{client_user.id}?range=1y")
    browser.get(f"/therapist/clients/{client_user.id}/report")
    entries = fetch_all(app, AccessLogEntry, client_id=client_user.id)
    assert [entry.purpose for entry in entries] == [
        "dashboard",
        "charts",
        "charts",
        "report",
    ]
    assert all(entry.therapist_id == therapist.id for entry in entries)
    page = logged_in_client.get("/sharing").text
    assert page.count('<td dir="auto">Theo Therapist</td>') == 4 and "<td>report</td>" in page


def test_home_program_appears_for_the_client_and_is_logged_like_any_routine(
    app, logged_in_client, client_user
):
    browser, therapist = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    page = browser.get(f"/therapist/clients/{client_user.id}/routines/new").text
    ids = re.findall(r'name="exercise_ids"[^>]*value="(\d+)"', page)[:2]
    response = submit(
        browser,
        f"/therapist/clients/{client_user.id}/routines/new",
        {"name": "Thoracic home program", "exercise_ids": ids},
    )
    assert response.status_code == 302
    [routine] = fetch_all(app, Routine, user_id=client_user.id)
    assert routine.assigned_by_id == therapist.id
    today_page = logged_in_client.get("/today").text
    assert (
        "Thoracic home program" in today_page
        and 'from <span dir="auto">Theo Therapist</span>' in today_page
    )
    tap_routine(logged_in_client, routine.id)
    assert count_rows(app, RoutineLog, routine_id=routine.id) == 1


def test_therapist_session_note_shows_on_the_clients_today(app, logged_in_client, client_user):
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    day = local_today("Europe/London").isoformat()
    response = submit(
        browser,
        f"/therapist/clients/{client_user.id}/appointments",
        {"day": day, "note": "Next time: thoracic mobility"},
        page=f"/therapist/clients/{client_user.id}",
    )
    assert response.status_code == 302
    assert "Next time: thoracic mobility" in logged_in_client.get("/today").text
    bad = submit(
        browser,
        f"/therapist/clients/{client_user.id}/appointments",
        {"day": "nope"},
        page=f"/therapist/clients/{client_user.id}",
    )
    assert bad.status_code == 422


def test_reports_for_client_and_therapist(app, logged_in_client, client_user):
    submit(logged_in_client, "/today", {"pain_neck": "5", "note": "Stiff after driving"})
    own = logged_in_client.get("/report")
    assert own.status_code == 200
    assert "Casey Client" in own.text and "Stiff after driving" in own.text
    assert 'media="print"' in own.text
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    assert "Stiff after driving" in browser.get(f"/therapist/clients/{client_user.id}/report").text


def test_client_cannot_revoke_someone_elses_share(app, logged_in_client, client_user):
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    [share] = fetch_all(app, Share)
    stranger = app.test_client()
    log_in(stranger, make_user(app))
    assert submit(stranger, f"/sharing/{share.id}/revoke", page="/sharing").status_code == 404
    assert fetch_all(app, Share)[0].revoked_at is None


def test_accounts_of_both_kinds_reach_their_home(app, client, therapist_user):
    response = log_in(client, therapist_user)
    assert response.headers["Location"] == "/therapist"
    with app.app_context():
        assert db.session.get(User, therapist_user.id).is_therapist


def test_guessing_invite_codes_is_limited(app):
    """One self-registered therapist tried 156 codes a second with no limit."""
    app.config["INVITE_RATE_LIMIT"] = "5 per hour"
    browser, _ = logged_in_therapist(app)
    statuses = [redeem(browser, f"ZZZZ-ZZZ{n}").status_code for n in range(2, 9)]
    assert statuses[:5] == [422] * 5 and set(statuses[5:]) == {429}


@pytest.mark.slow
def test_share_scope_holds_on_every_page_that_shows_client_data(app, logged_in_client, client_user):
    submit(logged_in_client, "/today", {"pain_neck": "6", "note": "private: bad night"})
    submit(
        logged_in_client,
        "/measurements/new/cervical_rotation",
        {"left": "61", "note": "private: measured by partner"},
    )
    browser, _ = logged_in_therapist(app)
    assert redeem(browser, new_invite_code(logged_in_client, parts=["motion"])).status_code == 302
    base = f"/therapist/clients/{client_user.id}"
    charts = browser.get(base).text
    assert "Neck: turning the head" in charts and 'aria-labelledby="pain-' not in charts
    assert "Shared with you: range-of-motion measurements" in charts
    assert 'id="routines"' not in charts and "Routine days" not in charts
    report = browser.get(f"{base}/report").text
    assert "private" not in report and "Neck pain" not in report
    files = read_zip(browser.get(f"{base}/export.zip").data)
    assert set(files) == {"measurements.csv", "appointments.csv", "figures.csv"}
    # The figures a motion-only share shows: the first day, nothing of pain or routines.
    assert [row["figure"] for row in files["figures.csv"]] == ["first day"]
    assert files["measurements.csv"][0]["note"] == ""
    bundle = browser.get(f"{base}/export.fhir.json").json
    kinds = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert kinds == {"Patient", "Observation"} and "private" not in json.dumps(bundle)
    dashboard = browser.get("/therapist").text
    assert dashboard.count("not shared") == 2  # last check-in and routines


def test_a_share_ends_by_itself_on_its_last_day(app, logged_in_client, client_user):
    browser, therapist = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    base = f"/therapist/clients/{client_user.id}"
    assert browser.get(base).status_code == 200
    with app.app_context():
        share = db.session.scalar(db.select(Share))
        share.ends_on = utcnow().date() - timedelta(days=1)
        db.session.commit()
    for path in ("", "/report", "/export.zip", "/export.fhir.json"):
        assert browser.get(base + path).status_code == 404, path
    assert "Casey Client" not in browser.get("/therapist").text
    assert "Theo Therapist" not in logged_in_client.get("/sharing").text.split("Who looked")[0]


def test_an_end_date_must_be_ahead(app, logged_in_client):
    page = logged_in_client.get("/sharing").text
    data = form_values(page, "invite-form") | {"ends_on": "2000-01-01"}
    response = logged_in_client.post("/sharing/invites", data=data)
    assert response.status_code == 422 and "after today" in response.text
    assert count_rows(app, Invite) == 0


def test_stopping_a_share_gives_a_receipt(app, logged_in_client, client_user):
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client, parts=["pain", "notes"]))
    browser.get(f"/therapist/clients/{client_user.id}")
    [share] = fetch_all(app, Share)
    response = submit(logged_in_client, f"/sharing/{share.id}/revoke", page="/sharing")
    receipt = logged_in_client.get(response.headers["Location"]).text
    assert "Sharing stopped" in receipt and "Theo Therapist" in receipt
    assert (
        "Pain scores (also during exercises), check-ins and activity scores, your notes" in receipt
    )
    assert "<dd>1 (each is in your access log)</dd>" in receipt


def test_a_pain_only_share_shows_no_routine_effect_and_no_client_notes(
    app, logged_in_client, client_user
):
    with app.app_context():
        user = db.session.get(User, client_user.id)
        profile = DemoProfile(regions={"neck": 5})
        generate_demo_entries(user, create_demo_routines(user), 90, profile, seed=3)
    today = local_today("Europe/London")
    appointment = {"day": (today - timedelta(days=3)).isoformat(), "note": "APPT-SECRET"}
    submit(logged_in_client, "/appointments", appointment, page="/trends")
    base = f"/therapist/clients/{client_user.id}"
    everything, _ = logged_in_therapist(app, "Full Share")
    redeem(everything, new_invite_code(logged_in_client))
    shown = everything.get(base).text
    assert "After a routine day" in shown and "APPT-SECRET" in shown  # the test can fail
    pain_only, _ = logged_in_therapist(app)
    redeem(pain_only, new_invite_code(logged_in_client, parts=["pain"]))
    for page in (pain_only.get(base).text, pain_only.get(f"{base}/report").text):
        assert "After a routine day" not in page and "APPT-SECRET" not in page


def test_one_code_at_a_time_a_new_one_replaces_the_old(app, logged_in_client):
    page = logged_in_client.get("/sharing").text
    assert ">Create a code</button>" in page and "Replace this code" not in page
    first = new_invite_code(logged_in_client)
    page = logged_in_client.get("/sharing").text
    assert ">Replace this code</button>" in page and "Create a code" not in page
    link = f"http://localhost/therapist/link/{first.replace('-', '')}"
    assert f'<a href="{link}">{link}</a>' in page  # a real, tappable link
    # Copy and share buttons exist for the script, hidden until it finds the browser can.
    assert re.search(r'<button type="button" class="[^"]*js-copy-link" hidden>', page)
    assert re.search(r'<button type="button" class="[^"]*js-share-link" hidden>', page)

    # A second tab still showing "Create a code" sends the form again: the first code ends.
    data = form_values(page, "invite-form")
    response = logged_in_client.post("/sharing/invites", data=data, follow_redirects=True)
    second = re.search(r'class="invite-code"[^>]*>([A-Z0-9-]{9})<', response.text).group(1)
    assert second != first
    assert f"The earlier code {first} no longer works." in response.text
    assert response.text.count('class="invite-code"') == 1
    browser, _ = logged_in_therapist(app)
    assert redeem(browser, first).status_code == 422
    assert redeem(browser, second).status_code == 302


A_MONTH_AHEAD = (utcnow().date() + timedelta(days=30)).isoformat()


def _shared_with_a_therapist(app, logged_in_client):
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client, parts=["pain"], ends_on=A_MONTH_AHEAD))
    [share] = fetch_all(app, Share)
    return browser, share


def test_stopping_asks_first_then_offers_undo_that_restores_the_same_share(
    app, logged_in_client, client_user
):
    browser, share = _shared_with_a_therapist(app, logged_in_client)
    sharing_page = logged_in_client.get("/sharing").text
    assert f'href="/sharing/{share.id}/revoke"' in sharing_page  # a link to a question, no POST
    question = logged_in_client.get(f"/sharing/{share.id}/revoke")
    assert question.status_code == 200
    assert "Stop sharing with" in question.text and "undo it for 10 minutes" in question.text
    assert fetch_all(app, Share)[0].revoked_at is None  # asking changed nothing

    response = logged_in_client.post(
        f"/sharing/{share.id}/revoke", data={"csrf_token": csrf_token_from(question.text)}
    )
    receipt = logged_in_client.get(response.headers["Location"]).text
    assert "Sharing stopped" in receipt and "Undo" in receipt
    assert browser.get(f"/therapist/clients/{client_user.id}").status_code == 404

    response = submit(
        logged_in_client, f"/sharing/{share.id}/undo", page=f"/sharing/{share.id}/receipt"
    )
    assert response.status_code == 302
    page = logged_in_client.get("/sharing").text
    assert "Sharing with Theo Therapist is back on, as it was before." in page
    [restored] = fetch_all(app, Share)
    assert restored.revoked_at is None
    assert (restored.parts, str(restored.ends_on), restored.since) == (
        "pain",
        A_MONTH_AHEAD,
        share.since,
    )
    assert browser.get(f"/therapist/clients/{client_user.id}").status_code == 200
    purposes = [entry.purpose for entry in fetch_all(app, AccessLogEntry)]
    assert "share_stopped" in purposes and "share_restored" in purposes
    assert "you undid stopping" in page  # the client reads both in their log

    # Undo from a second tab that still shows the receipt: nothing more happens, and it says so.
    again = submit(logged_in_client, f"/sharing/{share.id}/undo", page="/sharing")
    assert "You already share with Theo Therapist." in logged_in_client.get(again.location).text
    assert count_rows(app, AccessLogEntry, purpose="share_restored") == 1


def test_undo_is_refused_after_ten_minutes(app, logged_in_client):
    _, share = _shared_with_a_therapist(app, logged_in_client)
    submit(logged_in_client, f"/sharing/{share.id}/revoke")
    with app.app_context():
        stopped = db.session.get(Share, share.id)
        stopped.revoked_at = utcnow() - timedelta(minutes=11)
        db.session.commit()
    receipt = logged_in_client.get(f"/sharing/{share.id}/receipt").text
    assert "Undo" not in receipt
    response = submit(logged_in_client, f"/sharing/{share.id}/undo", page="/sharing")
    page = logged_in_client.get(response.headers["Location"]).text
    assert "can be undone for 10 minutes only" in page
    assert fetch_all(app, Share)[0].revoked_at is not None


def test_undo_is_refused_when_the_therapist_account_is_gone(app, logged_in_client):
    _, share = _shared_with_a_therapist(app, logged_in_client)
    submit(logged_in_client, f"/sharing/{share.id}/revoke")
    with app.app_context():
        db.session.delete(db.session.get(User, share.therapist_id))
        db.session.commit()
    response = submit(logged_in_client, f"/sharing/{share.id}/undo", page="/sharing")
    page = logged_in_client.get(response.headers["Location"]).text
    assert "that therapist&#39;s account no longer exists" in page
    assert count_rows(app, Share) == 0


def test_undo_of_a_share_that_is_not_yours_is_not_found(app, logged_in_client):
    """An id that was never the client's share, existing or not, gives the same 404, so
    Undo tells nothing about other people's shares."""
    _, share = _shared_with_a_therapist(app, logged_in_client)
    stranger = app.test_client()
    log_in(stranger, make_user(app, name="Someone Else"))
    for share_id in (share.id, share.id + 1000):
        response = submit(stranger, f"/sharing/{share_id}/undo", page="/sharing")
        assert response.status_code == 404
    assert fetch_all(app, Share)[0].revoked_at is None


def test_each_purpose_code_reads_as_words_and_an_unknown_value_as_it_is():
    assert set(PURPOSE_LABELS) == Purpose.codes()
    assert purpose_label(Purpose.EXPORT_CSV) == "export (CSV)"
    assert purpose_label("home program") == "home program"
