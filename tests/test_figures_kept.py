"""Where figures live: each model says how its writes reach a client's figures, the kept rows
(figures per client and day, pain periods per week and month) always equal a recomputation from
the raw rows, whatever is written, edited or deleted, and a new day finds its figures waiting."""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from selfcare import dates
from selfcare.account.service import delete_account
from selfcare.dates import local_today, to_local
from selfcare.extensions import db
from selfcare.figures import kept, periods
from selfcare.figures.feeds import Feeds, NoFigures
from selfcare.figures.kept import (
    FIGURES_AHEAD_DAYS,
    Client,
    ClientEntries,
    ClientFigures,
    figures_on,
    work_out,
)
from selfcare.insights import ExerciseFeedback
from selfcare.models import (
    Appointment,
    CheckIn,
    Exercise,
    KeptFigures,
    Measurement,
    PainPeriod,
    PainScore,
    PsfsActivity,
    PsfsScore,
    PsfsScoring,
    Routine,
    RoutineItem,
    RoutineLog,
    RoutineLogItem,
    Share,
    User,
    utcnow,
)
from selfcare.therapist.service import SharingClients

from .helpers import (
    CHIN_TUCK,
    client_names,
    count_rows,
    dashboard_page,
    dashboard_rows,
    fetch_all,
    form_values,
    log_in,
    log_session,
    logged_in_therapist,
    make_user,
    new_invite_code,
    redeem,
    sharing_client,
)

RANK_COLUMNS = ("worse_rise", "worse_regions", "inactive", "worst_pain_during", "too_hard")

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
            if n % 2:  # a session whose week before reaches past the last fortnight
                db.session.add(Appointment(client_id=client.id, day=today - timedelta(days=n + 1)))
            plan = {"starts_on": today - timedelta(days=20), "days_per_week": 3}
            routine = Routine(user_id=client.id, name="Neck", **(plan if n % 3 == 0 else {}))
            routine.items.append(RoutineItem(exercise=chin_tuck, reps=10))
            db.session.add(routine)
            for age in range(20 if n % 2 else rng.choice([0, 3, 20])):
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
    figures = row.figures
    pain_during = max(figures.painful_exercises.values(), default=None)
    rises = list(figures.worse.values())
    if rises:
        rank = (0, -sum(rises), -len(rises))
    elif pain_during is not None:
        rank = (1, -pain_during, 0)
    elif figures.too_hard_exercises:
        rank = (2, -len(figures.too_hard_exercises), 0)
    else:
        rank = (3 if figures.inactive else 4, 0, 0)
    return (*rank, row.client.name.lower(), row.client.id)


def test_kept_figures_read_as_a_fresh_computation(app, count_queries):
    therapists = [make_user(app, "therapist"), make_user(app, "therapist")]
    random_world(app, random.Random(7), therapists)
    for therapist in therapists:
        with app.app_context():
            computed = dashboard_rows(therapist.id)
        with count_queries() as counter, app.app_context():
            kept = dashboard_rows(therapist.id)
        # The time zones, whether any client is stale (none), the rows in order, the names of
        # the exercises they flag.
        assert counter.count == 4
        with app.app_context():
            db.session.execute(db.delete(KeptFigures))
            db.session.commit()
            fresh = dashboard_rows(therapist.id)
        assert kept == computed == fresh
        assert kept == sorted(kept, key=attention_order)
        assert any(row.flagged for row in kept) and any(not row.flagged for row in kept)
    with app.app_context():
        dashboard_rows(therapists[0].id)  # the other therapist's clients, kept again
    # Today and the days ahead, for each client.
    assert count_rows(app, KeptFigures) == 12 * (FIGURES_AHEAD_DAYS + 1)


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
    assert "Bo Steady" in dashboard_page(app, therapist) and "worse</span>" not in dashboard_page(
        app, therapist
    )
    set_this_weeks_pain(app, steady.id, 8)
    assert "Neck worse" in dashboard_page(app, therapist)

    # A guided session through the client's own pages, then the same log edited.
    browser = app.test_client()
    log_in(browser, steady)
    [routine] = fetch_all(app, Routine, user_id=steady.id)
    log_session(browser, routine.id, **{"exercises-0-pain_during": "8"})
    assert f"pain 8 during {CHIN_TUCK}" in dashboard_page(app, therapist)
    [log] = fetch_all(app, RoutineLog, user_id=steady.id)
    edit = form_values(browser.get(f"/routines/logs/{log.id}").text, "routine-log-form")
    edit["exercises-0-pain_during"] = "2"
    response = browser.post(f"/routines/logs/{log.id}", data=edit)
    assert response.status_code == 302
    assert f"pain 8 during {CHIN_TUCK}" not in dashboard_page(app, therapist)

    with app.app_context():
        [before] = dashboard_rows(therapist.id)
        yesterday = local_today("Europe/London") - timedelta(days=1)
        checkin = db.session.scalar(db.select(CheckIn).filter_by(user_id=steady.id, day=yesterday))
        checkin.day_kind = "rest"
        db.session.commit()
        [after] = dashboard_rows(therapist.id)
    # A rest day is not a day missed.
    assert after.figures.adherence.share > before.figures.adherence.share

    with app.app_context():
        share = db.session.scalar(db.select(Share).filter_by(client_id=steady.id))
        share.parts = "routines"
        db.session.commit()
    page = dashboard_page(app, therapist)
    assert "Neck worse" not in page and "not shared" in page


