"""The PSFS outcome measure through the pages: naming activities, scoring them, the Today card,
the therapist's request and scoring, the chart, the report and the exports."""

import json
import re
from datetime import timedelta

from fhir.resources.R4B.bundle import Bundle

from selfcare.dates import local_today
from selfcare.extensions import db
from selfcare.models import (
    AccessLogEntry,
    PsfsActivity,
    PsfsRequest,
    PsfsScore,
    PsfsScoring,
    User,
)

from .helpers import (
    PASSWORD,
    count_rows,
    fetch_all,
    form_values,
    logged_in_therapist,
    new_invite_code,
    read_zip,
    redeem,
    submit,
)

ACTIVITIES = ["Reversing the car", "Sitting through a meeting", "Carrying shopping upstairs"]


def name_activities(client, names=ACTIVITIES):
    data = {f"name_{number}": name for number, name in enumerate(names, start=1)}
    return submit(client, "/psfs/activities", data)


def activity_ids(app, user_id) -> list[int]:
    return [a.id for a in fetch_all(app, PsfsActivity, user_id=user_id, retired_at=None)]


def score_all(client, scores: list[int], url="/psfs/score", **extra):
    """Send the scoring form as the page shows it, with one score per activity in page order."""
    page = client.get(url).text
    data = form_values(page, "scoring-form")
    fields = re.findall(r'name="(activity_\d+)" id="activity_\d+-0"', page)
    assert len(fields) == len(scores), fields
    data.update(dict(zip(fields, [str(score) for score in scores], strict=True)))
    data.update(extra)
    return client.post(url, data=data)


def set_scoring_day(app, days_ago: int) -> None:
    """Every scoring moved back in time: the database stands in for a clock."""
    with app.app_context():
        for scoring in db.session.scalars(db.select(PsfsScoring)):
            scoring.day = local_today("Europe/London") - timedelta(days=days_ago)
        db.session.commit()


def test_first_visit_explains_and_names_activities(app, logged_in_client, client_user):
    intro = logged_in_client.get("/psfs").text
    assert "Name your activities" in intro and "unable to do it" in intro
    page = logged_in_client.get("/psfs/activities").text
    assert "For example" in page and "reversing the car" in page
    assert page.count('name="name_') == 5
    response = name_activities(logged_in_client, ["Reversing the car", "", "Sitting"])
    assert response.status_code == 302 and response.location.endswith("/psfs/score")
    names = [a.name for a in fetch_all(app, PsfsActivity, user_id=client_user.id)]
    assert names == ["Reversing the car", "Sitting"]  # the blank box is ignored
    later = logged_in_client.get("/psfs/activities").text
    assert later.count('name="name_') == 3  # room for three more


def test_bad_activity_names_are_refused_next_to_the_field(app, logged_in_client, client_user):
    name_activities(logged_in_client, ["Sitting"])
    too_long = name_activities(logged_in_client, ["x" * 81])
    assert too_long.status_code == 422 and "80 characters or fewer" in too_long.text
    twice = name_activities(logged_in_client, ["sitting"])
    assert twice.status_code == 422 and "You already have this activity." in twice.text
    empty = name_activities(logged_in_client, [""])
    assert empty.status_code == 422 and "at least one activity" in empty.text
    assert count_rows(app, PsfsActivity, user_id=client_user.id) == 1


def test_at_most_five_activities_at_a_time(app, logged_in_client, client_user):
    name_activities(logged_in_client, [f"Activity {n}" for n in range(5)])
    response = logged_in_client.get("/psfs/activities")
    assert response.status_code == 302
    assert "Retire one" in logged_in_client.get("/psfs").text
    assert count_rows(app, PsfsActivity, user_id=client_user.id) == 5


