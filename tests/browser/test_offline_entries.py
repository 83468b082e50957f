"""Entries made without signal belong to the person who made them, on a phone two people share:
never sent into or shown to the other one's account, sent when their owner is back, and kept,
sent or discarded at logout as the owner says; a score saved elsewhere meanwhile is put to the
person with both values, online or offline."""

import re
import time

import pytest
from playwright.sync_api import expect

from selfcare.auth.service import end_other_sign_ins
from selfcare.checkins.service import save_checkin
from selfcare.dates import local_today
from selfcare.extensions import db
from selfcare.models import CheckIn, User

from .helpers import PHONE, register

pytestmark = pytest.mark.browser
PASSWORD = "a long enough passphrase"  # helpers.register's
WAITING = "1 entry waiting to send."
# What the site keeps on the phone (IndexedDB): a store's records, or one of them by its key;
# null when the site's storage is cleared.
READ_STORE = """async ([store, key]) => {
  if (!(await indexedDB.databases()).some((known) => known.name === "selfcare")) return null;
  const database = await new Promise((resolve, reject) => {
    const request = indexedDB.open("selfcare");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const records = database.transaction(store).objectStore(store);
  const request = key === null ? records.getAll() : records.get(key);
  const found = await new Promise((resolve) => {
    request.onsuccess = () => resolve(request.result);
  });
  database.close();
  return found;
}"""


def entries_on_phone(page):
    """The entries waiting on the phone, whoever's they are."""
    return page.evaluate(READ_STORE, ["queue", None])


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context
    context.close()


def client_on_phone(page, base, app, name: str, email: str) -> int:
    """A new client, logged in on the phone, its service worker ready for a visit without signal."""
    register(page, base, app, name, email, "A client")
    page.wait_for_url("**/today")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    with app.app_context():
        return db.session.scalar(db.select(User.id).filter_by(email=email))


def log_in(page, base, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/today")


def rate_offline(page, base, score: int) -> None:
    """Today without signal: the neck rated and saved, waiting on the phone."""
    page.context.set_offline(True)
    page.goto(f"{base}/today")
    expect(page.get_by_text("No connection: what you enter waits")).to_be_visible()
    page.get_by_role("group", name="Neck").get_by_label(str(score), exact=True).click()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text(WAITING)).to_be_visible()


def settled(page) -> None:
    """The page's script has filed the phone under the page's person, and had the time to send
    anything (for what must not happen: what must is waited for where it shows)."""
    page.wait_for_function(
        f"({READ_STORE})(['signed-in', 'owner'])"
        ".then((owner) => owner === document.body.dataset.offlineOwner)"
    )
    page.wait_for_timeout(500)


def eventually(check, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.05)


def neck_checked(page, score: int):
    return expect(page.get_by_role("group", name="Neck").get_by_label(str(score), exact=True))


def neck_scores(app, user_id) -> list[int]:
    with app.app_context():
        checkins = db.session.scalars(db.select(CheckIn).filter_by(user_id=user_id)).all()
        return [checkin.score_by_region().get("neck") for checkin in checkins]


def test_entries_stay_with_their_person_when_someone_else_logs_in(context, live_server, live_app):
    page = context.new_page()
    alma = client_on_phone(page, live_server, live_app, "Alma First", "alma@example.com")
    rate_offline(page, live_server, 3)
    with live_app.app_context():
        end_other_sign_ins(alma)  # e.g. from her laptop, while the phone has no signal

    # Back online, the phone shows the log-in page, and Bo logs in on it.
    context.set_offline(False)
    page.goto(f"{live_server}/today")
    page.wait_for_url(re.compile(r"/login\?next="))
    bo = client_on_phone(page, live_server, live_app, "Bo Second", "bo@example.com")
    settled(page)
    expect(page.locator("#queue-status")).to_be_hidden()
    expect(page.get_by_text("Saved elsewhere")).to_have_count(0)
    assert len(entries_on_phone(page)) == 1  # Alma's, kept for her

    # Bo's Today without signal knows nothing of Alma's entry either.
    context.set_offline(True)
    page.goto(f"{live_server}/today")
    expect(page.get_by_role("group", name="Neck")).to_be_visible()
    expect(page.locator("#queue-status")).to_be_hidden()
    context.set_offline(False)
    page.goto(f"{live_server}/today")
    settled(page)

    # Bo has nothing waiting: logging out asks nothing, and Alma's entry stays on the phone.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    assert len(entries_on_phone(page)) == 1

    log_in(page, live_server, "alma@example.com")
    eventually(lambda: neck_scores(live_app, alma) == [3])
    neck_checked(page, 3).to_be_checked()  # Today again, with what was sent
    assert entries_on_phone(page) == []
    assert neck_scores(live_app, bo) == []


