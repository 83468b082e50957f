"""Demo data: accounts a newcomer can log in with, and a believable history.

The history generator is shared with the benchmarks (bench/), which ask it for years of data.
"""

import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from .auth.service import DEMO_CLIENT_EMAIL, DEMO_THERAPIST_EMAIL, create_user, find_user_by_email
from .clinical import DayKind
from .dates import local_today
from .extensions import db
from .figures.listener import note_entries_change
from .models import (
    CLIENT,
    THERAPIST,
    Appointment,
    CheckIn,
    Exercise,
    Measurement,
    PainScore,
    PsfsActivity,
    PsfsScore,
    PsfsScoring,
    Routine,
    RoutineLog,
    RoutineLogItem,
    Share,
    User,
    utcnow,
)
from .programmes.service import describe_changes, programme_snapshot, record_change
from .reminders.service import save_reminder
from .routines.exercises import sync_exercise_library
from .routines.service import create_routine

DEMO_PASSWORD = "slow stretch warm tea"  # noqa: S105 (published in the README on purpose)
DEMO_ROUTINES = {
    "Morning neck routine": ["chin_tuck", "upper_trap_stretch", "neck_rotation"],
    "Evening back routine": ["foam_roll_thoracic", "cat_cow", "knee_rolls", "piriformis_stretch"],
}


def ensure_user(
    email: str, name: str, role: str, timezone: str = "Europe/London"
) -> tuple[User, bool]:
    """The user with this email, created when missing and with a confirmed address; the flag says
    whether it was new."""
    existing = find_user_by_email(email)
    if existing is not None:
        # Seeded before addresses were confirmed: the demo accounts are meant to be ready to use.
        existing.email_verified_at = existing.email_verified_at or utcnow()
        db.session.commit()
        return existing, False
    user = create_user(
        email=email,
        name=name,
        password=DEMO_PASSWORD,
        role=role,
        timezone=timezone,
        verified=True,
    )
    return user, True


@dataclass
class DemoProfile:
    """How a simulated client's weeks go. Pain falls as they keep up their routines."""

    regions: dict[str, float] = field(
        default_factory=lambda: {"neck": 6.0, "upper_back": 4.0, "lower_back": 5.0}
    )
    adherence: float = 0.8  # chance of doing the routines on a given day
    improvement: float = 0.45  # share of baseline pain gone after sustained adherence
    checkin_rate: float = 0.9  # chance of checking in on a given day
    flare_chance: float = 0.03
    rom_every_days: tuple[int, int] = (7, 14)
    quiet_days: int = 0  # no check-ins or logs in the last N days
    worse_lately: float = 0.0  # extra pain over the last 7 days


@dataclass(frozen=True)
class SimulatedDay:
    day: date
    did_routines: bool
    momentum: float  # running share of recent days with routines: drives improvement
    flaring: bool
    skipped_yesterday: bool
    checkin_kind: DayKind | None  # None: no check-in that day


def simulate_days(days: Iterable[date], profile: DemoProfile, rng) -> Iterator[SimulatedDay]:
    """The day-by-day model of every generated history (the demo's and the large benchmark's):
    routines kept or not, flares, whether and how the client checks in. The caller draws the
    day's pain and routine times from the same `rng` before asking for the next day, so one
    seed always gives the same history."""
    momentum, flare_left, skipped_yesterday = 0.0, 0, False
    for day in days:
        weekend = day.weekday() >= 5
        did_routines = rng.random() < profile.adherence * (0.8 if weekend else 1.0)
        momentum = momentum * 0.95 + (0.05 if did_routines else 0.0)
        if flare_left == 0 and rng.random() < profile.flare_chance:
            flare_left = rng.randint(2, 4)
        flaring = flare_left > 0
        flare_left = max(0, flare_left - 1)
        kind = None
        if rng.random() < profile.checkin_rate:
            if flaring:
                kind = DayKind.FLARE
            else:
                rest = not did_routines and rng.random() < 0.4
                kind = DayKind.REST if rest else DayKind.NORMAL
        yield SimulatedDay(day, did_routines, momentum, flaring, skipped_yesterday, kind)
        skipped_yesterday = not did_routines


