"""The dashboard reads each client's kept summary (client_summaries): it must read exactly as a
fresh computation, and a write, a change of share or a new day must show on the next view."""

import random
from datetime import timedelta

from selfcare import dates
from selfcare.dates import local_today
from selfcare.extensions import db
from selfcare.models import (
    CheckIn,
    ClientSummary,
    Exercise,
    PainScore,
    Routine,
    RoutineItem,
    RoutineLog,
    RoutineLogItem,
    Share,
    User,
    utcnow,
)
from selfcare.therapist.service import RANK_COLUMNS, _refresh_summaries, dashboard_rows

from .helpers import count_rows, fetch_all, form_values, log_in, make_user
from .test_dashboard_attention import CHIN_TUCK, client_names, dashboard, sharing_client
from .test_session_player import log_session

ZONES = ["Europe/London", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Chicago"]
PARTS = ["pain,routines,notes", "pain", "routines", "notes"]


def random_world(app, rng, therapists) -> None:
    """Clients on both sides of the date line with gaps, rest and flare days, routines with and
    without a plan, pain and difficulty told per exercise, each shared with one or both
    therapists under different parts."""
    with app.app_context():
        chin_tuck = db.session.scalar(db.select(Exercise).filter_by(slug="chin_tuck"))
        for n in range(12):
            timezone = ZONES[n % len(ZONES)]
            client = make_user(app, timezone=timezone, name=f"Varied {n:02d}")
            today = local_today(timezone)
            for therapist in rng.sample(therapists, k=rng.choice([1, 2])):
                db.session.add(
                    Share(client_id=client.id, therapist_id=therapist.id, parts=rng.choice(PARTS))
                )
            plan = {"starts_on": today - timedelta(days=20), "days_per_week": 3}
            routine = Routine(user_id=client.id, name="Neck", **(plan if n % 3 == 0 else {}))
            routine.items.append(RoutineItem(exercise=chin_tuck, reps=10))
            db.session.add(routine)
            for age in range(rng.choice([0, 3, 20])):
                day = today - timedelta(days=age)
                if rng.random() < 0.25:
                    continue
                kind = rng.choice(["normal"] * 6 + ["rest", "flare"])
                regions = rng.sample(["neck", "upper_back", "lower_back", "hip_left"], k=2)
                scores = [PainScore(region=region, score=rng.randint(0, 10)) for region in regions]
                db.session.add(CheckIn(user_id=client.id, day=day, day_kind=kind, scores=scores))
                if rng.random() < 0.5:
                    item = RoutineLogItem(
                        exercise_id=chin_tuck.id,
                        pain_during=rng.choice([None, 2, 7, 9]),
                        difficulty=rng.choice([None, "about_right", "too_hard"]),
                    )
                    db.session.add(
                        RoutineLog(user_id=client.id, routine=routine, day=day, items=[item])
                    )
        db.session.commit()


def attention_order(row):
    """The dashboard's order stated over the rows as shown (each share's mask applied): pain
    worse (larger total rise, then more regions, first), pain during an exercise (higher
    first), too hard twice (more first), quiet, the rest; then name, case aside, and id."""
    pain_during = max(row.painful_exercises.values(), default=None)
    if row.worsening_rises:
        rank = (0, -sum(row.worsening_rises), -len(row.worsening_rises))
    elif pain_during is not None:
        rank = (1, -pain_during, 0)
    elif row.too_hard_exercises:
        rank = (2, -len(row.too_hard_exercises), 0)
    else:
        rank = (3 if row.inactive else 4, 0, 0)
    return (*rank, row.client.name.lower(), row.client.id)


def test_kept_summaries_read_as_a_fresh_computation(app, count_queries):
    therapists = [make_user(app, "therapist"), make_user(app, "therapist")]
    random_world(app, random.Random(7), therapists)
    for therapist in therapists:
        with app.app_context():
            computed = dashboard_rows(therapist.id)
        with count_queries() as counter, app.app_context():
            kept = dashboard_rows(therapist.id)
        # Whether any client is stale (none), the rows in order.
        assert counter.count == 2
        with app.app_context():
            db.session.execute(db.delete(ClientSummary))
            db.session.commit()
            fresh = dashboard_rows(therapist.id)
        assert kept == computed == fresh
        assert kept == sorted(kept, key=attention_order)
        assert any(row.flagged for row in kept) and any(not row.flagged for row in kept)
    with app.app_context():
        dashboard_rows(therapists[0].id)  # the other therapist's clients, kept again
    assert count_rows(app, ClientSummary) == 12


def set_this_weeks_pain(app, client_id, score):
    """Scores edited on their own (their check-ins not loaded), as an edit form saves them."""
    with app.app_context():
        today = local_today("Europe/London")
        week = db.select(CheckIn.id).where(
            CheckIn.user_id == client_id, CheckIn.day > today - timedelta(days=7)
        )
        for pain in db.session.scalars(db.select(PainScore).where(PainScore.checkin_id.in_(week))):
            pain.score = score
        db.session.commit()


def test_writes_and_share_changes_show_on_the_next_view(app):
    therapist = make_user(app, "therapist")
    steady = sharing_client(app, therapist.id, "Bo Steady")
    assert "Bo Steady" in dashboard(app, therapist) and "worse</span>" not in dashboard(
        app, therapist
    )
    set_this_weeks_pain(app, steady.id, 8)
    assert "Neck worse" in dashboard(app, therapist)

    # A guided session through the client's own pages, then the same log edited.
    browser = app.test_client()
    log_in(browser, steady)
    [routine] = fetch_all(app, Routine, user_id=steady.id)
    log_session(browser, routine.id, **{"exercises-0-pain_during": "8"})
    assert f"pain 8 during {CHIN_TUCK}" in dashboard(app, therapist)
    [log] = fetch_all(app, RoutineLog, user_id=steady.id)
    edit = form_values(browser.get(f"/routines/logs/{log.id}").text, "routine-log-form")
    edit["exercises-0-pain_during"] = "2"
    response = browser.post(f"/routines/logs/{log.id}", data=edit)
    assert response.status_code == 302
    assert f"pain 8 during {CHIN_TUCK}" not in dashboard(app, therapist)

    with app.app_context():
        [before] = dashboard_rows(therapist.id)
        yesterday = local_today("Europe/London") - timedelta(days=1)
        checkin = db.session.scalar(db.select(CheckIn).filter_by(user_id=steady.id, day=yesterday))
        checkin.day_kind = "rest"
        db.session.commit()
        [after] = dashboard_rows(therapist.id)
    assert after.adherence > before.adherence  # a rest day is not a day missed

    with app.app_context():
        share = db.session.scalar(db.select(Share).filter_by(client_id=steady.id))
        share.parts = "routines"
        db.session.commit()
    page = dashboard(app, therapist)
    assert "Neck worse" not in page and "not shared" in page


def test_a_new_day_shows_without_a_write(app, monkeypatch):
    therapist = make_user(app, "therapist")
    sharing_client(app, therapist.id, "Bo Steady")
    browser = app.test_client()
    log_in(browser, therapist)
    assert "no check-in for 4+ days" not in browser.get("/therapist").text
    later = utcnow() + timedelta(days=5)
    monkeypatch.setattr(dates, "utcnow", lambda: later)
    assert "no check-in for 4+ days" in browser.get("/therapist").text
    with app.app_context():
        computed_on = db.session.scalar(db.select(ClientSummary.computed_on))
    assert computed_on == local_today("Europe/London", later)


def test_two_therapists_and_two_workers_keep_one_summary(app):
    first, second = make_user(app, "therapist"), make_user(app, "therapist")
    client = sharing_client(app, first.id, "Shared Twice", feedback=[(9, None)])
    with app.app_context():
        db.session.add(Share(client_id=client.id, therapist_id=second.id, parts="pain"))
        db.session.commit()
    # The first therapist sees the exercise flag; the second's share leaves routines out.
    assert client_names(dashboard(app, first, "?flag=pain")) == ["Shared Twice"]
    assert client_names(dashboard(app, second, "?flag=pain")) == []
    with app.app_context():
        stale = db.session.execute(
            db.select(User.id, User.timezone, User.history_version).where(User.id == client.id)
        ).all()
        timezone = stale[0].timezone
        zone_today = {timezone: local_today(timezone)}
        # Two workers finding the same client stale both keep it: the second overwrites.
        _refresh_summaries(stale, zone_today)
        first_kept = kept_summaries()
        _refresh_summaries(stale, zone_today)
        assert kept_summaries() == first_kept
    assert count_rows(app, ClientSummary) == 1


def random_change(rng, client_ids: list[int], today) -> str:
    """One write to a random client's last two weeks, of a kind a person or the app makes:
    check-ins added, edited and deleted, scores changed and removed, logs added, edited and
    deleted. Returns what it did, for the failure message."""
    client_id = rng.choice(client_ids)
    checkins = db.session.scalars(
        db.select(CheckIn).where(CheckIn.user_id == client_id, CheckIn.day > today - timedelta(14))
    ).all()
    logs = db.session.scalars(db.select(RoutineLog).filter_by(user_id=client_id)).all()
    kind = rng.choice(
        ["add check-in", "edit score", "drop score", "day kind", "delete check-in"]
        + ["add log", "edit log", "delete log"]
    )
    if kind == "add check-in":
        taken = {checkin.day for checkin in checkins}
        day = today - timedelta(days=rng.randrange(14))
        if day in taken:
            return "nothing (day taken)"
        scores = [PainScore(region="neck", score=rng.randint(0, 10))]
        db.session.add(CheckIn(user_id=client_id, day=day, scores=scores))
    elif kind == "add log":
        routine = db.session.scalar(db.select(Routine).filter_by(user_id=client_id))
        item = RoutineLogItem(
            exercise_id=routine.items[0].exercise_id,
            pain_during=rng.choice([None, 3, 8]),
            difficulty=rng.choice([None, "too_hard"]),
        )
        day = today - timedelta(days=rng.randrange(14))
        db.session.add(RoutineLog(user_id=client_id, routine=routine, day=day, items=[item]))
    elif kind.endswith("log"):
        if not logs:
            return "nothing (no log)"
        log = rng.choice(logs)
        if kind == "delete log":
            db.session.delete(log)
        else:
            log.items[0].pain_during = rng.choice([None, 1, 9])
            log.items[0].difficulty = rng.choice([None, "about_right", "too_hard"])
    else:
        scored = [checkin for checkin in checkins if checkin.scores]
        if not scored:
            return "nothing (no check-in)"
        checkin = rng.choice(scored)
        if kind == "edit score":
            rng.choice(checkin.scores).score = rng.randint(0, 10)
        elif kind == "drop score":
            db.session.delete(rng.choice(checkin.scores))
        elif kind == "day kind":
            checkin.day_kind = rng.choice(["normal", "rest", "flare"])
        else:
            db.session.delete(checkin)
    db.session.commit()
    return f"{kind} for client {client_id}"


def kept_summaries() -> dict[int, tuple]:
    """Every client's kept figures and rank columns, unmasked, after both dashboards read them."""
    return {
        row.user_id: (row.figures, *(getattr(row, name) for name in RANK_COLUMNS))
        for row in db.session.scalars(db.select(ClientSummary))
    }


def test_kept_summaries_equal_a_recomputation_after_random_writes(app):
    therapists = [make_user(app, "therapist"), make_user(app, "therapist")]
    rng = random.Random(18)
    random_world(app, rng, therapists)
    with app.app_context():
        client_ids = list(db.session.scalars(db.select(Share.client_id).distinct()))
        done = []
        for _ in range(40):  # compared after each: another write can't hide a missed one
            done.append(random_change(rng, client_ids, local_today("Europe/London")))
            kept_rows = [dashboard_rows(therapist.id) for therapist in therapists]
            kept = kept_summaries()
            db.session.execute(db.delete(ClientSummary))
            db.session.commit()
            assert kept_rows == [dashboard_rows(therapist.id) for therapist in therapists], done
            assert kept == kept_summaries(), done
    assert sum(not change.startswith("nothing") for change in done) > 25
