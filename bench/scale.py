"""`make bench BENCH_ARGS=--scale`: how the heavy pages grow with the data. One client with 1, 5
and 10 years of history (/trends all, /today) and one therapist with 100, 500 and 2,000 sharing
clients (/therapist), each in its own database built once and reused.

CPU per request is measured in the process with time.process_time around the test client's
requests: no server, no network, and other programs on the machine hardly move it. /trends is
measured twice: as served (the client's kept figures and pain periods read) and right after
the client's own write (a check-in saved before each request, outside the timing), which finds
the kept figures stale and works them out again.

The tables and the curves, drawn by the product's own chart code (selfcare/svgchart.py), go to
docs/benchmarks-growth.md and docs/benchmarks-*.svg.
"""

import itertools
import os
import statistics
import time
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from bench.data import (
    HEAVY_CLIENT,
    HEAVY_PROFILE,
    THERAPIST_EMAIL,
    add_sharing_clients,
    is_built,
)
from selfcare import create_app, svgchart
from selfcare.demo import create_demo_routines, ensure_user, generate_demo_entries
from selfcare.extensions import db, init_migrations
from selfcare.figures.listener import note_entries_change
from selfcare.models import CLIENT, THERAPIST, User
from selfcare.routines.exercises import sync_exercise_library

ROOT = Path(__file__).resolve().parent.parent
YEARS = (1, 5, 10)
CLIENTS = (100, 500, 2000)
CLIENT_HISTORY_DAYS = 28  # the dashboard looks at the last two weeks and the week before
REQUESTS = 20
# A large share of the docs' chart style, inlined: the SVG files are read outside the app.
SVG_STYLE = (
    "<style>.chart-label{font:10px sans-serif;fill:#555}.value-label{text-anchor:end;"
    "dominant-baseline:central}.time-label{text-anchor:middle}.chart-grid{stroke:#e1e5ea}"
    ".chart-rom-line{fill:none;stroke-width:1.5}.chart-rom-mark{fill:none;stroke-width:6}"
    ".chart-left{stroke:#0072b2;stroke-linecap:round}.chart-right{stroke:#d55e00;"
    "stroke-linecap:square}.chart-rom-line.chart-right{stroke-dasharray:5 3}</style>"
)


def database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL")
    if base:  # PostgreSQL: one database per size, next to the one named
        return base.rsplit("/", 1)[0] + f"/selfcare_scale_{name}"
    return f"sqlite:///{ROOT / 'instance' / f'scale-{name}.db'}"


def open_app(name: str):
    url = database_url(name)
    if url.startswith("postgresql"):
        create_postgres_database(url)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}
    )
    with app.app_context():
        init_migrations(app)
        upgrade()
    return app


@contextmanager
def database_server(url: str):
    """`with database_server(url) as (connection, name, exists):` an autocommit connection to
    the PostgreSQL server of `url`, the database's name, and whether it exists yet."""
    server, name = url.rsplit("/", 1)
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            query = text("SELECT 1 FROM pg_database WHERE datname = :n")
            yield connection, name, connection.scalar(query, {"n": name}) is not None
    finally:
        engine.dispose()


def create_postgres_database(url: str) -> None:
    with database_server(url) as (connection, name, exists):
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))


def build_history(years: int) -> None:
    if db.session.scalar(db.select(User.id).filter_by(email=HEAVY_CLIENT)):
        return
    sync_exercise_library()
    client, _ = ensure_user(HEAVY_CLIENT, f"{years} years", CLIENT)
    routines = create_demo_routines(client)
    generate_demo_entries(client, routines, years * 365, HEAVY_PROFILE, seed=years)


def build_clients(count: int) -> None:
    if is_built():
        return
    sync_exercise_library()
    therapist, _ = ensure_user(THERAPIST_EMAIL, "Bench Therapist", THERAPIST)
    add_sharing_clients(therapist, count, CLIENT_HISTORY_DAYS)