def generate_demo_entries(
    user: User, routine_ids: list[int], days: int, profile: DemoProfile, seed: int
) -> dict[str, int]:
    """Write `days` days of check-ins, routine logs and ROM measurements ending today, with bulk
    inserts (years of data take seconds). Returns row counts."""
    rng = random.Random(seed)
    # How exercises felt comes from its own sequence, so the rest of the history stays as it was.
    feel = random.Random(seed + 1)
    zone = ZoneInfo(user.timezone)
    end = local_today(user.timezone)
    start = end - timedelta(days=days - 1)
    routine_items = _routine_items(routine_ids)
    checkins, scores_by_day, logs, log_items = [], {}, [], []
    active_until = end - timedelta(days=profile.quiet_days)
    calendar = [start + timedelta(days=offset) for offset in range(days)]
    for simulated in simulate_days([day for day in calendar if day <= active_until], profile, rng):
        day, flaring = simulated.day, simulated.flaring
        recent_bump = profile.worse_lately if (end - day).days < 7 else 0.0
        if simulated.checkin_kind:
            checkins.append(checkin_row(user.id, day, simulated.checkin_kind, rng, flaring))
            scores_by_day[day] = {
                region: demo_pain(
                    base + recent_bump,
                    simulated.momentum,
                    profile.improvement,
                    simulated.skipped_yesterday,
                    flaring,
                    rng,
                )
                for region, base in profile.regions.items()
            }
        if simulated.did_routines:
            for index, routine_id in enumerate(routine_ids):
                if rng.random() < (0.92 if index == 0 else 0.85):
                    moment = datetime.combine(day, time(8 + 12 * index, rng.randint(0, 59)), zone)
                    if moment > utcnow():  # today's evening hasn't come yet
                        continue
                    logs.append(_log_row(user.id, routine_id, day, moment, rng))
                    log_items.append(_felt(routine_items[routine_id], flaring, feel))
    _insert_checkins(checkins, scores_by_day)
    _insert_logs(logs, log_items)
    measurements = measurement_rows(user.id, start, end, profile, rng)
    if measurements:
        db.session.execute(insert(Measurement), measurements)
    note_entries_change(db.session, [user.id])
    db.session.commit()
    return {"checkins": len(checkins), "routine_logs": len(logs), "measurements": len(measurements)}


def demo_pain(base, momentum, improvement, skipped_yesterday, flaring, rng) -> int:
    value = base * (1 - improvement * min(1.0, momentum * 1.25))
    value += 1.0 if skipped_yesterday else 0.0
    value += 3.0 if flaring else 0.0
    value += rng.gauss(0, 0.8)
    return max(0, min(10, round(value)))


def checkin_row(user_id, day, kind, rng, flaring) -> dict:
    return {
        "user_id": user_id,
        "day": day,
        "day_kind": kind.value,
        "stiffness": max(0, min(10, round(rng.gauss(6 if flaring else 3, 1.5)))),
        "sleep_quality": max(0, min(10, round(rng.gauss(4 if flaring else 7, 1.5)))),
        "stress": max(0, min(10, round(rng.gauss(4, 2)))) if rng.random() < 0.6 else None,
        "medication_taken": True if flaring else (False if rng.random() < 0.5 else None),
        "note": "Rough night, neck locked up." if flaring and rng.random() < 0.3 else None,
    }


def _log_row(user_id, routine_id, day, moment, rng) -> dict:
    return {
        "user_id": user_id,
        "routine_id": routine_id,
        "day": day,
        "logged_at": moment,
        "effort": rng.randint(2, 6) if rng.random() < 0.5 else None,
    }


def _felt(items: list[dict], flaring: bool, rng: random.Random) -> list[dict]:
    """The log's exercises, with pain during each and how it felt in about half the logs (the
    ones done as a guided session); more pain, and "too hard" now and then, while flaring."""
    answered = rng.random() < 0.5
    return [
        item
        | {
            "pain_during": max(0, min(10, round(rng.gauss(4.5 if flaring else 1.5, 1.3))))
            if answered
            else None,
            "difficulty": rng.choices(
                ["too_easy", "about_right", "too_hard"], [1, 6, 4 if flaring else 1]
            )[0]
            if answered
            else None,
        }
        for item in items
    ]


def _routine_items(routine_ids: list[int]) -> dict[int, list[dict]]:
    from .models import RoutineItem

    items: dict[int, list[dict]] = {routine_id: [] for routine_id in routine_ids}
    for item in db.session.scalars(
        db.select(RoutineItem).where(RoutineItem.routine_id.in_(routine_ids))
    ):
        items[item.routine_id].append(
            {"exercise_id": item.exercise_id, "done": True, **item.dose.as_columns()}
        )
    return items


