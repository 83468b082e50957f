// Small progressive enhancements; every page works without this file.
// The service worker keeps static files and an offline page (selfcare/webapp.py).

// The scripts' sentences, in the page's language: the server writes them into every page
// (selfcare/js_strings.py), and the scripts keep none of their own. say("key", { count: 3 })
// fills in each %(name)s (numbers as the page's language writes them) and, where the sentence
// has plural forms, picks the one for `count`.
const say = (() => {
  let strings = null;
  const language = () => document.documentElement.lang || "en";
  const shown = (value) =>
    typeof value === "number" ? value.toLocaleString(language()) : String(value);
  return (key, values = {}) => {
    strings ??= JSON.parse(document.getElementById("js-strings")?.textContent || "{}");
    let text = strings[key] ?? key;
    if (typeof text === "object") {
      text = text[new Intl.PluralRules(language()).select(values.count)] ?? text.other;
    }
    return text.replace(/%\((\w+)\)s/g, (_, name) => shown(values[name]));
  };
})();

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}

// Where the browser offers to install the app, Today shows a button for it.
let installPrompt = null;
window.addEventListener("beforeinstallprompt", (event) => {
  event.preventDefault();
  installPrompt = event;
  const button = document.getElementById("install-app");
  if (button) button.hidden = false;
});

document.addEventListener("DOMContentLoaded", () => {
  // Pre-select the browser's time zone on forms that ask for one, unless the user already chose.
  // Without this script (or a zone the browser can't tell), the person chooses from the list.
  const detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zone = ["Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal"].includes(detected) ? "UTC" : detected;
  document.querySelectorAll(".js-browser-timezone select").forEach((select) => {
    if (
      zone &&
      ["", "UTC"].includes(select.value) &&
      [...select.options].some((o) => o.value === zone)
    ) {
      select.value = zone;
    }
  });

  // Ask before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  document.querySelectorAll("button[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });

  // Count characters where a field has a limit: the server refuses longer text (and says so),
  // and nothing cuts a paste short without a word.
  document.querySelectorAll("[data-limit]").forEach((field) => {
    const limit = Number(field.dataset.limit);
    const counter = document.createElement("p");
    counter.className = "hint counter";
    counter.id = `${field.id}-count`;
    field.insertAdjacentElement("afterend", counter);
    const describedBy = field.getAttribute("aria-describedby");
    field.setAttribute(
      "aria-describedby",
      describedBy ? `${describedBy} ${counter.id}` : counter.id,
    );
    const update = () => {
      const over = field.value.length - limit;
      const count = field.value.length;
      counter.textContent =
        over > 0 ? say("counter_over", { count, limit, over }) : say("counter", { count, limit });
      counter.classList.toggle("counter-over", over > 0);
    };
    field.addEventListener("input", update);
    update();
  });

  // Ask before leaving a page whose forms have changes that are not saved yet.
  // A page that shows what was sent and not saved (errors, a conflict, a kept draft) starts
  // out unsaved; a page's own script may mark it so too (data-unsaved on the body).
  // Sending a form saves what was typed in it, not in the others; a form with nothing to type
  // in (Log out, a lone button) saves nothing typed, so leaving by it still asks.
  const { body } = document;
  const changed = new Set();
  const markSaved = (form) => {
    changed.delete(form);
    delete body.dataset.unsaved;
  };
  document.querySelectorAll("form[method='post']").forEach((form) => {
    form.addEventListener("input", () => changed.add(form));
    form.addEventListener("change", () => changed.add(form));
    form.addEventListener("reset", () => changed.delete(form));
    if (!form.querySelector("input:not([type='hidden']), select, textarea")) return;
    form.addEventListener("submit", (event) => {
      if (!event.defaultPrevented) markSaved(form);
    });
  });
  // Buttons outside a form that belong to it (form="...") submit it too.
  document.querySelectorAll("button[form]").forEach((button) => {
    button.addEventListener("click", () => markSaved(button.form));
  });
  window.addEventListener("beforeunload", (event) => {
    if (body.dataset.unsaved === "true" || changed.size > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  const installButton = document.getElementById("install-app");
  if (installButton) {
    installButton.hidden = installPrompt === null;
    installButton.addEventListener("click", async () => {
      if (!installPrompt) return;
      installPrompt.prompt();
      await installPrompt.userChoice;
      installPrompt = null;
      installButton.hidden = true;
    });
  }
});
