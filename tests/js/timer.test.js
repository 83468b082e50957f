// The guided session's timer on its own (static/js/timer.js), with Node's test runner; the
// browser tests (tests/browser/test_session_player.py) run it through whole sessions.
const assert = require("node:assert/strict");
const { test } = require("node:test");
const Timer = require("../../static/js/timer.js");
const { say, elsewhere } = require("./english.js");

// An exercise's data- attributes as the page has them: strings, "" for none.
const exercise = (fields) => ({
  sets: "",
  reps: "",
  hold: "",
  duration: "",
  perSide: "",
  ...fields,
});
const labels = (phases) => phases.map((phase) => phase.label);

test("an exercise without a hold or a duration has no timer", () => {
  assert.deepEqual(Timer.plan(exercise({ sets: "2", reps: "10" }), say), []);
});

test("a timed exercise is one phase of its duration, its reps not counted as holds", () => {
  assert.deepEqual(Timer.plan(exercise({ duration: "45", reps: "10" }), say), [
    { label: "", seconds: 45 },
  ]);
});

test("holds are counted per set and side, each side's holds before the next side", () => {
  const phases = Timer.plan(exercise({ sets: "2", reps: "2", hold: "20", perSide: "yes" }), say);
  assert.deepEqual(labels(phases), [
    "Set 1 of 2 · left side · hold 1 of 2",
    "Set 1 of 2 · left side · hold 2 of 2",
    "Set 1 of 2 · right side · hold 1 of 2",
    "Set 1 of 2 · right side · hold 2 of 2",
    "Set 2 of 2 · left side · hold 1 of 2",
    "Set 2 of 2 · left side · hold 2 of 2",
    "Set 2 of 2 · right side · hold 1 of 2",
    "Set 2 of 2 · right side · hold 2 of 2",
  ]);
  assert.ok(phases.every((phase) => phase.seconds === 20));
});

test("a hold takes its time over a duration, and one set or one hold goes unnamed", () => {
  const phases = Timer.plan(exercise({ sets: "1", reps: "1", hold: "30", duration: "60" }), say);
  assert.deepEqual(phases, [{ label: "", seconds: 30 }]);
  assert.deepEqual(labels(Timer.plan(exercise({ sets: "3", hold: "30" }), say)), [
    "Set 1 of 3",
    "Set 2 of 3",
    "Set 3 of 3",
  ]);
});

test("each phase is a 3-second count-down and then its hold, and the end is null", () => {
  const phases = [
    { label: "", seconds: 30 },
    { label: "", seconds: 10 },
  ];
  assert.deepEqual(Timer.position(phases, 0), { index: 0, counting: true, left: 3000 });
  assert.deepEqual(Timer.position(phases, 2999), { index: 0, counting: true, left: 1 });
  assert.deepEqual(Timer.position(phases, 3000), { index: 0, counting: false, left: 30000 });
  assert.deepEqual(Timer.position(phases, 32999), { index: 0, counting: false, left: 1 });
  assert.deepEqual(Timer.position(phases, 33000), { index: 1, counting: true, left: 3000 });
  assert.deepEqual(Timer.position(phases, 36500), { index: 1, counting: false, left: 9500 });
  assert.equal(Timer.position(phases, 45999)?.index, 1);
  assert.equal(Timer.position(phases, 46000), null);
  assert.equal(Timer.position([], 0), null);
});

test("a long sleep lands where the timer would be, however many phases went by", () => {
  const phases = Timer.plan(exercise({ sets: "3", hold: "30" }), say);
  // 2 × (3 + 30) s, then 3 s of count-down and 10 s into the third set.
  assert.deepEqual(Timer.position(phases, 66000 + 13000), {
    index: 2,
    counting: false,
    left: 20000,
  });
});

test("a started timer runs with the clock", () => {
  const times = Timer.start(5000);
  assert.equal(Timer.isPaused(times), false);
  assert.equal(Timer.elapsed(times, 5000), 0);
  assert.equal(Timer.elapsed(times, 47000), 42000);
});

test("paused, the timer stands still; resumed, the pause doesn't count", () => {
  let times = Timer.start(0);
  times = Timer.togglePause(times, 10000);
  assert.equal(Timer.isPaused(times), true);
  assert.equal(Timer.elapsed(times, 10000), 10000);
  assert.equal(Timer.elapsed(times, 310000), 10000);
  times = Timer.togglePause(times, 310000);
  assert.equal(Timer.isPaused(times), false);
  assert.equal(Timer.elapsed(times, 315000), 15000);
  // A second pause adds to the first.
  times = Timer.togglePause(Timer.togglePause(times, 320000), 380000);
  assert.deepEqual(times, { startedAt: 0, pausedAt: null, pausedFor: 360000 });
  assert.equal(Timer.elapsed(times, 390000), 30000);
});

test("toggling pause leaves the times it was given as they were", () => {
  const running = Timer.start(0);
  const paused = Timer.togglePause(running, 1000);
  assert.deepEqual(running, { startedAt: 0, pausedAt: null, pausedFor: 0 });
  Timer.togglePause(paused, 2000);
  assert.deepEqual(paused, { startedAt: 0, pausedAt: 1000, pausedFor: 0 });
});

test("the count-down shows whole seconds rounded up, a hold minutes and seconds", () => {
  const phases = [{ label: "left side", seconds: 90 }];
  assert.deepEqual(Timer.readout(phases, { index: 0, counting: true, left: 2001 }, false, say), {
    status: "left side: get ready",
    clock: "3",
  });
  assert.deepEqual(Timer.readout(phases, { index: 0, counting: true, left: 200 }, false, say), {
    status: "left side: get ready",
    clock: "1",
  });
  assert.deepEqual(Timer.readout(phases, { index: 0, counting: false, left: 90000 }, false, say), {
    status: "left side: hold",
    clock: "1:30",
  });
  assert.deepEqual(Timer.readout(phases, { index: 0, counting: false, left: 8001 }, false, say), {
    status: "left side: hold",
    clock: "0:09",
  });
});

test("an unnamed phase just holds, and a paused timer says so with its clock kept", () => {
  const phases = [{ label: "", seconds: 30 }];
  const holding = { index: 0, counting: false, left: 13000 };
  assert.deepEqual(Timer.readout(phases, holding, false, say), { status: "hold", clock: "0:13" });
  assert.deepEqual(Timer.readout(phases, holding, true, say), { status: "Paused", clock: "0:13" });
});

test("every word the timer shows is the page's own, in its language", () => {
  const phases = Timer.plan(
    exercise({ sets: "2", reps: "2", hold: "20", perSide: "yes" }),
    elsewhere,
  );
  assert.equal(phases[0].label, "«timer_set 1 2» · «timer_left» · «timer_hold_of 1 2»");
  const position = { index: 0, counting: true, left: 2001 };
  assert.equal(
    Timer.readout(phases, position, false, elsewhere).status,
    `«timer_phase_get_ready ${phases[0].label}»`,
  );
  assert.equal(Timer.readout(phases, position, true, elsewhere).status, "«timer_paused»");
  const plain = [{ label: "", seconds: 30 }];
  const holding = { index: 0, counting: false, left: 1000 };
  assert.equal(Timer.readout(plain, holding, false, elsewhere).status, "«timer_hold»");
});