def _insert_checkins(checkins: list[dict], scores_by_day: dict) -> None:
    if not checkins:
        return
    created = db.session.execute(insert(CheckIn).returning(CheckIn.id, CheckIn.day), checkins)
    rows = [
        {"checkin_id": checkin_id, "region": region, "score": score}
        for checkin_id, day in created
        for region, score in scores_by_day[day].items()
    ]
    db.session.execute(insert(PainScore), rows)


def _insert_logs(logs: list[dict], log_items: list[list[dict]]) -> None:
    if not logs:
        return
    created = db.session.execute(
        insert(RoutineLog).returning(RoutineLog.id, sort_by_parameter_order=True), logs
    )
    rows = [
        {"log_id": log_id, **item}
        for (log_id,), items in zip(created, log_items, strict=True)
        for item in items
    ]
    db.session.execute(insert(RoutineLogItem), rows)


def measurement_rows(user_id, start, end, profile, rng) -> list[dict]:
    rows = []
    day = start + timedelta(days=rng.randint(0, 3))
    total_days = max(1, (end - start).days)
    while day <= end:
        progress = (day - start).days / total_days
        for side in ("left", "right"):
            rotation = (
                52 + 20 * math.sqrt(progress) + rng.gauss(0, 3) - (3 if side == "right" else 0)
            )
            rows.append(
                _measurement(user_id, "cervical_rotation", side, round(rotation), "deg", day)
            )
        reach = 20 - 12 * progress + rng.gauss(0, 1.5)
        rows.append(_measurement(user_id, "fingertip_to_floor", None, round(reach, 1), "cm", day))
        day += timedelta(days=rng.randint(*profile.rom_every_days))
    return rows


def _measurement(user_id, movement, side, value, unit, day) -> dict:
    return {
        "user_id": user_id,
        "movement": movement,
        "side": side,
        "value": value,
        "unit": unit,
        "day": day,
    }


def create_demo_routines(user: User) -> list[int]:
    by_slug = {
        e.slug: e for e in db.session.scalars(db.select(Exercise).where(Exercise.slug.is_not(None)))
    }
    return [
        create_routine(user.id, name, [by_slug[s] for s in slugs]).id
        for name, slugs in DEMO_ROUTINES.items()
    ]


def prescribe_demo_programme(routine_id: int, therapist: User, days: int) -> None:
    """The first demo routine as the therapist's programme: five days a week since the history
    began, a cue on its first exercise, and one change the client can read."""
    routine = db.session.get(Routine, routine_id)
    before = programme_snapshot(routine)
    client = db.session.get(User, routine.user_id)
    routine.assigned_by_id = therapist.id
    routine.days_per_week = 5
    routine.starts_on = local_today(client.timezone) - timedelta(days=days - 1)
    routine.items[0].note = "Slowly, and keep looking straight ahead."
    record_change(routine, therapist, describe_changes(before, programme_snapshot(routine)))
    db.session.commit()


DEMO_THERAPIST_NOTE = "Next time: thoracic mobility. Keep the chin tucks going, they help."
DEMO_CLIENT_NAMES = [
    "Ada Brook",
    "Ben Carver",
    "Cleo Dunn",
    "Dev Ellis",
    "Eva Frost",
    "Finn Gale",
    "Gia Hart",
    "Hugo Iver",
    "Ivy Jones",
    "Jay Kent",
    "Kira Lund",
    "Leo Marsh",
    "Maya Nash",
    "Nico Orr",
    "Olga Pike",
    "Paul Quinn",
    "Rosa Reed",
    "Sami Shaw",
    "Tara Troy",
    "Umar Vale",
    "Vera West",
    "Will Yates",
    "Xena Zane",
    "Yuri Abel",
    "Zoe Bell",
    "Arlo Cole",
    "Bea Drew",
    "Cal Ewing",
    "Dina Ford",
    "Eli Grant",
]


def add_demo_appointments(
    client: User, days_ago: list[int], created_by: User | None = None, note: str | None = None
) -> None:
    today = local_today(client.timezone)
    db.session.add_all(
        Appointment(
            client_id=client.id,
            day=today - timedelta(days=ago),
            created_by_id=(created_by or client).id,
            note=note,
        )
        for ago in days_ago
    )
    db.session.commit()


