"""Made for a phone in a hand: at 320, 360 and 390 px wide, in the light and the dark scheme,
every tap target is at least 44 × 44 CSS px, no page scrolls sideways (an 80-letter unbroken
routine and account name included), chart text reads at 12 px or more, and axe-core finds
nothing at all (not only the serious findings the journeys stop at)."""

from datetime import timedelta

import pytest

from selfcare.dates import local_today
from selfcare.demo import ensure_share, ensure_user
from selfcare.extensions import db
from selfcare.models import CLIENT, THERAPIST, CheckIn, PainScore

from .helpers import AXE_SCRIPT, LONG_NAME, logged_in_page

pytestmark = pytest.mark.browser

WIDTHS = (320, 360, 390)
SCHEMES = ("light", "dark")
TAP = 44
# Pages a client and a therapist reach from the navigation and the pages they lead to.
CLIENT_PAGES = [
    "/today",
    "/routines",
    "/routines/logs",
    "/exercises",
    "/trends",
    "/trends?range=1y",
    "/appointments",
    "/measurements",
    "/measurements/new",
    "/checkins",
    "/checkins/regions",
    "/sharing",
    "/account",
    "/reminders",
    "/report",
]

# What a thumb taps: buttons, form controls, summaries, the label around a radio or checkbox
# (its tappable area), and links, except an inline link inside a sentence, which WCAG 2.5.8
# exempts ("inline": the target is in a sentence, its size set by the line height). The skip
# link is drawn only while it has the keyboard focus, so it is measured then.
TAP_TARGETS = """() => {
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  const inSentence = (link) => {
    if (getComputedStyle(link).display !== "inline") return false;
    const block = link.parentElement.closest("p, li, td, dd, figcaption, legend");
    return block !== null && block.textContent.trim().length > link.textContent.trim().length;
  };
  const targets = new Set();
  for (const el of document.querySelectorAll(
      "a[href], button, summary, select, textarea, input:not([type=hidden])")) {
    if (el.matches("input[type=radio], input[type=checkbox]")) {
      const label = el.closest("label") || document.querySelector(`label[for="${el.id}"]`);
      targets.add(label || el);
    } else if (el.matches("a") && (inSentence(el) || el.classList.contains("skip-link"))) {
      continue;
    } else {
      targets.add(el);
    }
  }
  const small = [];
  for (const el of targets) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not shown (e.g. hidden until online)
    if (box.width < 44 - 0.5 || box.height < 44 - 0.5) {
      small.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name).trim().slice(0, 40)}"`
        + ` ${box.width.toFixed(1)}x${box.height.toFixed(1)}`);
    }
  }
  return [targets.size, small];
}"""

# The size each chart label is drawn at: its font size in chart units times the chart's scale.
# Navigation labels broken inside a word: more lines than the label has words.
NAV_LABELS_SPLIT = """() => [...document.querySelectorAll('.bottom-nav a')].filter(link => {
  const range = document.createRange();
  range.selectNodeContents(link);
  const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
  return lines > link.textContent.trim().split(/\\s+/).length;
}).map(link => link.textContent.trim())"""
CHART_TEXT_SIZES = """() => [...document.querySelectorAll("svg.chart text")]
  .filter((text) => text.getBoundingClientRect().width > 0)
  .map((text) => {
    const svg = text.ownerSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return parseFloat(getComputedStyle(text).fontSize) * scale;
  })"""


# axe is injected as a script, which the Content-Security-Policy rightly blocks: these pages'
# contexts let it in.
@pytest.fixture(scope="module")
def client_page(browser, live_server, people):
    page = logged_in_page(browser, live_server, people["client"], bypass_csp=True)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def therapist_page(browser, live_server, people):
    page = logged_in_page(browser, live_server, people["therapist"], bypass_csp=True)
    yield page
    page.context.close()


def show(page, base, path, width, scheme):
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(color_scheme=scheme)
    page.goto(base + path)


def sideways_overflow(page) -> int:
    # Against the width set, not window.innerWidth: a phone zooms out to show a page that is
    # too wide, and innerWidth grows with it.
    return page.evaluate("document.documentElement.scrollWidth") - page.viewport_size["width"]


