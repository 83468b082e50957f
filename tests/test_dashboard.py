"""The therapist dashboard: flags, order, and a query count that ignores the number of clients."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import insert

from selfcare import insights
from selfcare.clinical import REGIONS
from selfcare.dates import local_today, to_local
from selfcare.extensions import db
from selfcare.models import CheckIn, PainScore, Routine, RoutineLog, Share, User

from .helpers import client_names, dashboard_rows, log_in, make_user


def add_clients(app, therapist_id: int, count: int, pain_by_age=None, prefix="bulk"):
    """`count` sharing clients with 14 days of check-ins and routine logs, inserted in bulk.
    `pain_by_age(days_ago)` gives the day's score (default: a steady 4)."""
    pain_by_age = pain_by_age or (lambda age: 4)
    with app.app_context():
        today = local_today("Europe/London")
        users = (
            db.session.execute(
                insert(User).returning(User.id),
                [
                    {
                        "email": f"{prefix}-{n}@example.com",
                        "name": f"{prefix.title()} Client {n:03d}",
                        "password_hash": "scrypt:not-used-for-login",
                        "role": "client",
                        "timezone": "Europe/London",
                    }
                    for n in range(count)
                ],
            )
            .scalars()
            .all()
        )
        db.session.execute(
            insert(Share), [{"client_id": uid, "therapist_id": therapist_id} for uid in users]
        )
        routines = (
            db.session.execute(
                insert(Routine).returning(Routine.id, sort_by_parameter_order=True),
                [{"user_id": uid, "name": "Daily"} for uid in users],
            )
            .scalars()
            .all()
        )
        checkins = db.session.execute(
            insert(CheckIn).returning(CheckIn.id, CheckIn.day),
            [
                {"user_id": uid, "day": today - timedelta(days=age)}
                for uid in users
                for age in range(14)
            ],
        ).all()
        db.session.execute(
            insert(PainScore),
            [
                {
                    "checkin_id": checkin_id,
                    "region": region,
                    "score": pain_by_age((today - day).days),
                }
                for checkin_id, day in checkins
                for region in ("neck", "lower_back")
            ],
        )
        db.session.execute(
            insert(RoutineLog),
            [
                {"user_id": uid, "routine_id": rid, "day": today - timedelta(days=age)}
                for uid, rid in zip(users, routines, strict=True)
                for age in range(0, 14, 2)
            ],
        )
        db.session.commit()
        return users


def dashboard_queries(app, count_queries, therapist):
    browser = app.test_client()
    log_in(browser, therapist)
    with count_queries() as counter:
        response = browser.get("/therapist")
    assert response.status_code == 200
    return counter.count, response.text


@pytest.mark.slow
def test_query_count_does_not_grow_with_500_clients(app, count_queries):
    few, many = make_user(app, "therapist"), make_user(app, "therapist")
    add_clients(app, few.id, 5, prefix="few")
    add_clients(app, many.id, 500, prefix="many")
    # The first view works every client's summary out and keeps it; the next reads them.
    for most in (14, 7):
        few_count, _ = dashboard_queries(app, count_queries, few)
        many_count, page = dashboard_queries(app, count_queries, many)
        assert "500 clients" in page and page.count("Many Client") == 50  # 50 a page
        assert few_count == many_count <= most, (few_count, many_count)


def test_flags_and_flagged_first(app, count_queries):
    therapist = make_user(app, "therapist")
    add_clients(app, therapist.id, 1, prefix="steady")
    add_clients(app, therapist.id, 1, lambda age: 7 if age < 7 else 4, prefix="worse")
    quiet = make_user(app, name="Quiet Client")
    with app.app_context():
        db.session.add(Share(client_id=quiet.id, therapist_id=therapist.id))
        db.session.add(
            CheckIn(user_id=quiet.id, day=local_today("Europe/London") - timedelta(days=6))
        )
        db.session.commit()
        rows = dashboard_rows(therapist.id)
    names = [row.client.name for row in rows]
    # Worse by a clinically important change needs a look before a quiet week.
    assert names == ["Worse Client 000", "Quiet Client", "Steady Client 000"]
    worse_row, quiet_row, steady_row = rows
    assert quiet_row.figures.inactive and not quiet_row.figures.worse
    assert list(worse_row.figures.worse) == ["neck", "lower_back"]
    assert worse_row.figures.trend == "up"
    assert not steady_row.flagged and steady_row.figures.trend == "same"
    assert steady_row.figures.latest_pain == 4 and steady_row.figures.week_average == 4
    assert steady_row.figures.adherence.share == 0.5
    _, page = dashboard_queries(app, count_queries, therapist)
    assert "Neck worse" in page and "no check-in for 4+ days" in page


