"""`make bench BENCH_ARGS=--large`: the large PostgreSQL database, 2,000 clients with two years
each, and every page of the standard bench measured on it against the standard database.

DATABASE_URL names the large database (PostgreSQL only). Until it holds a complete large build,
or with --rebuild, it is dropped and created again; a database holding anything else is refused.
The schema comes from the migrations (`flask db upgrade`), the exercise library from the app;
everything else is written with COPY, a batch of clients at a time, one stream per table, in one
transaction, then ANALYZE; then the app works out the clients' pain periods (weeks and months
per region, figures/periods.py), a batch of clients at a time, as it does after any rows written
around its models, and the database is noted as complete. The histories follow the demo
generator's model (selfcare/demo.py): pain eases as routines are kept up, flares, rest days, ROM
every week or two.

The bench therapist shares with 500 of the clients, and the bench client is one of them with two
years, as on the standard database (--baseline, by default the server's selfcare_bench, built by
`make bench` when missing). Both are served at once and measured in interleaved rounds; the table
and the ratio of CPU per request go to docs/benchmarks-large.md.
"""

import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from flask_migrate import upgrade
from psycopg import sql
from sqlalchemy import make_url, text

from bench.data import HEAVY_CLIENT, HEAVY_PROFILE, SHARING_CLIENTS, THERAPIST_EMAIL
from bench.run import (
    TICKS_PER_SECOND,
    WORKERS,
    cpu_ticks,
    in_process,
    logged_in_client,
    measure_load,
    medians,
    pages,
    prepare,
    require_wrk,
    rounded,
    server_env,
    settings,
)
from bench.scale import create_postgres_database, database_server
from selfcare import create_app
from selfcare.clinical import REGIONS
from selfcare.demo import (
    DEMO_PASSWORD,
    DEMO_ROUTINES,
    DemoProfile,
    checkin_row,
    demo_pain,
    measurement_rows,
    simulate_days,
)
from selfcare.extensions import db, init_migrations
from selfcare.figures import periods
from selfcare.models import CLIENT, SHARE_PARTS, THERAPIST, User
from selfcare.passwords import hash_password
from selfcare.routines.exercises import sync_exercise_library
from tests.harness import Gunicorn

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 2000
THERAPISTS = CLIENTS // SHARING_CLIENTS  # each with 500 clients, as the bench therapist has
SECOND_OPINION_EVERY = 5  # every fifth client also shares with one more therapist
REGIONS_EACH = 5
BATCH = 100  # clients per round of COPY statements
TIMEZONE = "Europe/London"
REVIEW_EVERY_DAYS = 30
REVIEW_NOTE = "Review"
GENERATED = "large benchmark database, generated in"
LAST_CLIENT_EMAIL = f"large-{CLIENTS - 1:04d}@example.com"

# The columns written, per table, in the order rows go in (parents before children).
COLUMNS = {
    "users": (
        "id, email, name, password_hash, role, timezone, created_at, email_verified_at, "
        "entries_version"
    ),
    "tracked_regions": "id, user_id, region, position",
    "routines": "id, user_id, name, archived, created_at",
    "routine_items": (
        "id, routine_id, exercise_id, position, sets, reps, hold_seconds, duration_seconds, "
        "per_side"
    ),
    "shares": "id, client_id, therapist_id, since, parts",
    "appointments": "id, client_id, day, note, created_by_id, created_at",
    "checkins": (
        "id, user_id, day, day_kind, stiffness, sleep_quality, stress, medication_taken, note, "
        "created_at, updated_at"
    ),
    "pain_scores": "id, checkin_id, region, score",
    "routine_logs": "id, user_id, routine_id, day, logged_at, effort",
    "routine_log_items": (
        "id, log_id, exercise_id, done, sets, reps, hold_seconds, duration_seconds, per_side"
    ),
    "measurements": "id, user_id, movement, side, value, unit, day, created_at",
}


