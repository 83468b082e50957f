"""Every route that takes an id or other argument, requested as each kind of visitor.

The list comes from the app's URL map, and the test fails on a route it has no rule for, so a new
route can't slip past. The owner's POST requests are left to the feature tests (they change data
that later requests need); everyone else's GET and POST are sent, and must change nothing.
"""

import re
from datetime import timedelta

import pytest
from PIL import Image

from selfcare.account.service import create_token
from selfcare.assets import asset_url
from selfcare.auth.service import open_sign_in
from selfcare.dates import local_today
from selfcare.extensions import db
from selfcare.models import (
    TOKEN_WRITE,
    AccessLogEntry,
    ApiToken,
    Appointment,
    CheckIn,
    Exercise,
    Invite,
    Measurement,
    ProgrammeTemplate,
    PsfsActivity,
    PsfsRequest,
    PsfsScore,
    PsfsScoring,
    Routine,
    RoutineItem,
    RoutineLog,
    Share,
    SignIn,
    User,
    utcnow,
)
from selfcare.photos import store_photo
from selfcare.reminders.service import new_feed_token, unsubscribe_token
from selfcare.sharing.service import create_invite

from .helpers import csrf_token_from, log_in, make_user, without_form_token

pytestmark = pytest.mark.slow

# Kinds of route: whose data it touches, and so who may use it.
CLIENT_ROW = "a client's own row"  # owner only; other clients 404; therapists 403
CLIENT_TOOL = "a client page without a row id"  # any client; therapists 403
SHARED_CLIENT = "a therapist's page about one client"  # an active share only; everyone else 404
THERAPIST_TOOL = "a therapist page without client data"  # any therapist; clients 403
THERAPIST_ROW = "a therapist's own row"  # that therapist only; other therapists 404; clients 403
OWN_ROW = "a row of any signed-in person's own"  # owner only; everyone else 404
# A therapist's exercise photo: that therapist, and the client with it in a routine; else 404.
EXERCISE_PHOTO = "an exercise's photo"
PUBLIC = "a public file"  # anyone, logged in or not

ROUTES = {
    "checkins.edit_day": CLIENT_TOOL,
    "checkins.delete": CLIENT_ROW,
    "routines.edit": CLIENT_ROW,
    "routines.add_item": CLIENT_ROW,
    "routines.update_doses": CLIENT_ROW,
    "routines.move": CLIENT_ROW,
    "routines.remove_item": CLIENT_ROW,
    "routines.archive": CLIENT_ROW,
    "routines.log_details": CLIENT_ROW,
    "routines.session": CLIENT_ROW,
    "routines.edit_log": CLIENT_ROW,
    "routines.delete_log": CLIENT_ROW,
    "measurements.new": CLIENT_TOOL,
    "measurements.edit": CLIENT_ROW,
    "measurements.delete": CLIENT_ROW,
    "appointments.delete": CLIENT_ROW,
    "sharing.cancel_invite": CLIENT_ROW,
    "sharing.revoke_share": CLIENT_ROW,
    "sharing.receipt": CLIENT_ROW,
    "sharing.undo_revoke": CLIENT_ROW,
    "therapist.link": THERAPIST_TOOL,
    "therapist.client": SHARED_CLIENT,
    "therapist.new_appointment": SHARED_CLIENT,
    "programmes.new": SHARED_CLIENT,
    "programmes.from_template": SHARED_CLIENT,
    "programmes.edit": SHARED_CLIENT,
    "programmes.save_template": SHARED_CLIENT,
    "programmes.delete_template": THERAPIST_ROW,
    "therapist.report": SHARED_CLIENT,
    "assets.asset": PUBLIC,
    "account.revoke_token": CLIENT_ROW,
    "account.sign_out_device": OWN_ROW,
    "therapist.export_csv": SHARED_CLIENT,
    "therapist.export_fhir": SHARED_CLIENT,
    "reminders.save_routine": CLIENT_ROW,
    "reminders.calendar": PUBLIC,
    "reminders.unsubscribe": PUBLIC,
    "outcomes.rename": CLIENT_ROW,
    "outcomes.retire": CLIENT_ROW,
    "outcomes.edit_scoring": CLIENT_ROW,
    "outcomes.delete_scoring": CLIENT_ROW,
    "outcomes.ask": SHARED_CLIENT,
    "outcomes.score_with_client": SHARED_CLIENT,
    "outcomes.name_with_client": SHARED_CLIENT,
    "therapist.edit_exercise": THERAPIST_ROW,
    "therapist.delete_exercise_page": THERAPIST_ROW,
    "routines.photo": EXERCISE_PHOTO,
}


