"""Reminders: the settings page, sending at local time with `flask send-reminders --now`, claims
that stop double sends, the quiet-week note, one-click unsubscribe and the calendar feed."""

import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy.exc import IntegrityError

from selfcare.extensions import db
from selfcare.models import (
    CheckIn,
    Exercise,
    PainScore,
    Reminder,
    ReminderChannels,
    ReminderClaim,
    Routine,
    RoutineItem,
    RoutineLog,
    User,
)

from .helpers import (
    POSTGRES_URL,
    count_rows,
    csrf_token_from,
    form_values,
    log_in,
    logged_in_therapist,
    mail_text,
    make_user,
)

ROOT = Path(__file__).resolve().parent.parent
EVERY_DAY = [str(day) for day in range(7)]
HEALTH_WORDS = ("Sciatica stretches", "flare after lifting", "pain")


def set_reminder(browser, at="20:30", weekdays=EVERY_DAY, routine_id=None, enabled=True):
    prefix = "checkin" if routine_id is None else f"routine-{routine_id}"
    url = "/reminders/checkin" if routine_id is None else f"/reminders/routines/{routine_id}"
    data = {
        "csrf_token": csrf_token_from(browser.get("/reminders").text),
        f"{prefix}-at": at,
        f"{prefix}-weekdays": weekdays,
    }
    if enabled:
        data[f"{prefix}-enabled"] = "y"
    return browser.post(url, data=data)


def send(app, now: str) -> str:
    result = app.test_cli_runner().invoke(args=["send-reminders", "--now", now])
    assert result.exit_code == 0, result.output
    return result.output


def add_checkin(app, user_id: int, day: date, note=None) -> None:
    with app.app_context():
        checkin = CheckIn(user_id=user_id, day=day, note=note)
        checkin.scores.append(PainScore(region="neck", score=6))
        db.session.add(checkin)
        db.session.commit()


def add_routine(app, user_id: int, name="Sciatica stretches") -> int:
    with app.app_context():
        exercise = db.session.scalar(db.select(Exercise).where(Exercise.slug == "chin_tuck"))
        routine = Routine(user_id=user_id, name=name)
        routine.items.append(RoutineItem(exercise=exercise, reps=10))
        db.session.add(routine)
        db.session.commit()
        return routine.id


def client_with_reminder(app, timezone="Europe/London", at="20:30", weekdays=EVERY_DAY):
    """A client logged in on a new browser, with a check-in reminder on. Tests add a recent
    check-in themselves, so their fake days are not a quiet week."""
    account = make_user(app, timezone=timezone, name="Robin Reminded")
    browser = app.test_client()
    log_in(browser, account)
    assert set_reminder(browser, at=at, weekdays=weekdays).status_code == 302
    return browser, account


def test_reminders_are_off_until_the_client_turns_them_on(app, logged_in_client, mailbox):
    page = logged_in_client.get("/reminders")
    assert page.status_code == 200
    assert 'name="checkin-enabled"' in page.text
    assert 'name="checkin-enabled" type="checkbox" value="y" checked' not in page.text
    assert "0 reminders sent" in send(app, "2026-11-25T23:59")
    assert mailbox.messages == []


def test_the_account_page_links_to_reminders(logged_in_client):
    assert 'href="/reminders"' in logged_in_client.get("/account").text


def test_a_client_chooses_time_and_days(app, logged_in_client, client_user):
    response = set_reminder(logged_in_client, at="07:15", weekdays=["0", "2", "4"])
    assert response.status_code == 302
    page = logged_in_client.get("/reminders").text
    assert 'value="07:15"' in page
    assert form_values(page, "reminders-form")["checkin-weekdays"] == ["0", "2", "4"]


def test_one_reminder_per_client_and_routine_in_the_database(app, client_user):
    routine_id = add_routine(app, client_user.id)
    for routine in (None, routine_id):
        with app.app_context():
            for _ in range(2):
                db.session.add(
                    Reminder(user_id=client_user.id, routine_id=routine, at=time(9), weekdays="0")
                )
            with pytest.raises(IntegrityError):
                db.session.commit()
            db.session.rollback()


def test_a_reminder_on_with_no_days_is_refused(logged_in_client):
    response = set_reminder(logged_in_client, weekdays=[])
    assert response.status_code == 422
    assert "Choose at least one day" in response.text


def saved_times(app, user_id: int) -> dict:
    with app.app_context():
        reminders = db.session.scalars(db.select(Reminder).filter_by(user_id=user_id))
        return {reminder.routine_id: reminder.at.strftime("%H:%M") for reminder in reminders}


