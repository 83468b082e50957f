"""A crawler visits the site as an anonymous visitor, a client and a therapist: every link it
finds, every GET form with typical, empty and hostile values, and every page with page numbers
no history has; then it sends every POST form it found, and every JSON endpoint, bodies no
JSON endpoint takes. No answer may be a server error, and the hostile bodies write nothing."""

import re
from html import unescape
from urllib.parse import urlencode, urlsplit

import pytest

from selfcare.account.service import create_token
from selfcare.clinical import MOVEMENTS
from selfcare.models import TOKEN_WRITE

from .helpers import (
    HOSTILE_BODIES,
    JSON,
    csrf_token_from,
    json_endpoints,
    log_in,
    site_world,
    total_rows,
    walk_site,
)

pytestmark = pytest.mark.slow

MAX_PAGES_PER_VISITOR = 220
MAX_VARIANTS_PER_PATH = 6  # query-string variants of one path (ranges, regions, pages)
HOSTILE_VALUES = ["", " ", "99999999999999999999", "-1", "٣", "2026-02-30", "<b>x</b>", "%00"]
HUGE_PAGES = ["99999999999999999999", "0", "x"]
GET_FORM = re.compile(r'<form[^>]*method="get"[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
INPUT_NAME = re.compile(r'<(?:input|select)[^>]*name="([^"]+)"')
FORM_TAG = re.compile(r"<form([^>]*)>")
ACTION = re.compile(r'action="([^"]+)"')


def form_variants(html: str):
    """Every GET form on a page as URLs: its own inputs empty, typical and hostile."""
    for action, body in GET_FORM.findall(html):
        names = sorted(set(INPUT_NAME.findall(body)))
        for value in ["2026-01-05", "neck", *HOSTILE_VALUES]:
            yield f"{unescape(action)}?{urlencode(dict.fromkeys(names, value))}"


def post_targets(html: str, path: str):
    """Where the page's POST forms send (their own page when they name no action)."""
    for attributes in FORM_TAG.findall(html):
        if 'method="post"' in attributes:
            action = ACTION.search(attributes)
            yield unescape(action.group(1)) if action else path


def crawl(browser) -> tuple[dict[str, int], set[str]]:
    """The status of every URL visited, and where the POST forms seen send."""
    statuses: dict[str, int] = {}
    targets: set[str] = set()

    def more_urls(path: str, html: str, first_visit: bool):
        yield from form_variants(html)
        if first_visit:
            yield from (f"{path}?page={page}" for page in HUGE_PAGES)

    for url, response in walk_site(
        browser, MAX_PAGES_PER_VISITOR, MAX_VARIANTS_PER_PATH, more_urls
    ):
        statuses[url] = response.status_code
        if "html" in response.content_type:
            targets.update(post_targets(response.text, urlsplit(url).path))
    return statuses, targets


def send_hostile_bodies(app, browser, targets: set[str], headers: dict) -> dict[tuple, int]:
    """Each body no JSON endpoint takes, to each JSON endpoint and (the JSON ones) to each POST
    form: the status of each. A form body is left to the forms, which the fuzz tests fill."""
    json_urls = set(json_endpoints(app))
    statuses = {}
    for url in sorted(targets | json_urls):
        for name, (content_type, body) in HOSTILE_BODIES.items():
            if content_type == JSON or url in json_urls:
                response = browser.post(url, data=body, content_type=content_type, headers=headers)
                statuses[url, name] = response.status_code
    return statuses


@pytest.mark.parametrize("visitor", ["anonymous", "client", "therapist"])
def test_crawler_finds_no_server_error(app, visitor):
    accounts = site_world(app)
    browser = app.test_client()
    headers = {}
    if visitor != "anonymous":
        log_in(browser, accounts[visitor])
        with app.app_context():
            _, token = create_token(accounts[visitor].id, "crawler", scope=TOKEN_WRITE)
        headers["Authorization"] = f"Bearer {token}"
    statuses, targets = crawl(browser)
    errors = {url: status for url, status in statuses.items() if status >= 500}
    assert not errors
    assert len(statuses) >= {"anonymous": 5, "client": 60, "therapist": 30}[visitor]
    if visitor == "client":
        assert any(url.startswith("/checkins?day=") for url in statuses)  # the GET form
        assert any(f"/measurements/new/{key}" in statuses for key in MOVEMENTS)
    if visitor == "therapist":
        assert any(re.match(r"/therapist/clients/\d+/report", url) for url in statuses)

    # With the page's CSRF token and the visitor's API token, so the bodies get to be read.
    assert len(targets) >= {"anonymous": 3, "client": 30, "therapist": 10}[visitor]
    page = browser.get("/login" if visitor == "anonymous" else "/account").text
    headers["X-CSRFToken"] = csrf_token_from(page)
    with app.app_context():
        before = total_rows()
    refused = send_hostile_bodies(app, browser, targets, headers)
    # A 4xx; or for an anonymous visitor, the way to the login page.
    lowest = 300 if visitor == "anonymous" else 400
    assert {key: status for key, status in refused.items() if not lowest <= status < 500} == {}
    with app.app_context():
        assert total_rows() == before