@pytest.fixture(autouse=True)
def photo_dir(app, tmp_path):
    app.config["PHOTO_DIR"] = str(tmp_path / "photos")


def build_world(app):
    owner = make_user(app, name="Owner Client")
    other = make_user(app, name="Other Client")
    active = make_user(app, "therapist", name="Active Therapist")
    revoked = make_user(app, "therapist", name="Revoked Therapist")
    with app.app_context():
        today = local_today("Europe/London")
        exercise = db.session.scalar(db.select(Exercise).where(Exercise.slug == "chin_tuck"))
        # The active therapist's own exercise, with a photo, in the owner's home programme.
        with app.test_request_context():
            photo = store_photo(Image.new("RGB", (40, 30)))
        therapists_own = Exercise(
            owner_id=active.id, name="Band pull", kind="mobility", regions="", photo=photo
        )
        routine = Routine(user_id=owner.id, name="Neck")
        routine.items.append(RoutineItem(exercise=exercise, reps=10))
        routine.items.append(RoutineItem(exercise=therapists_own, position=1))
        db.session.add_all([routine, CheckIn(user_id=owner.id, day=today - timedelta(days=1))])
        db.session.flush()
        log = RoutineLog(user_id=owner.id, routine_id=routine.id, day=today)
        measurement = Measurement(
            user_id=owner.id,
            movement="cervical_rotation",
            side="left",
            value=60,
            unit="deg",
            day=today,
        )
        appointment = Appointment(client_id=owner.id, day=today, created_by_id=owner.id)
        programme = Routine(user_id=owner.id, name="Home programme", assigned_by_id=active.id)
        programme.items.append(RoutineItem(exercise=exercise, reps=10))
        template = ProgrammeTemplate(therapist_id=active.id, name="Neck basics", items=[])
        live = Share(client_id=owner.id, therapist_id=active.id)
        ended = Share(client_id=owner.id, therapist_id=revoked.id, revoked_at=utcnow())
        activity = PsfsActivity(user_id=owner.id, name="Reversing the car")
        scoring = PsfsScoring(user_id=owner.id, day=today)
        scoring.scores = [PsfsScore(activity=activity, score=4)]
        db.session.add_all(
            [log, measurement, appointment, programme, template, live, ended, scoring]
        )
        db.session.commit()
        invite = create_invite(owner.id)
        token, _ = create_token(owner.id, "sweep", scope=TOKEN_WRITE)
        sign_in = open_sign_in(db.session.get(User, owner.id), False, "Firefox on a laptop")
        feed_token = new_feed_token(owner.id)
        values = {
            "checkin_id": db.session.scalar(db.select(CheckIn.id)),
            "routine_id": routine.id,
            "item_id": routine.items[0].id,
            "log_id": log.id,
            "measurement_id": measurement.id,
            "appointment_id": appointment.id,
            "share_id": live.id,
            "activity_id": activity.id,
            "scoring_id": scoring.id,
            "programme_id": programme.id,
            "template_id": template.id,
            "invite_id": invite.id,
            "token_id": token.id,
            "sign_in_id": sign_in.id,
            "client_id": owner.id,
            "day": today - timedelta(days=1),
            "movement_key": "cervical_rotation",
            "code": invite.code,
            "action": "archive",
            "direction": "up",
            "filename": "css/app.css",
            "feed_token": feed_token,
            "exercise_id": therapists_own.id,
            "name": photo,
        }
    with app.test_request_context():
        values["unsubscribe_token"] = unsubscribe_token(owner.id)
        values["digest"] = asset_url("css/app.css").split("/")[2]
    return {"owner": owner, "other": other, "active": active, "revoked": revoked}, values


def expected(kind: str, role: str, method: str) -> set[int]:
    if kind == PUBLIC:
        return {200}
    if role == "anonymous":
        return {302}
    allowed = {
        OWN_ROW: {"owner"},
        CLIENT_ROW: {"owner"},
        CLIENT_TOOL: {"owner", "other"},
        SHARED_CLIENT: {"active"},
        THERAPIST_TOOL: {"active", "revoked"},
        THERAPIST_ROW: {"active"},
        EXERCISE_PHOTO: {"owner", "active"},
    }[kind]
    if role in allowed:
        return {200, 302} if method == "GET" else {200, 302, 422}
    if kind in (SHARED_CLIENT, OWN_ROW, EXERCISE_PHOTO):
        return {404}
    clients = {"owner", "other"}
    wrong_kind = (role in clients) != (kind in (CLIENT_ROW, CLIENT_TOOL))
    return {403} if wrong_kind else {404}


