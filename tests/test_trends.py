import re
from datetime import date, timedelta

import pytest

from selfcare.dates import format_day, local_today
from selfcare.demo import DemoProfile, create_demo_routines, generate_demo_entries
from selfcare.extensions import db
from selfcare.models import Appointment, CheckIn, Measurement, PainScore, RoutineLog, User
from selfcare.routines.exercises import visible_exercises
from selfcare.routines.service import create_routine
from selfcare.trends.service import build_trends

from .helpers import count_rows, log_in, make_user, submit, tap_routine, without_form_token

FIVE_REGIONS = {"neck": 6, "upper_back": 4, "lower_back": 5, "shoulder_left": 3, "hip_right": 2}


def give_history(app, account, days, regions=None):
    with app.app_context():
        user = db.session.get(User, account.id)
        profile = DemoProfile(regions=regions or FIVE_REGIONS)
        routines = create_demo_routines(user)
        return generate_demo_entries(user, routines, days, profile, seed=account.id)


def test_new_client_sees_a_friendly_empty_state(logged_in_client):
    response = logged_in_client.get("/trends")
    assert response.status_code == 200
    assert "Your charts will grow here" in response.text
    assert "<svg" not in response.text


def test_day_one_is_honest_and_never_scolds(app, logged_in_client, client_user):
    """A client on their first day with one check-in and one routine: no one-dot charts, and
    the routine share counts from the day they joined (it read "1 of 91 days (1%)")."""
    submit(logged_in_client, "/today", {"pain_neck": "4"})
    exercise_ids = re.findall(
        r'name="exercise_ids"[^>]*value="(\d+)"', logged_in_client.get("/routines/new").text
    )[:2]
    submit(logged_in_client, "/routines/new", {"name": "Neck", "exercise_ids": exercise_ids})
    tap_routine(
        logged_in_client,
        int(re.search(r'name="done" value="(\d+):', logged_in_client.get("/today").text).group(1)),
    )
    page = logged_in_client.get("/trends").text
    assert "Pain charts are on their way" in page and "so far it has 1 day" in page
    assert 'aria-labelledby="pain-neck-t pain-neck-d"' not in page
    today = local_today("Europe/London")
    assert f"Routine day since {format_day(today, 'short')}: 1 of 1 (100%)." in page
    with app.app_context():
        user = db.session.get(User, client_user.id)
        for back in (1, 2):
            db.session.add(
                CheckIn(
                    user_id=user.id,
                    day=local_today(user.timezone) - timedelta(days=back),
                    scores=[PainScore(region="neck", score=5)],
                )
            )
        db.session.commit()
    drawn = logged_in_client.get("/trends").text
    assert 'aria-labelledby="pain-neck-t pain-neck-d"' in drawn


def test_charts_summaries_and_tables_for_a_history(app, logged_in_client, client_user):
    counts = give_history(app, client_user, 90)
    assert counts["checkins"] > 60
    page = logged_in_client.get("/trends").text
    for region in ("Neck", "Upper back", "Lower back", "Left shoulder", "Right hip"):
        assert f"<h3>{region}" in page
    assert "days of the last 7." in page and "The last 7 days against the 7 before: " in page
    assert "Pain as a table" in page and '<th scope="row">' in page
    assert "Routine days in the last 14 days: " in page and "calendar-wide" in page
    assert "Neck: turning the head" in page and 'class="chart-band"' in page
    # Only the app's own files, none in the charts; besides, the scripts' sentences as data.
    assert page.count('<script src="/assets/') == 3
    assert page.count("<script") == 4 and page.count('<script type="application/json"') == 1


def test_region_filter_and_ranges(app, logged_in_client, client_user):
    give_history(app, client_user, 400)
    neck_only = logged_in_client.get("/trends?region=neck&range=2w").text
    assert "<h3>Neck" in neck_only and "<h3>Upper back" not in neck_only
    year = logged_in_client.get("/trends?range=1y").text
    assert "weekly average" in year
    everything = logged_in_client.get("/trends?range=all").text
    assert "monthly average" not in everything  # 400 days is still weekly
    assert logged_in_client.get("/trends?range=bogus&region=tail").status_code == 200


def test_range_starts_at_the_clients_local_day(app):
    account = make_user(app, timezone="Pacific/Auckland")
    with app.app_context():
        user = db.session.get(User, account.id)
        user.created_at -= timedelta(days=30)
        today = local_today(user.timezone)
        start = today - timedelta(days=13)
        [exercise] = visible_exercises(user.id)[:1]
        routine = create_routine(user.id, "R", [exercise])
        for day in (start - timedelta(days=1), start, today):
            db.session.add(RoutineLog(user_id=user.id, routine_id=routine.id, day=day))
        db.session.commit()
        trends = build_trends(user, "2w", None)
        assert trends.start == start
        assert (trends.adherence.figure.start, trends.adherence.figure.end) == (start, today)
        assert trends.adherence.figure.done == 2
        assert trends.adherence.figure.counted == 14