def test_a_new_day_finds_its_figures_waiting(app, monkeypatch, count_queries):
    """Five quiet days later the dashboard flags the client without working anything out: the
    kept figures of that day were worked out with today's, and equal a computation made then."""
    therapist = make_user(app, "therapist")
    client = sharing_client(app, therapist.id, "Bo Steady")
    browser = app.test_client()
    log_in(browser, therapist)
    assert "no check-in for 4+ days" not in browser.get("/therapist").text
    later = utcnow() + timedelta(days=5)
    monkeypatch.setattr(dates, "utcnow", lambda: later)
    with count_queries() as counter:
        assert "no check-in for 4+ days" in browser.get("/therapist").text
    assert not any("INSERT INTO kept_figures" in statement for statement in counter.statements)
    with app.app_context():
        day = local_today("Europe/London", later)
        kept = db.session.scalar(select(KeptFigures.figures).filter_by(user_id=client.id, day=day))
        user = db.session.get(User, client.id)
        db.session.execute(db.delete(KeptFigures))
        db.session.commit()
        fresh = work_out([Client(user.id, user.timezone, user.entries_version)])[user.id]
    assert ClientFigures.from_json(kept) == fresh


def test_two_therapists_and_two_workers_keep_one_set_of_figures(app):
    first, second = make_user(app, "therapist"), make_user(app, "therapist")
    client = sharing_client(app, first.id, "Shared Twice", feedback=[(9, None)])
    with app.app_context():
        db.session.add(Share(client_id=client.id, therapist_id=second.id, parts="pain"))
        db.session.commit()
    # The first therapist sees the exercise flag; the second's share leaves routines out.
    assert client_names(dashboard_page(app, first, "?flag=pain")) == ["Shared Twice"]
    assert client_names(dashboard_page(app, second, "?flag=pain")) == []
    with app.app_context():
        user = db.session.get(User, client.id)
        entry = Client(user.id, user.timezone, user.entries_version)
        # Two workers finding the same client stale both keep it: the second overwrites.
        work_out([entry])
        first_kept = kept_figures()
        work_out([entry])
        assert kept_figures() == first_kept
        # An older computation never replaces a newer one.
        work_out([entry._replace(entries_version=entry.entries_version - 1)])
        assert kept_figures() == first_kept
    assert count_rows(app, KeptFigures) == FIGURES_AHEAD_DAYS + 1