def owner_rows(app, owner_id: int) -> dict:
    """The owner's rows, counted per kind, plus the flags a request could flip."""

    def count(query):
        return db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))

    with app.app_context():
        live = (Share.client_id == owner_id) & Share.revoked_at.is_(None)
        mine = {
            CheckIn: db.select(CheckIn).filter_by(user_id=owner_id),
            Routine: db.select(Routine).filter_by(user_id=owner_id),
            RoutineItem: db.select(RoutineItem).join(Routine).filter(Routine.user_id == owner_id),
            RoutineLog: db.select(RoutineLog).filter_by(user_id=owner_id),
            Measurement: db.select(Measurement).filter_by(user_id=owner_id),
            PsfsActivity: db.select(PsfsActivity).filter_by(user_id=owner_id, retired_at=None),
            PsfsScoring: db.select(PsfsScoring).filter_by(user_id=owner_id),
            PsfsScore: db.select(PsfsScore).join(PsfsScoring).filter_by(user_id=owner_id),
            # The active therapist's request to re-score is theirs to make; anyone else's is not.
            PsfsRequest: db.select(PsfsRequest)
            .filter_by(client_id=owner_id)
            .where(~PsfsRequest.therapist_id.in_(db.select(Share.therapist_id).where(live))),
            Appointment: db.select(Appointment).filter_by(client_id=owner_id),
            Invite: db.select(Invite).filter_by(client_id=owner_id, used_at=None),
            Share: db.select(Share).filter_by(client_id=owner_id, revoked_at=None),
            ApiToken: db.select(ApiToken).filter_by(user_id=owner_id),
            SignIn: db.select(SignIn).filter_by(user_id=owner_id, ended_at=None),
            # Every exercise, the therapist's own in the owner's routine among them.
            Exercise: db.select(Exercise),
        }
        counts = {model.__name__: count(query) for model, query in mine.items()}
        counts["archived"] = count(db.select(Routine).filter_by(user_id=owner_id, archived=True))
        return counts


def test_every_argument_route_is_classified(app):
    with_arguments = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.arguments and rule.endpoint != "static"
    }
    assert with_arguments == set(ROUTES), "classify new routes in ROUTES"


def test_sweep_every_route_as_every_visitor(app):
    accounts, values = build_world(app)
    browsers = {"anonymous": app.test_client()}
    for role, account in accounts.items():
        browsers[role] = app.test_client()
        log_in(browsers[role], account)
    tokens = {
        role: csrf_token_from(browser.get("/login" if role == "anonymous" else "/account").text)
        for role, browser in browsers.items()
    }
    before = owner_rows(app, accounts["owner"].id)
    outcomes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in ROUTES:
            continue
        kind = ROUTES[rule.endpoint]
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        for role in ("anonymous", "other", "active", "revoked", "owner"):
            for method in sorted(rule.methods & {"GET", "POST"}):
                if role == "owner" and method == "POST":
                    continue
                browser = browsers[role]
                if method == "GET":
                    response = browser.get(url)
                else:
                    response = browser.post(url, data={"csrf_token": tokens[role]})
                outcomes.append((rule.endpoint, role, method, response.status_code))
                assert response.status_code in expected(kind, role, method), (
                    rule.rule,
                    role,
                    method,
                    response.status_code,
                )
    after = owner_rows(app, accounts["owner"].id)
    assert before == after
    assert len(outcomes) >= 100
    with app.app_context():
        logged = db.session.scalars(db.select(AccessLogEntry.therapist_name)).all()
    assert set(logged) == {"Active Therapist"}  # refused visits leave no trail of "viewing"


@pytest.mark.parametrize("role", ["other", "revoked"])
def test_refused_pages_look_like_missing_ones(app, role):
    accounts, values = build_world(app)
    browser = app.test_client()
    log_in(browser, accounts[role])
    refused = browser.get(f"/therapist/clients/{values['client_id']}")
    missing = browser.get("/therapist/clients/999999")
    assert refused.status_code == missing.status_code == 404
    assert without_form_token(refused.text) == without_form_token(missing.text)


def test_ids_beyond_any_row_are_not_found(app):
    """Every route with an id, given a number no database column holds: a 404, where the
    driver would otherwise overflow (a 500)."""
    world, _ = build_world(app)
    browser = app.test_client()
    log_in(browser, world["owner"])
    stand_ins = {"id": str(2**63), "date": "2026-01-01"}
    requests = [
        (
            "GET" if "GET" in rule.methods else "POST",
            re.sub(r"<(?:(\w+):)?\w+>", lambda arg: stand_ins.get(arg[1], "x"), rule.rule),
        )
        for rule in app.url_map.iter_rules()
        if "<id:" in rule.rule
    ]
    assert len(requests) >= 15
    for method, url in requests:
        assert browser.open(url, method=method).status_code == 404, (method, url)
