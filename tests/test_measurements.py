from datetime import timedelta

from markupsafe import escape

from selfcare.clinical import MOVEMENTS
from selfcare.dates import local_today
from selfcare.extensions import db
from selfcare.measurements.phone import PHONE_MEASURABLE
from selfcare.models import Measurement

from .helpers import count_rows, csrf_token_from, fetch_all, form_values, log_in, make_user, submit

ROTATION = "/measurements/new/cervical_rotation"


def test_choose_page_lists_the_reference_movements(logged_in_client):
    page = logged_in_client.get("/measurements/new").text
    assert "Neck: turning the head" in page
    assert "Fingertips to floor" in page
    assert page.count('href="/measurements/new/') == 19


def test_form_shows_how_to_and_normal_range(logged_in_client):
    page = logged_in_client.get(ROTATION).text
    assert "How to measure:" in page
    assert "Typical for healthy adults: 80°" in page
    assert "from about 60°" in page


def test_measurement_is_saved_with_unit_and_side(app, logged_in_client, client_user):
    response = submit(logged_in_client, ROTATION, {"left": "64.5", "note": "stiff"})
    assert response.status_code == 302
    [saved] = fetch_all(app, Measurement, user_id=client_user.id)
    assert (saved.movement, saved.side, saved.value, saved.unit) == (
        "cervical_rotation",
        "left",
        64.5,
        "deg",
    )
    assert saved.day == local_today("Europe/London")
    assert "64.5°" in logged_in_client.get("/measurements").text


def test_unsided_movement_in_cm(app, logged_in_client):
    response = submit(logged_in_client, "/measurements/new/fingertip_to_floor", {"value": "-4"})
    assert response.status_code == 302
    [saved] = fetch_all(app, Measurement)
    assert (saved.side, saved.value, saved.unit) == (None, -4.0, "cm")


def test_out_of_bounds_value_names_the_bounds(app, logged_in_client):
    response = submit(logged_in_client, ROTATION, {"left": "60", "right": "150"})
    assert response.status_code == 422
    assert "recorded between 0° and 100°" in response.text
    assert 'id="right-errors"' in response.text and 'id="left-errors"' not in response.text
    assert count_rows(app, Measurement) == 0


def test_bad_measurement_input_is_refused(app, logged_in_client):
    future = (local_today("Europe/London") + timedelta(days=1)).isoformat()
    cases = [
        ({"left": "abc"}, "Not a valid decimal value."),
        ({"left": "60", "right": "nan"}, "Please enter a number, for example 65."),
        ({"left": "", "right": ""}, "Please enter at least one side: left, right or both."),
        ({"left": "60", "day": future}, "That date is in the future."),
        (
            {"left": "60", "note": "x" * 10_000},
            "Please keep it to 500 characters or fewer.",
        ),
    ]
    for data, message in cases:
        response = submit(logged_in_client, ROTATION, data)
        assert response.status_code == 422, data
        assert message in response.text, data
    assert count_rows(app, Measurement) == 0


def test_double_submit_saves_once(app, logged_in_client):
    page = logged_in_client.get(ROTATION).text
    token = csrf_token_from(page)
    import re

    submission_id = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "submission_id": submission_id, "left": "60", "right": "70"}
    assert logged_in_client.post(ROTATION, data=data).status_code == 302
    assert logged_in_client.post(ROTATION, data=data).status_code == 302
    assert count_rows(app, Measurement) == 2


def test_unknown_movement_is_not_found(logged_in_client):
    assert logged_in_client.get("/measurements/new/tail_wag").status_code == 404


def test_edit_and_delete(app, logged_in_client):
    submit(logged_in_client, ROTATION, {"left": "60"})
    [saved] = fetch_all(app, Measurement)
    response = submit(
        logged_in_client, f"/measurements/{saved.id}", {"side": "right", "value": "66"}
    )
    assert response.status_code == 302
    [edited] = fetch_all(app, Measurement)
    assert (edited.side, edited.value) == ("right", 66.0)
    submit(logged_in_client, f"/measurements/{saved.id}/delete")
    assert count_rows(app, Measurement) == 0


def test_other_clients_measurements_are_not_found(app, logged_in_client):
    submit(logged_in_client, ROTATION, {"left": "60"})
    [saved] = fetch_all(app, Measurement)
    stranger = app.test_client()
    log_in(stranger, make_user(app))
    assert stranger.get(f"/measurements/{saved.id}").status_code == 404
    response = submit(stranger, f"/measurements/{saved.id}/delete", page="/measurements")
    assert response.status_code == 404
    assert count_rows(app, Measurement) == 1


def test_back_then_save_asks_before_saving_the_same_again(app, logged_in_client):
    """Back re-fetches the form with a new submission id while the browser refills what was
    typed: the second save asks first, and saves only when the person says so."""
    typed = {"left": "60", "day": "2026-01-05"}
    assert submit(logged_in_client, ROTATION, typed).status_code == 302
    again = submit(logged_in_client, ROTATION, typed)
    assert again.status_code == 409
    assert "You already saved" in again.text and "Yes, save it again" in again.text
    assert count_rows(app, Measurement) == 1
    confirmed = submit(logged_in_client, ROTATION, typed | {"save_again": "y"})
    assert confirmed.status_code == 302
    assert count_rows(app, Measurement) == 2


