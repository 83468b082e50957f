"""A real server and a real Chromium at phone size; skipped, with the reason, where missing."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from selfcare import create_app
from selfcare.extensions import db
from selfcare.routines.service import sync_exercise_library

from ..helpers import settings_for
from .helpers import PHONE

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

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def pytest_terminal_summary(terminalreporter):
    if AXE_RESULTS:
        terminalreporter.section("axe-core, violations by page (rule, impact, nodes)")
        for page, violations in sorted(AXE_RESULTS.items()):
            terminalreporter.write_line(f"{page}: {violations or 'none'}")


@pytest.fixture
def check_accessibility():
    """Run axe-core on the page as it is now; fail on serious or critical violations."""
    if not AXE_SCRIPT.exists():
        pytest.skip(f"axe-core not installed at {AXE_SCRIPT} (make test installs it with npm)")

    def check(page, label: str):
        page.add_script_tag(path=str(AXE_SCRIPT))
        violations = page.evaluate(
            "axe.run().then(r => r.violations.map(v => [v.id, v.impact, v.nodes.length]))"
        )
        AXE_RESULTS[label] = [tuple(v) for v in violations]
        blocking = [v for v in violations if v[1] in BLOCKING_IMPACTS]
        assert not blocking, f"{label}: {blocking}"

    return check


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    # Mail is written as files, as in development; helpers.mailed_link reads them.
    app = create_app(
        settings_for(f"sqlite:///{folder / 'browser.db'}")
        | {"MAIL_BACKEND": "file", "MAIL_FILE_PATH": str(folder / "mail")}
    )
    with app.app_context():
        db.create_all()
        sync_exercise_library()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
