"""Benchmark data: years of history for one client (and for two more, with one and ten years),
and 500 clients for one therapist.
Histories come from the demo generator (selfcare.demo); only account creation is done in bulk
here, with one shared password hash, because hashing 500 passwords would take minutes."""

from sqlalchemy import insert, text

from selfcare.demo import (
    DEMO_PASSWORD,
    DemoProfile,
    add_demo_appointments,
    create_demo_routines,
    ensure_share,
    ensure_user,
    generate_demo_entries,
)
from selfcare.extensions import db
from selfcare.models import CLIENT, THERAPIST, User
from selfcare.routines.exercises import sync_exercise_library

HEAVY_CLIENT = "bench-client@example.com"
# Clients with this many years of history, for the pages that grow with it (bench/run.py's kept
# figures); the five-year one is the heavy client every page of the bench is measured with.
HISTORY_CLIENTS = {
    1: ("bench-1-year@example.com", "One Year"),
    5: (HEAVY_CLIENT, "Five Years"),
    10: ("bench-10-years@example.com", "Ten Years"),
}
THERAPIST_EMAIL = "bench-therapist@example.com"
SHARING_CLIENTS = 500
FIVE_REGIONS = {
    "neck": 6.0,
    "upper_back": 4.0,
    "lower_back": 5.0,
    "shoulder_left": 3.0,
    "hip_right": 3.5,
}
HEAVY_PROFILE = DemoProfile(regions=FIVE_REGIONS, adherence=0.55, rom_every_days=(10, 14))


def is_built() -> bool:
    return db.session.scalar(db.select(User.id).filter_by(email=THERAPIST_EMAIL)) is not None


def add_sharing_clients(therapist: User, count: int, days: int, log=print) -> None:
    """`count` clients with `days` of history each, all sharing with the therapist. Accounts are
    inserted in bulk with one shared password hash (hashing each would take minutes)."""
    template = User(email="template@example.com", name="t", role=CLIENT)
    template.set_password(DEMO_PASSWORD)
    ids = (
        db.session.execute(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": f"bench-{n:04d}@example.com",
                    "name": f"Client {n:04d}",
                    "password_hash": template.password_hash,
                    "role": CLIENT,
                    "timezone": "Europe/London",
                }
                for n in range(count)
            ],
        )
        .scalars()
        .all()
    )
    db.session.commit()
    for number, user_id in enumerate(ids):
        client = db.session.get(User, user_id)
        generate_demo_entries(
            client,
            create_demo_routines(client),
            days,
            DemoProfile(adherence=0.3 + (number % 7) / 10),
            seed=number,
        )
        ensure_share(client, therapist)
        if number % 100 == 99:
            log(f"{number + 1} sharing clients written")


def add_history_client(therapist: User, years: int, log=print) -> User:
    """The client of HISTORY_CLIENTS with `years` of history, and a review with the therapist
    every 30 days; generated when missing."""
    email, name = HISTORY_CLIENTS[years]
    client, new = ensure_user(email, name, CLIENT)
    if new:
        routines = create_demo_routines(client)
        counts = generate_demo_entries(client, routines, years * 365, HEAVY_PROFILE, seed=years)
        days_ago = list(range(10, years * 365, 30))
        add_demo_appointments(client, days_ago, created_by=therapist, note="Review")
        log(f"client with {years} years: {counts}")
    return client


def add_history_clients(log=print) -> None:
    """The clients of every length of HISTORY_CLIENTS, in a database built before there were
    more than one."""
    therapist = db.session.scalar(db.select(User).filter_by(email=THERAPIST_EMAIL))
    for years in HISTORY_CLIENTS:
        add_history_client(therapist, years, log)


def build(log=print) -> None:
    sync_exercise_library()
    therapist, _ = ensure_user(THERAPIST_EMAIL, "Bench Therapist", THERAPIST)
    ensure_share(add_history_client(therapist, 5, log), therapist)
    add_sharing_clients(therapist, SHARING_CLIENTS, 365, log)
    if db.engine.dialect.name == "postgresql":
        # A live server's autovacuum would have gathered statistics long before anyone looked;
        # without them the planner guesses table sizes from before the bulk load.
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
