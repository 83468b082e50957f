// The pages' sentences in English for the pure modules' tests, worded as selfcare/js_strings.py
// words them, and filled in as static/js/app.js's `say` fills them in.
const ENGLISH = {
  queue_waiting: {
    one: "%(count)s entry waiting to send.",
    other: "%(count)s entries waiting to send.",
  },
  queue_refused: "An entry of %(day)s couldn't be stored: %(reason)s",
  not_rated: "not rated",
  clash_title: "%(region)s, %(day)s",
  clash_title_today: "%(region)s, today",
  clash_both: "Saved elsewhere: %(saved)s · Yours (offline): %(yours)s",
  clash_keep_saved: "Keep %(score)s (saved elsewhere)",
  clash_keep_yours: "Keep %(score)s (yours)",
  logout_waiting: {
    one: "%(count)s entry you made without signal isn't in your account yet.",
    other: "%(count)s entries you made without signal aren't in your account yet.",
  },
  logout_clash: "A score was saved elsewhere meanwhile: stay logged in to choose which to keep.",
  logout_not_sent: "They couldn't be sent just now.",
  logout_send: "Send them now",
  logout_keep: "Keep them on this phone until I log in again",
  logout_discard: "Discard them",
  logout_stay: "Stay logged in",
  timer_set: "Set %(set)s of %(sets)s",
  timer_left: "left side",
  timer_right: "right side",
  timer_hold_of: "hold %(hold)s of %(holds)s",
  timer_get_ready: "get ready",
  timer_phase_get_ready: "%(phase)s: get ready",
  timer_hold: "hold",
  timer_phase_hold: "%(phase)s: hold",
  timer_paused: "Paused",
};

function say(key, values = {}) {
  let text = ENGLISH[key];
  if (text === undefined) throw new Error(`no sentence ${key}`);
  if (typeof text === "object") text = text[new Intl.PluralRules("en").select(values.count)];
  return text.replace(/%\((\w+)\)s/g, (_, name) => String(values[name]));
}

// Another language's `say`, to show that every word comes from it: "«key»", with the values.
const elsewhere = (key, values = {}) =>
  `«${key}${Object.values(values)
    .map((value) => ` ${value}`)
    .join("")}»`;

module.exports = { say, elsewhere };