def test_saving_one_card_keeps_what_was_typed_in_the_others(app, logged_in_client, client_user):
    """Without a script: the page is one form, each card's Save sends all of it, and the other
    cards come back as typed, marked, until their own Save."""
    routine_id = add_routine(app, client_user.id)
    routine = f"routine-{routine_id}"
    page = logged_in_client.get("/reminders").text
    typed = form_values(page, "reminders-form") | {
        "checkin-enabled": "y",
        "checkin-at": "07:15",
        f"{routine}-enabled": "y",
        f"{routine}-at": "21:40",
        f"{routine}-weekdays": ["1"],
    }
    assert logged_in_client.post("/reminders/checkin", data=typed).status_code == 302
    assert saved_times(app, client_user.id) == {None: "07:15"}

    page = logged_in_client.get("/reminders").text
    shown = form_values(page, "reminders-form")
    assert (shown[f"{routine}-at"], shown[f"{routine}-weekdays"]) == ("21:40", "1")
    assert page.count("Not saved yet") == 1
    assert page.index(f'id="{routine}"') < page.index("Not saved yet")
    assert 'data-unsaved="true"' in page  # leaving asks first

    assert logged_in_client.post(f"/reminders/routines/{routine_id}", data=shown).status_code == 302
    assert saved_times(app, client_user.id) == {None: "07:15", routine_id: "21:40"}
    page = logged_in_client.get("/reminders").text
    assert "Not saved yet" not in page
    assert 'data-unsaved="true"' not in page


def test_a_card_with_a_mistake_comes_back_with_the_others_as_typed(
    app, logged_in_client, client_user
):
    routine_id = add_routine(app, client_user.id)
    routine = f"routine-{routine_id}"
    typed = form_values(logged_in_client.get("/reminders").text, "reminders-form") | {
        "checkin-enabled": "y",
        "checkin-weekdays": [],
        f"{routine}-at": "21:40",
    }
    response = logged_in_client.post("/reminders/checkin", data=typed)
    assert response.status_code == 422
    assert "Choose at least one day" in response.text
    assert form_values(response.text, "reminders-form")[f"{routine}-at"] == "21:40"
    assert saved_times(app, client_user.id) == {}


def test_stopping_the_calendar_link_keeps_the_cards_as_typed(app, logged_in_client):
    page = logged_in_client.get("/reminders").text
    typed = form_values(page, "reminders-form") | {"checkin-at": "06:05"}
    made = logged_in_client.post("/reminders/calendar", data=typed)
    assert form_values(made.text, "reminders-form")["checkin-at"] == "06:05"
    assert logged_in_client.post("/reminders/calendar/stop", data=typed).status_code == 302
    page = logged_in_client.get("/reminders").text
    assert form_values(page, "reminders-form")["checkin-at"] == "06:05"
    assert "Not saved yet" in page


# The day before and the day after each DST change of 2026, a 20:30 reminder, and the UTC
# minute it is due: London moves on 29 Mar and 25 Oct, New York on 8 Mar and 1 Nov.
DST_CASES = [
    ("Europe/London", date(2026, 3, 28), "2026-03-28T20:30"),
    ("Europe/London", date(2026, 3, 30), "2026-03-30T19:30"),
    ("Europe/London", date(2026, 10, 24), "2026-10-24T19:30"),
    ("Europe/London", date(2026, 10, 26), "2026-10-26T20:30"),
    ("America/New_York", date(2026, 3, 7), "2026-03-08T01:30"),
    ("America/New_York", date(2026, 3, 9), "2026-03-10T00:30"),
    ("America/New_York", date(2026, 10, 31), "2026-11-01T00:30"),
    ("America/New_York", date(2026, 11, 2), "2026-11-03T01:30"),
]


@pytest.mark.parametrize(("timezone", "local_day", "due_utc"), DST_CASES)
def test_sent_at_local_time_across_dst_changes(app, mailbox, timezone, local_day, due_utc):
    _, account = client_with_reminder(app, timezone=timezone)
    add_checkin(app, account.id, local_day - timedelta(days=1))
    due = datetime.fromisoformat(due_utc)
    assert "0 reminders" in send(app, (due - timedelta(minutes=1)).isoformat())
    assert "1 reminder sent" in send(app, due.isoformat())
    [message] = mailbox.wait_for(1)
    assert message["Subject"] == "A moment to check in"
    with app.app_context():
        assert db.session.scalar(db.select(ReminderClaim.day)) == local_day


