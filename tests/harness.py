"""A real server in a subprocess and a small HTTP client with cookies and CSRF tokens.
Shared by the concurrency test and the benchmarks (bench/); loopback only."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """`with Gunicorn(env, workers=4) as base_url:` serves app:app on a free loopback port."""

    def __init__(self, env: dict, workers: int = 4, app: str = "app:app", threads: int = 1):
        self.env = {**os.environ, **env}
        self.workers, self.app, self.threads = workers, app, threads
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> str:
        command = [
            sys.executable, "-m", "gunicorn", self.app,
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--threads", str(self.threads),
            "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    return base
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited while starting") from None
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 30 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


class Browser:
    """Cookies and CSRF tokens, like a browser; every response comes back as (status, body)."""

    def __init__(self, base: str, headers: dict | None = None):
        self.base = base
        self.headers = headers or {}  # sent with every request (a proxy's X-Forwarded-For)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        return self._send(urllib.request.Request(self.base + path, data=body, headers=self.headers))

    def post_json(self, path: str, body: dict, headers: dict) -> tuple[int, str]:
        headers = {**self.headers, "Content-Type": "application/json", **headers}
        data = json.dumps(body).encode()
        return self._send(urllib.request.Request(self.base + path, data=data, headers=headers))

    def _send(self, sent: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(sent, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post_form(self, path: str, data: dict, page: str | None = None) -> int:
        _, html = self.request(page or path)
        token = CSRF.search(html).group(1)
        status, _ = self.request(path, {"csrf_token": token, **data})
        return status

    def log_in(self, email: str, password: str) -> None:
        status = self.post_form("/login", {"email": email, "password": password})
        if status != 302:
            raise RuntimeError(f"login failed with {status}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