def random_change(rng, client_ids: list[int]) -> str:
    """One write to a random client's last weeks, of a kind a person or the app makes: check-ins
    added, edited, re-typed, moved and deleted, scores changed and removed, logs added, moved,
    edited and deleted, appointments, a programme's frequency changed, a measurement and a PSFS
    scoring, each dated by the client's own calendar, as the app dates them. Returns what it
    did, for the failure message."""
    client_id = rng.choice(client_ids)
    today = local_today(db.session.get(User, client_id).timezone)
    checkins = db.session.scalars(
        db.select(CheckIn).where(CheckIn.user_id == client_id, CheckIn.day > today - timedelta(20))
    ).all()
    logs = db.session.scalars(db.select(RoutineLog).filter_by(user_id=client_id)).all()
    recent = today - timedelta(days=rng.randrange(20))
    kind = rng.choice(
        ["add check-in", "edit score", "drop score", "day kind", "move check-in"]
        + ["delete check-in", "add log", "edit log", "move log", "delete log"]
        + ["add appointment", "delete appointment", "frequency", "measurement", "psfs"]
    )
    if kind == "add check-in":
        if recent in {checkin.day for checkin in checkins}:
            return "nothing (day taken)"
        scores = [PainScore(region=rng.choice(["neck", "lower_back"]), score=rng.randint(0, 10))]
        db.session.add(CheckIn(user_id=client_id, day=recent, scores=scores))
    elif kind == "add log":
        routine = db.session.scalar(db.select(Routine).filter_by(user_id=client_id))
        item = RoutineLogItem(
            exercise_id=routine.items[0].exercise_id,
            pain_during=rng.choice([None, 3, 8]),
            difficulty=rng.choice([None, "too_hard"]),
        )
        db.session.add(RoutineLog(user_id=client_id, routine=routine, day=recent, items=[item]))
    elif kind.endswith("log"):
        if not logs:
            return "nothing (no log)"
        log = rng.choice(logs)
        if kind == "delete log":
            db.session.delete(log)
        elif kind == "move log":
            log.day = recent
        else:
            log.items[0].pain_during = rng.choice([None, 1, 9])
            log.items[0].difficulty = rng.choice([None, "about_right", "too_hard"])
    elif kind.endswith("appointment"):
        appointments = fetch_all_in_session(Appointment, client_id=client_id)
        if kind.startswith("add"):
            db.session.add(Appointment(client_id=client_id, day=recent + timedelta(days=3)))
        elif appointments:
            db.session.delete(rng.choice(appointments))
        else:
            return "nothing (no appointment)"
    elif kind == "frequency":
        routine = db.session.scalar(
            db.select(Routine).where(Routine.user_id == client_id, Routine.starts_on.is_not(None))
        )
        if routine is None:
            return "nothing (no plan)"
        past = list(routine.past_frequencies)
        past.append({"until": recent.isoformat(), "times_per_day": 1, "days_per_week": 2,
                     "weekdays": None})  # fmt: skip
        routine.past_frequencies = sorted(past, key=lambda each: each["until"])
        routine.days_per_week = rng.choice([3, 5, 7])
    elif kind == "measurement":
        db.session.add(
            Measurement(
                user_id=client_id,
                movement="cervical_rotation",
                side="left",
                value=60,
                unit="deg",
                day=today - timedelta(days=rng.randrange(60)),
            )  # fmt: skip
        )
    elif kind == "psfs":
        activity = PsfsActivity(user_id=client_id, name="Reading")
        scoring = PsfsScoring(user_id=client_id, day=today - timedelta(days=rng.randrange(90)))
        scoring.scores = [PsfsScore(activity=activity, score=rng.randint(0, 10))]
        db.session.add(scoring)
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
        elif kind == "move check-in":
            if recent in {each.day for each in checkins}:
                return "nothing (day taken)"
            checkin.day = recent
        else:
            db.session.delete(checkin)
    db.session.commit()
    return f"{kind} for client {client_id}"


def fetch_all_in_session(model, **where):
    return db.session.scalars(db.select(model).filter_by(**where)).all()


def kept_figures() -> dict[tuple[int, date], tuple]:
    """Every kept row: figures and rank columns, unmasked."""
    return {
        (row.user_id, row.day): (row.figures, *(getattr(row, name) for name in RANK_COLUMNS))
        for row in db.session.scalars(db.select(KeptFigures))
    }


def kept_periods() -> set[tuple]:
    return {
        (
            row.user_id,
            row.period,
            row.starts_on,
            row.region,
            round(row.total, 6),
            row.days,
            round(row.after_routine_total, 6),
            row.after_routine_days,
        )  # fmt: skip
        for row in db.session.scalars(db.select(PainPeriod))
    }


