"""What tests share: logging in, submitting forms like a browser, making users, looking at rows.
Fixtures live in conftest.py; test modules import these helpers, never each other."""

import csv
import email
import email.policy
import io
import os
import re
import time
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

from itsdangerous import TimestampSigner
from jinja2 import BytecodeCache
from sqlalchemy import event, make_url

from selfcare.auth.service import create_user
from selfcare.dates import local_today
from selfcare.demo import DemoProfile, create_demo_routines, generate_demo_entries
from selfcare.extensions import db
from selfcare.json_bodies import MAX_DEPTH
from selfcare.models import (
    CLIENT,
    THERAPIST,
    Appointment,
    CheckIn,
    Exercise,
    PainScore,
    RoutineLog,
    RoutineLogItem,
    Share,
    User,
)
from selfcare.routines.service import create_routine
from selfcare.therapist.service import SharingClients

PASSWORD = "correct horse battery"


def _worker_number() -> int | None:
    """Which of pytest-xdist's workers runs this process (gw0 is 0), None without workers."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker else None


def _of_this_worker(url: str | None, redis: bool = False) -> str | None:
    """Each test worker gets a database of its own: TEST_DATABASE_URL's name with the worker's
    suffix, and the Redis database numbered down from TEST_REDIS_URL's."""
    number = _worker_number()
    if not url or number is None:
        return url
    server = make_url(url)
    if redis:
        base, _, database = url.rpartition("/")
        return f"{base}/{int(database or 0) - number}"
    return server.set(database=f"{server.database}_gw{number}").render_as_string(
        hide_password=False
    )


POSTGRES_URL = _of_this_worker(os.environ.get("TEST_DATABASE_URL"))
REDIS_URL = _of_this_worker(os.environ.get("TEST_REDIS_URL"), redis=True)
NO_POSTGRES = "PostgreSQL tests need TEST_DATABASE_URL (CI sets it; see README)"
# Filled by the fuzz tests, printed at the end of the run (see conftest.pytest_terminal_summary).
FUZZ_EXAMPLES_TRIED: dict[str, int] = {}
JSON = "application/json"
TOO_DEEP = MAX_DEPTH + 1
# Bodies that no JSON endpoint takes and no form reads, as (content type, body): each is refused
# with a 4xx and writes nothing (tests/test_fuzz.py, tests/test_crawl.py).
HOSTILE_BODIES = {
    "arrays 100,000 deep": (JSON, "[" * 100_000 + "]" * 100_000),
    "objects 100,000 deep": (JSON, '{"a":' * 100_000 + "1" + "}" * 100_000),
    "one level too deep": (JSON, '{"a":' * TOO_DEEP + "1" + "}" * TOO_DEEP),
    "not JSON": (JSON, "{'owner': 1}"),
    "cut short": (JSON, '{"owner": "x"'),
    "empty": (JSON, ""),
    "an array": (JSON, "[]"),
    "a string": (JSON, '"checkin"'),
    "null": (JSON, "null"),
    "an integer of 5,000 digits": (JSON, '{"day": ' + "9" * 5000 + "}"),
    "a number beyond a float": (JSON, '{"value": 1e999}'),
    "NaN": (JSON, '{"value": NaN}'),
    "-Infinity": (JSON, '{"value": -Infinity}'),
    "not UTF-8": (JSON, b'{"note": "\xff\xfe"}'),
    "UTF-16": (JSON, '{"note": "x"}'.encode("utf-16")),
    "a byte order mark": (JSON, "\ufeff{}".encode()),
    "a lone surrogate": (JSON, '{"note": "\\ud800"}'),
    "a key of 500,000 characters": (JSON, '{"' + "k" * 500_000 + '": 1}'),
    "more than 1 MB": (JSON, '{"note": "' + "x" * 1_100_000 + '"}'),
    "a form": ("application/x-www-form-urlencoded", "note=x"),
    "JSON as text/plain": ("text/plain", '{"note": "x"}'),
}


