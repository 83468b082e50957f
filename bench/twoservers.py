"""`make bench BENCH_ARGS=--two-servers`: two gunicorn instances behind nginx with the shipped
configuration (deploy/nginx-selfcare.conf), sharing PostgreSQL (DATABASE_URL) and a Redis of
their own, on this one machine. It checks what the README promises and measures the spread:

- a load run through nginx lands on both servers (CPU of each one's workers);
- a session made on one server works on the other (no sticky sessions);
- failed log-ins count against one shared limit, whichever server they reach.

That `flask send-reminders` run on both servers at once sends each reminder once is
tests/test_reminders.py's race test on PostgreSQL (two senders, one database).
"""

import shutil
import subprocess
import sys
import tempfile
import time
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener, urlopen

from bench.data import HEAVY_CLIENT
from bench.run import (
    TICKS_PER_SECOND,
    WORKERS,
    cpu_ticks,
    logged_in_client,
    prepare,
    run_wrk,
    server_env,
    settings,
    worker_pids,
)
from selfcare.demo import DEMO_PASSWORD
from tests.harness import CSRF, Browser, Gunicorn, free_port

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
FAILED_LOGINS_ALLOWED = 10  # LOGIN_RATE_LIMIT, per client address


def nginx_config(directory: Path, listen: int, upstreams: list[int]) -> Path:
    """The shipped site configuration with this run's ports, inside a minimal main file."""
    site = (ROOT / "deploy" / "nginx-selfcare.conf").read_text()
    site = site.replace("server 127.0.0.1:8001;", f"server 127.0.0.1:{upstreams[0]};")
    site = site.replace("server 127.0.0.1:8002;", f"server 127.0.0.1:{upstreams[1]};")
    site = site.replace("listen 8080;", f"listen 127.0.0.1:{listen};")
    temp = directory / "tmp"
    temp.mkdir()
    config = directory / "nginx.conf"
    config.write_text(
        f"pid {directory}/nginx.pid;\nerror_log {directory}/error.log;\n"
        "worker_processes 1;\nevents { worker_connections 256; }\n"
        f"http {{\naccess_log off;\nclient_body_temp_path {temp};\nproxy_temp_path {temp};\n"
        f"{site}\n}}\n"
    )
    return config


def wait_for(url: str) -> None:
    browser = Browser(url)
    for _ in range(100):
        try:
            if browser.request("/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def main(args) -> None:
    config = settings()
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        sys.exit("Two servers share PostgreSQL: set DATABASE_URL to a PostgreSQL database.")
    for program in ("wrk", "redis-server", NGINX):
        if not shutil.which(program):
            sys.exit(f"{program} is needed for --two-servers (Debian: wrk, redis-server, nginx).")
    app, _ = prepare(config)
    redis_port, nginx_port = free_port(), free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    env = server_env(config) | {
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0",
        "RATELIMIT_ENABLED": "1",
        "SELFCARE_PROXY_COUNT": "1",
    }
    servers = [Gunicorn(env, workers=WORKERS), Gunicorn(env, workers=WORKERS)]
    bases = [server.__enter__() for server in servers]
    directory = Path(tempfile.mkdtemp(prefix="selfcare-nginx-"))
    nginx_conf = nginx_config(directory, nginx_port, [server.port for server in servers])
    nginx = subprocess.Popen(
        [NGINX, "-p", str(directory), "-c", str(nginx_conf), "-g", "daemon off;"]
    )
    front = f"http://127.0.0.1:{nginx_port}"
    try:
        wait_for(front)
        results = checks(app, servers, bases, front, args.seconds)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        for server in servers:
            server.__exit__(None, None, None)
        redis.terminate()
        redis.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)
    report = render(results)
    print(report)
    if not args.no_write:
        (ROOT / "docs" / "benchmarks-two-servers.md").write_text(report)


def checks(app, servers, bases, front: str, seconds: int) -> dict:
    client = logged_in_client(app, HEAVY_CLIENT)
    cookie = f"session={client.get_cookie('session').value}"
    # A session made on the first server, used on the second: Today, not the log-in page.
    first_cookie = _log_in_cookie(bases[0])
    status_on_second, page = _get(bases[1], "/today", first_cookie)
    session_shared = status_on_second == 200 and "checkin-form" in page
    # The load through nginx, and what each server's workers spent on it.
    pids = [worker_pids(server.process.pid) for server in servers]
    before = [cpu_ticks(workers) for workers in pids]
    load = run_wrk(front + "/today", seconds, cookie, None)
    spent = [
        (cpu_ticks(workers) - start) / TICKS_PER_SECOND
        for workers, start in zip(pids, before, strict=True)
    ]
    # Failed log-ins, alternating between the servers (as nginx would send them), all from one
    # client address: the limit is shared, so the one after the allowance is refused.
    statuses = []
    for attempt in range(FAILED_LOGINS_ALLOWED + 1):
        base = bases[attempt % 2]
        browser = Browser(base, headers={"X-Forwarded-For": "203.0.113.7"})
        statuses.append(
            browser.post_form("/login", {"email": HEAVY_CLIENT, "password": "not the password"})
        )
    return {
        "session_shared": session_shared,
        "rps": load["rps"],
        "requests": load["requests"],
        "cpu_seconds": spent,
        "login_statuses": statuses,
    }


def _log_in_cookie(base: str) -> str:
    """Log in through one server as a browser would; the cookies it set, as a header."""
    jar = CookieJar()
    opener = build_opener(HTTPCookieProcessor(jar))
    with opener.open(base + "/login") as response:
        token = CSRF.search(response.read().decode()).group(1)
    form = {"csrf_token": token, "email": HEAVY_CLIENT, "password": DEMO_PASSWORD}
    with opener.open(base + "/login", data=urlencode(form).encode()):
        pass
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def _get(base: str, path: str, cookie: str) -> tuple[int, str]:
    try:
        with urlopen(Request(base + path, headers={"Cookie": cookie}), timeout=30) as response:
            return response.status, response.read().decode()
    except HTTPError as error:
        return error.code, ""


def render(results: dict) -> str:
    first, second = results["cpu_seconds"]
    statuses = results["login_statuses"]
    refused_at = next((n + 1 for n, status in enumerate(statuses) if status == 429), None)
    return "\n".join(
        [
            "# Two app servers behind nginx",
            "",
            "`make bench BENCH_ARGS=--two-servers` with DATABASE_URL on PostgreSQL: two gunicorn "
            f"instances ({WORKERS} sync workers each) behind nginx with "
            "deploy/nginx-selfcare.conf, one Redis for the rate limits, all on this machine.",
            "",
            f"- Load through nginx: {results['requests']} requests of /today, "
            f"{results['rps']:.0f} req/s; CPU spent by each server's workers: "
            f"{first:.2f} s and {second:.2f} s ({first / ((first + second) or 1):.0%} and "
            f"{second / ((first + second) or 1):.0%}).",
            "- A session made by logging in on the first server opens Today on the second: "
            f"{'yes' if results['session_shared'] else 'NO'}.",
            f"- Failed log-ins from one address, alternating between the servers: "
            f"{', '.join(map(str, statuses))}; refused (429) from attempt {refused_at} on "
            f"(the limit is {FAILED_LOGINS_ALLOWED} per address, counted in the shared Redis).",
            "- Reminders: `flask send-reminders` run by both servers at once sends each one once "
            "(tests/test_reminders.py, the PostgreSQL race test: two senders, one database).",
            "",
        ]
    )
