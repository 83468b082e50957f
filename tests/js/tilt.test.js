// The inclinometer's geometry on its own (static/js/tilt.js), with Node's test runner; the
// browser tests replay whole sensor sequences through the page.
const assert = require("node:assert/strict");
const { test } = require("node:test");
const Tilt = require("../../static/js/tilt.js");

// Gravity in the phone's axes after turning `degrees` about `axis` from upright (y up).
function turned(axis, degrees) {
  const r = (degrees * Math.PI) / 180;
  if (axis === "z") return [Math.sin(r), Math.cos(r), 0];
  if (axis === "x") return [0, Math.cos(r), Math.sin(r)];
  throw new Error(`no turn about ${axis} from upright`);
}

test("an angle turned about an axis is found whichever way and however far", () => {
  for (const axis of ["x", "z"]) {
    for (const degrees of [-80, -30, 5, 45, 90]) {
      const angle = Tilt.degreesTurned(axis, turned(axis, 0), turned(axis, degrees));
      assert.ok(Math.abs(angle - Math.abs(degrees)) < 1e-9, `${axis} ${degrees}: ${angle}`);
    }
  }
});

test("sideways wobble out of the movement's plane does not count", () => {
  const wobbled = Tilt.unit([Math.sin(0.5), Math.cos(0.5), 0.2]);
  const angle = Tilt.degreesTurned("z", [0, 1, 0], wobbled);
  assert.ok(Math.abs(angle - (0.5 * 180) / Math.PI) < 1e-9);
});

test("a negated gravity vector (as iOS gives it) turns by the same angle", () => {
  const from = turned("z", 10).map((c) => -c);
  const to = turned("z", 50).map((c) => -c);
  assert.ok(Math.abs(Tilt.degreesTurned("z", from, to) - 40) < 1e-9);
});

test("upright by the orientation angles points up the phone's long side", () => {
  const up = Tilt.upFromAngles(90, 0);
  assert.deepEqual(
    up.map((c) => Math.round(c * 1e9) / 1e9),
    [-0, 1, 0],
  );
});

test("a hold is samples within the still spread of their mean, and gives that mean", () => {
  const steady = [0, 1, 2, 3, 4, 5].map((k) => [k * 100, turned("z", 30 + (k % 2 ? 1 : -1))]);
  const held = Tilt.heldDirection(steady);
  assert.ok(held && Math.abs(Tilt.degreesTurned("z", [0, 1, 0], held) - 30) < 0.01);
  const moving = [0, 1, 2, 3, 4].map((k) => [k * 100, turned("z", 30 + k * 2)]);
  assert.equal(Tilt.heldDirection(moving), null);
});