class CompiledTemplates(BytecodeCache):
    """Templates compiled once for the whole run, not once per test's app: compiling them was
    most of a short test's time. A template whose source changed is compiled again (the cache
    checks each one's checksum)."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def settings_for(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Browser tests register dozens of people from one address; tests of the limit set it.
        "REGISTER_RATE_LIMIT": "1000 per hour",
        # Same algorithm as production with the smallest work factor: hundreds of logins add up.
        "PASSWORD_HASH_PARAMETERS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
        # Kept in memory unless a test's app is given a mail server (conftest's `app` is).
        "MAIL_BACKEND": "locmem",
    }


def without_form_token(page: str) -> str:
    """A page with its form tokens blanked: they carry the second they were made, so two
    renderings of the same page differ there only."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+"', r'\1"', page)


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def submit(client, url: str, data: dict | None = None, page: str | None = None, **kwargs):
    """Post a form the way a browser does: open the page first, then send its CSRF token back."""
    form_page = client.get(page or url)
    payload = {"csrf_token": csrf_token_from(form_page.get_data(as_text=True))}
    payload.update(data or {})
    return client.post(url, data=payload, **kwargs)


class _FormReader(HTMLParser):
    """The values a browser would send for one form, as the page shows them."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.values = form_id, False, []
        self._textarea: str | None = None
        self._select: str | None = None

    def _belongs(self, attrs: dict) -> bool:
        return self.inside and "form" not in attrs or attrs.get("form") == self.form_id

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        elif tag == "input" and self._belongs(attrs) and "name" in attrs:
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in attrs:
                    self.values.append((attrs["name"], attrs.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.values.append((attrs["name"], attrs.get("value", "")))
        elif tag == "textarea" and self._belongs(attrs):
            self._textarea = attrs["name"]
            self.values.append((self._textarea, ""))
        elif tag == "select" and self._belongs(attrs):
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.append((self._select, attrs.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            name, text = self.values[-1]
            # Like a browser, drop the one line break that follows <textarea>.
            first = data.removeprefix("\r\n").removeprefix("\n") if not text else data
            self.values[-1] = (name, text + first)


def form_values(html: str, form_id: str) -> dict[str, str | list[str]]:
    """What a browser sends for the form with this id, before the person changes anything; a
    name sent more than once (checkboxes) maps to the list of its values."""
    reader = _FormReader(form_id)
    reader.feed(html)
    values: dict[str, str | list[str]] = {}
    for name, value in reader.values:
        if name in values:
            earlier = values[name]
            values[name] = [*earlier, value] if isinstance(earlier, list) else [earlier, value]
        else:
            values[name] = value
    return values


def routine_button(html: str, name: str, routine_id: int) -> str:
    """The value of /today's `name` button ("done", "again" or "undo") for one routine."""
    match = re.search(rf'<button[^>]*name="{name}" value="({routine_id}(?::[^"]+)?)"', html)
    assert match, f"no {name} button for routine {routine_id}"
    return match.group(1)


def tap_routine(client, routine_id: int, name: str = "done", **changes):
    """Tap a routine button on /today, with the check-in as the page shows it (plus `changes`,
    as if tapped first)."""
    page = client.get("/today").text
    data = form_values(page, "checkin-form") | changes
    data[name] = routine_button(page, name, routine_id)
    return client.post("/today", data=data)


@dataclass(frozen=True)
class Account:
    """What a test needs to know of a user after the database session is gone."""

    id: int
    email: str
    name: str
    role: str


def make_user(
    app,
    role=CLIENT,
    email=None,
    name="Test Person",
    timezone="Europe/London",
    verified=True,
):
    email = email or f"{role}-{os.urandom(4).hex()}@example.com"
    with app.app_context():
        user = create_user(
            email=email,
            name=name,
            password=PASSWORD,
            role=role,
            timezone=timezone,
            verified=verified,
        )
        return Account(user.id, user.email, user.name, user.role)