@pytest.mark.parametrize(
    ("at", "due_utc", "not_yet"),
    [
        # 01:30 doesn't exist in London on 29 March: it goes when the clock jumps to 02:00.
        ("01:30", "2026-03-29T01:00", "2026-03-29T00:59"),
        # 01:30 comes twice on 25 October: it goes the first time only.
        ("01:30", "2026-10-25T00:30", "2026-10-25T00:29"),
    ],
)
def test_on_the_day_of_the_change_a_missing_or_doubled_hour(app, mailbox, at, due_utc, not_yet):
    _, account = client_with_reminder(app, at=at)
    due = datetime.fromisoformat(due_utc)
    add_checkin(app, account.id, due.date() - timedelta(days=1))
    assert "0 reminders" in send(app, not_yet)
    assert "1 reminder sent" in send(app, due_utc)
    assert "0 reminders" in send(app, (due + timedelta(hours=1)).isoformat())
    assert len(mailbox.wait_for(1)) == 1


def test_no_reminder_mail_to_an_unconfirmed_address(app, mailbox):
    account = make_user(app, verified=False)
    browser = app.test_client()
    log_in(browser, account)
    set_reminder(browser, at="09:00")
    add_checkin(app, account.id, date(2026, 6, 1))
    assert "confirmed your address" in browser.get("/reminders").text
    assert "0 reminders" in send(app, "2026-06-02T08:00")


def test_a_new_time_zone_moves_the_reminder_and_the_day_is_not_sent_twice(app, mailbox):
    _, account = client_with_reminder(app, timezone="Europe/London", at="08:00")
    add_checkin(app, account.id, date(2026, 6, 1))
    assert "1 reminder sent" in send(app, "2026-06-02T07:00")  # 08:00 in London
    with app.app_context():
        db.session.get(User, account.id).timezone = "America/New_York"
        db.session.commit()
    # Still 2 June in New York: that day's reminder is already out.
    assert "0 reminders" in send(app, "2026-06-02T12:00")
    # 3 June, 08:00 in New York is 12:00 UTC.
    assert "0 reminders" in send(app, "2026-06-03T11:59")
    assert "1 reminder sent" in send(app, "2026-06-03T12:00")
    assert len(mailbox.wait_for(2)) == 2


def test_only_on_the_chosen_weekdays(app, mailbox):
    _, account = client_with_reminder(app, weekdays=["0"])  # Mondays
    add_checkin(app, account.id, date(2026, 6, 6))
    assert "0 reminders" in send(app, "2026-06-07T21:00")  # 22:00 on a Sunday in London
    assert "1 reminder sent" in send(app, "2026-06-08T21:00")  # 22:00 on a Monday