def test_pages_and_search(app):
    therapist = make_user(app, "therapist")
    add_clients(app, therapist.id, 120, prefix="paged")
    browser = app.test_client()
    log_in(browser, therapist)
    last = browser.get("/therapist?page=3").text
    assert last.count("Paged Client") == 20 and "Page 3 of 3" in last
    assert browser.get("/therapist?page=4").status_code == 404
    found = browser.get("/therapist?q=client 007").text
    assert found.count("Paged Client 007") == 1 and "1 client." in found
    assert "No client called" in browser.get("/therapist?q=nobody").text


def expected_row(app, user_id: int, timezone: str) -> dict:
    """The dashboard's figures computed the long way: every day loaded, the rules of insights
    applied to plain series. The SQL totals must agree with this."""
    with app.app_context():
        today = local_today(timezone)
        checkins = db.session.scalars(db.select(CheckIn).filter_by(user_id=user_id)).all()
        by_region: dict[str, dict] = {}
        overall = {}
        for checkin in checkins:
            for score in checkin.scores:
                by_region.setdefault(score.region, {})[checkin.day] = score.score
            if checkin.scores:
                overall[checkin.day] = sum(s.score for s in checkin.scores) / len(checkin.scores)
        last = max(checkins, key=lambda checkin: checkin.day, default=None)
        routine_days = db.session.scalars(
            db.select(RoutineLog.day).filter_by(user_id=user_id)
        ).all()
        rest_days = [checkin.day for checkin in checkins if checkin.day_kind != "normal"]
        previous, week = insights.weekly_windows(today)
        joined = to_local(db.session.get(User, user_id).created_at, timezone).date()
        first_day = insights.first_day(
            joined, min((c.day for c in checkins), default=None), min(routine_days, default=None)
        )
        return {
            "last_checkin": last.day if last else None,
            "latest_pain": overall.get(last.day) if last else None,
            "week_average": insights.tally(overall, *week).mean(insights.MIN_DAYS_FOR_AVERAGE),
            "trend": insights.trend_arrow(
                insights.comparison("*", overall, (previous, week)).change
            ),
            "adherence": insights.adherence(
                [], routine_days, rest_days, insights.adherence_start(today, first_day), today
            ).share,
            "worse": [
                region
                for region in REGIONS
                if region in by_region
                and insights.worsened(
                    insights.comparison(region, by_region[region], (previous, week)).change
                )
            ],
        }


