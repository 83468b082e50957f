"""The phone as an inclinometer (static/js/inclinometer.js) on a phone-size page: synthetic
sensor readings, 50 a second, are dispatched in the page under a fake clock, and the angle
filled in must be within 2° of the movement made. Each sequence starts with 2 s of keeping
still; a "hold" is 1 s still."""

import math
import random

import pytest
from playwright.sync_api import expect

from ..helpers import PASSWORD, make_user
from .helpers import PHONE

pytestmark = pytest.mark.browser
FLEXION = "/measurements/new/cervical_flexion"
EXTENSION = "/measurements/new/cervical_extension"
ROTATION = "/measurements/new/cervical_rotation"
EVERY = 20  # milliseconds between readings
GRAVITY = 9.81
TOLERANCE = 2  # degrees

# Dispatch `readings` one every `every` ms on the page's (fake) clock, as a phone's sensor would.
FEED = """([kind, readings, every]) => {
  let next = 0;
  const feeder = setInterval(() => {
    if (next === readings.length) return clearInterval(feeder);
    const [a, b, c] = readings[next++];
    window.dispatchEvent(kind === "motion"
      ? new DeviceMotionEvent("devicemotion",
          { accelerationIncludingGravity: { x: a, y: b, z: c }, interval: every })
      : new DeviceOrientationEvent("deviceorientation", { alpha: a, beta: b, gamma: c }));
  }, every);
}"""


def path(*legs: tuple[float, int]) -> list[float]:
    """The movement's angle at each reading: from 0, eased to each (angle, over ms) in turn; a
    leg to the angle already reached is a hold."""
    angles, at = [], 0.0
    for target, ms in legs:
        steps = ms // EVERY
        angles += [
            at + (target - at) * (1 - math.cos(math.pi * (k + 1) / steps)) / 2 for k in range(steps)
        ]
        at = target
    return angles


def side_of_head(angle: float, off_vertical: float = 1.0, face_tilt: float = 3.0):
    """Upright on the side of the head, long side `off_vertical`° from vertical, the screen
    leaning `face_tilt`° out of the plane: "up" in the phone's axes as the head nods `angle`°
    (a turn about the axis out of the screen)."""
    turn, lean = math.radians(off_vertical + angle), math.radians(face_tilt)
    return (math.cos(lean) * math.sin(turn), math.cos(lean) * math.cos(turn), math.sin(lean))


def flat_on_forehead_lying(angle: float, chin_tilt: float = 5.0):
    """Flat on the forehead lying on the back, the head tipped `chin_tilt`° on its pillow: "up" as
    the head turns `angle`° (a turn about the phone's long side)."""
    turn, tilt = math.radians(angle), math.radians(chin_tilt)
    return (math.cos(tilt) * math.sin(turn), math.sin(tilt), math.cos(tilt) * math.cos(turn))


def shaken(v, rng: random.Random, degrees: float):
    """`v` turned by up to ±`degrees` about each of the three axes: a hand's and a sensor's
    noise."""
    x, y, z = v
    for axis in range(3):
        a = math.radians(rng.uniform(-degrees, degrees))
        c, s = math.cos(a), math.sin(a)
        if axis == 0:
            y, z = c * y - s * z, s * y + c * z
        elif axis == 1:
            x, z = c * x + s * z, -s * x + c * z
        else:
            x, y = c * x - s * y, s * x + c * y
    return x, y, z


def euler_angles(up) -> tuple[float, float, float]:
    """(alpha, beta, gamma) as Chromium reports a phone whose "up" is `up`
    (orientation_util.cc: beta in [-180, 180), gamma in [-90, 90)). Near upright beta and gamma
    jump about; the page must not."""
    x, y, z = up
    if z >= 0:
        beta, gamma = math.asin(y), math.atan2(-x, z)
    else:
        beta = -math.asin(y)
        beta += -math.pi if beta >= 0 else math.pi
        gamma = math.atan2(x, -z)
    return 10.0, math.degrees(beta), math.degrees(gamma)


def readings(angles, hold, kind="motion", noise=0.0, seed=0, **hold_options):
    rng = random.Random(seed)
    ups = [shaken(hold(angle, **hold_options), rng, noise) for angle in angles]
    if kind == "orientation":
        return [euler_angles(up) for up in ups]
    return [[GRAVITY * c for c in up] for up in ups]