def everything_of(user: User) -> ClientEntries:
    """Every one of a client's entries, with no window: what kept figures must equal."""
    checkins = db.session.scalars(db.select(CheckIn).filter_by(user_id=user.id)).all()
    logs = db.session.scalars(
        db.select(RoutineLog)
        .filter_by(user_id=user.id)
        .order_by(RoutineLog.day, RoutineLog.logged_at, RoutineLog.id)
    ).all()

    def first(model, column):
        return db.session.scalar(db.select(db.func.min(column)).where(model.user_id == user.id))

    newest = max(checkins, key=lambda checkin: checkin.day, default=None)
    entries = ClientEntries(
        joined=to_local(user.created_at, user.timezone).date(),
        first_entries=[
            first(CheckIn, CheckIn.day),
            first(RoutineLog, RoutineLog.day),
            first(Measurement, Measurement.day),
            first(PsfsScoring, PsfsScoring.day),
        ],
        last_checkin=newest and newest.day,
        latest_pain=sum(s.score for s in newest.scores) / len(newest.scores)
        if newest and newest.scores
        else None,
    )
    for checkin in checkins:
        for score in checkin.scores:
            entries.pain[score.region][checkin.day] = score.score
        if checkin.scores:
            mean = sum(s.score for s in checkin.scores) / len(checkin.scores)
            entries.pain[periods.ALL_REGIONS][checkin.day] = mean
        if checkin.day_kind != "normal":
            entries.rest_days.add(checkin.day)
    for log in logs:
        sessions = entries.sessions[log.routine_id]
        sessions[log.day] = sessions.get(log.day, 0) + 1
        entries.routine_days.add(log.day)
        entries.feedback += [
            (log.day, ExerciseFeedback(item.exercise_id, item.pain_during, item.difficulty))
            for item in sorted(log.items, key=lambda item: item.id)
        ]
    entries.plans = [
        (routine.id, routine.name, routine.plan)
        for routine in db.session.scalars(
            db.select(Routine).filter_by(user_id=user.id, archived=False).order_by(Routine.id)
        )
        if routine.plan
    ]
    entries.appointments = sorted(
        db.session.scalars(db.select(Appointment.day).filter_by(client_id=user.id))
    )
    return entries


@pytest.mark.slow
def test_kept_figures_equal_a_recomputation_after_random_writes(app):
    therapists = [make_user(app, "therapist"), make_user(app, "therapist")]
    rng = random.Random(18)
    random_world(app, rng, therapists)
    with app.app_context():
        client_ids = list(db.session.scalars(db.select(Share.client_id).distinct()))
        done = []
        for _ in range(80):  # compared after each: another write can't hide a missed one
            done.append(random_change(rng, client_ids))
            kept_rows = [dashboard_rows(therapist.id) for therapist in therapists]
            periods_kept = kept_periods()
            periods.rebuild(db.session, client_ids)
            db.session.commit()
            assert kept_periods() == periods_kept, done
            for user in db.session.scalars(db.select(User).where(User.id.in_(client_ids))):
                entries = everything_of(user)
                for row in db.session.scalars(db.select(KeptFigures).filter_by(user_id=user.id)):
                    expected = figures_on(entries, row.day)
                    assert ClientFigures.from_json(row.figures) == expected, (row.day, done)
                    assert row.worse_rise == expected.ranks()["worse_rise"]
            db.session.execute(db.delete(KeptFigures))
            db.session.commit()
            assert kept_rows == [dashboard_rows(therapist.id) for therapist in therapists], done
    assert sum(not change.startswith("nothing") for change in done) > 50


def tables_holding_someones_data() -> set[str]:
    """Tables with a column pointing at users, directly or through another such table."""
    holding = {"users"}
    grew = True
    while grew:
        grew = False
        for table in db.metadata.sorted_tables:
            if table.name not in holding and any(
                key.column.table.name in holding for key in table.foreign_keys
            ):
                holding.add(table.name)
                grew = True
    return holding


def test_every_table_holding_someones_data_says_whether_it_feeds_figures():
    """A new model that holds a client's data can't be forgotten: it must say, where it is
    written, how its changes reach the figures (Feeds) or why they don't (NoFigures)."""
    classes = {mapper.local_table.name: mapper.class_ for mapper in db.Model.registry.mappers}
    holding = tables_holding_someones_data()
    assert {"checkins", "pain_scores", "routine_log_items", "psfs_scores"} <= holding
    undecided = [
        name
        for name in sorted(holding)
        if not isinstance(getattr(classes[name], "__figures__", None), Feeds | NoFigures)
    ]
    assert undecided == []
    for name in holding:
        decision = classes[name].__figures__
        if isinstance(decision, NoFigures):
            assert len(decision.why) > 10, name