def log_in(client, user, password=PASSWORD):
    response = submit(client, "/login", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def new_invite_code(client, **choices) -> str:
    """A client's new sharing code, as their sharing page shows it (everything shared unless
    `choices` say otherwise, e.g. parts=["pain"])."""
    data = form_values(client.get("/sharing").text, "invite-form") | choices
    response = client.post("/sharing/invites", data=data)
    assert response.status_code == 302, response.text
    page = client.get("/sharing").text
    return re.search(r'class="invite-code"[^>]*>([A-Z0-9-]{9})<', page).group(1)


def logged_in_therapist(app, name="Theo Therapist"):
    """A new therapist's own test client, logged in, and their account."""
    browser = app.test_client()
    account = make_user(app, THERAPIST, name=name)
    log_in(browser, account)
    return browser, account


def redeem(browser, code):
    return submit(browser, "/therapist/link", {"code": code})


class Mailbox:
    """What the in-process SMTP server received (conftest's `smtp_server`), as parsed messages.
    Mail leaves the app on a background thread, so reading waits a moment for it."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        self.messages.clear()

    def wait_for(self, count: int = 1, to: str | None = None, timeout: float = 5) -> list:
        """The messages (to `to`, when given) once there are at least `count` of them."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.messages if to is None or to.lower() in m["To"].lower()]
            if len(found) >= count or time.monotonic() > deadline:
                assert len(found) >= count, f"{len(found)} of {count} mails to {to} arrived"
                return found
            time.sleep(0.02)


def mail_text(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def mail_html(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def mail_link(message: EmailMessage, path: str) -> str:
    """The link to `path` in a mail's text, as a path and query the test client can open."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]*)", mail_text(message))
    assert match, f"no link to {path} in: {mail_text(message)}"
    return match.group(1)


def open_mailed_form(client, message: EmailMessage, path: str, form_id: str, **fields):
    """Open the link to `path` in a mail and send the form on its page, as a browser would."""
    page = client.get(mail_link(message, path))
    assert page.status_code == 200, page.text
    return client.post(path, data=form_values(page.text, form_id) | fields)


def links_judged_later(monkeypatch, seconds: int) -> None:
    """From now on, signed links are judged as if `seconds` had passed since they were made."""
    later = int(time.time()) + seconds
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: later)


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


def json_endpoints(app) -> list[str]:
    """Every address whose view takes a JSON body (selfcare.json_bodies.takes_json)."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "takes_json", False)
    )


def total_rows() -> int:
    """Rows in every table but the access log: a therapist's refused form still re-renders the
    client's charts, and that view is written to the client's log on purpose."""
    return sum(
        db.session.scalar(db.select(db.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name != "access_log"
    )


def count_rows(app, model, **filters) -> int:
    with app.app_context():
        query = db.select(db.func.count()).select_from(model).filter_by(**filters)
        return db.session.scalar(query)


def fetch_all(app, model, **filters) -> list:
    """Rows as detached objects with their columns loaded, for assertions after the request."""
    with app.app_context():
        rows = db.session.scalars(db.select(model).filter_by(**filters).order_by(model.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def read_zip(data: bytes) -> dict[str, list[dict]]:
    """A CSV export, as rows per file."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for name in archive.namelist()
        }


def dashboard_rows(therapist_id: int) -> list:
    """Every sharing client's dashboard row, most urgent first (in an app context)."""
    return SharingClients(therapist_id).rows()


CHIN_TUCK = "Chin tuck (neck retraction)"


def sharing_client(
    app,
    therapist_id,
    name,
    *,
    this_week=4,
    last_week=4,
    regions=("neck",),
    quiet=False,
    feedback=(),
    parts="pain,routines,notes",
):
    """A client sharing with the therapist: a score per region on each of the last 14 days
    (`this_week` for the last 7, `last_week` before; only 6 days ago when `quiet`), and one
    routine log per (pain during, difficulty) of `feedback` for the chin tuck, oldest first."""
    client = make_user(app, name=name)
    with app.app_context():
        today = local_today("Europe/London")  # make_user's time zone
        db.session.add(Share(client_id=client.id, therapist_id=therapist_id, parts=parts))
        ages = [6] if quiet else range(14)
        for age in ages:
            score = this_week if age < 7 else last_week
            db.session.add(
                CheckIn(
                    user_id=client.id,
                    day=today - timedelta(days=age),
                    scores=[PainScore(region=region, score=score) for region in regions],
                )
            )
        chin_tuck = db.session.scalar(db.select(Exercise).filter_by(slug="chin_tuck"))
        routine = create_routine(client.id, "Neck", [chin_tuck])
        for age, (pain, difficulty) in zip(range(len(feedback), 0, -1), feedback, strict=True):
            item = RoutineLogItem(
                exercise_id=chin_tuck.id, done=True, pain_during=pain, difficulty=difficulty
            )
            db.session.add(
                RoutineLog(
                    user_id=client.id,
                    routine_id=routine.id,
                    day=today - timedelta(days=age),
                    items=[item],
                )
            )
        db.session.commit()
    return client


def dashboard_page(app, therapist, query="") -> str:
    """The therapist's dashboard as the therapist sees it (`query` e.g. "?flag=pain")."""
    browser = app.test_client()
    log_in(browser, therapist)
    response = browser.get(f"/therapist{query}")
    assert response.status_code == 200
    return response.text


def client_names(page: str) -> list[str]:
    """The clients a dashboard page lists, in its order."""
    return re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', page)


def session_form(client, routine_id: int) -> dict:
    """The guided session's form as the page fills it in."""
    page = client.get(f"/routines/{routine_id}/session")
    assert page.status_code == 200
    return form_values(page.text, "routine-log-form")


def log_session(client, routine_id: int, **answers) -> None:
    """A guided session saved with `answers` changed from what the page fills in."""
    data = session_form(client, routine_id) | answers | {"save_again": "y"}
    response = client.post(f"/routines/{routine_id}/log", data=data)
    assert response.status_code == 302, response.text


def library_ids(app, *slugs) -> list[int]:
    with app.app_context():
        by_slug = dict(db.session.execute(db.select(Exercise.slug, Exercise.id)).all())
    return [by_slug[slug] for slug in slugs]


def make_routine(
    app,
    client,
    name="Evening neck routine",
    slugs=("foam_roll_thoracic", "upper_trap_stretch", "chin_tuck"),
):
    response = submit(
        client, "/routines/new", {"name": name, "exercise_ids": library_ids(app, *slugs)}
    )
    assert response.status_code == 302, response.text
    return int(re.search(r"/routines/(\d+)", response.headers["Location"]).group(1))


def sharing_therapist(app, client_browser, name="Theo Therapist"):
    """A therapist, logged in on their own browser, with whom the client shares."""
    browser, therapist = logged_in_therapist(app, name)
    redeem(browser, new_invite_code(client_browser))
    return browser, therapist


def new_programme(browser, client_id, **changes) -> int:
    """A home programme of two library exercises prescribed by the therapist; its id."""
    url = f"/therapist/clients/{client_id}/routines/new"
    page = browser.get(url).text
    ids = re.findall(r'name="exercise_ids"[^>]*value="(\d+)"', page)[:2]
    data = form_values(page, "programme-new") | {"name": "Neck programme", "exercise_ids": ids}
    response = browser.post(url, data=data | changes)
    assert response.status_code == 302, response.text
    return int(re.search(r"/routines/(\d+)$", response.headers["Location"]).group(1))


def programme_url(client_id, routine_id) -> str:
    return f"/therapist/clients/{client_id}/routines/{routine_id}"


LINK = re.compile(r'href="(/[^"#]*)')


def walk_site(browser, limit: int, variants_per_path: int = 1, more_urls=None, start=("/",)):
    """(url, response) for each page reachable from `start` by its links, at most `limit` of
    them and `variants_per_path` query strings of one path; `more_urls(path, html, first_visit)`
    adds URLs of a page's own (its forms, say)."""
    seen: set[str] = set()
    variants: dict[str, int] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or variants.get(path, 0) >= variants_per_path:
            continue
        seen.add(url)
        variants[path] = variants.get(path, 0) + 1
        response = browser.get(url)
        yield url, response
        if response.status_code in (301, 302):
            queue.append(response.headers["Location"])
        elif "html" in response.content_type:
            html = response.text
            queue.extend(unescape(link) for link in LINK.findall(html))
            if more_urls is not None:
                queue.extend(more_urls(path, html, variants[path] == 1))


def site_world(app) -> dict:
    """A client with two months of entries, shared with a therapist, and an appointment: what
    a crawl needs to find every page."""
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