def _field(value) -> str:
    """A value in COPY's text format (none of ours holds a tab, newline or backslash)."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


class Tables:
    """Rows waiting for the next COPY of each table, and the next id of each."""

    def __init__(self) -> None:
        self.lines: dict[str, list[str]] = {table: [] for table in COLUMNS}
        self.next_id = dict.fromkeys(COLUMNS, 1)
        self.written = dict.fromkeys(COLUMNS, 0)

    def add(self, table: str, *values) -> int:
        row_id = self.next_id[table]
        self.next_id[table] += 1
        self.lines[table].append("\t".join(map(_field, (row_id, *values))) + "\n")
        return row_id

    def copy(self, cursor) -> None:
        for table, lines in self.lines.items():
            if lines:
                with cursor.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as stream:
                    stream.write("".join(lines))
                self.written[table] += len(lines)
                lines.clear()


def psycopg_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def is_built(url: str, years: int) -> bool:
    """Whether the database holds a complete large build (noted on it when complete) with
    `years` of history."""
    try:
        connection = psycopg.connect(psycopg_url(url))
    except psycopg.OperationalError:
        return False  # no such database yet (a server that is down fails again in generate)
    with connection:
        users = connection.execute("SELECT to_regclass('users')").fetchone()[0]
        if users is None:
            return False
        query = "SELECT 1 FROM users WHERE email = %s"
        complete = connection.execute(query, (LAST_CLIENT_EMAIL,)).fetchone() is not None
    return complete and built_years(url) == years


def recreate_database(url: str) -> None:
    """Drop and create the database, unless it holds something other than a large build."""
    with database_server(url) as (connection, name, exists):
        if exists and not _holds_only_large_data(url):
            sys.exit(
                f"{name} holds data that is not the large benchmark's: name an empty or new "
                "database in DATABASE_URL (it is created), or drop this one yourself."
            )
        if exists:
            connection.execute(text(f'DROP DATABASE "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))


def _holds_only_large_data(url: str) -> bool:
    """Whether every account in the database is one this generator makes."""
    with psycopg.connect(psycopg_url(url)) as connection:
        if connection.execute("SELECT to_regclass('users')").fetchone()[0] is None:
            return True  # empty, or only a schema
        query = (
            "SELECT count(*) FROM users WHERE email NOT LIKE 'large-%%' AND email NOT IN (%s, %s)"
        )
        others = connection.execute(query, (HEAVY_CLIENT, THERAPIST_EMAIL)).fetchone()[0]
        return others == 0


def generate(url: str, years: int, log=print) -> dict[str, int]:
    """Build the large database from nothing; returns rows written per table."""
    started = time.monotonic()
    recreate_database(url)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}
    )
    with app.app_context():
        init_migrations(app)
        upgrade()
        sync_exercise_library()
        db.session.commit()
        db.engine.dispose()
        password_hash = hash_password(DEMO_PASSWORD)  # one for all: each takes a while
    log(f"schema and exercise library: {time.monotonic() - started:.1f} s")
    with psycopg.connect(psycopg_url(url)) as connection:
        exercises = _library(connection)
        tables = Tables()
        generator = Generator(tables, exercises, password_hash, days=years * 365)
        with connection.cursor() as cursor:
            generator.add_therapists()
            for first in range(0, CLIENTS, BATCH):
                for number in range(first, first + BATCH):
                    generator.add_client(number)
                tables.copy(cursor)
                log(
                    f"{first + BATCH} clients, {tables.written['pain_scores']:,} pain scores, "
                    f"{time.monotonic() - started:.0f} s"
                )
            for table in COLUMNS:  # the app inserts after us: its sequences start past our ids
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s, false)",
                    (tables.next_id[table],),
                )
        connection.commit()
        log(f"written: {time.monotonic() - started:.0f} s")
        connection.autocommit = True
        connection.execute("ANALYZE")  # before the periods: their queries need the statistics
        log(f"analysed: {time.monotonic() - started:.0f} s")
        periods_started = time.monotonic()
        keep_pain_periods(app, log)
        connection.execute("ANALYZE pain_periods")
        periods_seconds = time.monotonic() - periods_started
        seconds = time.monotonic() - started
        # Kept with the database, for the report of a later run that reuses it; until then the
        # build is not complete (is_built).
        connection.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(connection.info.dbname),
                sql.Literal(
                    f"{GENERATED} {seconds:.0f} s, {years} years each, pain periods in "
                    f"{periods_seconds:.0f} s"
                ),
            )
        )
    log(f"pain periods: {periods_seconds:.0f} s; complete: {seconds:.0f} s")
    return tables.written


def keep_pain_periods(app, log=print) -> None:
    """Every client's pain periods, worked out by the app (figures/periods.py) from the rows
    COPY wrote, BATCH clients to a transaction."""
    with app.app_context():
        clients = db.session.scalars(
            db.select(User.id).filter_by(role=CLIENT).order_by(User.id)
        ).all()
        for first in range(0, len(clients), BATCH):
            periods.rebuild(db.session, clients[first : first + BATCH])
            db.session.commit()
            if (first + BATCH) % 500 == 0:
                log(f"pain periods of {first + BATCH} clients")
        db.engine.dispose()


def _generation_note(url: str) -> list[str]:
    """What generate noted on the database: seconds it took, "s,", years, "years each,", "pain
    periods in", their seconds, "s"."""
    with psycopg.connect(psycopg_url(url)) as connection:
        comment = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        ).fetchone()[0]
    if not comment or not comment.startswith(GENERATED):
        return []
    return comment.removeprefix(GENERATED).split()