def test_each_feeding_model_raises_its_clients_version(app):
    """Every model declared as feeding figures reaches the client's version on a write."""
    client = make_user(app, name="Fed Client")
    with app.app_context():
        chin_tuck = db.session.scalar(db.select(Exercise).filter_by(slug="chin_tuck"))
        today = local_today("Europe/London")
        routine = Routine(user_id=client.id, name="Neck", starts_on=today, days_per_week=3)
        routine.items = [RoutineItem(exercise=chin_tuck)]
        checkin = CheckIn(user_id=client.id, day=today, scores=[PainScore(region="neck", score=3)])
        log = RoutineLog(user_id=client.id, routine=routine, day=today)
        log.items = [RoutineLogItem(exercise=chin_tuck)]
        scoring = PsfsScoring(user_id=client.id, day=today)
        rows = [
            routine,
            checkin,
            log,
            Appointment(client_id=client.id, day=today),
            Measurement(
                user_id=client.id, movement="cervical_rotation", value=50, unit="deg", day=today
            ),
            scoring,
        ]
        db.session.add_all(rows)
        db.session.commit()
        edits = {
            "users": lambda: setattr(db.session.get(User, client.id), "timezone", "Asia/Tokyo"),
            "checkins": lambda: setattr(checkin, "day_kind", "rest"),
            "pain_scores": lambda: setattr(checkin.scores[0], "score", 5),
            "routines": lambda: setattr(routine, "days_per_week", 5),
            "routine_logs": lambda: setattr(log, "day", today - timedelta(days=1)),
            "routine_log_items": lambda: setattr(log.items[0], "pain_during", 8),
            "measurements": lambda: setattr(rows[4], "value", 55),
            "appointments": lambda: setattr(rows[3], "note", "moved"),
            "psfs_scorings": lambda: setattr(scoring, "day", today - timedelta(days=2)),
        }
        classes = {mapper.local_table.name: mapper.class_ for mapper in db.Model.registry.mappers}
        feeding = {name for name, cls in classes.items() if isinstance(cls.__figures__, Feeds)}
        assert feeding == set(edits)
        for name, edit in edits.items():
            before = db.session.get(User, client.id).entries_version
            edit()
            db.session.commit()
            assert db.session.get(User, client.id).entries_version > before, name
        # A change no figure reads (the name) leaves it.
        before = db.session.get(User, client.id).entries_version
        db.session.get(User, client.id).name = "Renamed"
        db.session.commit()
        assert db.session.get(User, client.id).entries_version == before


def test_the_refresh_command_works_out_what_tomorrow_needs(app, monkeypatch):
    """Run by cron on several machines at once: it works out the sharing clients that wrote
    since or whose kept days run out, once, and forgets days nobody reads again."""
    therapist = make_user(app, "therapist")
    clients = [sharing_client(app, therapist.id, f"Client {n}") for n in range(3)]
    make_user(app, name="Not sharing")

    def refresh():
        result = app.test_cli_runner().invoke(args=["refresh-figures"])
        assert result.exit_code == 0, result.output
        return result.output

    assert refresh() == "3 clients worked out\n"
    assert refresh() == "0 clients worked out\n"
    assert count_rows(app, KeptFigures) == 3 * (FIGURES_AHEAD_DAYS + 1)
    set_this_weeks_pain(app, clients[0].id, 9)
    assert refresh() == "1 client worked out\n"
    # A week later, the days kept have run out: worked out again, and the old days dropped.
    later = utcnow() + timedelta(days=FIGURES_AHEAD_DAYS)
    monkeypatch.setattr(dates, "utcnow", lambda: later)
    assert refresh() == "3 clients worked out\n"
    with app.app_context():
        oldest = db.session.scalar(db.select(db.func.min(KeptFigures.day)))
    assert oldest >= local_today("Europe/London", later) - timedelta(days=1)


