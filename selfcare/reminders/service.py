"""Saving reminder settings, the calendar feed, and sending what is due. No request here: the
sender runs from `flask send-reminders`, its mails built by mails.py."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    CLIENT,
    CheckIn,
    Reminder,
    ReminderChannels,
    ReminderClaim,
    Routine,
    RoutineLog,
    User,
)

DEFAULT_AT = time(20, 0)
EVERY_DAY = "0123456"
# After this many days without a check-in, one gentle note replaces the reminders.
QUIET_DAYS = 7
QUIET = "quiet"
UNSUBSCRIBE_SALT = "reminders-unsubscribe"
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reminder_for(user_id: int, routine_id: int | None) -> Reminder:
    """The saved reminder, or an unsaved one that is off."""
    found = db.session.scalar(db.select(Reminder).filter_by(user_id=user_id, routine_id=routine_id))
    return found or Reminder(
        user_id=user_id, routine_id=routine_id, enabled=False, at=DEFAULT_AT, weekdays=EVERY_DAY
    )


def active_routines(user_id: int) -> list[Routine]:
    return db.session.scalars(
        db.select(Routine).filter_by(user_id=user_id, archived=False).order_by(Routine.id)
    ).all()


def save_reminder(
    user_id: int, routine_id: int | None, enabled: bool, at: time, weekdays: list[int]
) -> None:
    for _attempt in range(2):
        reminder = reminder_for(user_id, routine_id)
        reminder.enabled = enabled
        reminder.at = at.replace(second=0, microsecond=0)
        reminder.weekdays = "".join(str(day) for day in sorted(set(weekdays)))
        db.session.add(reminder)
        try:
            db.session.commit()
            return
        except IntegrityError:
            # Another tab saved this reminder first: the second attempt updates that row.
            db.session.rollback()


def has_reminders(user_id: int) -> bool:
    return db.session.scalar(db.select(Reminder.id).filter_by(user_id=user_id).limit(1)) is not None


def channels_for(user_id: int) -> ReminderChannels:
    """The saved channels, or unsaved defaults: e-mail on (reminders themselves start off)."""
    return db.session.get(ReminderChannels, user_id) or ReminderChannels(
        user_id=user_id, email=True, feed_token_hash=None
    )


def set_email(user_id: int, on: bool) -> None:
    channels = channels_for(user_id)
    channels.email = on
    db.session.add(channels)
    db.session.commit()


def new_feed_token(user_id: int) -> str:
    """A new secret calendar link; any earlier one stops working. Shown once, stored hashed."""
    token = secrets.token_urlsafe(32)
    channels = channels_for(user_id)
    channels.feed_token_hash = _hash(token)
    db.session.add(channels)
    db.session.commit()
    return token


def stop_feed(user_id: int) -> None:
    channels = channels_for(user_id)
    channels.feed_token_hash = None
    db.session.add(channels)
    db.session.commit()


def feed_owner(token: str) -> User | None:
    channels = db.session.scalar(
        db.select(ReminderChannels).filter_by(feed_token_hash=_hash(token))
    )
    return None if channels is None else db.session.get(User, channels.user_id)


def calendar_feed(user: User) -> bytes:
    """One repeating event with an alarm per reminder that is on. Titles stay generic: the feed
    sits on calendar servers and shared calendars, so it names no routine and no health data.
    In the owner's language: a calendar fetches it without them."""
    with force_locale(user.language):
        return _calendar_feed(user)


def _calendar_feed(user: User) -> bytes:
    # Imported here, not at start-up: a calendar app's fetch is the only caller (the import is
    # a noticeable part of a worker's start-up, docs/architecture.md).
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Self-care tracker//reminders//EN")
    calendar.add("version", "2.0")
    # Translators: the name of the calendar of reminders, in a calendar app.
    calendar.add("x-wr-calname", _("Self-care reminders"))
    zone = ZoneInfo(user.timezone)
    reminders = db.session.scalars(
        db.select(Reminder)
        .outerjoin(Routine, Routine.id == Reminder.routine_id)
        .where(
            Reminder.user_id == user.id,
            Reminder.enabled,
            db.or_(Reminder.routine_id.is_(None), Routine.archived.is_(False)),
        )
        .order_by(Reminder.id)
    ).all()
    # Starting on the account's first day keeps DTSTART (and so the feed) the same every fetch.
    first_day = user.created_at.astimezone(zone).date()
    for reminder in reminders:
        # Translators: a reminder's title in a calendar app (it names nothing more).
        title = _("Check in") if reminder.routine_id is None else _("Your routine")
        event = Event()
        event.add("uid", f"reminder-{reminder.id}@selfcare")
        event.add("summary", title)
        event.add("dtstamp", user.created_at)
        event.add("dtstart", datetime.combine(first_day, reminder.at, zone))
        event.add("duration", timedelta(minutes=10))
        event.add(
            "rrule",
            {"freq": "weekly", "byday": [ICAL_DAYS[d] for d in sorted(reminder.weekday_set)]},
        )
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def unsubscribe_token(user_id: int) -> str:
    # Not timed: an unsubscribe link must still work in a mail read months later.
    return URLSafeSerializer(current_app.secret_key, salt=UNSUBSCRIBE_SALT).dumps(user_id)


