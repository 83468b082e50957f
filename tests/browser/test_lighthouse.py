"""Lighthouse (mobile settings, Debian's Chromium) scores at least 95 for accessibility and best
practices on the pages people use most, logged in where the page needs it. `make lighthouse`
installs it; without it this test skips, saying why. The scores are in docs/lighthouse.md."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from .helpers import CHROMIUM, LIGHTHOUSE_SCORES, logged_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LIGHTHOUSE = (
    Path(__file__).resolve().parents[1] / ".lighthouse" / "node_modules" / ".bin" / "lighthouse"
)
CATEGORIES = ("accessibility", "best-practices")
LOWEST_SCORE = 95


def lighthouse(url: str, cookie: str | None) -> dict:
    """One Lighthouse run on its own headless Chromium; the report as a dict."""
    command = [
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--form-factor=mobile",
        "--disable-full-page-screenshot",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--output=json",
        "--output-path=stdout",
        "--quiet",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        timeout=180,
        env=os.environ | {"CHROME_PATH": CHROMIUM},
    )
    return json.loads(done.stdout)


def session_cookie(browser, base: str, email: str) -> str:
    page = logged_in_page(browser, base, email)
    cookies = page.context.cookies()
    page.context.close()
    return "; ".join(f"{cookie['name']}={cookie['value']}" for cookie in cookies)


def test_lighthouse_scores_at_least_95(browser, live_server, people):
    if not LIGHTHOUSE.exists():
        pytest.skip(f"Lighthouse not installed at {LIGHTHOUSE} (make lighthouse installs it)")
    client = session_cookie(browser, live_server, people["client"])
    therapist = session_cookie(browser, live_server, people["therapist"])
    low = []
    for path, cookie in [
        ("/login", None),
        ("/today", client),
        ("/trends", client),
        ("/therapist", therapist),
    ]:
        report = lighthouse(live_server + path, cookie)
        # A lost session would score the login page in the page's place.
        assert report["finalDisplayedUrl"].endswith(path), report["finalDisplayedUrl"]
        scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
        LIGHTHOUSE_SCORES[path] = scores
        if min(scores.values()) < LOWEST_SCORE:
            failed = [
                f"{audit['id']}: {audit['title']}"
                for audit in report["audits"].values()
                if audit["score"] is not None and audit["score"] < 1
            ]
            low.append((path, scores, failed))
    assert low == [], low
