"""A therapist's home programme: prescribing, editing in one form, the change history the
client reads, templates, and what the client may change."""

import re
from datetime import timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from selfcare import create_app
from selfcare.dates import format_day, local_today
from selfcare.extensions import db
from selfcare.figures.texts import adherence_text
from selfcare.models import (
    Exercise,
    ProgrammeChange,
    ProgrammeTemplate,
    Routine,
    RoutineItem,
    RoutineLog,
    User,
)
from selfcare.programmes.changes import changes_text
from selfcare.trends.service import build_trends

from .helpers import (
    count_rows,
    dashboard_rows,
    fetch_all,
    form_values,
    log_in,
    make_user,
    new_invite_code,
    new_programme,
    programme_url,
    redeem,
    settings_for,
    sharing_therapist,
    submit,
    tap_routine,
)


def change_text(app, change: ProgrammeChange) -> str:
    """A kept change in words, as an English reader reads it."""
    with app.test_request_context():
        return changes_text(change.changes)


def test_a_programme_is_prescribed_with_a_plan_and_edited_in_one_form(
    app, logged_in_client, client_user
):
    browser, therapist = sharing_therapist(app, logged_in_client)
    routine_id = new_programme(browser, client_user.id, days_per_week="3")
    [routine] = fetch_all(app, Routine, user_id=client_user.id)
    assert (routine.assigned_by_id, routine.days_per_week, routine.times_per_day) == (
        therapist.id,
        3,
        1,
    )
    assert routine.starts_on == local_today("Europe/London")
    url = programme_url(client_user.id, routine_id)
    data = form_values(browser.get(url).text, "programme-form")
    first, second = fetch_all(app, RoutineItem, routine_id=routine_id)
    data |= {
        "items-0-sets": "3",
        "items-0-reps": "12",
        "items-0-note": "Slow and easy",
        "items-1-remove": "y",
        "frequency": "weekdays",
        "weekdays": ["0", "2", "4"],
    }
    response = browser.post(url, data=data)
    assert response.status_code == 302, response.text
    [item] = fetch_all(app, RoutineItem, routine_id=routine_id)
    assert (item.id, item.sets, item.reps, item.note) == (first.id, 3, 12, "Slow and easy")
    [routine] = fetch_all(app, Routine, id=routine_id)
    assert (routine.weekdays, routine.days_per_week) == ("024", None)
    [change] = fetch_all(app, ProgrammeChange, routine_id=routine_id)
    summary = change_text(app, change)
    assert summary.startswith("Now Mon, Wed, Fri (was 3 days a week);")
    assert "→ 3 × 12" in summary and f"took out {second.exercise.name}" in summary
    # Kept as codes, put into words when read.
    assert [each["code"] for each in change.changes] == ["plan", "dose", "note", "removed"]
    assert change.changes[0]["to"] == {"times_per_day": 1, "days_per_week": None, "weekdays": "024"}
    # The client reads it on the routine's page, and cannot change the doses.
    html = logged_in_client.get(f"/routines/{routine_id}").text
    page = re.sub(r"<[^>]+>", "", html)
    assert "Updated by Theo Therapist on" in page and "Now Mon, Wed, Fri" in page
    assert "Slow and easy" in page and "routine-form" not in html
    # Saving with nothing changed records nothing more.
    browser.post(url, data=form_values(browser.get(url).text, "programme-form"))
    assert count_rows(app, ProgrammeChange, routine_id=routine_id) == 1