def vacuum(app) -> None:
    """The bench's PostgreSQL may run without autovacuum (this machine's does): the dead rows
    that earlier runs' writes left would slow the reads that a production server's autovacuum
    keeps fast, so they are cleared before measuring."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("VACUUM ANALYZE"))


def cpu_per_request(client, path: str, before=None) -> float:
    """Median CPU milliseconds of REQUESTS requests, after three to warm up; `before()` runs
    ahead of each, outside the timing."""
    for _ in range(3):
        client.get(path)
    timings = []
    for _ in range(REQUESTS):
        if before:
            before()
        started = time.process_time()
        response = client.get(path)
        timings.append((time.process_time() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings)


def saving_checkins(client):
    """A function that saves the client's check-in with new scores at each call, as /today's
    form does."""
    from bench.run import checkin_scores, post_body

    body = post_body(client, "/today")
    scores = itertools.cycle(range(11))

    def save() -> None:
        response = client.post("/today", data=checkin_scores(body, next(scores)))
        assert response.status_code == 302, "the check-in didn't save"

    return save


def every_client_wrote(app) -> None:
    """Every client's entries version raised, as a write of each would: the dashboard's kept
    figures are all stale and the next view works them all out again."""
    with app.app_context():
        note_entries_change(db.session, db.session.scalars(db.select(User.id)))
        db.session.commit()


def main(args) -> None:
    from bench.run import logged_in_client

    history_rows, client_rows = {}, {}
    # --only therapist: the client curve alone, printed (the docs keep the last full run).
    for years in () if args.only else YEARS:
        app = open_app(f"history-{years}y")
        with app.app_context():
            build_history(years)
        vacuum(app)
        client = logged_in_client(app, HEAVY_CLIENT)
        history_rows[years] = {
            "/trends all, as served": cpu_per_request(client, "/trends?range=all"),
            "/trends all, after the client's write": cpu_per_request(
                client, "/trends?range=all", before=saving_checkins(client)
            ),
            "/today": cpu_per_request(client, "/today"),
        }
        print(years, "years", history_rows[years], flush=True)
    for count in CLIENTS:
        app = open_app(f"clients-{count}")
        with app.app_context():
            build_clients(count)
        vacuum(app)
        client = logged_in_client(app, THERAPIST_EMAIL)
        client_rows[count] = {
            "/therapist": cpu_per_request(client, "/therapist"),
            "/therapist, after every client wrote": cpu_per_request(
                client, "/therapist", before=partial(every_client_wrote, app)
            ),
        }
        print(count, "clients", client_rows[count], flush=True)
    if args.only:
        return
    database = database_url("x").split(":")[0].split("+")[0]
    report = render(history_rows, client_rows, database)
    print(report)
    if not args.no_write:
        suffix = "" if database == "sqlite" else f"-{database}"
        (ROOT / "docs" / f"benchmarks-growth{suffix}.md").write_text(report)


def _chart(name: str, title: str, rows: dict, columns: list[str], database: str) -> str:
    series = {column: {size: row[column] for size, row in rows.items()} for column in columns}
    description = "; ".join(
        f"{column}: " + ", ".join(f"{value:.1f} ms at {size:g}" for size, value in points.items())
        for column, points in series.items()
    )
    chart = svgchart.growth_chart(
        chart_id=name, title=title, description=description, series=series, value_range=(0, 10)
    )
    path = ROOT / "docs" / f"benchmarks-{name}-{database}.svg"
    path.write_text(str(chart).replace("<title", SVG_STYLE + "<title", 1))
    return path.name


def render(history_rows: dict, client_rows: dict, database: str) -> str:
    history_columns = list(next(iter(history_rows.values())))
    history_chart = _chart(
        "history",
        "CPU ms per request by years of history",
        history_rows,
        history_columns[:2],
        database,
    )
    client_columns = list(next(iter(client_rows.values())))
    clients_chart = _chart(
        "clients", "CPU ms per request by sharing clients", client_rows, client_columns, database
    )
    lines = [
        f"# Growth curves ({database})",
        "",
        f"Run on {date.today():%Y-%m-%d} with `make bench BENCH_ARGS=--scale`: CPU milliseconds "
        f"per request in the process (median of {REQUESTS}), each size in its own database.",
        "",
        "| years of history | " + " | ".join(history_columns) + " |",
        "| ---: |" + " ---: |" * len(history_columns),
        *(
            f"| {years} | " + " | ".join(f"{row[c]:.1f}" for c in history_columns) + " |"
            for years, row in history_rows.items()
        ),
        "",
        "![CPU per request by years of history: as served (dots), after the client's write "
        f"(squares)]({history_chart})",
        "",
        "| sharing clients | " + " | ".join(client_columns) + " |",
        "| ---: |" + " ---: |" * len(client_columns),
        *(
            f"| {count} | " + " | ".join(f"{row[c]:.1f}" for c in client_columns) + " |"
            for count, row in client_rows.items()
        ),
        "",
        f"![CPU per request of /therapist by sharing clients]({clients_chart})",
    ]
    return "\n".join(lines) + "\n"