def generation_text(url: str) -> str:
    """How long the database took to generate, as noted on it, in a sentence for the report."""
    note = _generation_note(url)
    if not note:
        return ""
    text = f"Generated in {int(note[0]) / 60:.1f} minutes (COPY in one transaction, ANALYZE"
    if len(note) > 8:  # noted since the pain periods are worked out after COPY
        text += f"; {int(note[8]) / 60:.1f} minutes of it working out the pain periods"
    return text + "). "


def built_years(url: str) -> int | None:
    """Years of history per client, as noted on it (2 for a build noted before it said)."""
    note = _generation_note(url)
    if not note:
        return None
    return int(note[2]) if len(note) > 2 else 2


def _library(connection) -> dict[str, tuple]:
    """Library exercises by slug: id and usual dose."""
    rows = connection.execute(
        "SELECT slug, id, sets, reps, hold_seconds, duration_seconds, per_side FROM exercises "
        "WHERE slug IS NOT NULL"
    )
    return {slug: rest for slug, *rest in rows}


class Generator:
    """Rows of therapists and clients, following the demo history model."""

    def __init__(
        self, tables: Tables, exercises: dict[str, tuple], password_hash: str, days: int
    ) -> None:
        self.tables = tables
        self.password_hash = password_hash
        self.exercises = exercises
        self.zone = ZoneInfo(TIMEZONE)
        self.now = datetime.now(UTC)
        self.end = datetime.now(self.zone).date()
        self.start = self.end - timedelta(days=days - 1)
        self.days = [self.start + timedelta(days=offset) for offset in range(days)]
        # Local clock minus UTC on each day (summer time), worked out once rather than per row.
        self.offsets = {
            day: datetime.combine(day, clock(12), self.zone).utcoffset() for day in self.days
        }
        self.joined = self._stamp(self.start - timedelta(days=1), clock(9))
        self.therapist_ids: list[int] = []

    def _stamp(self, day: date, at: clock) -> str:
        """A local time of day as the naive UTC the database stores."""
        offset = self.offsets.get(day) or datetime.combine(day, at, self.zone).utcoffset()
        return f"{datetime.combine(day, at) - offset:%Y-%m-%d %H:%M:%S}"

    def _user(self, email: str, name: str, role: str) -> int:
        return self.tables.add(
            "users",
            email,
            name,
            self.password_hash,
            role,
            TIMEZONE,
            self.joined,
            self.joined,
            1,
        )

    def add_therapists(self) -> None:
        for number in range(THERAPISTS + 1):  # the last one gives second opinions
            email = THERAPIST_EMAIL if number == 0 else f"large-therapist-{number}@example.com"
            self.therapist_ids.append(self._user(email, f"Therapist {number}", THERAPIST))

    def add_client(self, number: int) -> None:
        rng = random.Random(number)
        if number == 0:  # the bench client: the standard bench's regions and habits
            email = HEAVY_CLIENT
            profile = HEAVY_PROFILE
        else:
            email = f"large-{number:04d}@example.com"
            chosen = rng.sample(list(REGIONS), REGIONS_EACH)
            profile = DemoProfile(
                regions={region: rng.uniform(2, 7) for region in chosen},
                adherence=0.3 + (number % 7) / 10,
                improvement=rng.uniform(0.1, 0.6),
                checkin_rate=rng.uniform(0.93, 1.0),
            )
        user_id = self._user(email, f"Client {number:04d}", CLIENT)
        for position, region in enumerate(profile.regions):
            self.tables.add("tracked_regions", user_id, region, position)
        routines = self._routines(user_id)
        therapist = self.therapist_ids[number // SHARING_CLIENTS]
        self._share(user_id, therapist)
        if number % SECOND_OPINION_EVERY == SECOND_OPINION_EVERY - 1:
            self._share(user_id, self.therapist_ids[-1])
        for day in self.days[10::REVIEW_EVERY_DAYS]:
            stamp = self._stamp(day, clock(17))
            self.tables.add("appointments", user_id, day, REVIEW_NOTE, therapist, stamp)
        self._history(user_id, routines, profile, rng)

    def _routines(self, user_id: int) -> list[tuple[int, list[tuple]]]:
        """The demo routines, with the exercises' usual doses: (routine id, doses)."""
        routines = []
        for name, slugs in DEMO_ROUTINES.items():
            routine_id = self.tables.add("routines", user_id, name, False, self.joined)
            doses = [self.exercises[slug] for slug in slugs]
            for position, (exercise_id, *dose) in enumerate(doses):
                self.tables.add("routine_items", routine_id, exercise_id, position, *dose)
            routines.append((routine_id, doses))
        return routines

    def _share(self, client_id: int, therapist_id: int) -> None:
        parts = ",".join(SHARE_PARTS)
        self.tables.add("shares", client_id, therapist_id, self.joined, parts)

    def _history(self, user_id: int, routines, profile: DemoProfile, rng) -> None:
        """Check-ins with their scores, routine logs with their items: generate_demo_entries's model
        (selfcare/demo.py) written as COPY rows."""
        add = self.tables.add
        for simulated in simulate_days(self.days, profile, rng):
            day, flaring = simulated.day, simulated.flaring
            if simulated.checkin_kind:
                row = checkin_row(user_id, day, simulated.checkin_kind, rng, flaring)
                stamp = self._stamp(day, clock(9))
                checkin_id = add(
                    "checkins",
                    *(row[key] for key in COLUMNS["checkins"].split(", ")[1:9]),
                    stamp,
                    stamp,
                )
                for region, base in profile.regions.items():
                    score = demo_pain(
                        base,
                        simulated.momentum,
                        profile.improvement,
                        simulated.skipped_yesterday,
                        flaring,
                        rng,
                    )
                    add("pain_scores", checkin_id, region, score)
            if simulated.did_routines:
                for index, (routine_id, doses) in enumerate(routines):
                    if rng.random() < (0.92 if index == 0 else 0.85):
                        at = clock(8 + 12 * index, rng.randint(0, 59))
                        if datetime.combine(day, at, self.zone) > self.now:
                            continue  # today's evening hasn't come yet
                        effort = rng.randint(2, 6) if rng.random() < 0.5 else None
                        log_id = add(
                            "routine_logs", user_id, routine_id, day, self._stamp(day, at), effort
                        )
                        for exercise_id, *dose in doses:
                            add("routine_log_items", log_id, exercise_id, True, *dose)
        for row in measurement_rows(user_id, self.start, self.end, profile, rng):
            add(
                "measurements",
                *(row[key] for key in ("user_id", "movement", "side", "value", "unit", "day")),
                self._stamp(row["day"], clock(18)),
            )


@dataclass
class Side:
    """One database under test: its app for in-process counts, its pages and its server."""

    name: str
    config: dict
    pages: list = field(default_factory=list)
    clients: dict = field(default_factory=dict)
    static: dict = field(default_factory=dict)
    runs: list = field(default_factory=list)  # per page, the measured runs
    server: Gunicorn | None = None
    base: str = ""


def main(args) -> None:
    require_wrk()
    large = settings()
    url = large["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        sys.exit("--large needs DATABASE_URL naming a PostgreSQL database (created when missing).")
    if args.rebuild or not is_built(url, args.years):
        generate(url, args.years)
    built = generation_text(url)
    counts = row_counts(url)
    print(counts, flush=True)
    baseline_url = args.baseline or url.rsplit("/", 1)[0] + "/selfcare_bench"
    sides = [
        Side("standard", large | {"SQLALCHEMY_DATABASE_URI": baseline_url}),
        Side("large", large),
    ]
    for side in sides:
        if side.name == "standard":
            create_postgres_database(baseline_url)
        app, heavy_id = prepare(side.config)  # builds the standard database when missing
        side.pages = [
            page
            for page in pages(heavy_id, years=args.years if side.name == "large" else 5)
            if page.server == "app" and (not args.only or args.only in page.label)
        ]
        side.clients = {
            email: logged_in_client(app, email) for email in {p.email for p in side.pages}
        }
        side.static = {
            page.label: in_process(app, side.clients[page.email], page) for page in side.pages
        }
        side.runs = [[] for _ in side.pages]
        side.server = Gunicorn(server_env(side.config), workers=WORKERS)
    try:
        for side in sides:
            side.base = side.server.__enter__()
        for round_number in range(args.rounds):
            for index in range(len(sides[0].pages)):
                for side in sides:  # interleaved: both see the same load on the machine
                    page = side.pages[index]
                    database_before = backend_ticks(side.config["SQLALCHEMY_DATABASE_URI"])
                    measured = measure_load(
                        side.server, side.base, page, args.seconds, side.clients[page.email]
                    )
                    database_used = sum(
                        ticks - database_before.get(pid, 0)
                        for pid, ticks in backend_ticks(
                            side.config["SQLALCHEMY_DATABASE_URI"]
                        ).items()
                    )
                    measured["db_cpu_ms"] = (
                        database_used / TICKS_PER_SECOND * 1000 / measured["requests"]
                    )
                    side.runs[index].append(measured)
                    print(round_number + 1, side.name, page.label, rounded(measured), flush=True)
    finally:
        for side in sides:
            if side.base:
                side.server.__exit__(None, None, None)
    report = render(sides, counts, built, baseline_url, args)
    print(report)
    if not args.no_write and not args.only:
        suffix = "" if args.years == 2 else f"-{args.years}-years"
        (ROOT / "docs" / f"benchmarks-large{suffix}.md").write_text(report)


def backend_ticks(url: str) -> dict[int, int]:
    """CPU clock ticks so far of each PostgreSQL backend serving the database (the servers'
    pooled connections), by process id. The app workers' CPU leaves out the queries' own work,
    which grows with the tables; the database server is on this machine."""
    with psycopg.connect(psycopg_url(url)) as connection:
        pids = connection.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    ticks = {}
    for (pid,) in pids:
        try:
            ticks[pid] = cpu_ticks([pid])
        except FileNotFoundError:  # the connection closed since
            continue
    return ticks


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(psycopg_url(url)) as connection:
        return {
            table: connection.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in (*COLUMNS, "pain_periods")
        }


def render(sides: list[Side], counts: dict, built: str, baseline_url: str, args) -> str:
    standard, large = sides
    lines = [
        "# Benchmarks: the large PostgreSQL database",
        "",
        f"Run on {date.today():%Y-%m-%d} with `DATABASE_URL=… make bench "
        f"BENCH_ARGS='--large --years {args.years}'` "
        f"(bench/large.py), {os.cpu_count()} cores shared with other work, gunicorn with "
        f"{WORKERS} sync workers per database; wrk with 4 connections, {args.rounds} rounds of "
        f"{args.seconds:g} s per page and database, interleaved, medians.",
        "",
        f"Large database: {CLIENTS:,} clients with {args.years} years each ({REGIONS_EACH} "
        f"regions, two routines), {THERAPISTS} therapists with {SHARING_CLIENTS} clients each "
        f"and one more sharing with every {SECOND_OPINION_EVERY}th client; the bench client is "
        "one of the first therapist's. "
        + built
        + f"Standard database ({baseline_url.rsplit('/', 1)[1]}, bench/data.py): one client with 5 "
        f"years, {SHARING_CLIENTS} sharing clients with a year each.",
        "",
        "| table | rows |",
        "| --- | ---: |",
        *(f"| {table} | {count:,} |" for table, count in counts.items()),
        "",
        "CPU per request: the app workers' own CPU time and that of the PostgreSQL backends "
        "serving them (the same machine), over the requests served; unlike requests per "
        "second it hardly moves with the load other programs put on the machine. The ratio "
        "is the large database's app + PostgreSQL CPU over the standard one's; the goal is at "
        "most 1.5. Latency (p50) moves with the load and is shown for reference only.",
        "",
        "The two databases differ in more than size: the standard one's sharing clients rate "
        "three regions, the large one's five and check in on more days. /therapist reads each "
        "client's kept figures of the day (selfcare/figures/kept.py); the warm-up views before "
        "each run work out those missing, so the table shows the dashboard as served between "
        "writes. The long /trends ranges read the kept pain periods (pain_periods).",
        "",
        "| page | app CPU ms standard | app CPU ms large | PostgreSQL CPU ms standard "
        "| PostgreSQL CPU ms large | ratio | SQL statements standard / large "
        "| p50 ms standard / large | HTML KB large |",
        "| --- |" + " ---: |" * 8,
    ]
    for index, page in enumerate(large.pages):
        before = medians(standard.runs[index]) | standard.static[standard.pages[index].label]
        after = medians(large.runs[index]) | large.static[page.label]
        ratio = (after["cpu_ms"] + after["db_cpu_ms"]) / (before["cpu_ms"] + before["db_cpu_ms"])
        lines.append(
            f"| {page.label} | {before['cpu_ms']:.1f} | {after['cpu_ms']:.1f} | "
            f"{before['db_cpu_ms']:.1f} | {after['db_cpu_ms']:.1f} | "
            f"{ratio:.2f}{' (over)' if ratio > 1.5 else ''} | "
            f"{before['queries']} / {after['queries']} | "
            f"{before['p50']:.0f} / {after['p50']:.0f} | {after['html_kb']:.1f} |"
        )
    return "\n".join(lines) + "\n"