def test_since_last_session_and_markers(app, logged_in_client, client_user):
    give_history(app, client_user, 60)
    today = local_today("Europe/London")
    response = submit(
        logged_in_client,
        "/appointments",
        {"day": (today - timedelta(days=20)).isoformat(), "note": "First visit"},
    )
    assert response.status_code == 302
    page = logged_in_client.get("/trends").text
    assert "Since the last session" in page
    assert 'class="chart-appointment"' in page
    assert "First visit" in page


def test_session_date_is_validated(app, logged_in_client):
    far = (local_today("Europe/London") + timedelta(days=400)).isoformat()
    for data, message in [
        ({"day": far}, "within the next year"),
        ({"day": "soon"}, "Not a valid date value."),
    ]:
        response = submit(logged_in_client, "/appointments", data, page="/trends")
        assert response.status_code == 422
        assert message in response.text
    assert count_rows(app, Appointment) == 0


def test_only_own_sessions_can_be_removed(app, logged_in_client, client_user):
    submit(logged_in_client, "/appointments", {"day": "2026-01-05"}, page="/trends")
    with app.app_context():
        session_id = db.session.scalar(db.select(Appointment.id))
    stranger = app.test_client()
    log_in(stranger, make_user(app))
    assert submit(stranger, f"/appointments/{session_id}/delete", page="/trends").status_code == 404
    assert (
        submit(logged_in_client, f"/appointments/{session_id}/delete", page="/trends").status_code
        == 302
    )
    assert count_rows(app, Appointment) == 0


@pytest.mark.slow
def test_trends_query_count_does_not_grow_with_history(app, count_queries):
    small, large = make_user(app), make_user(app)
    give_history(app, small, 20)
    give_history(app, large, 5 * 365)
    assert count_rows(app, CheckIn, user_id=large.id) > 1500
    assert count_rows(app, PainScore) > 7000
    counts = {}
    for account in (small, large):
        browser = app.test_client()
        log_in(browser, account)
        browser.get("/trends")  # the figures worked out and kept
        for range_key in ("3m", "all"):
            with count_queries() as counter:
                response = browser.get(f"/trends?range={range_key}")
            assert response.status_code == 200
            counts[account.id, range_key] = counter.count
    # Five years drawn month by month read their kept periods and the range's two ends. One
    # more statement names the exercises the figures mention, on the days the generated
    # history has any in its last fortnight.
    assert counts[large.id, "3m"] <= counts[small.id, "3m"] + 1, counts
    assert counts[large.id, "all"] <= counts[small.id, "all"] + 2, counts
    assert max(counts.values()) <= 14, counts


def test_therapists_have_no_trends_of_their_own(app, client, therapist_user):
    log_in(client, therapist_user)
    assert client.get("/trends").status_code == 403


@pytest.mark.slow
def test_figures_are_kept_until_the_history_changes(
    app, logged_in_client, client_user, count_queries
):
    """A client's figures are worked out once and kept; any write to the client's history (here
    a score edited on its own, an appointment and a deleted routine log) shows on the next
    view. Nothing is kept per worker: the page reads the kept rows every time."""
    give_history(app, client_user, 400)
    with count_queries() as computed:
        first = logged_in_client.get("/trends?range=all").text
    with count_queries() as kept:
        again = logged_in_client.get("/trends?range=all").text
    # The same page but for the form token, which carries the second it was made.
    assert without_form_token(again) == without_form_token(first)
    assert kept.count < computed.count
    with app.app_context():
        user = db.session.get(User, client_user.id)
        week = local_today(user.timezone) - timedelta(days=6)
        neck_scores = db.session.scalars(
            db.select(PainScore)
            .join(CheckIn)
            .where(CheckIn.user_id == user.id, CheckIn.day >= week, PainScore.region == "neck")
        ).all()
        assert len(neck_scores) >= 3
        for score in neck_scores:
            score.score = 10
        db.session.commit()
    assert (
        f"Neck pain averaged 10.0 over {len(neck_scores)} days of the last 7"
        in logged_in_client.get("/trends?range=all").text
    )
    with app.app_context():
        db.session.add(Appointment(client_id=client_user.id, day=week, note="Review"))
        db.session.commit()
    assert "Since the last session" in logged_in_client.get("/trends?range=all").text
    with app.app_context():
        last_log = db.session.scalars(
            db.select(RoutineLog).filter_by(user_id=client_user.id).order_by(RoutineLog.day)
        ).all()[-1]
        before = db.session.get(User, client_user.id).entries_version
        db.session.delete(last_log)
        db.session.commit()
        assert db.session.get(User, client_user.id).entries_version > before


def test_one_clients_write_leaves_anothers_cached_trends(app, client_user):
    other = make_user(app, "client", name="Other Client")
    give_history(app, client_user, 30)
    with app.app_context():
        before = db.session.get(User, other.id).entries_version
        db.session.add(CheckIn(user_id=client_user.id, day=date(2020, 1, 1)))
        db.session.commit()
        assert db.session.get(User, other.id).entries_version == before