def test_scoring_needs_every_activity_and_is_saved_once(app, logged_in_client, client_user):
    name_activities(logged_in_client)
    page = logged_in_client.get("/psfs/score").text
    assert page.count('class="scale-row"') == 3
    assert "0 = unable to do it, 10 = as before the problem" in page
    assert "Not rated" not in page  # every activity is scored
    # A browser sends nothing for a row where no score was tapped.
    data = form_values(page, "scoring-form")
    assert not any(name.startswith("activity_") for name in data)
    first, _, third = activity_ids(app, client_user.id)
    missing = logged_in_client.post(
        "/psfs/score", data=data | {f"activity_{first}": "4", f"activity_{third}": "6"}
    )
    assert missing.status_code == 422
    assert missing.text.count("Please choose a score from 0 to 10") == 1
    assert "Please choose a score from 0 to 10 for this activity." in missing.text
    assert count_rows(app, PsfsScoring) == 0
    page = logged_in_client.get("/psfs/score").text
    data = form_values(page, "scoring-form")
    for activity_id, score in zip(activity_ids(app, client_user.id), (3, 4, 8), strict=True):
        data[f"activity_{activity_id}"] = str(score)
    first = logged_in_client.post("/psfs/score", data=data)
    again = logged_in_client.post("/psfs/score", data=data)  # a double tap
    assert first.status_code == again.status_code == 302
    [scoring] = fetch_all(app, PsfsScoring, user_id=client_user.id)
    assert scoring.entered_by_id is None
    assert sorted(s.score for s in fetch_all(app, PsfsScore, scoring_id=scoring.id)) == [3, 4, 8]
    assert "Activity score 5.0 out of 10" in logged_in_client.get("/psfs").text


def test_rename_keeps_history_and_retired_activities_leave_the_form(
    app, logged_in_client, client_user
):
    name_activities(logged_in_client)
    score_all(logged_in_client, [2, 3, 4])
    first_id = activity_ids(app, client_user.id)[0]
    bad = submit(logged_in_client, f"/psfs/activities/{first_id}", {"name": ""})
    assert bad.status_code == 422 and "Please name the activity." in bad.text
    blank = submit(logged_in_client, f"/psfs/activities/{first_id}", {"name": "   "})
    assert blank.status_code == 422 and "Please name the activity." in blank.text
    second_name = fetch_all(app, PsfsActivity, user_id=client_user.id)[1].name
    twice = submit(logged_in_client, f"/psfs/activities/{first_id}", {"name": second_name.upper()})
    assert twice.status_code == 422 and "You already have this activity." in twice.text
    assert fetch_all(app, PsfsActivity, id=first_id)[0].name.strip()
    submit(logged_in_client, f"/psfs/activities/{first_id}", {"name": "Reversing into a space"})
    history = re.sub(r"<[^>]+>", "", logged_in_client.get("/psfs").text)
    assert "Reversing into a space 2" in history  # the old score, under the new name
    submit(logged_in_client, f"/psfs/activities/{first_id}/retire", page="/psfs")
    assert logged_in_client.get("/psfs/score").text.count('class="scale-row"') == 2
    assert count_rows(app, PsfsScore, activity_id=first_id) == 1
    assert "Retired activities" in logged_in_client.get("/psfs").text


def test_edit_and_delete_a_scoring(app, logged_in_client, client_user):
    name_activities(logged_in_client, ["Sitting"])
    score_all(logged_in_client, [3])
    [scoring] = fetch_all(app, PsfsScoring, user_id=client_user.id)
    url = f"/psfs/scorings/{scoring.id}"
    assert score_all(logged_in_client, [6], url=url).status_code == 302
    assert [s.score for s in fetch_all(app, PsfsScore)] == [6]
    bad = score_all(logged_in_client, [6], url=url, day="2999-01-01")
    assert bad.status_code == 422 and [s.score for s in fetch_all(app, PsfsScore)] == [6]
    assert "Delete your activity scores" in logged_in_client.get(f"{url}/delete").text
    assert submit(logged_in_client, f"{url}/delete").status_code == 302
    assert count_rows(app, PsfsScoring) == count_rows(app, PsfsScore) == 0


