"""Take the README's screenshots from a running app with the demo data (`make run` first).

.venv/bin/python scripts/screenshots.py [http://127.0.0.1:5000]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE

DOCS = Path(__file__).resolve().parent.parent / "docs"
DESKTOP = {"width": 1280, "height": 900}
# (who logs in, page, viewport, file, whole page?)
SHOTS = [
    ("client@example.com", "/today", PHONE, "today-phone.png", False),
    ("client@example.com", "/trends", PHONE, "trends-phone.png", True),
    ("client@example.com", "/trends", DESKTOP, "trends-desktop.png", True),
]


def main(base: str) -> None:
    DOCS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for email, path, viewport, filename, full_page in SHOTS:
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            page.goto(f"{base}/login")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill("selfcare-demo")
            page.get_by_role("button", name="Log in").click()
            page.goto(base + path)
            page.screenshot(path=str(DOCS / filename), full_page=full_page)
            print("wrote", DOCS / filename)
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000")