def test_a_write_between_working_out_and_reading_keeps_the_client_listed(app):
    """Another worker's committed write lands after this view worked a client out: the row it
    just kept is read all the same (the next view reads the newer one)."""
    therapist = make_user(app, "therapist")
    client = sharing_client(app, therapist.id, "Bo Steady")
    with app.app_context():
        clients = SharingClients(therapist.id)
        with Session(db.engine) as other:
            old_day = local_today("Europe/London") - timedelta(days=20)
            scores = [PainScore(region="neck", score=3)]
            other.add(CheckIn(user_id=client.id, day=old_day, scores=scores))
            other.commit()
        assert clients.counts().total == 1
        assert [row.client.name for row in clients.rows()] == ["Bo Steady"]


def test_midnight_between_reading_the_day_and_working_out_keeps_the_client(app, monkeypatch):
    """The dashboard reads each zone's today once and works out figures for that day, even
    when the clock has passed midnight in between."""
    therapist = make_user(app, "therapist")
    sharing_client(app, therapist.id, "Bo Steady")
    real = kept.local_today
    monkeypatch.setattr(kept, "local_today", lambda zone, *a: real(zone, *a) + timedelta(days=1))
    with app.app_context():
        assert SharingClients(therapist.id).counts().total == 1


def test_exercises_handed_over_when_a_therapist_leaves_are_named_by_their_copies(app):
    """Kept figures name exercises by id: a departing therapist's exercise, copied into the
    client's own, must not leave a flag naming nothing, or another person's exercise that takes
    the freed id."""
    leaving, staying = make_user(app, "therapist"), make_user(app, "therapist")
    stranger = make_user(app, name="Stranger")
    client = sharing_client(app, staying.id, "Cy Client")
    with app.app_context():
        own = Exercise(owner_id=leaving.id, name="Wall angel", kind="reps")
        routine = Routine(user_id=client.id, name="From Leaving")
        routine.items.append(RoutineItem(exercise=own, reps=5))
        log = RoutineLog(user_id=client.id, routine=routine, day=local_today("Europe/London"))
        log.items = [RoutineLogItem(exercise=own, pain_during=8)]
        db.session.add_all([own, routine, log])
        db.session.commit()
    assert "pain 8 during Wall angel" in dashboard_page(app, staying)
    with app.app_context():
        delete_account(db.session.get(User, leaving.id))
        db.session.add(Exercise(owner_id=stranger.id, name="Private rehab", kind="reps"))
        db.session.commit()
    page = dashboard_page(app, staying)
    assert "pain 8 during Wall angel" in page and "Private rehab" not in page


def test_a_share_without_a_kind_of_entry_dates_the_first_day_without_it(app, logged_in_client):
    """A pain-only share's "recording since" is not the date of an unshared measurement."""
    browser, therapist = logged_in_therapist(app)
    redeem(browser, new_invite_code(logged_in_client, parts=["pain"]))
    with app.app_context():
        client = db.session.scalar(db.select(Share.client_id))
        today = local_today("Europe/London")
        db.session.add_all(
            [
                Measurement(
                    user_id=client,
                    movement="cervical_rotation",
                    side="left",
                    value=60,
                    unit="deg",
                    day=today - timedelta(days=300),
                ),
                CheckIn(user_id=client, day=today, scores=[PainScore(region="neck", score=3)]),
            ]
        )
        db.session.commit()
    page = browser.get(f"/therapist/clients/{client}?range=all").text
    assert f'data-figure="first-day" value="{today.isoformat()}"' in page
    own = logged_in_client.get("/trends?range=all").text
    assert f'data-figure="first-day" value="{today - timedelta(days=300)}"' in own


def test_figures_kept_by_older_rules_are_worked_out_again(app, monkeypatch):
    """A deploy that changes a rule raises RULES_VERSION: nothing kept by the old rule is read."""
    therapist = make_user(app, "therapist")
    sharing_client(app, therapist.id, "Bo Steady")
    with app.app_context():
        dashboard_rows(therapist.id)
        newer = kept.RULES_VERSION + 1
        monkeypatch.setattr(kept, "RULES_VERSION", newer)
        dashboard_rows(therapist.id)
        versions = list(db.session.scalars(db.select(KeptFigures.rules_version)))
    assert versions == [newer] * (FIGURES_AHEAD_DAYS + 1)