def test_today_card_when_due_and_never_otherwise(app, logged_in_client, count_queries):
    card = "score how your activities are going"
    assert card not in logged_in_client.get("/today").text  # no activities: nothing due
    name_activities(logged_in_client)
    assert card in logged_in_client.get("/today").text  # named, never scored
    score_all(logged_in_client, [2, 3, 4])
    assert card not in logged_in_client.get("/today").text
    set_scoring_day(app, 13)
    assert card not in logged_in_client.get("/today").text
    set_scoring_day(app, 14)
    with count_queries() as counter:
        page = logged_in_client.get("/today").text
    assert card in page
    # One query answers it: the last scoring, active activities and an open request.
    assert sum("psfs" in statement for statement in counter.statements) == 1


def test_therapist_asks_to_rescore_and_scores_with_the_client(app, logged_in_client, client_user):
    name_activities(logged_in_client)
    score_all(logged_in_client, [2, 3, 4])
    browser, therapist = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    client_page = f"/therapist/clients/{client_user.id}"
    assert "Ask to re-score" in browser.get(client_page).text
    asked = submit(browser, f"{client_page}/psfs/ask", page=client_page)
    assert asked.status_code == 302
    submit(browser, f"{client_page}/psfs/ask", page=client_page)  # asking twice: one request
    assert count_rows(app, PsfsRequest, client_id=client_user.id, answered_at=None) == 1
    purposes = [e.purpose for e in fetch_all(app, AccessLogEntry, client_id=client_user.id)]
    assert "psfs_rescore_asked" in purposes
    request_text = "Your therapist asked you to re-score your activities"
    assert request_text in logged_in_client.get("/today").text
    response = score_all(browser, [5, 6, 7], url=f"{client_page}/psfs/score")
    assert response.status_code == 302
    latest = fetch_all(app, PsfsScoring, user_id=client_user.id)[-1]
    assert latest.entered_by_id == therapist.id
    assert count_rows(app, PsfsRequest, client_id=client_user.id, answered_at=None) == 0
    assert request_text not in logged_in_client.get("/today").text
    assert "with your therapist" in logged_in_client.get("/psfs").text


def test_therapist_names_activities_with_the_client_then_scores_them(
    app, logged_in_client, client_user
):
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    url = f"/therapist/clients/{client_user.id}/psfs/activities"
    response = submit(browser, url, {"name_1": "Reversing the car", "name_2": "Lifting a box"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/therapist/clients/{client_user.id}/psfs/score")
    names = [a.name for a in fetch_all(app, PsfsActivity, user_id=client_user.id)]
    assert names == ["Reversing the car", "Lifting a box"]
    twice = submit(browser, url, {"name_1": "lifting a box"})
    assert twice.status_code == 422 and "You already have this activity." in twice.text
    purposes = [e.purpose for e in fetch_all(app, AccessLogEntry, client_id=client_user.id)]
    assert "psfs_activities_named" in purposes
    assert "Reversing the car" in logged_in_client.get("/psfs").text


def test_without_the_pain_part_the_therapist_sees_no_psfs(app, logged_in_client, client_user):
    name_activities(logged_in_client)
    score_all(logged_in_client, [2, 3, 4])
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client, parts=["motion"]))
    client_page = f"/therapist/clients/{client_user.id}"
    page = browser.get(client_page).text
    assert "Ask to re-score" not in page and "Activity score" not in page
    assert browser.get(f"{client_page}/psfs/score").status_code == 404
    assert browser.get(f"{client_page}/psfs/activities").status_code == 404
    assert submit(browser, f"{client_page}/psfs/ask", page=client_page).status_code == 404
    assert count_rows(app, PsfsRequest) == 0


