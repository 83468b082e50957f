// The guided session (templates/routines/session.html): the detailed log form shown one
// exercise at a time, with a timer for holds and timed work, then a summary and Save, which
// sends the form as it is. Without this file the page is the plain checklist.
//
// Where the person is (the exercise, every answer, the timer) is kept in this tab's
// sessionStorage under their id, the routine and the day (data-storage-key), so a reload, a tab
// switch or the phone sleeping loses nothing. It goes once the server has the log (its
// submission id is among data-saved-ids) or the person starts over. The timer's arithmetic is
// static/js/timer.js; the sentences are the page's own (say, static/js/app.js).
(() => {
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
  // The running (or paused) timer of the current step: its phases, its times (Timer.start) and
  // the phase last shown.
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
    controls.querySelector(".player-pause").textContent = say(
      state === "paused" ? "player_resume" : "player_pause",
    );
  }

  function startTimer(step) {
    checkbox(step, "done").checked = true;
    if (Timer.plan(step.dataset, say).length) {
      runTimer(step, Timer.start(Date.now()));
    } else {
      finishExercise(step);
    }
  }

  function runTimer(step, times) {
    timer = { step, phases: Timer.plan(step.dataset, say), times, phaseShown: null };
    timer.interval = setInterval(tick, TICK_MS);
    const paused = Timer.isPaused(times);
    showButtons(step, paused ? "paused" : "running");
    keepAwake(!paused);
    tick();
  }

  function tick() {
    if (!timer) return;
    const now = Timer.position(timer.phases, Timer.elapsed(timer.times, Date.now()));
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

  function render(now) {
    const controls = timer.step.querySelector(".player-controls");
    const { status, clock } = Timer.readout(timer.phases, now, Timer.isPaused(timer.times), say);
    controls.querySelector(".player-status").textContent = status;
    controls.querySelector(".player-clock").textContent = clock;
  }

  function togglePause() {
    if (!timer) return;
    timer.times = Timer.togglePause(timer.times, Date.now());
    const paused = Timer.isPaused(timer.times);
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
        const parts = [say(checkbox(step, "done").checked ? "summary_done" : "summary_skipped")];
        const pain = checkedLabel(step, "pain_during");
        const feel = checkedLabel(step, "difficulty");
        if (pain) parts.push(say("summary_pain", { score: pain }));
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
      timer: timer?.times,
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
      make(
        "p",
        "player-progress muted small",
        say("exercise_of", { number: index + 1, count: steps.length }),
      ),
      make("p", "player-status"),
    );
    const display = make("p", "player-clock");
    display.setAttribute("role", "timer");
    display.setAttribute("aria-live", "off");
    controls.append(display);
    const startLabel = say(Timer.plan(step.dataset, say).length ? "player_start" : "player_done");
    const row = make("div", "player-buttons");
    row.append(
      button(
        startLabel,
        "button player-start",
        act(() => startTimer(step)),
      ),
      button(say("player_pause"), "button button-secondary player-pause", act(togglePause)),
      button(
        say("player_skip"),
        "button button-secondary player-skip",
        act(() => skip(step)),
      ),
      button(
        say("player_back"),
        "button button-secondary player-back",
        act(() => (index ? back(index - 1) : null)),
      ),
    );
    row.querySelector(".player-back").disabled = index === 0;
    controls.append(row);
    const nextLabel = say(index + 1 < steps.length ? "player_next" : "player_finish");
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
      say("player_back"),
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
    if (timer && !Timer.isPaused(timer.times)) keepAwake(true);
  });

  form.classList.add("player-on");
  forgetOtherDays();
  const kept = keptSession();
  if (!kept) {
    show(0);
    return;
  }
  fill(kept.values);
  const note = make("p", "player-restored", say("player_restored"));
  note.setAttribute("role", "status");
  note.append(" ", button(say("player_start_over"), "link-button", startOver));
  form.prepend(note);
  show(kept.current, kept.phase);
  if (kept.timer) runTimer(steps[kept.current], kept.timer);
  document.body.dataset.unsaved = "true";
})();
