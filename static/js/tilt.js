// The phone inclinometer's geometry (static/js/inclinometer.js), with no page or sensor in it, so
// that Node's test runner checks it too (tests/js/tilt.test.js).
const Tilt = (() => {
  const STILL_SPREAD = 2.5; // degrees: a hand holding a phone to the head stays this close
  const PLANES = { x: [1, 2], y: [2, 0], z: [0, 1] }; // the two axes across each phone axis

  // The one place with the geometry: the degrees gravity turned about one of the phone's own axes
  // between two readings. Both vectors are projected onto the plane across that axis (the plane
  // the movement is in), so a little sideways wobble, and which way round the phone is held in
  // that plane, don't count. Vectors, not Euler angles: beta and gamma jump about near upright
  // (their singularity), a vector doesn't. Browsers disagree on the vector's sign (iOS negates it);
  // the angle between two vectors is the same either way.
  function degreesTurned(axis, from, to) {
    const [i, j] = PLANES[axis];
    const cross = from[i] * to[j] - from[j] * to[i];
    const dot = from[i] * to[i] + from[j] * to[j];
    return Math.abs((Math.atan2(cross, dot) * 180) / Math.PI);
  }

  // "Up" in the phone's own axes from DeviceOrientation angles (rotations Z, X', Y''), for
  // browsers without devicemotion: the vector is smooth where the angles are not.
  function upFromAngles(beta, gamma) {
    const b = (beta * Math.PI) / 180;
    const g = (gamma * Math.PI) / 180;
    return [-Math.cos(b) * Math.sin(g), Math.sin(b), Math.cos(b) * Math.cos(g)];
  }

  const unit = (v) => {
    const length = Math.hypot(...v) || 1;
    return v.map((c) => c / length);
  };
  const degreesApart = (a, b) =>
    (Math.acos(Math.min(1, a[0] * b[0] + a[1] * b[1] + a[2] * b[2])) * 180) / Math.PI;

  // A hold: every sample of the last second within STILL_SPREAD of their mean direction, which
  // (averaging away the shake) is the direction measured.
  function heldDirection(samples) {
    const mean = unit(samples.reduce((sum, [, v]) => sum.map((c, k) => c + v[k]), [0, 0, 0]));
    return samples.every(([, v]) => degreesApart(v, mean) <= STILL_SPREAD) ? mean : null;
  }

  return { degreesTurned, upFromAngles, unit, degreesApart, heldDirection, PLANES, STILL_SPREAD };
})();

if (typeof module !== "undefined") module.exports = Tilt;
