"""One number, one answer: for random histories (plans changed mid-week, rest and flare days,
clients who joined today or long ago, several time zones, PSFS rescored, edits and deletes),
every surface that shows a figure shows the same one: Today, Trends, the report, the dashboard,
the therapist's page and report, the API and the export. Pages carry each figure's value in a
`data-figure` element (figures/texts.figure_value), read here page by page."""

import html
import random
import re
from collections import defaultdict
from datetime import timedelta

import pytest

from selfcare.account.service import create_token
from selfcare.dates import local_today
from selfcare.extensions import db
from selfcare.figures.texts import figure_value
from selfcare.insights import Change
from selfcare.models import (
    TOKEN_READ,
    Appointment,
    CheckIn,
    Exercise,
    PainScore,
    PsfsActivity,
    PsfsScore,
    PsfsScoring,
    Routine,
    RoutineItem,
    RoutineLog,
    RoutineLogItem,
    Share,
    User,
)
from selfcare.routines.forms import DAYS_A_WEEK

from .helpers import form_values, log_in, make_user, read_zip

pytestmark = pytest.mark.slow

ZONES = ["Europe/London", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Chicago"]
REGIONS = ["neck", "upper_back", "lower_back", "hip_left"]
FIGURE = re.compile(r'<data data-figure="([^"]+)" value="([^"]*)">')


def random_clients(app, rng, therapist, count=5) -> list[tuple[object, str, int | None]]:
    """Clients sharing everything with the therapist, each with a random history and a
    programme; returns (account, API token, programme id)."""
    made = []
    for n in range(count):
        timezone = ZONES[n % len(ZONES)]
        account = make_user(app, timezone=timezone, name=f"Client {n}")
        with app.app_context():
            user = db.session.get(User, account.id)
            joined_days_ago = rng.choice([0, 0, 2, 5, 30, 200])
            user.created_at -= timedelta(days=joined_days_ago)
            today = local_today(timezone)
            db.session.add(Share(client_id=user.id, therapist_id=therapist.id))
            chin_tuck = db.session.scalar(db.select(Exercise).filter_by(slug="chin_tuck"))
            programme = None
            if joined_days_ago and rng.random() < 0.8:
                plan = rng.choice([{"days_per_week": 3}, {"weekdays": "024"}, {"days_per_week": 5}])
                programme = Routine(
                    user_id=user.id,
                    name="Programme",
                    assigned_by_id=therapist.id,
                    starts_on=today - timedelta(days=rng.randrange(1, 30)),
                    **plan,
                )
                programme.items.append(RoutineItem(exercise=chin_tuck, reps=10))
                db.session.add(programme)
            own = Routine(user_id=user.id, name="Own")
            own.items.append(RoutineItem(exercise=chin_tuck, reps=5))
            db.session.add(own)
            regions = rng.sample(REGIONS, k=rng.choice([1, 2, 3]))
            for age in range(min(joined_days_ago, 30) + 1):
                day = today - timedelta(days=age)
                if rng.random() < 0.3:
                    continue
                kind = rng.choice(["normal"] * 6 + ["rest", "flare"])
                scores = [
                    PainScore(region=region, score=rng.randint(0, 10))
                    for region in regions
                    if rng.random() < 0.8
                ]
                db.session.add(CheckIn(user_id=user.id, day=day, day_kind=kind, scores=scores))
                for routine in (programme, own):
                    if routine is not None and rng.random() < 0.45:
                        item = RoutineLogItem(
                            exercise_id=chin_tuck.id,
                            pain_during=rng.choice([None, None, 3, 8]),
                            difficulty=rng.choice([None, "about_right", "too_hard"]),
                        )
                        db.session.add(
                            RoutineLog(user_id=user.id, routine=routine, day=day, items=[item])
                        )
            if rng.random() < 0.7:
                session = today - timedelta(days=rng.randrange(0, 20))
                db.session.add(Appointment(client_id=user.id, day=session, note="Session"))
            if rng.random() < 0.5:
                activity = PsfsActivity(user_id=user.id, name="Reading")
                for weeks in (4, 1, 0):
                    scoring = PsfsScoring(user_id=user.id, day=today - timedelta(weeks=weeks))
                    scoring.scores = [PsfsScore(activity=activity, score=rng.randint(0, 10))]
                    db.session.add(scoring)
            db.session.commit()
            # Edits and deletes after the fact.
            checkins = db.session.scalars(db.select(CheckIn).filter_by(user_id=user.id)).all()
            if checkins:
                db.session.delete(rng.choice(checkins))
            for checkin in checkins[:3]:
                for score in checkin.scores:
                    score.score = rng.randint(0, 10)
            db.session.commit()
            _, token = create_token(user.id, "surfaces", scope=TOKEN_READ)
            made.append((account, token, programme and programme.id))
    return made


def change_frequency(therapist_browser, client_id: int, routine_id: int, rng) -> None:
    """The therapist changes the programme's days a week mid-week, through the form."""
    url = f"/therapist/clients/{client_id}/routines/{routine_id}"
    data = form_values(therapist_browser.get(url).text, "programme-form")
    data |= {"frequency": DAYS_A_WEEK, "days_per_week": str(rng.choice([2, 4, 6]))}
    response = therapist_browser.post(url, data=data)
    assert response.status_code == 302, response.text


def figures_on(page: str) -> dict[str, set[str]]:
    found = defaultdict(set)
    for name, value in FIGURE.findall(page):
        found[name].add(html.unescape(value))
    return found


def dashboard_rows(page: str) -> dict[int, dict[str, set[str]]]:
    rows = {}
    for row in page.split("<tr")[1:]:
        match = re.search(r'href="/therapist/clients/(\d+)"', row)
        if match:
            rows[int(match.group(1))] = figures_on(row)
    return rows


def api_figures(data: dict) -> dict[str, set[str]]:
    """The API's figures in the pages' short forms."""

    def comparison(value):
        if value is None:
            return "none"
        return figure_value(Change(value["before"], value["after"], value["real"]))

    found = defaultdict(set)
    found["first-day"].add(data["first_day"])
    adherence = data["adherence"]
    found["adherence"].add(f"{adherence['done']}/{adherence['counted']}")
    for region, each in data["regions"].items():
        found[f"average-{region}"].add(
            "none" if each["average"] is None else f"{each['average']:.2f}"
        )
        found[f"week-{region}"].add(comparison(each["this_week"]))
        if data["session"]:
            found[f"session-{region}"].add(comparison(each["since_session"]))
    return found


def export_figures(rows: list[dict]) -> dict[str, set[str]]:
    found = defaultdict(set)
    for row in rows:
        if row["figure"] == "first day":
            found["first-day"].add(row["from"])
        elif row["figure"] in ("planned sessions done", "days with a routine"):
            found["adherence"].add(row["of"])
    return found


def agree(surfaces: dict[str, dict[str, set[str]]], who: str) -> None:
    """Every figure a surface shows has one value there, and the same on every other surface
    that shows it."""
    values: dict[str, dict[str, str]] = defaultdict(dict)
    for surface, figures in surfaces.items():
        for name, shown in figures.items():
            assert len(shown) == 1, (who, surface, name, shown)
            values[name][surface] = next(iter(shown))
    for name, by_surface in values.items():
        assert len(set(by_surface.values())) == 1, (who, name, by_surface)


@pytest.mark.parametrize("seed", range(3))
def test_every_surface_shows_the_same_figures(app, seed):
    rng = random.Random(seed)
    therapist = make_user(app, "therapist", name="Theo Therapist")
    clients = random_clients(app, rng, therapist)
    therapist_browser = app.test_client()
    log_in(therapist_browser, therapist)
    for account, _, programme in clients:
        if programme and rng.random() < 0.7:
            change_frequency(therapist_browser, account.id, programme, rng)
    dashboard = dashboard_rows(therapist_browser.get("/therapist").text)
    shown = defaultdict(int)
    for account, token, _ in clients:
        browser = app.test_client()
        log_in(browser, account)
        base = f"/therapist/clients/{account.id}"
        surfaces = {
            "today": figures_on(browser.get("/today").text),
            "trends": figures_on(browser.get("/trends").text),
            "trends, all": figures_on(browser.get("/trends?range=all").text),
            "report": figures_on(browser.get("/report").text),
            "dashboard": dashboard[account.id],
            "client page": figures_on(therapist_browser.get(base).text),
            "therapist's report": figures_on(therapist_browser.get(f"{base}/report").text),
            "api": api_figures(
                browser.get("/api/v1/figures", headers={"Authorization": f"Bearer {token}"}).json
            ),
            "export": export_figures(
                read_zip(browser.get("/account/export.zip").data)["figures.csv"]
            ),
        }
        agree(surfaces, account.name)
        for surface, figures in surfaces.items():
            for name in figures:
                shown[surface, name.split("-")[0]] += 1
    # Each surface showed the figures it carries, for some client at least.
    for surface, kind in [
        ("trends", "first"),
        ("trends", "adherence"),
        ("report", "average"),
        ("dashboard", "adherence"),
        ("client page", "week"),
        ("api", "session"),
        ("export", "adherence"),
        ("today", "plan"),
        ("trends", "plan"),
    ]:
        assert shown[surface, kind], (surface, kind)