@pytest.mark.parametrize("seed", range(3))
def test_sql_totals_agree_with_the_rules_applied_day_by_day(app, seed):
    """Random histories with gaps, rest and flare days, routines on some days, and clients on
    both sides of the date line (their "today" is not the server's)."""
    rng = random.Random(seed)
    therapist = make_user(app, "therapist")
    zones = ["Europe/London", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Chicago"]
    clients = []
    with app.app_context():
        for n, timezone in enumerate(zones * 2):
            client = make_user(app, timezone=timezone, name=f"Random {n}")
            clients.append((client.id, timezone))
            db.session.add(Share(client_id=client.id, therapist_id=therapist.id))
            routine = Routine(user_id=client.id, name="Daily")
            db.session.add(routine)
            today = local_today(timezone)
            for age in range(20):
                day = today - timedelta(days=age)
                if rng.random() < 0.25:
                    continue
                kind = rng.choice(["normal"] * 6 + ["rest", "flare"])
                checkin = CheckIn(user_id=client.id, day=day, day_kind=kind)
                regions = rng.sample(["neck", "upper_back", "lower_back", "hip_left"], k=2)
                checkin.scores = [
                    PainScore(region=region, score=rng.randint(0, 10)) for region in regions
                ]
                db.session.add(checkin)
                if rng.random() < 0.5:
                    db.session.add(RoutineLog(user_id=client.id, routine=routine, day=day))
        db.session.commit()
        rows = {row.client.id: row for row in dashboard_rows(therapist.id)}
    for user_id, timezone in clients:
        row = rows[user_id]
        expected = expected_row(app, user_id, timezone)
        figures = row.figures
        actual_values = {
            "last_checkin": figures.last_checkin,
            "latest_pain": figures.latest_pain,
            "week_average": figures.week_average,
            "trend": figures.trend,
            "adherence": figures.adherence.share,
            "worse": list(figures.worse),
        }
        for field, value in expected.items():
            actual = actual_values[field]
            assert actual == (pytest.approx(value) if isinstance(value, float) else value), (
                field,
                timezone,
            )


def test_a_new_clients_routine_share_counts_from_their_first_day(app):
    """One routine on the day they joined is every day so far (it showed 7 %)."""
    therapist = make_user(app, "therapist")
    newcomer = make_user(app, name="New Client")
    with app.app_context():
        today = local_today("Europe/London")
        routine = Routine(user_id=newcomer.id, name="Neck")
        db.session.add_all([routine, Share(client_id=newcomer.id, therapist_id=therapist.id)])
        db.session.flush()
        db.session.add(RoutineLog(user_id=newcomer.id, routine_id=routine.id, day=today))
        db.session.commit()
        [row] = dashboard_rows(therapist.id)
    assert row.figures.adherence.share == 1.0


def test_pages_follow_the_order_and_the_filter(app):
    therapist = make_user(app, "therapist")
    add_clients(app, therapist.id, 60, prefix="steady")
    add_clients(app, therapist.id, 55, lambda age: 7 if age < 7 else 4, prefix="worse")
    with app.app_context():
        everyone = [row.client.name for row in dashboard_rows(therapist.id)]
    assert everyone[:55] == [f"Worse Client {n:03d}" for n in range(55)]
    browser = app.test_client()
    log_in(browser, therapist)
    second = browser.get("/therapist?page=2").text
    assert client_names(second) == everyone[50:100] and "Page 2 of 3" in second
    assert "115 clients, 55 need a look" in second
    worse = browser.get("/therapist?flag=worse&page=2").text
    assert client_names(worse) == everyone[50:55] and "Page 2 of 2" in worse
    assert 'href="/therapist?page=1&amp;flag=worse">Newer</a>' in worse
    assert browser.get("/therapist?flag=worse&page=3").status_code == 404
    assert browser.get("/therapist?q=nobody&page=2").status_code == 404


def test_names_in_order_case_aside_then_by_account(app):
    therapist = make_user(app, "therapist")
    ids = {}
    for name in ("bea", "Adam", "Carl", "adele", "Sam", "Sam"):
        client = make_user(app, name=name)
        ids.setdefault(name, []).append(client.id)
        with app.app_context():
            db.session.add(Share(client_id=client.id, therapist_id=therapist.id))
            db.session.commit()
    with app.app_context():
        rows = dashboard_rows(therapist.id)
    assert [row.client.name for row in rows] == ["Adam", "adele", "bea", "Carl", "Sam", "Sam"]
    assert [row.client.id for row in rows[4:]] == sorted(ids["Sam"])


def test_search_folds_every_script_and_takes_wildcards_literally(app):
    therapist = make_user(app, "therapist")
    names = ["Émile Zola", "Emil Nolde", "Юлия Орлова", "Ana 50% Off", "Ana 500", "Bo_Bo", "BoxBo"]
    for name in [*names, "Back\\Slash"]:
        client = make_user(app, name=name)
        with app.app_context():
            db.session.add(Share(client_id=client.id, therapist_id=therapist.id))
            db.session.commit()
    browser = app.test_client()
    log_in(browser, therapist)

    def found(search):
        return client_names(browser.get("/therapist", query_string={"q": search}).text)

    assert found("émile") == found("ÉMILE") == ["Émile Zola"]
    assert found("юлия") == ["Юлия Орлова"]
    assert found("50%") == ["Ana 50% Off"]
    assert found("o_b") == ["Bo_Bo"]
    assert found("\\") == ["Back\\Slash"]
    assert found("%") == ["Ana 50% Off"]
    assert found("a\x00") == found("\x00") == []  # a NUL: no name holds one, and no error


def test_a_client_who_joined_minutes_ago_is_not_flagged(app):
    """It read "no check-in for 4+ days" and "routines 0 %" for a client of a few minutes."""
    therapist = make_user(app, "therapist")
    newcomer = make_user(app, name="Just Joined")
    with app.app_context():
        db.session.add(Share(client_id=newcomer.id, therapist_id=therapist.id))
        db.session.add(Routine(user_id=newcomer.id, name="Neck"))
        db.session.commit()
        [row] = dashboard_rows(therapist.id)
    assert not row.flagged and not row.figures.inactive
    assert row.figures.adherence.share is None  # nothing to count yet, never 0 %
    browser = app.test_client()
    log_in(browser, therapist)
    page = browser.get("/therapist").text
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert "no check-in for" not in rows and "0%" not in page
