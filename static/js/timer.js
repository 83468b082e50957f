// The guided session's timer (static/js/player.js) as arithmetic on the clock, with no page in
// it, so that Node's test runner checks it too (tests/js/timer.test.js).
//
// A timer is its times: when it started, when it was paused (null while it runs) and for how
// long in all before that, in Date.now() milliseconds, which go on while the phone sleeps. Where
// it stands is worked out from those and the clock each time, never from a count of ticks, so
// after the phone slept it shows what would have happened meanwhile.
//
// What the timer says is worded by `say(key, values)`, the page's sentences in its language
// (static/js/app.js); this file keeps none of its own.
const Timer = (() => {
  const COUNTDOWN_SECONDS = 3;

  // What the timer runs through for an exercise (the data- attributes of its step: hold or
  // duration in seconds, sets, reps, perSide, all strings): every hold (or timed stretch), per
  // set and side, each after a count-down. None for an exercise without a time.
  function plan(exercise, say) {
    const number = (name) => Number(exercise[name]) || 0;
    const seconds = number("hold") || number("duration");
    if (!seconds) return [];
    const sets = number("sets") || 1;
    const holds = number("hold") ? number("reps") || 1 : 1;
    const sides = exercise.perSide ? [say("timer_left"), say("timer_right")] : [""];
    const phases = [];
    for (let set = 1; set <= sets; set += 1) {
      for (const side of sides) {
        for (let hold = 1; hold <= holds; hold += 1) {
          const parts = [];
          if (sets > 1) parts.push(say("timer_set", { set, sets }));
          if (side) parts.push(side);
          if (holds > 1) parts.push(say("timer_hold_of", { hold, holds }));
          phases.push({ label: parts.join(" · "), seconds });
        }
      }
    }
    return phases;
  }

  const start = (now) => ({ startedAt: now, pausedAt: null, pausedFor: 0 });
  const isPaused = (times) => times.pausedAt !== null;

  // Paused at `now`, or running again from `now` with the pause not counted.
  function togglePause(times, now) {
    if (!isPaused(times)) return { ...times, pausedAt: now };
    return { ...times, pausedAt: null, pausedFor: times.pausedFor + now - times.pausedAt };
  }

  // The milliseconds the timer has run by `now`: none while paused.
  const elapsed = (times, now) => (times.pausedAt ?? now) - times.startedAt - times.pausedFor;

  // Where a timer is `ms` after its start: the phase, counting down to it or holding, and the
  // ms left of that; null once every phase is over.
  function position(phases, ms) {
    let end = 0;
    for (let index = 0; index < phases.length; index += 1) {
      const countdownEnds = end + COUNTDOWN_SECONDS * 1000;
      end = countdownEnds + phases[index].seconds * 1000;
      if (ms < countdownEnds) return { index, counting: true, left: countdownEnds - ms };
      if (ms < end) return { index, counting: false, left: end - ms };
    }
    return null;
  }

  const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;

  // What the timer shows at a position: the status line and the clock, whole seconds rounded
  // up (a count-down as 3, 2, 1; a hold as 0:30).
  function readout(phases, { index, counting, left }, paused, say) {
    const { label } = phases[index];
    const seconds = Math.ceil(left / 1000);
    let status = say("timer_paused");
    if (!paused && label) {
      status = say(counting ? "timer_phase_get_ready" : "timer_phase_hold", { phase: label });
    } else if (!paused) {
      status = say(counting ? "timer_get_ready" : "timer_hold");
    }
    return { status, clock: counting ? String(seconds) : clock(seconds) };
  }

  return { plan, start, isPaused, togglePause, elapsed, position, readout };
})();

if (typeof module !== "undefined") module.exports = Timer;
