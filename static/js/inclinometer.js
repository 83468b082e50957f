// "Measure with this phone" on the range-of-motion form: the phone's motion sensor as an
// inclinometer. Keep still at the start, move, keep still at the end, come back: how far gravity
// turned between the start and the furthest hold, about the phone axis the movement turns it
// about (data-axis, from selfcare/measurements/phone.py), is filled into the value field for the
// person to check. Typed entry always works; the section stays hidden without a motion sensor.
// The sentences are the page's own (say, static/js/app.js).

const SAMPLE_EVERY = 100; // milliseconds; each sample is the mean of the readings since the last
const STILL_FOR = 1000; // milliseconds of keeping still that make a hold
const LEAST_MOVEMENT = 5; // degrees the phone must turn before a hold counts as an end
// Share of gravity that must lie in the movement's plane at the start; less and the phone is
// held otherwise than the steps say, and its angle in that plane would mean nothing.
const IN_PLANE_AT_LEAST = 0.7;
const NO_READING_AFTER = 3000; // milliseconds without a reading: the device has no sensor
const GIVE_UP_AFTER = 60000; // milliseconds after the start: the furthest hold is the end
const { degreesTurned, upFromAngles, unit, heldDirection, PLANES, STILL_SPREAD } = Tilt;

async function sensorAllowed() {
  // iOS-style browsers ask the person first; the call must come from a tap, and one answer
  // covers motion and orientation.
  const kind = [window.DeviceMotionEvent, window.DeviceOrientationEvent].find(
    (k) => k && typeof k.requestPermission === "function",
  );
  if (!kind) return true;
  try {
    return (await kind.requestPermission()) === "granted";
  } catch {
    return false;
  }
}

function buzz(pattern) {
  if (navigator.vibrate) navigator.vibrate(pattern);
}

function measure(section, input) {
  const axis = section.dataset.axis;
  const status = section.querySelector(".inclinometer-status");
  const endButton = section.querySelector(".js-end");
  const show = (text) => {
    if (status.textContent !== text) status.textContent = text;
  };
  const begun = Date.now();
  let source = null; // "motion" once devicemotion has sent a reading; "orientation" until then
  let sum = [0, 0, 0]; // the readings since the last sample, added up
  let sample = null; // their direction, kept while a sensor that reports only changes is quiet
  let samples = []; // [time, direction] of the last STILL_FOR milliseconds
  let start = null; // the direction held at the start
  let started = 0;
  let best = 0; // degrees of the furthest hold since the start
  let holdBuzzed = false; // the hold going on now has buzzed already

  const reading = (v, from) => {
    if (source !== from) {
      // The first reading, or devicemotion after orientation: start over, never mix sensors.
      source = from;
      sum = [0, 0, 0];
      sample = null;
      samples = [];
      start = null;
      best = 0;
    }
    sum = sum.map((c, k) => c + v[k]);
  };
  const onMotion = (event) => {
    const g = event.accelerationIncludingGravity;
    if (g && g.x !== null && g.y !== null && g.z !== null) reading([g.x, g.y, g.z], "motion");
  };
  const onOrientation = (event) => {
    if (source === "motion" || event.beta === null || event.gamma === null) return;
    reading(upFromAngles(event.beta, event.gamma), "orientation");
  };

  const finish = (message) => {
    clearInterval(timer);
    window.removeEventListener("devicemotion", onMotion);
    window.removeEventListener("deviceorientation", onOrientation);
    endButton.removeEventListener("click", end);
    endButton.hidden = true;
    for (const button of section.querySelectorAll(".js-measure")) button.disabled = false;
    section.classList.remove("measuring");
    show(message);
  };
  // The end is the furthest hold, however many pauses came before it.
  function end() {
    if (!start) {
      finish(say("sensor_not_still"));
      return;
    }
    if (best < LEAST_MOVEMENT) {
      finish(say("sensor_too_little", { degrees: LEAST_MOVEMENT }));
      return;
    }
    const degrees = Math.round(best);
    input.value = String(degrees);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    buzz([200, 100, 200]);
    finish(say("sensor_measured", { degrees }));
    input.focus();
  }

  const tick = () => {
    const now = Date.now();
    if (start && now - started > GIVE_UP_AFTER) return end();
    if (!source) {
      if (now - begun > NO_READING_AFTER) {
        finish(say("sensor_none"));
      }
      return;
    }
    if (sum.some((c) => c !== 0)) sample = unit(sum);
    sum = [0, 0, 0];
    if (!sample) return;
    samples.push([now, sample]);
    samples = samples.filter(([time]) => now - time < STILL_FOR);
    const hold = now - samples[0][0] >= STILL_FOR * 0.8 ? heldDirection(samples) : null;

    if (!start) {
      if (!hold) return;
      const [i, j] = PLANES[axis];
      if (Math.hypot(hold[i], hold[j]) < IN_PLANE_AT_LEAST) {
        show(say("sensor_hold_as_shown"));
        return;
      }
      start = hold;
      started = now;
      samples = [];
      buzz(200);
      show(say("sensor_start_taken"));
      return;
    }

    const angle = degreesTurned(axis, start, sample);
    if (!hold) {
      holdBuzzed = false;
      if (angle >= STILL_SPREAD) show(say("sensor_moved", { degrees: Math.round(angle) }));
    } else {
      const held = degreesTurned(axis, start, hold);
      if (held > best) {
        best = held;
        if (best >= LEAST_MOVEMENT) {
          if (!holdBuzzed) buzz(200);
          holdBuzzed = true;
          show(say("sensor_held", { degrees: Math.round(best) }));
        }
      }
    }
    // Coming back towards the start ends the reading; a pause on the way out does not.
    if (best >= LEAST_MOVEMENT && angle <= best / 2) end();
  };

  section.classList.add("measuring");
  for (const button of section.querySelectorAll(".js-measure")) button.disabled = true;
  endButton.hidden = false;
  endButton.addEventListener("click", end);
  show(say("sensor_reading"));
  const timer = setInterval(tick, SAMPLE_EVERY);
  window.addEventListener("devicemotion", onMotion);
  window.addEventListener("deviceorientation", onOrientation);
}

document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector(".inclinometer");
  if (!section || !("DeviceMotionEvent" in window || "DeviceOrientationEvent" in window)) return;
  section.hidden = false;
  section.querySelectorAll(".js-measure").forEach((button) => {
    button.addEventListener("click", async () => {
      if (!(await sensorAllowed())) {
        section.querySelector(".inclinometer-status").textContent = say("sensor_not_allowed");
        return;
      }
      measure(section, document.getElementById(button.dataset.target));
    });
  });
});