# Four scorings over eight weeks, getting clearly better; the therapist entered the two scored
# at an appointment (34 and 6 days ago).
DEMO_PSFS_ACTIVITIES = [
    "Looking over my shoulder when reversing the car",
    "Sitting through a one-hour meeting",
    "Carrying the shopping up the stairs",
]
DEMO_PSFS_SCORINGS = [(56, [2, 3, 4], False), (34, [3, 5, 4], True), (20, [5, 5, 6], False)]
DEMO_PSFS_SCORINGS += [(6, [7, 6, 8], True)]


def add_demo_psfs(client: User, therapist: User) -> None:
    today = local_today(client.timezone)
    activities = [PsfsActivity(user_id=client.id, name=name) for name in DEMO_PSFS_ACTIVITIES]
    db.session.add_all(activities)
    db.session.flush()
    for ago, scores, with_therapist in DEMO_PSFS_SCORINGS:
        scoring = PsfsScoring(
            user_id=client.id,
            day=today - timedelta(days=ago),
            entered_by_id=therapist.id if with_therapist else None,
        )
        scoring.scores = [
            PsfsScore(activity_id=activity.id, score=score)
            for activity, score in zip(activities, scores, strict=True)
        ]
        db.session.add(scoring)
    db.session.commit()


def _demo_profile(rng: random.Random) -> DemoProfile:
    """Varied clients: some doing well, some slipping, some gone quiet."""
    regions = {"neck": rng.uniform(2, 7), "lower_back": rng.uniform(2, 7)}
    if rng.random() < 0.5:
        regions["upper_back"] = rng.uniform(1, 6)
    return DemoProfile(
        regions=regions,
        adherence=rng.uniform(0.3, 0.95),
        improvement=rng.uniform(0.1, 0.6),
        checkin_rate=rng.uniform(0.6, 0.95),
        quiet_days=rng.choice([0] * 8 + [6, 20]),
        worse_lately=rng.choice([0.0] * 6 + [2.5, 3.0]),
    )


def ensure_share(client: User, therapist: User) -> None:
    query = db.select(Share.id).filter_by(client_id=client.id, therapist_id=therapist.id)
    if db.session.scalar(query) is None:
        db.session.add(Share(client_id=client.id, therapist_id=therapist.id))
        db.session.commit()


def seed_demo(extra_clients: int = len(DEMO_CLIENT_NAMES)) -> list[str]:
    """Create the demo accounts with their histories and sharing; safe to run again."""
    sync_exercise_library()
    done = []
    therapist, created = ensure_user(DEMO_THERAPIST_EMAIL, "Sam Therapist", THERAPIST)
    done.append(("created " if created else "kept ") + therapist.email)
    client, created = ensure_user(DEMO_CLIENT_EMAIL, "Alex Demo", CLIENT)
    if created:
        routines = create_demo_routines(client)
        prescribe_demo_programme(routines[0], therapist, 90)
        counts = generate_demo_entries(client, routines, 90, DemoProfile(), seed=1)
        add_demo_appointments(client, [62, 34])
        add_demo_appointments(client, [6], created_by=therapist, note=DEMO_THERAPIST_NOTE)
        add_demo_psfs(client, therapist)
        # Reminders on, so `make run` shows one arriving in instance/mail/ when one is due.
        save_reminder(client.id, None, True, time(7, 30), list(range(7)))
        save_reminder(client.id, routines[-1], True, time(18, 0), list(range(7)))
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        done.append(f"created {client.email} with {summary}")
    else:
        done.append(f"kept {client.email}")
    ensure_share(client, therapist)
    rng = random.Random(7)
    added = 0
    for number, name in enumerate(DEMO_CLIENT_NAMES[:extra_clients], start=1):
        profile, days = _demo_profile(rng), rng.randint(30, 180)
        other, created = ensure_user(f"demo-client-{number:02d}@example.com", name, CLIENT)
        if created:
            routines = create_demo_routines(other)
            prescribe_demo_programme(routines[0], therapist, days)
            generate_demo_entries(other, routines, days, profile, seed=100 + number)
            added += 1
        ensure_share(other, therapist)
    done.append(f"{added} more demo clients sharing with {therapist.email}")
    return done