def test_edits_in_two_tabs_merge_field_by_field(app, logged_in_client):
    submit(logged_in_client, ROTATION, {"left": "60", "note": "morning"})
    [saved] = fetch_all(app, Measurement)
    url = f"/measurements/{saved.id}"
    tab_a = form_values(logged_in_client.get(url).text, "measurement-form")
    tab_b = dict(tab_a)
    assert logged_in_client.post(url, data=tab_a | {"value": "64"}).status_code == 302
    # Tab B, loaded before A saved, changes only the note: A's value stays.
    assert logged_in_client.post(url, data=tab_b | {"note": "after stretching"}).status_code == 302
    [merged] = fetch_all(app, Measurement)
    assert (merged.value, merged.note) == (64.0, "after stretching")
    # Both change the value: the later save is not applied silently.
    tab_c = form_values(logged_in_client.get(url).text, "measurement-form")
    assert logged_in_client.post(url, data=tab_c | {"value": "66"}).status_code == 302
    clash = logged_in_client.post(url, data=tab_c | {"value": "70"})
    assert clash.status_code == 409
    assert "saved elsewhere as 66" in clash.text and "Yours, 70" in clash.text
    assert fetch_all(app, Measurement)[0].value == 66.0
    resent = form_values(clash.text, "measurement-form")
    assert logged_in_client.post(url, data=resent).status_code == 302
    assert fetch_all(app, Measurement)[0].value == 70.0


def test_a_measurement_saved_without_a_submission_id_can_be_edited(app, logged_in_client):
    """Rows from before submission ids (and imports) have none: their edit form refused every
    save with an error it didn't show."""
    submit(logged_in_client, ROTATION, {"left": "60"})
    [saved] = fetch_all(app, Measurement)
    with app.app_context():
        db.session.get(Measurement, saved.id).submission_id = None
        db.session.commit()
    url = f"/measurements/{saved.id}"
    data = form_values(logged_in_client.get(url).text, "measurement-form") | {"value": "47"}
    assert logged_in_client.post(url, data=data).status_code == 302
    assert fetch_all(app, Measurement)[0].value == 47.0


def test_both_sides_in_one_entry_are_two_rows_of_one_day(app, logged_in_client, client_user):
    page = logged_in_client.get(ROTATION).text
    assert 'name="side"' not in page and 'name="value"' not in page
    assert "Left (degrees)" in page and "Right (degrees)" in page
    data = form_values(page, "measurement-form") | {"left": "62", "right": "71.5", "note": "ok"}
    response = logged_in_client.post(ROTATION, data=data)
    assert response.status_code == 302
    rows = fetch_all(app, Measurement, user_id=client_user.id)
    assert [(row.side, row.value, row.note) for row in rows] == [
        ("left", 62.0, "ok"),
        ("right", 71.5, "ok"),
    ]
    assert rows[0].day == rows[1].day == local_today("Europe/London")
    assert rows[0].submission_id != rows[1].submission_id
    listing = logged_in_client.get("/measurements").text
    assert "Neck: turning the head: left 62°, right 71.5° saved." in listing

    # The same form again (a re-sent request) is saved once; a new form with the same values asks.
    assert logged_in_client.post(ROTATION, data=data).status_code == 302
    assert count_rows(app, Measurement) == 2
    again = submit(logged_in_client, ROTATION, {"left": "62", "right": "71.5"})
    assert again.status_code == 409
    assert "You already saved neck: turning the head (left) 62° and (right) 71.5°" in again.text
    assert count_rows(app, Measurement) == 2

    # Each side is its own row afterwards: editing one leaves the other alone.
    edit = f"/measurements/{rows[1].id}"
    edit_page = logged_in_client.get(edit).text
    assert 'name="side"' in edit_page and 'name="left"' not in edit_page
    changed = form_values(edit_page, "measurement-form") | {"value": "73"}
    assert logged_in_client.post(edit, data=changed).status_code == 302
    assert [row.value for row in fetch_all(app, Measurement)] == [62.0, 73.0]


def test_one_side_alone_is_enough(app, logged_in_client):
    assert submit(logged_in_client, ROTATION, {"right": "70"}).status_code == 302
    [saved] = fetch_all(app, Measurement)
    assert (saved.side, saved.value) == ("right", 70.0)


def test_measure_with_the_phone_is_offered_only_where_it_is_valid(logged_in_client):
    """The section is in the page hidden; static/js/inclinometer.js shows it where the phone has
    a motion sensor. Each movement names the phone axis its hold turns the phone about."""
    flexion = logged_in_client.get("/measurements/new/cervical_flexion").text
    assert '<section class="inclinometer" hidden data-axis="z"' in flexion
    assert 'data-target="value">Measure with this phone</button>' in flexion
    assert "That's my end position" in flexion
    assert "inclinometer.js" in flexion
    rotation = logged_in_client.get(ROTATION).text
    assert 'data-axis="y"' in rotation  # lying down: the head turns the phone about its long side
    assert 'data-target="left">Measure left with this phone' in rotation
    assert 'data-target="right">Measure right with this phone' in rotation
    assert (
        'data-axis="z"' in logged_in_client.get("/measurements/new/cervical_lateral_flexion").text
    )
    # Lumbar flexion needs two phones and a helper; one phone would read the hips too.
    for not_valid in ("hip_flexion", "shoulder_abduction", "lumbar_extension", "lumbar_flexion"):
        page = logged_in_client.get(f"/measurements/new/{not_valid}").text
        assert "inclinometer" not in page, not_valid


def test_the_typed_how_to_and_the_phone_steps_describe_the_same_hold(logged_in_client):
    for key, hold in PHONE_MEASURABLE.items():
        assert str(hold.place) in MOVEMENTS[key].how_to, key
        page = logged_in_client.get(f"/measurements/new/{key}").text
        assert page.count(str(escape(hold.place))) == 2, key  # in the how-to and in step 1
