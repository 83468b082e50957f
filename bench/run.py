"""`make bench`: every page with years of data and hundreds of clients, under a real load
generator, side by side with a bare Flask page (the ceiling) and a naive Flask-SQLAlchemy page.

For each page, in interleaved rounds (medians reported):
- wrk (C, one thread, 4 connections) against gunicorn on loopback: requests per second, as a
  share of the ceiling and of the naive page, and latency p50/p99;
- CPU per request: the gunicorn workers' own CPU time (/proc/<pid>/stat) over the run divided by
  the requests served; unlike req/s it hardly moves when other programs share the cores;
- in the process, through Flask's test client: SQL statements and the page's bytes.

Then the kept figures' rows (bench/kept.py): the views that used to work a client's figures out
again in each worker, against the same views as served.

SQLite by default (instance/bench.db, built once and reused); DATABASE_URL picks PostgreSQL.
`--scale` runs the growth curves instead (bench/scale.py), `--large` the large PostgreSQL
database against the standard one (bench/large.py), `--startup` only the start-up
(bench/startup.py: a new process to its first answer), which the full run measures last.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from flask_migrate import upgrade

from bench.data import HEAVY_CLIENT, SHARING_CLIENTS, THERAPIST_EMAIL, build, is_built
from selfcare import create_app
from selfcare.checkins.forms import REGION_FIELD_PREFIX
from selfcare.demo import DEMO_PASSWORD
from selfcare.extensions import db, init_migrations
from selfcare.models import User
from tests.harness import CSRF, Gunicorn
from tests.helpers import QueryCounter, form_values

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2  # one per core on this 2-core machine, as the README's sizing rule says (measured)
CONNECTIONS = 4
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
ASSET = re.compile(r'(?:href|src)="(/assets/[^"]+)"')
BROWSER_ENCODINGS = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # as Chromium asks


def settings() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'instance' / 'bench.db'}"
    return {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}


def server_env(config: dict) -> dict:
    return {
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": config["SECRET_KEY"],
        "RATELIMIT_ENABLED": "0",
    }


@dataclass(frozen=True)
class Page:
    label: str
    email: str | None  # who is logged in; None for the ceiling and the naive page
    path: str
    server: str = "app"  # which of the gunicorn instances serves it
    post: bool = False  # a check-in sent with new scores each time


def pages(heavy_id: int, years: int = 5) -> list[Page]:
    return [
        Page("ceiling (bare Flask)", None, "/", server="ceiling"),
        Page("naive 90-day page", None, "/naive", server="naive"),
        Page("signed-in floor (app, trivial page)", HEAVY_CLIENT, "/floor", server="floor"),
        Page("/today", HEAVY_CLIENT, "/today"),
        Page("POST check-in", HEAVY_CLIENT, "/today", post=True),
        Page("/checkins", HEAVY_CLIENT, "/checkins"),
        Page("/trends (2 weeks)", HEAVY_CLIENT, "/trends?range=2w"),
        Page("/trends (3 months)", HEAVY_CLIENT, "/trends?range=3m"),
        Page(f"/trends (all, {years} years)", HEAVY_CLIENT, "/trends?range=all"),
        Page("/report", HEAVY_CLIENT, "/report"),
        Page(f"/therapist ({SHARING_CLIENTS} clients)", THERAPIST_EMAIL, "/therapist"),
        Page("/therapist/clients/<id>", THERAPIST_EMAIL, f"/therapist/clients/{heavy_id}"),
    ]


def logged_in_client(app, email: str):
    """A test client signed in as `email`. Its session cookie, signed with the shared
    SECRET_KEY and backed by a sign-in row, is valid on every server of the same database."""
    client = app.test_client()
    token = CSRF.search(client.get("/login").text).group(1)
    response = client.post(
        "/login", data={"csrf_token": token, "email": email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302, f"log-in as {email} failed"
    return client


def in_process(app, client, page: Page) -> dict:
    """Statements and bytes of one request, as the server sees it."""
    with app.app_context():
        engine = db.engine
    body = post_body(client, page.path) if page.post else {}  # read before counting

    def request(score: int):
        if not page.post:
            return client.get(page.path)
        return client.post(page.path, data=checkin_scores(body, score))

    request(3)  # warm: the first request of a page fills caches
    with QueryCounter(engine) as counter:
        response = request(7)  # a save that changes every score
    assert response.status_code in (200, 302), (page.path, response.status_code)
    body = client.get(page.path).data if page.post else response.data
    assets = sum(
        len(client.get(url, headers=BROWSER_ENCODINGS).data)
        for url in set(ASSET.findall(body.decode()))
    )
    return {
        "queries": counter.count,
        "html_kb": len(response.data) / 1024,
        "total_kb": (len(body) + assets) / 1024,
    }


def post_body(client, path: str) -> dict:
    """What /today's form sends, without the page's snapshot: every score is written, as a
    save from an old page or the API would be."""
    values = form_values(client.get(path).text, "checkin-form")
    values.pop("loaded", None)
    return values


def checkin_scores(body: dict, score: int) -> dict:
    """The check-in form `body` with every region's score set to `score`."""
    return body | {name: str(score) for name in body if name.startswith(REGION_FIELD_PREFIX)}


