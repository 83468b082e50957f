"""Take the README's screenshots from a running app with the demo data (`make run` first).

.venv/bin/python scripts/screenshots.py [http://127.0.0.1:5000]
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from selfcare.demo import DEMO_PASSWORD
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.helpers import PHONE

DOCS = Path(__file__).resolve().parent.parent / "docs"
DESKTOP = {"width": 1280, "height": 900}
# (who logs in, page, viewport, colour scheme, file, whole page?)
SHOTS = [
    ("client@example.com", "/today", PHONE, "light", "today-phone.png", False),
    ("client@example.com", "/today", PHONE, "dark", "today-phone-dark.png", False),
    ("client@example.com", "/trends", PHONE, "light", "trends-phone.png", True),
    ("client@example.com", "/trends", PHONE, "dark", "trends-phone-dark.png", True),
    ("client@example.com", "/reminders", PHONE, "light", "reminders-phone.png", True),
    ("client@example.com", "/psfs", PHONE, "light", "psfs-phone.png", True),
    ("client@example.com", "/trends", DESKTOP, "light", "trends-desktop.png", True),
    ("therapist@example.com", "/therapist", DESKTOP, "light", "therapist-dashboard.png", False),
    ("therapist@example.com", "/therapist", PHONE, "light", "therapist-dashboard-phone.png", False),
    (
        "therapist@example.com",
        "/therapist",
        PHONE,
        "dark",
        "therapist-dashboard-phone-dark.png",
        False,
    ),
]
REPORT = ("client@example.com", "/report")


def main(base: str) -> None:
    DOCS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for email, path, viewport, scheme, filename, full_page in SHOTS:
            context = browser.new_context(viewport=viewport, color_scheme=scheme)
            page = context.new_page()
            log_in(page, base, email)
            page.goto(base + path)
            if full_page:
                # A viewport as tall as the page keeps the fixed bottom bar at the bottom, where a
                # phone shows it, instead of wherever the first screen ended.
                height = page.evaluate("document.documentElement.scrollHeight")
                page.set_viewport_size({"width": viewport["width"], "height": height})
            page.screenshot(path=str(DOCS / filename))
            print("wrote", DOCS / filename)
            context.close()
        programme_shots(browser, base)
        print_report(browser, base)
        browser.close()
        home_screen_shots(playwright, base)


def programme_shots(browser, base: str) -> None:
    """The guided session at its first exercise, and the therapist's view of each exercise."""
    page = browser.new_page(viewport=PHONE)
    log_in(page, base, "client@example.com")
    page.goto(f"{base}/today")
    page.locator("#routines a.button", has_text="Start").first.click()
    page.locator(".player-start").first.wait_for()
    page.screenshot(path=str(DOCS / "player-phone.png"))
    print("wrote", DOCS / "player-phone.png")
    page.close()
    page = browser.new_page(viewport=PHONE)
    log_in(page, base, "therapist@example.com")
    page.goto(f"{base}/therapist?q=Alex")
    page.get_by_role("link", name="Alex Demo").first.click()
    page.locator("#routines").screenshot(path=str(DOCS / "therapist-exercises-phone.png"))
    print("wrote", DOCS / "therapist-exercises-phone.png")
    page.close()


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def home_screen_shots(playwright, base: str) -> None:
    """Today as an installable app, and Today without signal with an entry waiting. Installing
    needs a browser profile of its own (never incognito)."""
    with tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=PHONE
        )
        page = context.pages[0]
        log_in(page, base, "client@example.com")
        page.goto(f"{base}/today")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        errors = context.new_cdp_session(page).send("Page.getInstallabilityErrors")
        print("installability errors:", errors["installabilityErrors"] or "none")
        page.goto(f"{base}/today")
        offer = page.locator("#install-app")
        if offer.is_visible():  # the browser offered to install: show the button on Today
            offer.scroll_into_view_if_needed()
        print("Add to home screen offered:", offer.is_visible())
        page.screenshot(path=str(DOCS / "install-phone.png"))
        print("wrote", DOCS / "install-phone.png")
        context.set_offline(True)
        page.goto(f"{base}/today")
        page.get_by_role("group", name="Neck").get_by_label("4", exact=True).click()
        page.get_by_role("button", name="Save check-in").click()
        page.get_by_text("1 entry waiting to send.").wait_for()
        page.screenshot(path=str(DOCS / "offline-phone.png"))
        print("wrote", DOCS / "offline-phone.png")
        context.set_offline(False)
        context.close()


def print_report(browser, base: str) -> None:
    """The report as the browser prints it, then page 1 as a PNG (pdftoppm from poppler-utils)."""
    page = browser.new_page()
    log_in(page, base, REPORT[0])
    page.goto(base + REPORT[1])
    pdf = DOCS / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "90", "-singlefile", str(pdf), str(DOCS / "report")], check=True
    )
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    print(
        "wrote",
        DOCS / "report.png",
        "from",
        pdf,
        [line for line in pages.splitlines() if line.startswith("Pages")],
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000")
