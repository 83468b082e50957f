"""A crawler visits the site as an anonymous visitor, a client and a therapist: every link it
finds, every GET form with typical, empty and hostile values, and every page with page numbers
no history has. No answer may be a server error."""

import re
from html import unescape
from urllib.parse import urlencode, urlsplit

import pytest

from selfcare.clinical import MOVEMENTS
from selfcare.demo import DemoProfile, create_demo_routines, generate_demo_entries
from selfcare.extensions import db
from selfcare.models import Appointment, Share, User

from .helpers import log_in, make_user

MAX_PAGES_PER_VISITOR = 220
MAX_VARIANTS_PER_PATH = 6  # query-string variants of one path (ranges, regions, pages)
HOSTILE_VALUES = ["", " ", "99999999999999999999", "-1", "٣", "2026-02-30", "<b>x</b>", "%00"]
HUGE_PAGES = ["99999999999999999999", "0", "x"]
LINK = re.compile(r'href="(/[^"#]*)')
GET_FORM = re.compile(r'<form[^>]*method="get"[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
INPUT_NAME = re.compile(r'<(?:input|select)[^>]*name="([^"]+)"')


def build_world(app):
    client = make_user(app, name="Crawl Client")
    therapist = make_user(app, "therapist", name="Crawl Therapist")
    with app.app_context():
        user = db.session.get(User, client.id)
        profile = DemoProfile(regions={"neck": 5, "lower_back": 4})
        generate_demo_entries(user, create_demo_routines(user), 60, profile, seed=7)
        db.session.add_all(
            [
                Share(client_id=client.id, therapist_id=therapist.id),
                Appointment(client_id=client.id, day=user.created_at.date(), note="First"),
            ]
        )
        db.session.commit()
    return {"client": client, "therapist": therapist}


def form_variants(html: str):
    """Every GET form on a page as URLs: its own inputs empty, typical and hostile."""
    for action, body in GET_FORM.findall(html):
        names = sorted(set(INPUT_NAME.findall(body)))
        for value in ["2026-01-05", "neck", *HOSTILE_VALUES]:
            yield f"{unescape(action)}?{urlencode(dict.fromkeys(names, value))}"


def crawl(browser) -> dict[str, int]:
    statuses: dict[str, int] = {}
    variants: dict[str, int] = {}
    queue = ["/"]
    while queue and len(statuses) < MAX_PAGES_PER_VISITOR:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in statuses or variants.get(path, 0) >= MAX_VARIANTS_PER_PATH:
            continue
        variants[path] = variants.get(path, 0) + 1
        response = browser.get(url)
        statuses[url] = response.status_code
        if response.status_code in (301, 302):
            queue.append(response.headers["Location"])
            continue
        if "html" not in response.content_type:
            continue
        html = response.text
        queue.extend(unescape(link) for link in LINK.findall(html))
        queue.extend(form_variants(html))
        if variants[path] == 1:
            queue.extend(f"{path}?page={page}" for page in HUGE_PAGES)
    return statuses


@pytest.mark.parametrize("visitor", ["anonymous", "client", "therapist"])
def test_crawler_finds_no_server_error(app, visitor):
    accounts = build_world(app)
    browser = app.test_client()
    if visitor != "anonymous":
        log_in(browser, accounts[visitor])
    statuses = crawl(browser)
    errors = {url: status for url, status in statuses.items() if status >= 500}
    assert not errors
    assert len(statuses) >= {"anonymous": 5, "client": 60, "therapist": 30}[visitor]
    if visitor == "client":
        assert any(url.startswith("/checkins?day=") for url in statuses)  # the GET form
        assert any(f"/measurements/new/{key}" in statuses for key in MOVEMENTS)
    if visitor == "therapist":
        assert any(re.match(r"/therapist/clients/\d+/report", url) for url in statuses)