def axe_violations(page) -> list:
    if not AXE_SCRIPT.exists():
        pytest.skip(f"axe-core not installed at {AXE_SCRIPT} (make test installs it with npm)")
    page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate(
        "axe.run().then(r => r.violations.map(v => [v.id, v.impact, v.nodes.length,"
        " v.nodes.slice(0, 3).map(n => n.target.join(' '))]))"
    )


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_client_pages_fit_a_phone(client_page, live_server, width, scheme):
    page = client_page
    for path in CLIENT_PAGES:
        show(page, live_server, path, width, scheme)
        assert sideways_overflow(page) == 0, f"{path} scrolls sideways at {width} px ({scheme})"

    # /today: 33 pain buttons and more; /sharing: the form's choices, buttons and links.
    for path, at_least in (("/today", 40), ("/sharing", 10)):
        show(page, live_server, path, width, scheme)
        count, small = page.evaluate(TAP_TARGETS)
        assert count >= at_least, path
        assert small == [], f"{path} at {width} px: {small}"
        assert axe_violations(page) == [], f"{path} at {width} px ({scheme})"

    show(page, live_server, "/trends", width, scheme)
    sizes = page.evaluate(CHART_TEXT_SIZES)
    assert len(sizes) > 30  # three pain charts, the calendar, two range-of-motion charts
    assert min(sizes) >= 12, f"chart text at {width} px: {min(sizes):.1f} px"
    assert axe_violations(page) == [], f"/trends at {width} px ({scheme})"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_therapist_pages_fit_a_phone(therapist_page, live_server, people, width, scheme):
    page = therapist_page
    client_path = f"/therapist/clients/{people['client_id']}"
    for path in ("/therapist", "/therapist/link", client_path, f"{client_path}/report"):
        show(page, live_server, path, width, scheme)
        assert sideways_overflow(page) == 0, f"{path} scrolls sideways at {width} px ({scheme})"
        assert axe_violations(page) == [], f"{path} at {width} px ({scheme})"
    sizes = page.evaluate(CHART_TEXT_SIZES)
    assert sizes and min(sizes) >= 12, f"report chart text at {width} px: {min(sizes):.1f} px"
    assert page.evaluate(NAV_LABELS_SPLIT) == [], f"navigation at {width} px"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_pages_before_logging_in_fit_a_small_phone(browser, live_server, scheme):
    context = browser.new_context(is_mobile=True, has_touch=True, bypass_csp=True)
    page = context.new_page()
    for path in ("/login", "/register", "/forgot-password"):
        show(page, live_server, path, 320, scheme)
        assert sideways_overflow(page) == 0, path
        count, small = page.evaluate(TAP_TARGETS)
        assert count >= 4 and small == [], f"{path}: {small}"
        assert axe_violations(page) == [], f"{path} ({scheme})"
    context.close()


def test_first_region_fits_the_first_screen_of_a_small_phone(client_page, live_server):
    page = client_page
    page.set_viewport_size({"width": 320, "height": 640})
    page.emulate_media(color_scheme="light")
    page.goto(f"{live_server}/today")
    first_region = page.locator("fieldset.scale").first.bounding_box()
    navigation_top = page.locator(".bottom-nav").bounding_box()["y"]
    assert first_region["y"] >= 0
    assert first_region["y"] + first_region["height"] <= navigation_top
    # The scale is explained once, above the regions, not under each of them.
    assert page.get_by_text("0 = no pain").count() == 1


def test_first_client_fits_the_first_screen_of_a_small_phone(browser, live_server, live_app):
    """At 320 × 568 the dashboard shows its first client above the navigation: here one that
    needs a look (quiet for ten days), with the flag filter above and an 80-letter name."""
    with live_app.app_context():
        therapist, _ = ensure_user("small-phone@example.com", "Robin Small", THERAPIST)
        client, _ = ensure_user("small-phone-client@example.com", LONG_NAME, CLIENT)
        day = local_today(client.timezone) - timedelta(days=10)
        db.session.add(
            CheckIn(user_id=client.id, day=day, scores=[PainScore(region="neck", score=3)])
        )
        ensure_share(client, therapist)
    page = logged_in_page(browser, live_server, "small-phone@example.com")
    page.set_viewport_size({"width": 320, "height": 568})
    page.goto(f"{live_server}/therapist")
    assert page.locator(".flag-filter").is_visible()
    first_client = page.locator("table.dashboard tbody tr").first.bounding_box()
    navigation_top = page.locator(".bottom-nav").bounding_box()["y"]
    assert first_client["y"] + first_client["height"] <= navigation_top, first_client
    assert sideways_overflow(page) == 0
    page.context.close()


def test_header_stays_on_one_line_at_320_px(client_page, live_server):
    page = client_page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server}/today")
    for name in ("Self-care", "Log out"):
        box = page.locator(".top-bar").get_by_text(name, exact=True).bounding_box()
        # One line is about 26 px high in a 44 px target; two would be over 50.
        assert box["height"] <= TAP, f"{name} wraps: {box}"
    assert page.locator(".top-bar").bounding_box()["height"] <= 61


def test_navigation_shows_the_section_of_a_sub_page(client_page, live_server):
    page = client_page
    for path, tab in [
        ("/today", "Today"),
        ("/checkins/regions", "Today"),
        ("/measurements/new", "Today"),
        ("/routines/logs", "Routines"),
        ("/appointments", "Trends"),
    ]:
        page.goto(live_server + path)
        current = page.locator(".bottom-nav a[aria-current]")
        assert current.all_inner_texts() == [tab], path
        # "page" only on the tab's own page; "true" (the current section) under it.
        expected = "page" if path == "/today" else "true"
        assert current.get_attribute("aria-current") == expected, path
