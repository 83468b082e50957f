// The guided session (templates/routines/session.html): the detailed log form shown one
// exercise at a time, with a timer for holds and timed work, then a summary and Save, which
// sends the form as it is. Without this file the page is the plain checklist.
(() => {
  const COUNTDOWN_SECONDS = 3;
  const TICK_MS = 200;

  const form = document.querySelector("form[data-player]");
  if (!form) return;
  const steps = [...form.querySelectorAll(".log-exercise")];
  const summary = form.querySelector(".player-summary");
  const summaryList = form.querySelector(".player-summary-list");
  if (!steps.length || !summary) return;

  let current = 0;
  let timer = null; // the running (or paused) timer of the current step
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
  const clock = (seconds) =>
    `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;

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
      } else if (!on && wakeLock) {
        await wakeLock.release();
        wakeLock = null;
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
    const phases = plan(step);
    checkbox(step, "done").checked = true;
    if (!phases.length) {
      finishExercise(step);
      return;
    }
    timer = { step, phases, index: 0, counting: true, left: COUNTDOWN_SECONDS * 1000 };
    timer.endsAt = Date.now() + timer.left;
    timer.interval = setInterval(tick, TICK_MS);
    showButtons(step, "running");
    keepAwake(true);
    render();
  }

  function render() {
    const controls = timer.step.querySelector(".player-controls");
    const phase = timer.phases[timer.index];
    const left = Math.max(0, Math.ceil((timer.endsAt - Date.now()) / 1000));
    const where = phase.label ? `${phase.label}: ` : "";
    controls.querySelector(".player-status").textContent = timer.counting
      ? `${where}get ready`
      : `${where}hold`;
    const display = controls.querySelector(".player-clock");
    display.textContent = timer.counting ? String(left) : clock(left);
  }

  function tick() {
    if (!timer || timer.paused) return;
    if (Date.now() < timer.endsAt) {
      render();
      return;
    }
    if (timer.counting) {
      timer.counting = false;
      timer.endsAt = Date.now() + timer.phases[timer.index].seconds * 1000;
      signal(false);
    } else if (timer.index + 1 < timer.phases.length) {
      timer.index += 1;
      timer.counting = true;
      timer.endsAt = Date.now() + COUNTDOWN_SECONDS * 1000;
      signal(false);
    } else {
      const { step } = timer;
      signal(true);
      finishExercise(step);
      return;
    }
    render();
  }

  function togglePause() {
    if (!timer) return;
    if (timer.paused) {
      timer.endsAt = Date.now() + timer.left;
      timer.paused = false;
      showButtons(timer.step, "running");
    } else {
      timer.left = timer.endsAt - Date.now();
      timer.paused = true;
      showButtons(timer.step, "paused");
      timer.step.querySelector(".player-status").textContent = "Paused";
    }
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
    return input && input.value ? input.closest("label").textContent.trim() : "";
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
      button(startLabel, "button player-start", () => startTimer(step)),
      button("Pause", "button button-secondary player-pause", togglePause),
      button("Skip", "button button-secondary player-skip", () => skip(step)),
      button("Back", "button button-secondary player-back", () => (index ? back(index - 1) : null)),
    );
    row.querySelector(".player-back").disabled = index === 0;
    controls.append(row);
    const nextLabel = index + 1 < steps.length ? "Next exercise" : "Finish";
    const next = button(nextLabel, "button player-next", () => show(index + 1));
    step.querySelector(".exercise-feedback").append(next);
    step.querySelector(".logged-dose").before(controls);
    step.querySelector("legend").tabIndex = -1;
    step.querySelector(".exercise-feedback legend").tabIndex = -1;
  });
  summary.querySelector("h2").tabIndex = -1;
  summary.prepend(
    button("Back", "button button-secondary player-back", () => back(steps.length - 1)),
  );

  form.classList.add("player-on");
  show(0);
})();
