"""Bench-only gunicorn settings (`--config python:bench.served`, given through GUNICORN_CMD_ARGS
by bench/kept.py to the servers that measure the kept figures; the app never loads this file):

- each worker notes the CPU time of every request it serves, with the request's X-Bench-Label
  header, in a file of its own under BENCH_SERVED_DIR: a run can tell a write from the view
  after it, and read the cost of a single request, which /proc's clock ticks (10 ms) cannot;
- a request's X-Bench-Days-Ahead header moves the app's calendar that many days on, for the
  first view of a new local day.
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

LABEL = "X-Bench-Label"
DAYS_AHEAD = "X-Bench-Days-Ahead"
CLOCKS = ("selfcare.dates", "selfcare.access")


def _environ_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def post_worker_init(worker) -> None:
    """Once the app is loaded: its clock made movable, and this worker's file opened."""
    from selfcare.models import utcnow as real

    ahead = timedelta()

    def shifted():
        return real() + ahead

    # The clocks that say what day it is for the figures (a person's today) and for the access
    # log (a view's day); each module imported it by name. Sign-ins keep the real clock: a day
    # on, the bench's session would have ended.
    for name in CLOCKS:
        sys.modules[name].utcnow = shifted
    app = worker.wsgi

    def clocked(environ, start_response):
        nonlocal ahead
        ahead = timedelta(days=int(environ.get(_environ_key(DAYS_AHEAD), 0)))
        return app(environ, start_response)

    worker.wsgi = clocked
    directory = Path(os.environ["BENCH_SERVED_DIR"])
    worker.bench_log = (directory / str(os.getpid())).open("a", buffering=1)


def pre_request(worker, req) -> None:
    worker.bench_started = time.process_time()


def post_request(worker, req, environ, resp) -> None:
    used = (time.process_time() - worker.bench_started) * 1000
    worker.bench_log.write(f"{environ.get(_environ_key(LABEL), '')}\t{used:.3f}\n")


def served(directory: Path) -> dict[str, list[float]]:
    """CPU milliseconds of each request the workers noted in `directory`, by label."""
    by_label: dict[str, list[float]] = {}
    for path in directory.iterdir():
        for line in path.read_text().splitlines():
            label, used = line.rsplit("\t", 1)
            by_label.setdefault(label, []).append(float(used))
    return by_label