def add_scores(app, user_id, scores_by_age: dict[int, int], region="neck", kind="normal"):
    with app.app_context():
        today = local_today(db.session.get(User, user_id).timezone)
        for age, score in scores_by_age.items():
            db.session.add(
                CheckIn(
                    user_id=user_id,
                    day=today - timedelta(days=age),
                    day_kind=kind,
                    scores=[PainScore(region=region, score=score)],
                )
            )
        db.session.commit()
        return today


def test_one_score_after_a_session_is_not_a_change(app, logged_in_client, client_user):
    """It read "Neck: 6.0 → 4.0 (better, a change people notice)" from one check-in."""
    today = add_scores(app, client_user.id, dict.fromkeys(range(2, 12), 6) | {0: 2})
    with app.app_context():
        db.session.add(Appointment(client_id=client_user.id, day=today - timedelta(days=2)))
        db.session.commit()
    page = " ".join(re.sub(r"<[^>]+>", "", logged_in_client.get("/trends").text).split())
    assert (
        "Neck: not enough scores to compare yet (7 and 1 scored days; 3 needed on each side)"
        in (page)
    )
    assert "a change people notice" not in page.split("Since the last session")[1].split("</ul>")[0]


def test_the_report_lists_appointment_notes_and_says_none_only_when_there_are_none(
    app, logged_in_client, client_user
):
    today = add_scores(app, client_user.id, dict.fromkeys(range(5), 4))
    report = logged_in_client.get("/report").text
    assert "No notes in this period." in report
    with app.app_context():
        note = "Next time: thoracic mobility"
        db.session.add(Appointment(client_id=client_user.id, day=today, note=note))
        db.session.commit()
    report = logged_in_client.get("/report").text
    assert "Next time: thoracic mobility" in report and "No notes in this period." not in report


def test_a_low_baseline_is_not_worse_within_the_scales_own_error(
    app, logged_in_client, client_user
):
    """2/10 to 3.4/10 is 70 % more but within the 1.77 points the scale varies by itself."""
    add_scores(app, client_user.id, dict.fromkeys(range(7, 14), 2) | dict.fromkeys(range(4), 3))
    add_scores(app, client_user.id, dict.fromkeys(range(4, 7), 4))
    page = logged_in_client.get("/trends").text
    assert "worse than the 7 days before" not in page
    # 2.0 to 3.43: the change shown with the precision of the threshold it is under.
    assert "(a small change: 1.43 points, where 1.77 count as real)" in page


def test_the_report_compares_like_with_like(app, logged_in_client, client_user):
    """Each column of the report's pain table names the two windows it compares (a row mixed
    a last-7-days summary, a change since the session and a weekly flag under one heading)."""
    today = add_scores(app, client_user.id, dict.fromkeys(range(20), 5))
    with app.app_context():
        db.session.add(Appointment(client_id=client_user.id, day=today - timedelta(days=10)))
        db.session.commit()
    report = logged_in_client.get("/report").text
    table = report.split("<h2>Pain, the last 7 days</h2>")[1].split("</table>")[0]
    headers = re.findall(r'<th scope="col">([^<]*)</th>', table)
    session = format_day(today - timedelta(days=10), "short")
    assert headers == [
        "Region",
        "Average",
        "Against the 7 days before",
        f"Since the session on {session}: the 7 days up to it → the days after it",
    ]
    neck = " ".join(re.sub(r"<[^>]+>", "", table.split("Neck")[1]).split())
    assert neck.startswith(
        "5.0 (7 scored days) 5.0 → 5.0 (about the same) (7 and 7 scored days) "
        "5.0 → 5.0 (about the same) (7 and 7 scored days)"
    )


def test_range_of_motion_changes_are_judged_against_measurement_error(
    app, logged_in_client, client_user
):
    with app.app_context():
        today = local_today("Europe/London")
        for age, (rotation, reach) in {30: (60, 20), 0: (63, 12)}.items():
            day = today - timedelta(days=age)
            db.session.add_all(
                [
                    Measurement(
                        user_id=client_user.id,
                        movement="cervical_rotation",
                        side="left",
                        value=rotation,
                        unit="deg",
                        day=day,
                    ),
                    Measurement(
                        user_id=client_user.id,
                        movement="fingertip_to_floor",
                        value=reach,
                        unit="cm",
                        day=day,
                    ),
                ]  # fmt: skip
            )
        db.session.commit()
    page = logged_in_client.get("/trends").text
    rotation = page.partition('id="rom-cervical_rotation')[2].partition("</figure>")[0]
    assert "(within the 4° a measurement varies by)" in rotation
    assert 'class="chart-band"' in rotation
    reach = page.partition('id="rom-fingertip_to_floor')[2].partition("</figure>")[0]
    assert "(better: more than the 4.5 cm a measurement varies by)" in reach
    assert 'class="chart-band"' not in reach
    assert "There is no healthy-adult norm for this test; lower is better." in reach