def test_none_after_todays_checkin(app, mailbox):
    browser, account = client_with_reminder(app, at="00:00")
    page = browser.get("/today").text
    browser.post("/today", data=form_values(page, "checkin-form") | {"pain_neck": "3"})
    assert count_rows(app, CheckIn, user_id=account.id) == 1
    assert "0 reminders" in send(app, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"))
    assert mailbox.messages == []


def test_a_routine_reminder_stops_once_the_routine_is_logged(app, mailbox):
    browser, account = client_with_reminder(app, at="21:00")
    routine_id = add_routine(app, account.id)
    assert set_reminder(browser, at="19:00", routine_id=routine_id).status_code == 302
    add_checkin(app, account.id, date(2026, 6, 1))
    with app.app_context():
        db.session.add(RoutineLog(user_id=account.id, routine_id=routine_id, day=date(2026, 6, 2)))
        db.session.commit()
    assert "0 reminders" in send(app, "2026-06-02T18:30")  # 19:30 in London, logged today
    assert "1 reminder sent" in send(app, "2026-06-03T18:30")
    [message] = mailbox.wait_for(1)
    assert message["Subject"] == "A moment for your routine"


def test_twice_in_a_row_sends_once_and_a_late_run_still_sends(app, mailbox):
    _, account = client_with_reminder(app, at="08:00")
    add_checkin(app, account.id, date(2026, 6, 1))
    assert "1 reminder sent" in send(app, "2026-06-02T07:00")
    assert "0 reminders" in send(app, "2026-06-02T07:00")
    assert "0 reminders" in send(app, "2026-06-02T07:01")
    # The next day the sender was down all morning: the evening run sends it.
    assert "1 reminder sent" in send(app, "2026-06-03T17:45")
    # Yesterday's is not sent on the day after: only today's is due.
    assert "0 reminders" in send(app, "2026-06-04T06:59")
    assert len(mailbox.wait_for(2)) == 2
    assert count_rows(app, ReminderClaim, user_id=account.id) == 2


def test_after_a_quiet_week_one_gentle_note_then_silence(app, mailbox):
    _, account = client_with_reminder(app, at="09:00")
    add_checkin(app, account.id, date(2026, 6, 1))
    for day in range(2, 9):  # 2 to 8 June: seven days of ordinary reminders
        assert "1 reminder sent" in send(app, f"2026-06-{day:02d}T08:00")
    assert "1 reminder sent" in send(app, "2026-06-09T08:00")  # the eighth day: the note
    for day in range(10, 20):
        assert "0 reminders" in send(app, f"2026-06-{day:02d}T08:00")
    messages = mailbox.wait_for(8)
    assert [m["Subject"] for m in messages].count("Reminders are resting") == 1
    assert messages[-1]["Subject"] == "Reminders are resting"
    # Back again: reminders go on as before.
    add_checkin(app, account.id, date(2026, 6, 19))
    assert "1 reminder sent" in send(app, "2026-06-20T08:00")
    assert mailbox.wait_for(9)[-1]["Subject"] == "A moment to check in"


def test_mails_are_kind_and_hold_no_health_data(app, mailbox):
    browser, account = client_with_reminder(app, at="09:00")
    routine_id = add_routine(app, account.id)
    set_reminder(browser, at="09:00", routine_id=routine_id)
    add_checkin(app, account.id, date(2026, 6, 1), note="flare after lifting")
    send(app, "2026-06-02T08:00")
    send(app, "2026-06-12T08:00")
    messages = mailbox.wait_for(3)
    for message in messages:
        whole = message.as_string()
        for word in HEALTH_WORDS + ("missed", "streak", "behind"):
            assert word.lower() not in whole.lower(), (word, message["Subject"])


def test_reminder_links_open_where_the_site_is_served(app, mailbox):
    """The command has no request to take the address from: in development its links name
    where `make run` serves (127.0.0.1:5000, whose login localhost:5000 doesn't share), and
    PUBLIC_BASE_URL when it is set."""
    _, account = client_with_reminder(app, at="09:00")
    add_checkin(app, account.id, date(2026, 6, 1))
    send(app, "2026-06-02T08:00")
    [message] = mailbox.wait_for(1)
    assert set(re.findall(r"https?://[^/\s]+", mail_text(message))) == {"http://127.0.0.1:5000"}
    app.config["PUBLIC_BASE_URL"] = "https://selfcare.example.org"
    send(app, "2026-06-03T08:00")
    later = mailbox.wait_for(2)[-1]
    assert set(re.findall(r"https?://[^/\s]+", mail_text(later))) == {
        "https://selfcare.example.org"
    }


def test_one_click_unsubscribe_without_logging_in(app, mailbox):
    _, account = client_with_reminder(app, at="09:00")
    add_checkin(app, account.id, date(2026, 6, 1))
    send(app, "2026-06-02T08:00")
    [message] = mailbox.wait_for(1)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(https?://[^>]+)>", message["List-Unsubscribe"].strip()).group(1)
    path = re.sub(r"^https?://[^/]+", "", url)
    assert path in mail_text(message).replace("http://127.0.0.1:5000", "")
    stranger = app.test_client()
    page = stranger.get(path)
    assert page.status_code == 200
    assert '<form method="post"' in page.text
    response = stranger.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "won't get reminder e-mails" in response.text
    with app.app_context():
        assert db.session.get(ReminderChannels, account.id).email is False
    assert "0 reminders" in send(app, "2026-06-03T08:00")
    assert stranger.post(path[:-3] + "xyz").status_code == 404


def feed_link(browser) -> str:
    page = browser.post(
        "/reminders/calendar", data={"csrf_token": csrf_token_from(browser.get("/reminders").text)}
    )
    assert page.status_code == 200
    return re.search(r"<code>https?://[^/]+(/reminders/calendar/[^<]+\.ics)</code>", page.text)[1]


def test_the_calendar_feed_repeats_with_an_alarm_and_no_health_data(app):
    browser, account = client_with_reminder(
        app, timezone="America/New_York", at="20:30", weekdays=["0", "1", "2", "3", "4"]
    )
    routine_id = add_routine(app, account.id)
    set_reminder(browser, at="07:00", routine_id=routine_id, weekdays=["5", "6"])
    add_checkin(app, account.id, date(2026, 6, 1), note="flare after lifting")
    path = feed_link(browser)
    response = app.test_client().get(path)  # calendar apps fetch without a session
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    for word in HEALTH_WORDS:
        assert word.encode() not in response.data
    calendar = Calendar.from_ical(response.data)
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {"Check in", "Your routine"}
    checkin = events["Check in"]
    assert checkin["RRULE"]["FREQ"] == ["WEEKLY"]
    assert checkin["RRULE"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
    start = checkin.decoded("DTSTART")
    assert (start.hour, start.minute, str(start.tzinfo)) == (20, 30, "America/New_York")
    [alarm] = checkin.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(0)
    assert events["Your routine"]["RRULE"]["BYDAY"] == ["SA", "SU"]
    assert calendar.walk("VTIMEZONE")


def test_a_new_calendar_link_ends_the_old_one_and_it_can_be_stopped(app):
    browser, _ = client_with_reminder(app)
    old = feed_link(browser)
    new = feed_link(browser)
    reader = app.test_client()
    assert reader.get(old).status_code == 404
    assert reader.get(new).status_code == 200
    token = csrf_token_from(browser.get("/reminders").text)
    assert browser.post("/reminders/calendar/stop", data={"csrf_token": token}).status_code == 302
    assert reader.get(new).status_code == 404
    with app.app_context():
        stored = db.session.scalars(db.select(ReminderChannels.feed_token_hash)).all()
    assert stored == [None]


def test_the_offer_comes_once_after_the_first_checkin(app, logged_in_client):
    page = logged_in_client.get("/today").text
    first = logged_in_client.post(
        "/today", data=form_values(page, "checkin-form") | {"pain_neck": "3"}, follow_redirects=True
    )
    assert "under Reminders" in first.text
    page = logged_in_client.get("/today").text
    again = logged_in_client.post(
        "/today", data=form_values(page, "checkin-form") | {"pain_neck": "4"}, follow_redirects=True
    )
    assert "under Reminders" not in again.text


def test_other_clients_and_therapists_are_refused(app, logged_in_client, client_user):
    routine_id = add_routine(app, client_user.id)
    other = app.test_client()
    log_in(other, make_user(app, name="Other Client"))
    token = csrf_token_from(other.get("/reminders").text)
    refused = other.post(
        f"/reminders/routines/{routine_id}",
        data={"csrf_token": token, "routine-1-enabled": "y", "routine-1-at": "09:00"},
    )
    assert refused.status_code == 404
    therapist, _ = logged_in_therapist(app)
    assert therapist.get("/reminders").status_code == 403
    token = csrf_token_from(therapist.get("/account").text)
    assert therapist.post("/reminders/calendar", data={"csrf_token": token}).status_code == 403


# Enough that both senders are still claiming when they meet (each sends a share, not all).
RACERS = 400


@pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_two_senders_racing_on_postgresql_send_each_reminder_once(app, smtp_server, mailbox):
    if app.config["SQLALCHEMY_DATABASE_URI"] != POSTGRES_URL:
        pytest.skip("the race is for PostgreSQL")
    accounts = [make_user(app, name=f"Racer {n}") for n in range(RACERS)]
    with app.app_context():
        for account in accounts:
            db.session.add(CheckIn(user_id=account.id, day=date(2026, 6, 1)))
            db.session.add(
                Reminder(user_id=account.id, enabled=True, at=time(9), weekdays="0123456")
            )
        db.session.commit()
    env = os.environ | {
        "DATABASE_URL": POSTGRES_URL,
        "MAIL_SERVER": smtp_server.hostname,
        "MAIL_PORT": str(smtp_server.port),
        "SECRET_KEY": "test-secret-key",
        "SELFCARE_ENV": "development",
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "send-reminders"]
    racers = [
        subprocess.Popen(
            [*command, "--now", "2026-06-02T08:00"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [racer.communicate(timeout=60) for racer in racers]
    assert all(racer.returncode == 0 for racer in racers), outputs
    sent = sum(int(re.search(r"(\d+) reminders? sent", out).group(1)) for out, _ in outputs)
    assert sent == len(accounts)
    received = sorted(message["To"] for message in mailbox.wait_for(len(accounts)))
    assert received == sorted(account.email for account in accounts)
    assert count_rows(app, ReminderClaim) == len(accounts)