def test_the_client_may_log_and_archive_a_programme_but_not_change_its_doses(
    app, logged_in_client, client_user
):
    browser, _ = sharing_therapist(app, logged_in_client)
    routine_id = new_programme(browser, client_user.id)
    [item] = fetch_all(app, RoutineItem, routine_id=routine_id)[:1]
    refused = submit(
        logged_in_client,
        f"/routines/{routine_id}/doses",
        {"items-0-row_key": str(item.id), "items-0-sets": "9"},
        page="/routines",
    )
    assert refused.status_code == 403
    assert fetch_all(app, RoutineItem, id=item.id)[0].sets == item.sets
    rename = submit(logged_in_client, f"/routines/{routine_id}", {"name": "Mine"}, page="/routines")
    assert rename.status_code == 403
    archived = submit(logged_in_client, f"/routines/{routine_id}/archive", page="/routines")
    assert archived.status_code == 302
    assert fetch_all(app, Routine, id=routine_id)[0].archived


def test_bad_plans_are_refused_next_to_the_field_and_nothing_is_written(
    app, logged_in_client, client_user
):
    browser, _ = sharing_therapist(app, logged_in_client)
    url = f"/therapist/clients/{client_user.id}/routines/new"
    page = browser.get(url).text
    ids = re.findall(r'name="exercise_ids"[^>]*value="(\d+)"', page)[:1]
    today = local_today("Europe/London")
    data = form_values(page, "programme-new") | {"name": "Too much", "exercise_ids": ids}
    bad = browser.post(
        url,
        data=data
        | {
            "days_per_week": "9",
            "times_per_day": "0",
            "ends_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert bad.status_code == 422
    assert "Use a whole number from 1 to 7." in bad.text
    assert "Use a whole number from 1 to 6." in bad.text
    assert "The end date comes before the start date." in bad.text
    no_days = browser.post(url, data=data | {"frequency": "weekdays", "weekdays": []})
    assert no_days.status_code == 422 and "Choose at least one day of the week." in no_days.text
    far_off = browser.post(url, data=data | {"starts_on": "0001-01-01", "ends_on": "9999-12-31"})
    assert far_off.status_code == 422
    assert (
        "Choose a date from 2000 onwards." in far_off.text
        and "Choose a date before" in far_off.text
    )
    assert count_rows(app, Routine, user_id=client_user.id) == 0
    routine_id = new_programme(browser, client_user.id)
    edit_url = programme_url(client_user.id, routine_id)
    edit = form_values(browser.get(edit_url).text, "programme-form") | {"items-0-sets": "99"}
    refused = browser.post(edit_url, data=edit)
    assert refused.status_code == 422 and "Use a whole number from 1 to 20." in refused.text
    assert count_rows(app, ProgrammeChange, routine_id=routine_id) == 0


def test_templates_are_saved_reused_for_another_client_and_stay_the_therapists_own(
    app, logged_in_client, client_user
):
    browser, therapist = sharing_therapist(app, logged_in_client)
    routine_id = new_programme(browser, client_user.id, days_per_week="4", times_per_day="2")
    response = submit(
        browser,
        f"{programme_url(client_user.id, routine_id)}/template",
        {"template-name": "Neck basics"},
        page=programme_url(client_user.id, routine_id),
    )
    assert response.status_code == 302
    [template] = fetch_all(app, ProgrammeTemplate, therapist_id=therapist.id)
    assert (template.days_per_week, template.times_per_day, len(template.items)) == (4, 2, 2)
    # Another client of the same therapist gets a programme from it.
    other_client = make_user(app, name="Second Client")
    other_browser = app.test_client()
    log_in(other_browser, other_client)
    redeem(browser, new_invite_code(other_browser))
    new_page = browser.get(f"/therapist/clients/{other_client.id}/routines/new").text
    assert "Neck basics" in new_page
    use_url = f"/therapist/clients/{other_client.id}/templates/{template.id}/use"
    start = local_today("Europe/London") + timedelta(days=2)
    used = submit(browser, use_url, {"use-starts_on": start.isoformat()}, page="/therapist")
    assert used.status_code == 302
    [copy] = fetch_all(app, Routine, user_id=other_client.id)
    assert (copy.name, copy.days_per_week, copy.times_per_day, copy.starts_on) == (
        "Neck basics",
        4,
        2,
        start,
    )
    assert len(fetch_all(app, RoutineItem, routine_id=copy.id)) == 2
    # Another therapist neither sees nor uses it.
    stranger, _ = sharing_therapist(app, logged_in_client, "Other Therapist")
    assert "Neck basics" not in stranger.get("/therapist/templates").text
    refused = submit(
        stranger,
        f"/therapist/clients/{client_user.id}/templates/{template.id}/use",
        {"use-starts_on": start.isoformat()},
        page="/therapist",
    )
    assert refused.status_code == 404
    # A start day that can't be read is sent back as refused, and nothing is made.
    before = count_rows(app, Routine, user_id=other_client.id)
    bad_day = submit(browser, use_url, {"use-starts_on": "2026-13-01"}, page="/therapist")
    assert bad_day.status_code == 422
    assert count_rows(app, Routine, user_id=other_client.id) == before
    delete_url = f"/therapist/templates/{template.id}/delete"
    assert submit(stranger, delete_url, page="/therapist").status_code == 404
    # Nor does it open the first therapist's programme.
    assert stranger.get(programme_url(client_user.id, routine_id)).status_code == 404
    deleted = submit(browser, delete_url, page="/therapist")
    assert deleted.status_code == 302
    assert count_rows(app, ProgrammeTemplate, therapist_id=therapist.id) == 0


def test_a_therapist_without_a_share_gets_404_everywhere(app, logged_in_client, client_user):
    browser, _ = sharing_therapist(app, logged_in_client)
    routine_id = new_programme(browser, client_user.id)
    page = logged_in_client.get("/sharing").text
    revoke = re.search(r'href="(/sharing/\d+/revoke)"', page).group(1)
    assert submit(logged_in_client, revoke, page="/sharing").status_code == 302
    for url in (
        f"/therapist/clients/{client_user.id}/routines/new",
        programme_url(client_user.id, routine_id),
    ):
        assert browser.get(url).status_code == 404
    edit = browser.post(programme_url(client_user.id, routine_id), data={"name": "Changed"})
    assert edit.status_code in (400, 404)
    assert fetch_all(app, Routine, id=routine_id)[0].name == "Neck programme"


def add_programme(app, client_id, therapist_id, name, **plan) -> int:
    with app.app_context():
        exercise = db.session.scalar(db.select(Exercise).where(Exercise.slug == "chin_tuck"))
        routine = Routine(user_id=client_id, name=name, assigned_by_id=therapist_id, **plan)
        routine.items.append(RoutineItem(exercise=exercise, reps=10))
        db.session.add(routine)
        db.session.commit()
        return routine.id


def this_week(week_start) -> str:
    """How Today names a plan's week: from Monday, "this week"; else since its first day."""
    return "this week" if week_start.weekday() == 0 else f"since {format_day(week_start, 'short')}"


def plan_line(page: str, routine_id: int) -> str:
    card = page.split(f'id="routine-{routine_id}"', 1)[1].split('class="routine-actions"', 1)[0]
    match = re.search(r'class="small plan-state">(.*?)</p>', card, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split()) if match else ""


def test_today_shows_what_is_planned_and_done_and_rests_gently(
    app, logged_in_client, client_user, count_queries
):
    _, therapist = sharing_therapist(app, logged_in_client)
    today = local_today("Europe/London")
    twice = add_programme(
        app,
        client_user.id,
        therapist.id,
        "Twice today",
        starts_on=today,
        times_per_day=2,
        weekdays=str(today.weekday()),
    )
    not_today = add_programme(
        app,
        client_user.id,
        therapist.id,
        "Another day",
        starts_on=today,
        weekdays=str((today.weekday() + 1) % 7),
    )
    page = logged_in_client.get("/today").text
    assert plan_line(page, twice) == "Planned today: 0 of 2 done."
    assert plan_line(page, not_today) == "Not planned today: rest is part of the plan."
    tap_routine(logged_in_client, twice)
    assert plan_line(logged_in_client.get("/today").text, twice) == "Planned today: 1 of 2 done."
    tap_routine(logged_in_client, twice, "again")
    assert plan_line(logged_in_client.get("/today").text, twice) == "Planned today: done (2 of 2)."
    # The routine buttons still work for it, and the page's queries don't grow with programmes.
    with count_queries() as few:
        logged_in_client.get("/today")
    for number in range(3):
        add_programme(app, client_user.id, therapist.id, f"More {number}", starts_on=today)
    with count_queries() as more:
        page = logged_in_client.get("/today").text
    assert "More 2" in page and more.count == few.count


def test_a_days_a_week_plan_is_done_for_the_week_once_its_days_are_done(
    app, logged_in_client, client_user
):
    _, therapist = sharing_therapist(app, logged_in_client)
    today = local_today("Europe/London")
    routine_id = add_programme(
        app, client_user.id, therapist.id, "Twice a week", starts_on=today, days_per_week=2
    )
    assert plan_line(logged_in_client.get("/today").text, routine_id) == (
        f"Planned today. 0 of 2 days {this_week(today)}."
    )
    tap_routine(logged_in_client, routine_id)
    assert plan_line(logged_in_client.get("/today").text, routine_id) == (
        f"Planned today: done. 1 of 2 days {this_week(today)}."
    )


def test_adherence_is_measured_against_the_plan_on_the_dashboard_trends_and_report(
    app, logged_in_client, client_user
):
    browser, therapist = sharing_therapist(app, logged_in_client)
    today = local_today("Europe/London")
    start = today - timedelta(days=13)
    routine_id = add_programme(
        app, client_user.id, therapist.id, "Three a week", starts_on=start, days_per_week=3
    )
    with app.app_context():
        # Three days in each of the plan's two weeks: six of six, where "days with a routine"
        # would read 6 of 14.
        for offset in (0, 2, 4, 7, 9, 13):
            day = start + timedelta(days=offset)
            db.session.add(RoutineLog(user_id=client_user.id, routine_id=routine_id, day=day))
        db.session.commit()
        [row] = dashboard_rows(therapist.id)
    assert row.figures.adherence.share == 1.0
    summary = "Planned sessions done in the last 14 days: 6 of 6 (100%)."
    assert summary in browser.get(f"/therapist/clients/{client_user.id}/report?range=14d").text
    assert summary in logged_in_client.get("/trends?range=14d").text
    assert "100%" in browser.get("/therapist").text


def test_day_one_of_a_plan_reads_kindly(app, logged_in_client, client_user):
    _, therapist = sharing_therapist(app, logged_in_client)
    today = local_today("Europe/London")
    add_programme(app, client_user.id, therapist.id, "New", starts_on=today, days_per_week=3)
    with app.app_context():
        trends = build_trends(db.session.get(User, client_user.id), "14d", None)
    assert adherence_text(trends.adherence.figure) == (
        f"Nothing in the plan has come round yet since {format_day(today, 'short')}."
    )


BEFORE_PROGRAMMES = "e1b4d2c8a6f0"


def test_the_programme_migration_keeps_routines_both_ways(empty_database_url):
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        upgrade(revision=BEFORE_PROGRAMMES)
        # Written as the code of that time would, in plain SQL: today's models have moved on.
        db.session.execute(
            text(
                "INSERT INTO users (id, email, name, password_hash, role, timezone, created_at) "
                "VALUES (1, 'a@example.com', 'A', 'x', 'client', 'UTC', '2026-01-01 08:00:00')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO routines (user_id, name, archived, created_at) "
                "VALUES (1, 'Neck', false, '2026-01-01 08:00:00')"
            )
        )
        db.session.commit()
        upgrade()
        [routine] = db.session.scalars(db.select(Routine)).all()
        assert (routine.name, routine.times_per_day, routine.plan) == ("Neck", 1, None)
        db.session.remove()
        downgrade(revision=BEFORE_PROGRAMMES)
        columns = {column["name"] for column in inspect(db.engine).get_columns("routines")}
        assert (
            "starts_on" not in columns
            and "programme_changes" not in inspect(db.engine).get_table_names()
        )
        assert db.session.execute(text("SELECT name FROM routines")).scalars().all() == ["Neck"]
        assert db.session.execute(text("SELECT count(*) FROM users")).scalar() == 1
        db.session.remove()
        db.engine.dispose()


def test_a_dose_changed_in_two_tabs_of_the_programme_is_put_to_the_therapist(
    app, logged_in_client, client_user
):
    browser, _ = sharing_therapist(app, logged_in_client)
    routine_id = new_programme(browser, client_user.id)
    url = programme_url(client_user.id, routine_id)
    first_tab = form_values(browser.get(url).text, "programme-form")
    second_tab = dict(first_tab) | {"items-0-sets": "5", "items-1-reps": "8"}
    assert browser.post(url, data=second_tab).status_code == 302
    clash = browser.post(url, data=first_tab | {"items-0-sets": "2", "name": "Renamed"})
    assert clash.status_code == 409 and "While this page was open" in clash.text
    shown = form_values(clash.text, "programme-form")
    assert (shown["items-0-sets"], shown["items-1-reps"], shown["name"]) == ("2", "8", "Renamed")
    first, second = fetch_all(app, RoutineItem, routine_id=routine_id)
    assert (first.sets, second.reps) == (5, 8)
    # An empty template name is refused next to its field.
    refused = submit(browser, f"{url}/template", {"template-name": ""}, page=url)
    assert refused.status_code == 422 and "Please give it a name." in refused.text
    assert count_rows(app, ProgrammeTemplate) == 0


def test_a_plan_changed_in_another_tab_is_neither_undone_nor_saved_behind_a_conflict(
    app, logged_in_client, client_user
):
    browser, _ = sharing_therapist(app, logged_in_client)
    routine_id = new_programme(browser, client_user.id)
    url = programme_url(client_user.id, routine_id)
    first_tab = form_values(browser.get(url).text, "programme-form")
    second_tab = dict(first_tab)
    assert browser.post(url, data=first_tab | {"times_per_day": "3"}).status_code == 302
    # The other tab changes only a note: the plan saved in the first tab stays.
    assert browser.post(url, data=second_tab | {"items-0-note": "Slowly"}).status_code == 302
    [routine] = fetch_all(app, Routine, id=routine_id)
    assert routine.times_per_day == 3
    # A tab that changes the same field meets a conflict, and nothing of it is saved.
    clash = browser.post(url, data=second_tab | {"times_per_day": "2", "name": "Renamed"})
    assert clash.status_code == 409 and "saved elsewhere as 3" in clash.text
    shown = form_values(clash.text, "programme-form")
    assert (shown["times_per_day"], shown["name"], shown["items-0-note"]) == (
        "2",
        "Renamed",
        "Slowly",
    )
    [routine] = fetch_all(app, Routine, id=routine_id)
    assert (routine.times_per_day, routine.name) == (3, "Neck programme")
    # Saving the page again keeps its values.
    assert browser.post(url, data=shown).status_code == 302
    [routine] = fetch_all(app, Routine, id=routine_id)
    assert (routine.times_per_day, routine.name) == (2, "Renamed")


def test_a_twice_a_day_programme_offers_and_saves_its_second_session(
    app, logged_in_client, client_user
):
    browser, _ = sharing_therapist(app, logged_in_client)
    routine_id = new_programme(browser, client_user.id, times_per_day="2")

    def session_log():
        page = logged_in_client.get(f"/routines/{routine_id}/session").text
        data = form_values(page, "routine-log-form")
        return logged_in_client.post(f"/routines/{routine_id}/log", data=data)

    assert session_log().status_code == 302
    today = logged_in_client.get("/today").text
    assert "Planned today: 1 of 2 done." in today and "Start the next one" in today
    # The second planned session is saved without "you already logged" in between.
    assert session_log().status_code == 302
    assert count_rows(app, RoutineLog, routine_id=routine_id) == 2
    assert "Start the next one" not in logged_in_client.get("/today").text
    # Past the plan, a third goes into the day's last log (unless asked for as another).
    assert session_log().status_code == 302
    assert count_rows(app, RoutineLog, routine_id=routine_id) == 2


def test_a_plan_changed_mid_week_keeps_the_week_it_began_with(app, logged_in_client, client_user):
    """A therapist moves a programme from 3 to 5 days a week on a Thursday: Today said "2 of 3",
    then "2 of 5", and the weeks before were counted against 5 days. The week goes on with 3
    and says what comes next; the weeks before keep their plan on every page."""
    browser, therapist = sharing_therapist(app, logged_in_client)
    today = local_today("Europe/London")
    # The plan's weeks start on the weekday three days ago, so today is its fourth day.
    starts_on = today - timedelta(days=10)
    routine_id = add_programme(
        app, client_user.id, therapist.id, "Neck", starts_on=starts_on, days_per_week=3
    )
    with app.app_context():
        for offset in (0, 2, 4, 7, 8):
            day = starts_on + timedelta(days=offset)
            db.session.add(RoutineLog(user_id=client_user.id, routine_id=routine_id, day=day))
        db.session.commit()
    before = plan_line(logged_in_client.get("/today").text, routine_id)
    week = this_week(starts_on + timedelta(days=7))
    assert before == f"Planned today. 2 of 3 days {week}."
    trends_before = logged_in_client.get("/trends").text
    url = programme_url(client_user.id, routine_id)
    data = form_values(browser.get(url).text, "programme-form") | {"days_per_week": "5"}
    saved = browser.post(url, data=data, follow_redirects=True).text
    assert "Saved. Now 5 days a week (was 3 days a week)" in saved
    next_week = format_day(starts_on + timedelta(days=14), "short")
    assert plan_line(logged_in_client.get("/today").text, routine_id) == (
        f"Planned today. 2 of 3 days {week}. From {next_week}: 5 days a week."
    )
    # The adherence of the fortnight is the same figure as before the change.
    adherence = re.compile(r"Planned sessions done since [^<]*")
    trends_after = logged_in_client.get("/trends").text
    assert adherence.search(trends_after).group() == adherence.search(trends_before).group()
    [change] = fetch_all(app, ProgrammeChange, routine_id=routine_id)
    assert change_text(app, change).endswith(f"the new frequency counts from {next_week}")
    assert change.changes[-1] == {
        "code": "counts_from",
        "day": (starts_on + timedelta(days=14)).isoformat(),
    }


def test_new_dates_start_the_plans_weeks_again(app, logged_in_client, client_user):
    """Restarted today at 2 days a week after a change to 5 mid-week: the plan counts from
    today with 2, never by the 3 it had before (its weeks started elsewhere)."""
    browser, therapist = sharing_therapist(app, logged_in_client)
    today = local_today("Europe/London")
    routine_id = add_programme(
        app,
        client_user.id,
        therapist.id,
        "Neck",
        starts_on=today - timedelta(days=10),
        days_per_week=3,
    )
    url = programme_url(client_user.id, routine_id)
    data = form_values(browser.get(url).text, "programme-form") | {"days_per_week": "5"}
    assert browser.post(url, data=data).status_code == 302
    data = form_values(browser.get(url).text, "programme-form")
    data |= {"days_per_week": "2", "starts_on": today.isoformat()}
    assert browser.post(url, data=data).status_code == 302
    assert fetch_all(app, Routine, id=routine_id)[0].past_frequencies == []
    assert plan_line(logged_in_client.get("/today").text, routine_id).startswith(
        f"Planned today. 0 of 2 days {this_week(today)}"
    )