def unsubscriber(token: str) -> int | None:
    """The user id an unsubscribe link was made for, or None for a damaged link."""
    try:
        user_id = URLSafeSerializer(current_app.secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    return user_id if db.session.get(User, user_id) is not None else None


@dataclass(frozen=True)
class Due:
    """One mail to send: a reminder, or the note after a quiet week (`quiet`)."""

    user_id: int
    email: str
    name: str
    routine_id: int | None
    quiet: bool
    language: str


def _claim(user_id: int, what: str, day: date) -> ReminderClaim | None:
    """Take `what` for `day`; None when another sender has it already."""
    claim = ReminderClaim(user_id=user_id, what=what, day=day)
    db.session.add(claim)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return claim


def _last_checkin(user_id: int, today: date) -> date | None:
    return db.session.scalar(
        db.select(db.func.max(CheckIn.day)).where(CheckIn.user_id == user_id, CheckIn.day <= today)
    )


def _routine_logged(routine_id: int, day: date) -> bool:
    query = db.select(RoutineLog.id).filter_by(routine_id=routine_id, day=day).limit(1)
    return db.session.scalar(query) is not None


def _candidates(now: datetime):
    """Reminders that are on, of clients who get reminder e-mails at a confirmed address, with
    what judging needs."""
    rows = db.session.execute(
        db.select(Reminder, User)
        .join(User, User.id == Reminder.user_id)
        .outerjoin(ReminderChannels, ReminderChannels.user_id == Reminder.user_id)
        .outerjoin(Routine, Routine.id == Reminder.routine_id)
        .where(
            Reminder.enabled,
            User.role == CLIENT,
            # Until the address is confirmed it may be a stranger's (a typo at registering).
            User.email_verified_at.is_not(None),
            db.or_(ReminderChannels.email.is_(None), ReminderChannels.email),
            db.or_(Reminder.routine_id.is_(None), Routine.archived.is_(False)),
        )
        .order_by(Reminder.id)
    ).all()
    # Plain values: a failed claim rolls back the session, which would expire loaded rows.
    return [
        (
            reminder.id,
            reminder.routine_id,
            reminder.at,
            reminder.weekday_set,
            user.id,
            user.email,
            user.name,
            user.timezone,
            user.created_at,
            user.language,
        )
        for reminder, user in rows
    ]


def claim_due(now: datetime) -> list[tuple[Due, ReminderClaim]]:
    """Claim every reminder whose local time has come today and that nobody has claimed for
    today. A late run still finds them (anything earlier today counts), and the local day is
    the client's current one, so DST and a new time zone are simply today's clock."""
    claimed = []
    for (
        reminder_id,
        routine_id,
        at,
        weekdays,
        user_id,
        email,
        name,
        timezone,
        joined,
        language,
    ) in _candidates(now):
        local = now.astimezone(ZoneInfo(timezone))
        today = local.date()
        if today.weekday() not in weekdays or local.time() < at:
            continue
        last = _last_checkin(user_id, today)
        if routine_id is None and last == today:
            continue
        if routine_id is not None and _routine_logged(routine_id, today):
            continue
        since = last or joined.astimezone(ZoneInfo(timezone)).date()
        quiet = (today - since).days > QUIET_DAYS
        # One quiet note per stretch without check-ins: its claim is keyed by the last one.
        what, day = (QUIET, since) if quiet else (f"reminder-{reminder_id}", today)
        claim = _claim(user_id, what, day)
        if claim is not None:
            claimed.append((Due(user_id, email, name, routine_id, quiet, language), claim))
    return claimed


def release(claim: ReminderClaim) -> None:
    """A claim whose mail could not go: the next run tries again."""
    db.session.delete(claim)
    db.session.commit()