def lua_checkin(body: dict) -> str:
    """Lua: `checkin()`, the check-in form `body` with a new score for every region each time."""
    fixed = {
        name: value for name, value in body.items() if not name.startswith(REGION_FIELD_PREFIX)
    }
    regions = [name for name in body if name.startswith(REGION_FIELD_PREFIX)]
    return f"""
local fixed = "{urlencode(fixed, doseq=True)}"
local regions = {{{", ".join(f'"{name}"' for name in regions)}}}
local function checkin()
  local body = fixed
  for _, name in ipairs(regions) do
    body = body .. "&" .. name .. "=" .. math.random(0, 10)
  end
  return body
end
"""


def lua_script(body: dict) -> str:
    """A wrk script that posts the check-in form with a new score for every region each time."""
    return (
        lua_checkin(body)
        + """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  return wrk.format(nil, nil, nil, checkin())
end
"""
    )


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_ticks(pids: list[int]) -> int:
    """User plus system CPU time of these processes, in clock ticks."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


WRK_REQUESTS = re.compile(r"(\d+) requests in")
WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(
    url: str,
    seconds: float,
    cookie: str | None,
    script: str | None,
    connections: int = CONNECTIONS,
) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if script:
            lua.write(script)
            lua.flush()
            command += ["-s", lua.name]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx" in output or "99%" not in output:
        raise RuntimeError(f"{url} answered with errors under load:\n{output}")
    latency = {
        share: float(value) * UNITS[unit] for share, value, unit in WRK_LATENCY.findall(output)
    }
    if set(latency) != {"50", "99"}:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    return {
        "requests": int(WRK_REQUESTS.search(output).group(1)),
        "rps": float(WRK_RATE.search(output).group(1)),
        "p50": latency["50"],
        "p99": latency["99"],
    }


def fetch(url: str, headers: dict) -> None:
    """One GET of `url`, which must answer itself (not a redirect to the log-in page)."""
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        assert response.url == url, f"{url} went to {response.url}"


def warm_up(url: str, cookie: str | None, post: bool) -> None:
    """Each worker compiles templates and fills caches on its first requests of a page; those
    are not what a running server spends."""
    if post:
        return  # the GETs of the same page that come before it in each round warm it
    for _ in range(16):  # enough for every worker of any size the bench runs
        fetch(url, {"Cookie": cookie} if cookie else {})


def measure_load(server: Gunicorn, base: str, page: Page, seconds: float, client) -> dict:
    cookie = None
    if client is not None:
        cookie = f"session={client.get_cookie('session').value}"
    script = lua_script(post_body(client, page.path)) if page.post else None
    warm_up(base + page.path, cookie, page.post)
    workers = worker_pids(server.process.pid)
    before = cpu_ticks(workers)
    result = run_wrk(base + page.path, seconds, cookie, script)
    used = cpu_ticks(workers) - before
    result["cpu_ms"] = used / TICKS_PER_SECOND * 1000 / result["requests"]
    return result


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk (make bench installs it on Debian).")


def prepare(config: dict) -> tuple:
    app = create_app(config)
    with app.app_context():
        init_migrations(app)
        upgrade()
        if not is_built():
            build(log=lambda line: print(line, flush=True))
        heavy_id = db.session.scalar(db.select(User.id).filter_by(email=HEAVY_CLIENT))
    return app, heavy_id


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds; medians")
    parser.add_argument("--only", help="measure only pages whose label contains this")
    parser.add_argument("--scale", action="store_true", help="growth curves (bench/scale.py)")
    parser.add_argument(
        "--two-servers",
        action="store_true",
        help="two gunicorns behind nginx (bench/twoservers.py)",
    )
    parser.add_argument(
        "--large",
        action="store_true",
        help="2,000 clients with two years each, in the PostgreSQL database DATABASE_URL names, "
        "against the standard one (bench/large.py)",
    )
    parser.add_argument(
        "--workers", type=int, default=WORKERS, help="gunicorn workers per server (sizing)"
    )
    parser.add_argument("--rebuild", action="store_true", help="--large: generate it again")
    parser.add_argument(
        "--years", type=int, default=2, help="--large: years of history per client (default 2)"
    )
    parser.add_argument(
        "--baseline", help="--large: the standard database's URL (default: selfcare_bench)"
    )
    parser.add_argument(
        "--startup",
        action="store_true",
        help="only the start-up: a new process to its first answer (bench/startup.py)",
    )
    parser.add_argument(
        "--runs", type=int, default=7, help="start-up: new processes measured; medians"
    )
    parser.add_argument("--no-write", action="store_true", help="print, don't write docs/")
    args = parser.parse_args(argv)
    if args.scale:
        from bench.scale import main as scale_main

        scale_main(args)
        return
    if args.large:
        from bench.large import main as large_main

        large_main(args)
        return
    if args.two_servers:
        from bench.twoservers import main as two_servers_main

        two_servers_main(args)
        return
    if args.startup:
        from bench.startup import main as startup_main

        startup_main(args)
        return
    require_wrk()
    config = settings()
    app, heavy_id = prepare(config)
    env = server_env(config)
    chosen = [
        page
        for page in pages(heavy_id)
        if page.server != "app" or not args.only or args.only in page.label
    ]
    clients = {email: logged_in_client(app, email) for email in {p.email for p in chosen} if email}
    static = {
        page.label: in_process(app, clients[page.email], page)
        for page in chosen
        if page.server == "app"
    }
    servers = {
        "ceiling": Gunicorn({}, workers=args.workers, app="bench.ceiling:app"),
        "naive": Gunicorn(env, workers=args.workers, app="bench.naive:app"),
        "floor": Gunicorn(env, workers=args.workers, app="bench.floor:app"),
        "app": Gunicorn(env, workers=args.workers),
    }
    bases = {name: server.__enter__() for name, server in servers.items()}
    runs: dict[str, list[dict]] = {page.label: [] for page in chosen}
    try:
        for round_number in range(args.rounds):
            for page in chosen:
                server = servers[page.server]
                measured = measure_load(
                    server, bases[page.server], page, args.seconds, clients.get(page.email)
                )
                runs[page.label].append(measured)
                print(round_number + 1, page.label, rounded(measured), flush=True)
    finally:
        for server in servers.values():
            server.__exit__(None, None, None)
    rows = [(page.label, medians(runs[page.label]) | static.get(page.label, {})) for page in chosen]
    from bench.kept import measure as measure_kept
    from bench.kept import render as render_kept

    kept = measure_kept(app, config, args)
    database = config["SQLALCHEMY_DATABASE_URI"].split(":")[0].split("+")[0]
    report = render(rows, database, args) + (render_kept(kept, database, args) if kept else "")
    if not args.only:
        from bench.startup import measure as measure_startup
        from bench.startup import render as render_startup

        report += render_startup(measure_startup(config["SQLALCHEMY_DATABASE_URI"], args.runs))
    print(report)
    if not args.no_write and not args.only and args.workers == WORKERS:
        suffix = "" if database == "sqlite" else f"-{database}"
        (ROOT / "docs" / f"benchmarks{suffix}.md").write_text(report)


def rounded(measured: dict) -> dict:
    return {key: round(value, 2) for key, value in measured.items()}


def medians(measured: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in measured) for key in measured[0]}


COLUMNS = (
    ("req/s", "rps", "{:.0f}"),
    ("share of ceiling", "share", "{:.1%}"),
    ("× naive page", "vs_naive", "{:.2f}"),
    ("CPU ms per request", "cpu_ms", "{:.1f}"),
    ("p50 ms", "p50", "{:.1f}"),
    ("p99 ms", "p99", "{:.1f}"),
    ("SQL statements", "queries", "{}"),
    ("HTML KB", "html_kb", "{:.1f}"),
    ("first visit KB", "total_kb", "{:.1f}"),
)


def render(rows, database: str, args) -> str:
    by_label = dict(rows)
    ceiling = by_label["ceiling (bare Flask)"]["rps"]
    naive = by_label["naive 90-day page"]["rps"]
    lines = [
        f"# Benchmarks ({database})",
        "",
        f"Run on {date.today():%Y-%m-%d}, {os.cpu_count()} cores, {database}, gunicorn with "
        f"{args.workers} sync workers; wrk with {CONNECTIONS} connections, {args.rounds} "
        f"interleaved rounds of {args.seconds:g} s per page, medians. Data: one client with 5 "
        f"years of daily check-ins over 5 regions, one therapist with {SHARING_CLIENTS} sharing "
        "clients with a year each (bench/data.py). Reproduce with `make bench`.",
        "",
        "Requests per second depend on what else runs on the machine; CPU per request (the "
        "workers' own CPU time divided by the requests they served), SQL statements and bytes "
        "do not, and are the figures to compare between runs. SQL statements and bytes are "
        "counted in the process for one request; a POST's first-visit KB is the page it "
        "redirects to.",
        "",
        "The signed-in floor (bench/floor.py) is this app serving a page that only greets the "
        "signed-in person: what every signed-in page pays before its own work (session cookie, "
        "sign-in row and user, security headers). No signed-in page can be cheaper.",
        "",
        "Growth with years of history and with clients: [benchmarks-growth.md]"
        "(benchmarks-growth.md) (`--scale`). Two servers behind nginx: "
        "[benchmarks-two-servers.md](benchmarks-two-servers.md) (`--two-servers`). 2,000 clients "
        "with two years each on PostgreSQL: [benchmarks-large.md](benchmarks-large.md) "
        "(`--large`), and with five: [benchmarks-large-5-years.md](benchmarks-large-5-years.md) "
        "(`--large --years 5`). The dashboard's design before the kept figures (one kept "
        "summary per client, sorted and paged in SQL): [benchmarks-dashboard.md]"
        "(benchmarks-dashboard.md).",
        "",
        "| page | " + " | ".join(title for title, _, _ in COLUMNS) + " |",
        "| --- |" + " ---: |" * len(COLUMNS),
    ]
    for label, measured in rows:
        measured = measured | {
            "share": measured["rps"] / ceiling,
            "vs_naive": measured["rps"] / naive,
        }
        cells = [form.format(measured[key]) if key in measured else "–" for _, key, form in COLUMNS]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
