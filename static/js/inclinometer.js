// "Measure with this phone" on the range-of-motion form: the phone's motion sensor as an
// inclinometer. Hold still at the start, move, hold still at the end; the change of one
// DeviceOrientation angle between the two holds (which one: data-axis, from
// selfcare/measurements/phone.py) is filled into the value field for the person to check.
// Typed entry always works; this section stays hidden where the browser has no such sensor.

const STILL_SPREAD = 1; // degrees: readings this close together count as holding still
const STILL_FOR = 1000; // milliseconds of holding still that make a hold
const SAMPLE_EVERY = 100; // milliseconds between looks at the latest reading
const LEAST_MOVEMENT = 5; // degrees the phone must move before the end hold counts
const NO_READING_AFTER = 3000; // milliseconds without a reading: the device has no sensor

// The one place with the math: degrees turned about `axis` between two readings, across the
// wrap at ±180 (or 0/360 for alpha), so 350° to 10° is 20°.
function degreesBetween(axis, start, end) {
  const change = end[axis] - start[axis];
  return Math.abs(((change % 360) + 540) % 360 - 180);
}

async function sensorAllowed() {
  // iOS-style browsers ask the person first; the call must come from a tap.
  if (typeof DeviceOrientationEvent.requestPermission !== "function") return true;
  try {
    return (await DeviceOrientationEvent.requestPermission()) === "granted";
  } catch {
    return false;
  }
}

function buzz() {
  if (navigator.vibrate) navigator.vibrate(200);
}

function measure(section, input) {
  const axis = section.dataset.axis;
  const status = section.querySelector(".inclinometer-status");
  let latest = null;
  let samples = []; // [time, reading] of the last STILL_FOR milliseconds
  let start = null;
  const begun = Date.now();

  const onReading = (event) => {
    if (event[axis] === null) return; // a browser without the sensor sends empty readings
    const first = latest === null;
    latest = { alpha: event.alpha, beta: event.beta, gamma: event.gamma };
    if (first) status.textContent = "Hold still at the start…";
    if (start) status.textContent = `Moved ${Math.round(degreesBetween(axis, start, latest))}° so far.`;
  };
  const finish = (message) => {
    clearInterval(timer);
    window.removeEventListener("deviceorientation", onReading);
    section.classList.remove("measuring");
    status.textContent = message;
  };
  const heldStill = (now) => {
    samples.push([now, latest]);
    samples = samples.filter(([time]) => now - time <= STILL_FOR);
    if (now - samples[0][0] < STILL_FOR - SAMPLE_EVERY) return false;
    const values = samples.map(([, reading]) => reading[axis]);
    return values.every((value) => degreesBetween(axis, { [axis]: value }, latest) <= STILL_SPREAD);
  };

  const timer = setInterval(() => {
    const now = Date.now();
    if (!latest) {
      if (now - begun > NO_READING_AFTER) {
        finish("This device doesn't report its angle. Please type the number you measured.");
      }
      return;
    }
    if (!heldStill(now)) return;
    if (!start) {
      start = latest;
      samples = [];
      buzz();
      status.textContent = "Start taken. Now move, then keep still at the end.";
    } else if (degreesBetween(axis, start, latest) >= LEAST_MOVEMENT) {
      const degrees = Math.round(degreesBetween(axis, start, latest));
      buzz();
      input.value = String(degrees);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.focus();
      finish(`Measured ${degrees}°. Check the number above, change it if you like, and save.`);
    }
  }, SAMPLE_EVERY);

  section.classList.add("measuring");
  status.textContent = "Reading the sensor…";
  window.addEventListener("deviceorientation", onReading);
}

document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector(".inclinometer");
  if (!section || !("DeviceOrientationEvent" in window)) return;
  section.hidden = false;
  section.querySelectorAll(".js-measure").forEach((button) => {
    button.addEventListener("click", async () => {
      if (!(await sensorAllowed())) {
        section.querySelector(".inclinometer-status").textContent =
          "The phone didn't allow its motion sensor. Please type the number you measured.";
        return;
      }
      measure(section, document.getElementById(button.dataset.target));
    });
  });
});