def entries_waiting_at_logout(page, base, app, email: str) -> int:
    """A client whose entry made offline couldn't be sent yet (the connection dropped as the
    page sent it), on a page with the Log out button."""
    user_id = client_on_phone(page, base, app, "Lou Out", email)
    rate_offline(page, base, 4)
    page.route("**/today/queued", lambda route: route.abort())
    page.context.set_offline(False)
    page.goto(f"{base}/trends")
    expect(page.get_by_text(WAITING)).to_be_visible()
    page.unroute("**/today/queued")
    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_text("1 entry you made without signal isn't in your account yet.")
    ).to_be_visible()
    return user_id


def test_logging_out_can_send_what_waits(context, live_server, live_app):
    page = context.new_page()
    user_id = entries_waiting_at_logout(page, live_server, live_app, "lou-sends@example.com")
    page.get_by_role("button", name="Send them now").click()
    page.wait_for_url("**/login")
    assert neck_scores(live_app, user_id) == [4]
    assert not entries_on_phone(page)


def test_logging_out_can_keep_what_waits_for_the_next_log_in(context, live_server, live_app):
    page = context.new_page()
    user_id = entries_waiting_at_logout(page, live_server, live_app, "lou-keeps@example.com")
    page.get_by_role("button", name="Keep them on this phone until I log in again").click()
    page.wait_for_url("**/login")
    assert neck_scores(live_app, user_id) == []
    assert len(entries_on_phone(page)) == 1
    assert page.evaluate(READ_STORE, ["shell", None]) == []  # their regions and routines go
    # Nobody is logged in: Today without signal shows nobody's regions or entries.
    context.set_offline(True)
    page.goto(f"{live_server}/today")
    expect(page.get_by_text("Open Today once with a connection")).to_be_visible()
    expect(page.locator("#queue-status")).to_be_hidden()
    context.set_offline(False)
    log_in(page, live_server, "lou-keeps@example.com")
    eventually(lambda: neck_scores(live_app, user_id) == [4])
    neck_checked(page, 4).to_be_checked()
    assert entries_on_phone(page) == []


def test_logging_out_can_discard_what_waits(context, live_server, live_app):
    page = context.new_page()
    user_id = entries_waiting_at_logout(page, live_server, live_app, "lou-discards@example.com")
    page.get_by_role("button", name="Discard them").click()
    page.wait_for_url("**/login")
    assert not entries_on_phone(page)
    log_in(page, live_server, "lou-discards@example.com")
    settled(page)
    assert neck_scores(live_app, user_id) == []


def test_logging_out_can_be_called_off(context, live_server, live_app):
    page = context.new_page()
    user_id = entries_waiting_at_logout(page, live_server, live_app, "lou-stays@example.com")
    page.get_by_role("button", name="Stay logged in").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.wait_for_timeout(500)  # long enough to send and log out, were it going to
    assert page.url.endswith("/trends")
    assert neck_scores(live_app, user_id) == []
    assert len(entries_on_phone(page)) == 1


@pytest.mark.parametrize(
    ("kept", "where"), [("saved", "online"), ("yours", "online"), ("yours", "offline")]
)
def test_an_offline_clash_shows_both_scores_and_keeps_the_chosen_one(
    context, live_server, live_app, kept, where
):
    page = context.new_page()
    user_id = client_on_phone(
        page, live_server, live_app, "Cleo Clash", f"cleo-{kept}-{where}@example.com"
    )
    rate_offline(page, live_server, 3)
    with live_app.app_context():  # meanwhile, from another device
        user = db.session.get(User, user_id)
        save_checkin(user_id, local_today(user.timezone), {"neck": 7}, {})

    context.set_offline(False)
    page.goto(f"{live_server}/today")
    both = page.get_by_text("Saved elsewhere: 7 · Yours (offline): 3")
    expect(both).to_be_visible()
    # The form shows what is saved; nothing is changed before the person chooses.
    neck_checked(page, 7).to_be_checked()
    assert neck_scores(live_app, user_id) == [7]
    if where == "offline":
        context.set_offline(True)
        page.goto(f"{live_server}/today")
        expect(both).to_be_visible()

    score = {"saved": 7, "yours": 3}[kept]
    page.get_by_role("button", name=re.compile(rf"^Keep {score} \(")).click()
    expect(both).to_have_count(0)
    if where == "offline":
        expect(page.get_by_text(WAITING)).to_be_visible()
        context.set_offline(False)  # the page sends it as the connection returns
    eventually(lambda: neck_scores(live_app, user_id) == [score])
    if where == "offline":
        page.goto(f"{live_server}/today")
    neck_checked(page, score).to_be_checked()
    assert entries_on_phone(page) == []