def log_in_a_new_client(page, live_server, live_app) -> None:
    client = make_user(live_app, name="Ines Inclinometer")
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(client.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/today")


@pytest.fixture
def measuring(phone, live_server, live_app):
    """A logged-in phone with a fake clock; call it with a movement's form."""
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    log_in_a_new_client(phone, live_server, live_app)
    phone.clock.install()

    def open_form(form: str):
        phone.goto(f"{live_server}{form}")
        return phone

    yield open_form
    assert errors == []


def measure(page, button: str, sequence, kind="motion", extra_ms=500) -> None:
    page.get_by_role("button", name=button).click()
    page.evaluate(FEED, [kind, sequence, EVERY])
    page.clock.run_for(len(sequence) * EVERY + extra_ms)


def assert_filled(page, field: str, truth: float) -> None:
    value = page.locator(f"#{field}").input_value()
    assert value, page.locator(".inclinometer-status").inner_text()
    assert abs(float(value) - truth) <= TOLERANCE, (value, truth)


# Keep still, move, keep still at the end, come back: the reading ends on the way back.
def out_and_back(truth: float) -> list[float]:
    return path((0, 2000), (truth, 2000), (truth, 2000), (0, 2000), (0, 1000))


def test_the_geometry(measuring):
    page = measuring(ROTATION)
    turned = "([axis, a, b]) => degreesTurned(axis, a, b)"
    s, c = math.sin(math.radians(40)), math.cos(math.radians(40))
    cases = {
        "a turn in the screen's plane": ("z", [0, 1, 0], [s, c, 0], 40),
        "the sign iOS gives": ("z", [0, -9.8, 0], [-9.8 * s, -9.8 * c, 0], 40),
        "a 10° wobble out of the plane is left out": (
            "z",
            [0, 1, 0],
            [s * math.cos(0.17), c * math.cos(0.17), math.sin(0.17)],
            40,
        ),
        "a turn about the long side": ("y", [0, 0, 1], [math.sin(1.2), 0, math.cos(1.2)], 68.75),
        "across the half turn": ("z", [-0.17, -0.98, 0], [-0.17, 0.98, 0], 160.3),
    }
    for label, (axis, a, b, degrees) in cases.items():
        assert page.evaluate(turned, [axis, a, b]) == pytest.approx(degrees, abs=0.1), label

    # The angles a browser reports, turned back into "up", are smooth where the angles jump.
    rng = random.Random(5)
    for _ in range(20):
        up = shaken((0, 1, 0), rng, 20)  # around upright, where beta and gamma are singular
        _, beta, gamma = euler_angles(up)
        back = page.evaluate("([b, g]) => upFromAngles(b, g)", [beta, gamma])
        assert back == pytest.approx(list(up), abs=1e-9), (beta, gamma)


@pytest.mark.parametrize("kind", ["motion", "orientation"])
def test_an_upright_start_with_the_long_side_one_degree_off_vertical(measuring, kind):
    page = measuring(FLEXION)
    # Upright, its back flat on the head, as the steps say: near beta 90°.
    angles = out_and_back(47.3)
    sequence = readings(angles, side_of_head, kind, noise=0.3, off_vertical=1, face_tilt=0)
    if kind == "orientation":  # the singularity is really there: gamma jumps from side to side
        gammas = [gamma for _, _, gamma in sequence[:100]]
        assert max(gammas) - min(gammas) > 90
    measure(page, "Measure with this phone", sequence, kind)
    assert_filled(page, "value", 47.3)
    expect(page.locator(".inclinometer-status")).to_contain_text("Measured 47°.")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_degree_of_noise_on_every_reading(measuring, seed):
    page = measuring(EXTENSION)
    sequence = readings(out_and_back(58.6), side_of_head, noise=1.0, seed=seed)
    measure(page, "Measure with this phone", sequence)
    assert_filled(page, "value", 58.6)


def test_a_pause_on_the_way_does_not_end_the_reading(measuring):
    page = measuring(FLEXION)
    angles = path((0, 2000), (23.4, 1500), (23.4, 1000), (51.2, 1500), (51.2, 2000), (0, 2000))
    sequence = readings(angles, side_of_head, noise=1.0, seed=4)
    status = page.locator(".inclinometer-status")
    page.get_by_role("button", name="Measure with this phone").click()
    page.evaluate(FEED, ["motion", sequence, EVERY])
    page.clock.run_for(2000 + 1500 + 1000 + 100)
    expect(status).to_have_text(
        "Held at 23°. Go further if you can, or come back to the start."
    )  # the pause was seen as a hold, and the reading goes on
    page.clock.run_for(1500 + 2000 + 2000 + 500)
    assert_filled(page, "value", 51.2)


def test_both_sides_of_a_turn_lying_down(measuring):
    page = measuring(ROTATION)
    left = readings(out_and_back(68.4), flat_on_forehead_lying, noise=1.0, seed=6)
    measure(page, "Measure left with this phone", left)
    assert_filled(page, "left", 68.4)
    # To the right; this time "That's my end position" is tapped at the end instead.
    angles = path((0, 2000), (-61.7, 2000), (-61.7, 2000))
    right = readings(angles, flat_on_forehead_lying, noise=1.0, seed=7)
    measure(page, "Measure right with this phone", right)
    expect(page.get_by_role("button", name="That's my end position")).to_be_visible()
    assert page.locator("#right").input_value() == ""
    page.get_by_role("button", name="That's my end position").click()
    assert_filled(page, "right", 61.7)
    assert_filled(page, "left", 68.4)
    expect(page.get_by_role("button", name="That's my end position")).to_be_hidden()


def test_a_movement_under_the_least_is_not_filled_in(measuring):
    page = measuring(FLEXION)
    sequence = readings(out_and_back(3.5), side_of_head, noise=1.0, seed=8)
    measure(page, "Measure with this phone", sequence)
    assert page.locator("#value").input_value() == ""
    page.clock.run_for(60_000)  # nobody tapped: the reading gives up a minute after the start
    expect(page.locator(".inclinometer-status")).to_have_text(
        "The phone turned less than 5°, too little to measure. "
        "Try again, or type the number you measured."
    )
    assert page.locator("#value").input_value() == ""


def test_no_readings_at_all_ask_for_the_number_to_be_typed(measuring):
    page = measuring(FLEXION)
    measure(page, "Measure with this phone", [], extra_ms=3500)
    expect(page.locator(".inclinometer-status")).to_have_text(
        "This device doesn't report its angle. Please type the number you measured."
    )
    assert page.locator("#value").input_value() == ""
    expect(page.get_by_role("button", name="Measure with this phone")).to_be_enabled()


def test_a_phone_held_otherwise_than_the_steps_say_takes_no_start(measuring):
    page = measuring(FLEXION)  # flat, screen up, instead of on the side of the head
    sequence = [[0, 0, GRAVITY]] * 100
    measure(page, "Measure with this phone", sequence)
    expect(page.locator(".inclinometer-status")).to_have_text(
        "Hold the phone as step 1 says, then keep still."
    )


def test_measure_and_save_through_chromiums_own_sensor(measuring):
    """Readings from Chromium's device-orientation override (a browser without devicemotion)."""
    page = measuring(FLEXION)
    sensor = page.context.new_cdp_session(page)

    def nod(degrees: float) -> None:
        # Upright on the side of the head (gamma -90: the screen vertical), turned in its plane.
        angles = {"alpha": 10, "beta": 90 - degrees, "gamma": -90}
        sensor.send("DeviceOrientation.setDeviceOrientationOverride", angles)

    nod(0)
    measure = page.get_by_role("button", name="Measure with this phone")
    box = measure.bounding_box()
    assert min(box["width"], box["height"]) >= 44
    measure.click()
    status = page.locator(".inclinometer-status")
    page.clock.run_for(1500)
    expect(status).to_have_text(
        "Start taken. Now move, then keep still at the end until it buzzes."
    )
    nod(40)  # chin towards the chest
    page.clock.run_for(200)
    expect(status).to_have_text("Moved 40° so far.")
    page.clock.run_for(1500)
    expect(status).to_contain_text("Held at 40°.")
    nod(0)  # back to the start
    page.clock.run_for(200)
    expect(status).to_contain_text("Measured 40°.")
    value = page.get_by_label("Measurement (degrees)")
    expect(value).to_have_value("40")
    expect(value).to_be_focused()
    page.get_by_role("button", name="Save measurement").click()
    expect(page.get_by_text("Neck: chin to chest: 40° saved.")).to_be_visible()


def test_the_phone_mode_is_hidden_without_a_motion_sensor(measuring):
    page = measuring(FLEXION)
    expect(page.get_by_role("button", name="Measure with this phone")).to_be_visible()
    page.context.add_init_script(
        "delete window.DeviceMotionEvent; delete window.DeviceOrientationEvent;"
    )
    page.reload()
    expect(page.get_by_label("Measurement (degrees)")).to_be_visible()
    expect(page.get_by_role("button", name="Measure with this phone")).to_be_hidden()


def test_the_phone_section_passes_the_accessibility_check(
    browser, live_server, live_app, check_accessibility
):
    # axe is added as a script, which the CSP (kept on in the tests above) would refuse.
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True)
    page = context.new_page()
    log_in_a_new_client(page, live_server, live_app)
    page.goto(f"{live_server}{ROTATION}")
    check_accessibility(page, "range of motion: measure with this phone")
    page.get_by_role("button", name="Measure left with this phone").click()
    expect(page.get_by_role("button", name="That's my end position")).to_be_visible()
    check_accessibility(page, "range of motion: measuring with the phone")
    context.close()