def test_chart_and_report_show_a_real_change(app, logged_in_client, client_user):
    name_activities(logged_in_client)
    score_all(logged_in_client, [2, 3, 4])
    set_scoring_day(app, 28)
    score_all(logged_in_client, [5, 5, 5])
    trends = logged_in_client.get("/trends").text
    assert (
        '<svg class="chart" viewBox="0 0 320 210" role="img" aria-labelledby="psfs-t psfs-d"'
        in trends
    )
    assert "chart-band" in trends and "chart-outcome-beyond" in trends
    assert "3.0 → 5.0, better: a change of 2.0 points" in trends
    report = logged_in_client.get("/report").text
    assert "Latest mean 5.0" in report
    assert "Since the first scoring:</strong> 3.0 → 5.0, better" in report
    # The therapist sees the same chart on the client's page.
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    assert "3.0 → 5.0, better" in browser.get(f"/therapist/clients/{client_user.id}").text


def test_small_changes_are_not_called_real(app, logged_in_client):
    name_activities(logged_in_client)
    score_all(logged_in_client, [2, 3, 4])
    set_scoring_day(app, 14)
    score_all(logged_in_client, [3, 4, 4])
    page = logged_in_client.get("/psfs").text
    assert "3.0 → 3.7, within the 2 points the scale can vary by itself" in page
    assert "chart-outcome-beyond" not in page


def test_csv_and_fhir_exports(app, logged_in_client, client_user):
    name_activities(logged_in_client, ["=Sitting", "Lifting"])
    score_all(logged_in_client, [3, 8])
    files = read_zip(logged_in_client.get("/account/export.zip").data)
    assert [
        (row["activity"], row["score (0-10, 0 = unable, 10 = as before)"])
        for row in files["psfs.csv"]
    ] == [
        ("'=Sitting", "3"),
        ("Lifting", "8"),
    ]
    document = json.loads(logged_in_client.get("/account/export.fhir.json").data)
    bundle = Bundle.model_validate(document)
    [response] = [
        e.resource
        for e in bundle.entry
        if e.resource.get_resource_type() == "QuestionnaireResponse"
    ]
    assert response.status == "completed"
    answers = {item.text: item.answer[0] for item in response.item}
    assert answers["Lifting"].valueInteger == 8
    mean = next(item for item in response.item if item.linkId == "psfs-mean")
    assert float(mean.answer[0].valueDecimal) == 5.5
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client, parts=["motion"]))
    shared = read_zip(browser.get(f"/therapist/clients/{client_user.id}/export.zip").data)
    assert "psfs.csv" not in shared


def test_deleting_the_account_removes_every_psfs_row(app, logged_in_client, client_user):
    name_activities(logged_in_client)
    score_all(logged_in_client, [2, 3, 4])
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    submit(
        browser,
        f"/therapist/clients/{client_user.id}/psfs/ask",
        page=f"/therapist/clients/{client_user.id}",
    )
    assert submit(logged_in_client, "/account/delete", {"password": PASSWORD}).status_code == 302
    assert count_rows(app, User, id=client_user.id) == 0
    for model in (PsfsActivity, PsfsScoring, PsfsScore, PsfsRequest):
        assert count_rows(app, model) == 0, model


def test_a_new_scoring_shows_at_once_on_every_page(app, logged_in_client, client_user):
    """Trends, the report and the therapist's page kept the old score after a new scoring (a
    cache that PSFS writes did not reach): nothing is kept per worker now."""
    browser, _ = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client))
    name_activities(logged_in_client)
    score_all(logged_in_client, [2, 3, 4])
    set_scoring_day(app, 28)
    pages = {
        "trends": lambda: logged_in_client.get("/trends").text,
        "report": lambda: logged_in_client.get("/report").text,
        "therapist": lambda: browser.get(f"/therapist/clients/{client_user.id}").text,
    }
    for read in pages.values():
        assert "Activity score 3.0 out of 10" in read() or "Latest mean 3.0" in read()
    score_all(logged_in_client, [6, 6, 6], save_again="y")
    for where, read in pages.items():
        page = read()
        assert "Activity score 6.0 out of 10" in page or "Latest mean 6.0" in page, where
