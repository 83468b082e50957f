"""What the browser tests share."""

import email
import email.policy
import os
import re
import time
from datetime import timedelta
from pathlib import Path

from selfcare.dates import local_today
from selfcare.demo import DEMO_PASSWORD
from selfcare.extensions import db
from selfcare.models import CheckIn, PainScore, User

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

AXE_SCRIPT = (
    Path(__file__).resolve().parents[1] / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
)
BLOCKING_IMPACTS = ("serious", "critical")
# Filled as the journeys run; printed at the end of the session for the record.
AXE_RESULTS: dict[str, list[tuple[str, str, int]]] = {}
# Filled by test_lighthouse: scores per page, for docs/lighthouse.md.
LIGHTHOUSE_SCORES: dict[str, dict[str, int]] = {}

PHONE = {"width": 390, "height": 844}
# An unbroken 80-letter name, as a routine and as a person: it must wrap, never widen a page.
LONG_NAME = ("Pneumonoultramicroscopicsilicovolcanoconiosis" + "Stretchingandfoamrolling" * 2)[:80]


def register(page, base: str, app, name: str, address: str, role_label: str) -> None:
    """Create an account and confirm it from the mail, which lands on the person's home page."""
    page.goto(f"{base}/register")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(address)
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_label(role_label).check()
    zone = page.locator('select[name="timezone"]')
    if (
        not zone.input_value()
    ):  # without JavaScript nothing is preselected: choose, as a person would
        zone.select_option("Europe/London")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/register/check-your-email")
    page.goto(mailed_link(app, address, "/confirm-email"))
    page.get_by_role("button", name="Confirm my address").click()


def mailed_link(app, address: str, path: str, timeout: float = 5) -> str:
    """The link to `path` in the newest mail to `address`, from the live app's mail files."""
    deadline = time.monotonic() + timeout
    while True:
        files = sorted(Path(app.config["MAIL_FILE_PATH"]).glob("*.log"), key=_modified)
        for file in reversed(files):
            message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
            body = message.get_body(("plain",)) if message["To"] == address else None
            # A file still being written has no link yet.
            found = body and re.search(rf"https?://\S+{re.escape(path)}\S*", body.get_content())
            if found:
                return found.group(0)
        assert time.monotonic() < deadline, f"no mail to {address} in {files}"
        time.sleep(0.05)


def _modified(file: Path) -> int:
    return file.stat().st_mtime_ns


def add_earlier_checkins(app, email: str, neck: int, days: int) -> None:
    """Neck scores on the `days` days before today, as if checked in then."""
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email))
        today = local_today(user.timezone)
        db.session.add_all(
            CheckIn(
                user_id=user.id,
                day=today - timedelta(days=back),
                scores=[PainScore(region="neck", score=neck)],
            )
            for back in range(1, days + 1)
        )
        db.session.commit()


def logged_in_page(browser, base: str, email: str, **context_options):
    """A phone-sized page of a new browser context, logged in with the demo password."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, **context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page
