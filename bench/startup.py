"""Start-up: from a new process to its first answer, as a gunicorn worker starts (`import app`,
then a request: the log-in page, which compiles the templates it uses).

Each run is a new Python process. CPU is the process's own, read when it has answered
(time.process_time: the interpreter's start, every import, create_app and the request); the
interpreter's teardown afterwards is left out, as a worker never does it before serving. Wall
time is what the parent sees, from starting the process to reading its report. Medians of
--runs; then where the imports' time goes, by top-level package (`python -X importtime`, one
run; wall time, so only a rough share on a busy machine)."""

import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
FIRST_PAGE = "/login"

PROBE = f"""
import json, os, sys, time
import app  # what a gunicorn worker does first
made = time.process_time()
response = app.app.test_client().get({FIRST_PAGE!r})
answered = time.process_time()
assert response.status_code == 200, response.status_code
print(json.dumps({{"made": made, "answered": answered}}), flush=True)
os._exit(0)
"""


def _environment(database_url: str) -> dict:
    return os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": "0",
    }


def run_once(database_url: str) -> dict:
    """One new process: CPU seconds when the app was made and when it answered, and the wall
    seconds until its report was read."""
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=_environment(database_url),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    wall = time.perf_counter() - started
    return json.loads(output.splitlines()[-1]) | {"wall": wall}


def import_shares(database_url: str) -> list[tuple[str, float]]:
    """Milliseconds of import (wall, one run) by top-level package, largest first."""
    stderr = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", PROBE],
        cwd=ROOT,
        env=_environment(database_url),
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    by_package: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _cumulative, name = line.removeprefix("import time:").split("|")
        by_package[name.strip().split(".")[0]] += int(own) / 1000
    return sorted(by_package.items(), key=lambda item: -item[1])


def measure(database_url: str, runs: int = RUNS) -> dict:
    results = [run_once(database_url) for _ in range(runs)]
    return {
        key: statistics.median(result[key] for result in results) * 1000
        for key in ("made", "answered", "wall")
    } | {"runs": runs}


def render(figures: dict) -> str:
    return "\n".join(
        [
            "",
            "## Start-up",
            "",
            f"A new process to its first answer, as a gunicorn worker starts (`import app`, then "
            f"{FIRST_PAGE}), bench/startup.py; medians of {figures['runs']} processes. CPU is the "
            "process's own up to the answer; wall time includes waiting for the cores.",
            "",
            "| app made (CPU ms) | first answer (CPU ms) | first answer (wall ms) |",
            "| ---: | ---: | ---: |",
            f"| {figures['made']:.0f} | {figures['answered']:.0f} | {figures['wall']:.0f} |",
            "",
        ]
    )


def main(args) -> None:
    from bench.run import settings

    database_url = settings()["SQLALCHEMY_DATABASE_URI"]
    figures = measure(database_url, args.runs)
    print(render(figures))
    print("Imports by package (ms, wall, one run):")
    for package, milliseconds in import_shares(database_url)[:12]:
        print(f"  {package:24} {milliseconds:6.1f}")
