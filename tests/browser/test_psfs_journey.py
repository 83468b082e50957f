"""A client on a phone names their hard activities, scores them by tapping, and sees the chart."""

import pytest

from selfcare.extensions import db
from selfcare.models import PsfsScore, PsfsScoring, User

from .helpers import PHONE, register

pytestmark = pytest.mark.browser


def test_name_and_score_activities_on_a_phone(browser, live_server, live_app, check_accessibility):
    # axe is injected as a script, which the Content-Security-Policy blocks: this context lets
    # it in, as test_sharing_journey's do.
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True)
    phone = context.new_page()
    register(
        phone,
        live_server,
        live_app,
        "Sasha Scores",
        "psfs-client@example.com",
        "A client tracking my own care",
    )
    phone.wait_for_url("**/today")
    phone.goto(f"{live_server}/psfs/activities")
    phone.get_by_label("Activity 1").fill("Reversing the car")
    phone.get_by_label("Activity 2").fill("Lifting my toddler")
    phone.get_by_role("button", name="Save activities").click()
    phone.wait_for_url("**/psfs/score")
    check_accessibility(phone, "psfs score")
    phone.get_by_role("group", name="Reversing the car").get_by_label("3", exact=True).click()
    phone.get_by_role("button", name="Save scores").click()
    # One row left unscored: said next to it, nothing saved, the tapped score kept.
    assert phone.get_by_text("Please choose a score from 0 to 10 for this activity.").is_visible()
    assert (
        phone.get_by_role("group", name="Reversing the car")
        .get_by_label("3", exact=True)
        .is_checked()
    )
    phone.get_by_role("group", name="Lifting my toddler").get_by_label("6", exact=True).click()
    phone.get_by_role("button", name="Save scores").click()
    phone.wait_for_url("**/psfs")
    assert phone.locator("figure p", has_text="Activity score 4.5 out of 10").is_visible()
    assert phone.locator("svg#psfs, svg[aria-labelledby='psfs-t psfs-d']").is_visible()
    with live_app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="psfs-client@example.com"))
        scoring = db.session.scalar(db.select(PsfsScoring).filter_by(user_id=user.id))
        scores = db.session.scalars(db.select(PsfsScore.score).filter_by(scoring_id=scoring.id))
        assert sorted(scores) == [3, 6]
    context.close()
