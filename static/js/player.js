// The guided session (templates/routines/session.html): the detailed log form shown one
// exercise at a time, with a timer for holds and timed work, then a summary and Save, which
// sends the form as it is. Without this file the page is the plain checklist.
//
// Where the person is (the exercise, every answer, the timer) is kept in this tab's
// sessionStorage under their id, the routine and the day (data-storage-key), so a reload, a tab
// switch or the phone sleeping loses nothing. It goes once the server has the log (its
// submission id is among data-saved-ids) or the person starts over.
(() => {
  const COUNTDOWN_SECONDS = 3;
  const TICK_MS = 200;

  const form = document.querySelector("form[data-player]");
  if (!form) return;
  const steps = [...form.querySelectorAll(".log-exercise")];
  const summary = form.querySelector(".player-summary");
  const summaryList = form.querySelector(".player-summary-list");
  if (!steps.length || !summary) return;
  const storageKey = form.dataset.storageKey;
  const savedIds = form.dataset.savedIds.split(" ");

  let current = 0;
  // The running (or paused) timer of the current step. It keeps when it started and how long
  // it was paused, not a count of ticks: where it stands is worked out from the clock each
  // time, so after the phone slept it shows what would have happened meanwhile.
  let timer = null;
  let audio = null;
  let wakeLock = null;

  const make = (tag, className, text) => {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  };
  const button = (label, className, onClick) => {
    const element = make("button", className, label);
    element.type = "button";
    element.addEventListener("click", onClick);
    return element;
  };
  const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;

  // What the timer runs through: every hold (or timed stretch), per set and side.
  function plan(step) {
    const number = (name) => Number(step.dataset[name]) || 0;
    const seconds = number("hold") || number("duration");
    if (!seconds) return [];
    const sets = number("sets") || 1;
    const holds = number("hold") ? number("reps") || 1 : 1;
    const sides = step.dataset.perSide ? ["left side", "right side"] : [""];
    const phases = [];
    for (let set = 1; set <= sets; set += 1) {
      for (const side of sides) {
        for (let hold = 1; hold <= holds; hold += 1) {
          const parts = [];
          if (sets > 1) parts.push(`Set ${set} of ${sets}`);
          if (side) parts.push(side);
          if (holds > 1) parts.push(`hold ${hold} of ${holds}`);
          phases.push({ label: parts.join(" · "), seconds });
        }
      }
    }
    return phases;
  }

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

  // A short beep and a buzz where the phone allows; silence is fine where it doesn't.
  function signal(long) {
    if (navigator.vibrate) navigator.vibrate(long ? [200, 100, 200] : 80);
    try {
      audio = audio || new AudioContext();
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = long ? 660 : 880;
      volume.gain.value = 0.15;
      tone.connect(volume).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + (long ? 0.4 : 0.12));
    } catch {
      // No sound on this browser.
    }
  }

  async function keepAwake(on) {
    try {
      if (on && !wakeLock && navigator.wakeLock) {
        wakeLock = await navigator.wakeLock.request("screen");
        // The browser lets go of it when the page is hidden; asked again when it is back.
        wakeLock.addEventListener("release", () => {
          wakeLock = null;
        });
      } else if (!on && wakeLock) {
        await wakeLock.release();
      }
    } catch {
      // The screen may dim after all; the timer keeps counting.
    }
  }

  function checkbox(step, name) {
    return step.querySelector(`input[type=checkbox][name$="-${name}"]`);
  }

  function show(index, phase) {
    stopTimer();
    current = index;
    steps.forEach((step, i) => {
      step.hidden = i !== index;
    });
    summary.hidden = index < steps.length;
    if (index >= steps.length) {
      fillSummary();
      summary.querySelector("h2").focus();
      return;
    }
    const step = steps[index];
    step.dataset.phase = phase || "doing";
    const controls = step.querySelector(".player-controls");
    controls.querySelector(".player-clock").textContent = "";
    controls.querySelector(".player-status").textContent = "";
    showButtons(step, "ready");
    step.querySelector("legend").focus();
  }

  function showButtons(step, state) {
    const controls = step.querySelector(".player-controls");
    controls.querySelector(".player-start").hidden = state !== "ready";
    controls.querySelector(".player-pause").hidden = state === "ready";
    controls.querySelector(".player-pause").textContent = state === "paused" ? "Resume" : "Pause";
  }

  function startTimer(step) {
    checkbox(step, "done").checked = true;
    if (plan(step).length) {
      runTimer(step, { startedAt: Date.now(), pausedAt: null, pausedFor: 0 });
    } else {
      finishExercise(step);
    }
  }

  // `times`: when the timer started, when it was paused (null while it runs) and for how long
  // in all before that, in Date.now() milliseconds, which go on while the page sleeps.
  function runTimer(step, times) {
    timer = { step, phases: plan(step), ...times, phaseShown: null };
    timer.interval = setInterval(tick, TICK_MS);
    const paused = timer.pausedAt !== null;
    showButtons(step, paused ? "paused" : "running");
    keepAwake(!paused);
    tick();
  }

  function tick() {
    if (!timer) return;
    const elapsed = (timer.pausedAt ?? Date.now()) - timer.startedAt - timer.pausedFor;
    const now = position(timer.phases, elapsed);
    if (!now) {
      signal(true);
      finishExercise(timer.step);
      remember();
      return;
    }
    // One signal for a change however many phases went by unseen; none for the first one shown.
    const phase = `${now.index}:${now.counting}`;
    if (timer.phaseShown !== null && timer.phaseShown !== phase) signal(false);
    timer.phaseShown = phase;
    render(now);
  }

  function render({ index, counting, left }) {
    const controls = timer.step.querySelector(".player-controls");
    const { label } = timer.phases[index];
    const seconds = Math.ceil(left / 1000);
    const where = label ? `${label}: ` : "";
    let status = counting ? `${where}get ready` : `${where}hold`;
    if (timer.pausedAt !== null) status = "Paused";
    controls.querySelector(".player-status").textContent = status;
    const display = controls.querySelector(".player-clock");
    display.textContent = counting ? String(seconds) : clock(seconds);
  }

  function togglePause() {
    if (!timer) return;
    const now = Date.now();
    if (timer.pausedAt === null) {
      timer.pausedAt = now;
    } else {
      timer.pausedFor += now - timer.pausedAt;
      timer.pausedAt = null;
    }
    const paused = timer.pausedAt !== null;
    showButtons(timer.step, paused ? "paused" : "running");
    keepAwake(!paused);
    tick();
  }

  function stopTimer() {
    if (timer) clearInterval(timer.interval);
    timer = null;
    keepAwake(false);
  }

  function finishExercise(step) {
    stopTimer();
    checkbox(step, "done").checked = true;
    step.dataset.phase = "rating";
    step.querySelector(".exercise-feedback legend").focus();
  }

  function skip(step) {
    checkbox(step, "done").checked = false;
    show(current + 1);
  }

  // Back to an exercise: its answers if it was done, its timer if it was skipped.
  function back(index) {
    show(index, checkbox(steps[index], "done").checked ? "rating" : "doing");
  }

  function checkedLabel(step, name) {
    const input = step.querySelector(`input[type=radio][name$="-${name}"]:checked`);
    return input?.value ? input.closest("label").textContent.trim() : "";
  }

  function fillSummary() {
    summaryList.replaceChildren(
      ...steps.map((step) => {
        const parts = [checkbox(step, "done").checked ? "done" : "skipped"];
        const pain = checkedLabel(step, "pain_during");
        const feel = checkedLabel(step, "difficulty");
        if (pain) parts.push(`pain ${pain}/10`);
        if (feel) parts.push(feel.toLowerCase());
        const item = make("li");
        item.append(make("strong", "", step.dataset.name), `: ${parts.join(", ")}`);
        return item;
      }),
    );
    summaryList.hidden = false;
  }

  // Keeping the session in this tab. The rows say which routine items the answers are for: a
  // routine changed since is not filled with answers to other exercises.
  const rows = () =>
    [...form.querySelectorAll("input[name$='-row_key']")].map((input) => input.value).join(" ");

  function remember() {
    const kept = {
      rows: rows(),
      values: [...new FormData(form)].filter(([name]) => name !== "csrf_token"),
      current,
      phase: steps[current]?.dataset.phase,
      timer: timer && {
        startedAt: timer.startedAt,
        pausedAt: timer.pausedAt,
        pausedFor: timer.pausedFor,
      },
    };
    try {
      sessionStorage.setItem(storageKey, JSON.stringify(kept));
    } catch {
      // Storage full or turned off: the session lives as long as the page.
    }
    document.body.dataset.unsaved = "true"; // static/js/app.js asks before leaving
  }

  function forget() {
    try {
      sessionStorage.removeItem(storageKey);
    } catch {
      // Nothing was kept.
    }
  }

  function fill(values) {
    form.querySelectorAll("input[name], textarea[name]").forEach((input) => {
      if (input.name === "csrf_token") return;
      const sent = values.filter(([name]) => name === input.name).map(([, value]) => value);
      if (input.type === "checkbox" || input.type === "radio") {
        input.checked = sent.includes(input.value);
      } else if (sent.length) {
        input.value = sent[0];
      }
    });
  }

  function startOver() {
    forget();
    form.reset();
    form.querySelector(".player-restored").remove();
    delete document.body.dataset.unsaved;
    show(0);
  }

  // The session this tab kept, unless the server has its log (the form was saved) or the
  // routine changed since.
  function keptSession() {
    let kept = null;
    try {
      kept = JSON.parse(sessionStorage.getItem(storageKey));
    } catch {
      return null;
    }
    const sent = kept && new Map(kept.values).get("submission_id");
    if (kept && (savedIds.includes(sent) || kept.rows !== rows())) {
      forget();
      return null;
    }
    return kept;
  }

  // The key ends with the day: this person's sessions of other days can't be picked up again.
  function forgetOtherDays() {
    const person = storageKey.split(":").slice(0, 2).join(":");
    const day = storageKey.split(":").pop();
    try {
      for (const key of Object.keys(sessionStorage)) {
        if (key.startsWith(`${person}:`) && !key.endsWith(`:${day}`))
          sessionStorage.removeItem(key);
      }
    } catch {
      // Nothing was kept.
    }
  }

  const act = (action) => () => {
    action();
    remember();
  };

  steps.forEach((step, index) => {
    const controls = make("div", "player-controls");
    controls.append(
      make("p", "player-progress muted small", `Exercise ${index + 1} of ${steps.length}`),
      make("p", "player-status"),
    );
    const display = make("p", "player-clock");
    display.setAttribute("role", "timer");
    display.setAttribute("aria-live", "off");
    controls.append(display);
    const startLabel = plan(step).length ? "Start" : "Done";
    const row = make("div", "player-buttons");
    row.append(
      button(
        startLabel,
        "button player-start",
        act(() => startTimer(step)),
      ),
      button("Pause", "button button-secondary player-pause", act(togglePause)),
      button(
        "Skip",
        "button button-secondary player-skip",
        act(() => skip(step)),
      ),
      button(
        "Back",
        "button button-secondary player-back",
        act(() => (index ? back(index - 1) : null)),
      ),
    );
    row.querySelector(".player-back").disabled = index === 0;
    controls.append(row);
    const nextLabel = index + 1 < steps.length ? "Next exercise" : "Finish";
    const next = button(
      nextLabel,
      "button player-next",
      act(() => show(index + 1)),
    );
    step.querySelector(".exercise-feedback").append(next);
    step.querySelector(".logged-dose").before(controls);
    step.querySelector("legend").tabIndex = -1;
    step.querySelector(".exercise-feedback legend").tabIndex = -1;
  });
  summary.querySelector("h2").tabIndex = -1;
  summary.prepend(
    button(
      "Back",
      "button button-secondary player-back",
      act(() => back(steps.length - 1)),
    ),
  );
  form.addEventListener("change", remember);
  form.addEventListener("input", remember);
  // Hidden, the page may not run at all: back in view, the timer shows where it is at once.
  document.addEventListener("visibilitychange", () => {
    if (document.hidden || !timer) return;
    tick();
    if (timer && timer.pausedAt === null) keepAwake(true);
  });

  form.classList.add("player-on");
  forgetOtherDays();
  const kept = keptSession();
  if (!kept) {
    show(0);
    return;
  }
  fill(kept.values);
  const note = make("p", "player-restored", "Picked up where you left off. ");
  note.setAttribute("role", "status");
  note.append(button("Start over", "link-button", startOver));
  form.prepend(note);
  show(kept.current, kept.phase);
  if (kept.timer) runTimer(steps[kept.current], kept.timer);
  document.body.dataset.unsaved = "true";
})();
