"""A real server and a real Chromium at phone size; skipped, with the reason, where missing."""

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from selfcare import create_app
from selfcare.demo import (
    DemoProfile,
    add_demo_appointments,
    create_demo_routines,
    ensure_share,
    ensure_user,
    generate_demo_entries,
)
from selfcare.extensions import db
from selfcare.models import CLIENT, THERAPIST
from selfcare.routines.exercises import sync_exercise_library, visible_exercises
from selfcare.routines.service import create_routine

from ..helpers import settings_for
from .helpers import (
    AXE_RESULTS,
    AXE_SCRIPT,
    BLOCKING_IMPACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    LONG_NAME,
    PHONE,
)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


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
        # One browser address registers everyone of the session: the per-address limits are
        # tested elsewhere, and would refuse the later journeys here.
        | {
            "REGISTER_RATE_LIMIT": "1000 per hour",
            "MAIL_RATE_LIMIT_PER_CLIENT": "1000 per hour",
        }
    )
    with app.app_context():
        db.create_all()
        sync_exercise_library()
    return app


@pytest.fixture(scope="session")
def people(live_app):
    """A client with three months of history, an 80-letter routine name and account name,
    shared with a therapist (the demo password for both)."""
    with live_app.app_context():
        therapist, _ = ensure_user("layout-therapist@example.com", "Robin Layout", THERAPIST)
        client, _ = ensure_user("layout-client@example.com", LONG_NAME, CLIENT)
        generate_demo_entries(client, create_demo_routines(client), 90, DemoProfile(), seed=3)
        create_routine(client.id, LONG_NAME, visible_exercises(client.id)[:2])
        add_demo_appointments(client, [40, 12], created_by=therapist, note=LONG_NAME)
        ensure_share(client, therapist)
        db.session.commit()
        return {"client": client.email, "therapist": therapist.email, "client_id": client.id}


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
