"""`make bench`: every page with years of data and hundreds of clients, measured two ways.

1. In the process, through Flask's test client: server time per request (p50, p95), SQL queries
   per request, and bytes a first visit downloads (the page plus its CSS, JS and icon).
2. Over HTTP, against gunicorn on 127.0.0.1, from this (second) process with a bounded number of
   requests: latency as a client sees it and requests per second, also as a share of a bare
   Flask app served the same way (the ceiling for this machine).

SQLite by default (instance/bench.db, built once and reused); DATABASE_URL picks PostgreSQL.
The table is printed and written to docs/benchmarks.md (docs/benchmarks-postgresql.md).
"""

import gc
import os
import re
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from flask_migrate import upgrade

from bench.data import HEAVY_CLIENT, SHARING_CLIENTS, THERAPIST_EMAIL, build, is_built
from selfcare import create_app
from selfcare.demo import DEMO_PASSWORD
from selfcare.extensions import db
from selfcare.models import User
from tests.harness import Browser, Gunicorn
from tests.helpers import QueryCounter

ROOT = Path(__file__).resolve().parent.parent
SERVER_SAMPLES = 40
HTTP_REQUESTS = 200
HTTP_THREADS = 4
WORKERS = 2 * (os.cpu_count() or 1)
BROWSER_ENCODINGS = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # as Chromium asks
ASSET = re.compile(r'(?:href|src)="(/assets/[^"]+)"')


def settings() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'instance' / 'bench.db'}"
    return {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}


def pages(heavy_id: int) -> list[tuple[str, str, str]]:
    return [
        ("/today", HEAVY_CLIENT, "/today"),
        ("/trends (3 months)", HEAVY_CLIENT, "/trends?range=3m"),
        ("/trends (all, 5 years)", HEAVY_CLIENT, "/trends?range=all"),
        ("/checkins", HEAVY_CLIENT, "/checkins"),
        ("/report", HEAVY_CLIENT, "/report"),
        (f"/therapist ({SHARING_CLIENTS} clients)", THERAPIST_EMAIL, "/therapist"),
        ("/therapist/clients/<id>", THERAPIST_EMAIL, f"/therapist/clients/{heavy_id}"),
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def in_process(app, email: str, path: str) -> dict:
    client = app.test_client()
    page = client.get("/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"csrf_token": token, "email": email, "password": DEMO_PASSWORD})
    for _ in range(3):
        client.get(path)
    timings = []
    for _ in range(SERVER_SAMPLES):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with app.app_context():
        engine = db.engine
    with QueryCounter(engine) as counter:
        body = client.get(path).data
    assets = sum(
        len(client.get(url, headers=BROWSER_ENCODINGS).data)
        for url in set(ASSET.findall(body.decode()))
    )
    return {
        "server_p50": statistics.median(timings),
        "server_p95": percentile(timings, 0.95),
        "queries": counter.count,
        "html_kb": len(body) / 1024,
        "total_kb": (len(body) + assets) / 1024,
    }


def load(base: str, path: str, email: str | None) -> dict:
    """HTTP_REQUESTS requests from HTTP_THREADS threads, each with its own logged-in session."""
    browsers = [Browser(base) for _ in range(HTTP_THREADS)]
    if email:
        for browser in browsers:
            browser.log_in(email, DEMO_PASSWORD)

    def run(browser: Browser) -> list[float]:
        latencies = []
        for _ in range(HTTP_REQUESTS // HTTP_THREADS):
            started = time.perf_counter()
            status, _ = browser.request(path)
            latencies.append((time.perf_counter() - started) * 1000)
            assert status == 200, (path, status)
        return latencies

    started = time.perf_counter()
    with ThreadPoolExecutor(HTTP_THREADS) as pool:
        latencies = [value for values in pool.map(run, browsers) for value in values]
    elapsed = time.perf_counter() - started
    return {
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "rps": len(latencies) / elapsed,
    }


def main() -> None:
    config = settings()
    app = create_app(config)
    gc.freeze()  # as app.py does in every served worker
    with app.app_context():
        upgrade()
        if not is_built():
            started = time.perf_counter()
            build(log=lambda line: print(line, flush=True))
            print(f"data built in {time.perf_counter() - started:.0f} s", flush=True)
        heavy_id = db.session.scalar(db.select(User.id).filter_by(email=HEAVY_CLIENT))
    env = {
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": "0",
    }
    with Gunicorn({}, workers=WORKERS, app="bench.ceiling:app") as base:
        ceiling = load(base, "/", None)
    rows = []
    with Gunicorn(env, workers=WORKERS) as base:
        for label, email, path in pages(heavy_id):
            measured = in_process(app, email, path) | load(base, path, email)
            measured["share"] = measured["rps"] / ceiling["rps"]
            rows.append((label, measured))
            print(label, {key: round(value, 1) for key, value in measured.items()}, flush=True)
    database = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0].split("+")[0]
    report = render(rows, ceiling, database)
    print(report)
    suffix = "" if database == "sqlite" else f"-{database}"
    (ROOT / "docs" / f"benchmarks{suffix}.md").write_text(report)


COLUMNS = (
    ("server p50 ms", "server_p50", "{:.1f}"),
    ("server p95 ms", "server_p95", "{:.1f}"),
    ("HTTP p50 ms", "p50", "{:.1f}"),
    ("HTTP p95 ms", "p95", "{:.1f}"),
    ("req/s", "rps", "{:.0f}"),
    ("share of ceiling", "share", "{:.0%}"),
    ("SQL queries", "queries", "{}"),
    ("HTML KB", "html_kb", "{:.1f}"),
    ("first visit KB", "total_kb", "{:.1f}"),
)


def render(rows, ceiling, database: str) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Run on {date.today():%Y-%m-%d}, {os.cpu_count()} cores, {database}, gunicorn with "
        f"{WORKERS} sync workers, {HTTP_REQUESTS} requests per page from {HTTP_THREADS} threads "
        "in a second process. Data: one client with 5 years of daily check-ins over 5 regions, "
        f"one therapist with {SHARING_CLIENTS} sharing clients with a year each. "
        "Reproduce with `make bench`.",
        "",
        "Server time is measured in the process (no network); HTTP latency and requests per second "
        "over loopback. Ceiling: a bare Flask app returning a fixed page under the same gunicorn "
        f"settings, {ceiling['rps']:.0f} requests/s (p50 {ceiling['p50']:.1f} ms).",
        "",
        "| page | " + " | ".join(title for title, _, _ in COLUMNS) + " |",
        "| --- |" + " ---: |" * len(COLUMNS),
    ]
    for label, measured in rows:
        cells = [form.format(measured[key]) for _, key, form in COLUMNS]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
