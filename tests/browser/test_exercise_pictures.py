"""Exercise pictures on a phone: a therapist adds an exercise with a photo from the phone's
files; the library's drawings follow a dark colour scheme by themselves."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from selfcare.models import CLIENT, THERAPIST

from ..helpers import PASSWORD, make_user
from .helpers import PHONE

pytestmark = pytest.mark.browser


def log_in(page, base: str, app, role: str) -> None:
    """A new account, made directly: registering through the site would send mail, and the
    session's browser tests share one address's mail limit."""
    account = make_user(app, role)
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def darkest_and_lightest(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.convert("L").getextrema()


def test_a_therapist_adds_an_exercise_with_a_photo_on_a_phone(
    phone, live_server, live_app, tmp_path
):
    live_app.config["PHOTO_DIR"] = str(tmp_path / "photos")
    log_in(phone, live_server, live_app, THERAPIST)
    phone.get_by_role("link", name="Exercises").click()
    phone.get_by_role("link", name="Add an exercise").click()
    phone.get_by_label("Name").fill("Wall angel")
    phone.get_by_label("How to do it").fill("Back to the wall, slide the arms up and down.")
    photo = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 120, 200)).save(photo, "JPEG")
    phone.get_by_label("Photo (optional)").set_input_files(
        {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}
    )
    phone.get_by_role("button", name="Add exercise").click()
    phone.wait_for_url("**/therapist/exercises")
    picture = phone.get_by_role("img", name="Photo of Wall angel")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.naturalWidth") == 800
    # It fits the phone's width.
    assert picture.bounding_box()["width"] <= PHONE["width"]


@pytest.mark.parametrize(("scheme", "lines_are_light"), [("light", False), ("dark", True)])
def test_drawings_follow_the_colour_scheme(browser, live_server, live_app, scheme, lines_are_light):
    """Inside an <img> a drawing takes the scheme the page declares (base.html's color-scheme
    meta); opened by itself, it takes the phone's, its own style allowed by the asset's CSP."""
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    log_in(page, live_server, live_app, CLIENT)
    page.goto(f"{live_server}/exercises")
    drawing = page.get_by_role("img", name="Drawing of Chin tuck (neck retraction): the start")
    drawing.scroll_into_view_if_needed()
    expect(drawing).to_be_visible()
    assert drawing.bounding_box()["width"] <= PHONE["width"]
    page.goto(live_server + drawing.get_attribute("src"))
    page.evaluate("document.documentElement.style.background = 'rgb(128, 128, 128)'")
    darkest, lightest = darkest_and_lightest(page.locator("svg").screenshot())
    # On mid grey the lines are the darkest pixels in light mode and the lightest in dark.
    if lines_are_light:
        assert lightest > 200 and darkest >= 120
    else:
        assert darkest < 60 and lightest <= 136
    context.close()
