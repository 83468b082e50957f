// Check-ins without signal. Today leaves the regions and routines it shows on the phone
// (IndexedDB, nothing else), filed under the person: the opaque key each page names in
// data-offline-owner (webapp.offline_owner; "" when no client is logged in). Without a
// connection the service worker serves a page this script fills for the last person whose page
// was opened, and what is tapped there waits under their key. Back online, a page of that
// person, and only theirs, sends each entry once (its submission id) to /today/queued, which
// checks the key too. Nobody else on the phone sees the entries, and only their owner drops
// them. Pages work without this file.
const DATABASE = "selfcare";
const QUEUE_URL = "/today/queued";

let connection;

function openDatabase() {
  connection ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 2);
    request.onupgradeneeded = (event) => {
      const database = request.result;
      if (event.oldVersion < 1) {
        database.createObjectStore("shell");
        database.createObjectStore("queue", { keyPath: "submission_id" });
      } else {
        // Version 1 kept one shell for whoever was logged in: now each is under its person.
        request.transaction.objectStore("shell").delete("today");
      }
      // Whose page was opened last: the page served without signal is theirs.
      database.createObjectStore("signed-in");
    };
    request.onsuccess = () => {
      // A newer version of this script, open in another tab, can upgrade the database.
      request.result.onversionchange = () => {
        request.result.close();
        connection = undefined;
      };
      resolve(request.result);
    };
    request.onerror = () => {
      connection = undefined;
      reject(request.error);
    };
  });
  return connection;
}

async function withStore(name, mode, work) {
  const database = await openDatabase();
  return new Promise((resolve, reject) => {
    const transaction = database.transaction(name, mode);
    const request = work(transaction.objectStore(name));
    transaction.oncomplete = () => resolve(request ? request.result : undefined);
    transaction.onerror = () => reject(transaction.error);
  });
}

const allQueued = () => withStore("queue", "readonly", (store) => store.getAll());
const queuedFor = async (owner) => (await allQueued()).filter((entry) => entry.owner === owner);
const keep = (entry) => withStore("queue", "readwrite", (store) => store.put(entry));
const isWaiting = (entry) => !entry.conflicts && !entry.refused;
const signedIn = () => withStore("signed-in", "readonly", (store) => store.get("owner"));
const noteSignedIn = (owner) =>
  withStore("signed-in", "readwrite", (store) => store.put(owner, "owner"));

// Entries kept before they named their owner were made by whoever was logged in then: most
// likely the person whose page opens next.
async function claimUnowned(owner) {
  for (const entry of await allQueued()) {
    if (entry.owner === undefined) await keep({ ...entry, owner });
  }
}

function localDay() {
  const now = new Date();
  const pad = (number) => String(number).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const scoreText = (score) => (score === null ? "not rated" : String(score));

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

async function showQueue(owner) {
  const status = document.getElementById("queue-status");
  if (!status) return;
  const entries = await queuedFor(owner);
  const waiting = entries.filter(isWaiting).length;
  const lines = [];
  if (waiting) lines.push(`${waiting} ${waiting === 1 ? "entry" : "entries"} waiting to send.`);
  for (const entry of entries.filter((each) => each.refused)) {
    lines.push(`An entry of ${entry.day} couldn't be stored: ${entry.refused}`);
  }
  status.textContent = lines.join(" ");
  status.hidden = lines.length === 0;
  showClashes(
    owner,
    entries.filter((each) => each.conflicts),
    status,
  );
}

// A score entered offline that someone saved differently meanwhile: both are shown, and the
// person keeps one. Theirs goes back to the server with the score it was chosen over, so a
// third change in between is asked about again rather than overwritten.
function showClashes(owner, entries, status) {
  document.getElementById("offline-clashes")?.remove();
  if (!entries.length) return;
  const section = element("section", "card offline-clashes");
  section.id = "offline-clashes";
  section.setAttribute("aria-labelledby", "offline-clashes-heading");
  const heading = element("h2", "", "Saved elsewhere while you were offline");
  heading.id = "offline-clashes-heading";
  section.append(
    heading,
    element("p", "", "Choose which score to keep. Until you do, nothing is lost."),
  );
  for (const entry of entries) {
    for (const [region, clash] of Object.entries(entry.conflicts)) {
      const label = entry.labels?.[region] || region;
      const day = entry.day === localDay() ? "today" : entry.day;
      const choices = element("div", "actions");
      const options = [
        ["saved", `Keep ${scoreText(clash.saved)} (saved elsewhere)`, "button button-secondary"],
        ["yours", `Keep ${scoreText(clash.yours)} (yours)`, "button"],
      ];
      for (const [kept, text, className] of options) {
        const button = element("button", className, text);
        button.type = "button";
        button.append(element("span", "visually-hidden", `: ${label}, ${day}`));
        button.addEventListener("click", () => choose(owner, entry.submission_id, region, kept));
        choices.append(button);
      }
      const item = element("div", "clash");
      const both = `Saved elsewhere: ${scoreText(clash.saved)} · Yours (offline): ${scoreText(clash.yours)}`;
      item.append(element("h3", "", `${label}, ${day}`), element("p", "", both), choices);
      section.append(item);
    }
  }
  status.after(section);
}

// The entry is read again: another choice may have changed it since its buttons were drawn.
async function choose(owner, submissionId, region, kept) {
  await withStore("queue", "readwrite", (store) => {
    const read = store.get(submissionId);
    read.onsuccess = () => {
      const entry = read.result;
      const clash = entry?.conflicts?.[region];
      if (!clash) return;
      if (kept === "yours") {
        store.put({
          submission_id: crypto.randomUUID(),
          owner,
          kind: "checkin",
          day: entry.day,
          scores: { [region]: clash.yours },
          seen: { [region]: clash.saved },
          labels: entry.labels,
        });
      }
      const unresolved = { ...entry.conflicts };
      delete unresolved[region];
      if (Object.keys(unresolved).length) store.put({ ...entry, conflicts: unresolved });
      else store.delete(submissionId);
    };
  });
  sendAndShow(owner);
}

async function pageToken() {
  const field = document.querySelector("input[name=csrf_token]");
  if (field) return field.value;
  // The offline page has no form token of its own: Today, fetched now, has one.
  try {
    const today = await (await fetch("/today", { credentials: "same-origin" })).text();
    return today.match(/name="csrf_token"[^>]*value="([^"]+)"/)?.[1];
  } catch {
    return undefined;
  }
}

async function sendQueued(owner) {
  const waiting = owner ? (await queuedFor(owner)).filter(isWaiting) : [];
  const token = waiting.length && navigator.onLine ? await pageToken() : undefined;
  if (!token) return 0;
  let sent = 0;
  for (const entry of waiting) {
    let response;
    try {
      response = await fetch(QUEUE_URL, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual", // to the log-in page: not stored
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(entry),
      });
    } catch {
      break; // still offline after all: try again later
    }
    if (response.status === 200) {
      await withStore("queue", "readwrite", (store) => store.delete(entry.submission_id));
      sent += 1;
    } else if (response.status === 409) {
      await keep({ ...entry, conflicts: (await response.json()).conflicts });
    } else if (response.status === 422) {
      await keep({ ...entry, refused: (await response.json()).detail });
    } else {
      break; // logged out, someone else logged in, or a stale page: they wait for their owner
    }
  }
  return sent;
}

// Send what waits and show what is left; Today reloads to show what was stored.
async function sendAndShow(owner) {
  if ((await sendQueued(owner)) && document.getElementById("offline-shell")) {
    window.location.reload();
    return;
  }
  showQueue(owner);
}

function scaleRow(region) {
  const fieldset = element("fieldset", "scale");
  const row = element("div", "scale-row");
  for (let score = 0; score <= 10; score += 1) {
    const label = element("label", "scale-option");
    const input = element("input", "scale-input");
    Object.assign(input, { type: "radio", name: region.key, value: String(score) });
    label.append(input, element("span", "", String(score)));
    row.append(label);
  }
  fieldset.append(element("legend", "", region.label), row);
  return fieldset;
}

// The page the service worker serves for Today without signal.
async function onOfflineToday() {
  const owner = await signedIn();
  const shell = owner && (await withStore("shell", "readonly", (store) => store.get(owner)));
  const form = document.getElementById("offline-checkin");
  const routines = document.getElementById("offline-routines");
  if (!shell) {
    form.textContent = "Open Today once with a connection, and it will work here without one.";
    return;
  }
  const labels = Object.fromEntries(shell.regions.map((region) => [region.key, region.label]));
  for (const region of shell.regions) form.append(scaleRow(region));
  form.append(element("button", "button button-block", "Save check-in"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const scores = {};
    new FormData(form).forEach((value, key) => {
      scores[key] = Number(value);
    });
    if (!Object.keys(scores).length) return;
    const day = localDay();
    await keep({ submission_id: crypto.randomUUID(), owner, kind: "checkin", day, scores, labels });
    form.reset();
    showQueue(owner);
  });
  for (const routine of shell.routines) {
    const button = element("button", "button", `Done today: ${routine.name}`);
    button.type = "button";
    button.addEventListener("click", async () => {
      const day = localDay();
      await keep({
        submission_id: crypto.randomUUID(),
        owner,
        kind: "routine",
        day,
        routine_id: routine.id,
      });
      button.textContent = `Waiting to send: ${routine.name}`;
      showQueue(owner);
    });
    routines.append(button);
  }
  showQueue(owner);
  window.addEventListener("online", () => sendAndShow(owner));
}

// What to do with the entries still waiting: "send", "keep", "discard", or "stay" logged in.
function askAboutEntries(entries, triedToSend) {
  return new Promise((resolve) => {
    const dialog = element("dialog", "card offline-logout");
    dialog.setAttribute("aria-labelledby", "offline-logout-heading");
    const heading = element("h2", "", "Before you log out");
    heading.id = "offline-logout-heading";
    const count = entries.length;
    const waiting =
      count === 1
        ? "1 entry you made without signal isn't"
        : `${count} entries you made without signal aren't`;
    dialog.append(heading, element("p", "", `${waiting} in your account yet.`));
    if (triedToSend) {
      dialog.append(
        element(
          "p",
          "",
          entries.some((entry) => entry.conflicts)
            ? "A score was saved elsewhere meanwhile: stay logged in to choose which to keep."
            : "They couldn't be sent just now.",
        ),
      );
    }
    const choices = element("div", "actions");
    const options = [
      ["send", "Send them now", "button"],
      ["keep", "Keep them on this phone until I log in again", "button button-secondary"],
      ["discard", "Discard them", "button button-danger"],
      ["stay", "Stay logged in", "button button-secondary"],
    ];
    for (const [choice, text, className] of options) {
      if (choice === "send" && (triedToSend || !navigator.onLine)) continue;
      const button = element("button", className, text);
      button.type = "button";
      button.addEventListener("click", () => dialog.close(choice));
      choices.append(button);
    }
    dialog.append(choices);
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(dialog.returnValue || "stay"); // Escape
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

// Logging out asks about this person's entries still waiting. While the phone holds anyone's,
// the browser is told to keep the site's storage (auth.views.logout).
async function onLogout(event, owner) {
  const form = event.currentTarget;
  event.preventDefault();
  let keepStorage = true; // unless the phone is known to hold no entries
  try {
    let entries = await queuedFor(owner);
    let triedToSend = false;
    while (entries.length) {
      const choice = await askAboutEntries(entries, triedToSend);
      if (choice === "stay") return;
      if (choice === "keep") break;
      if (choice === "discard") {
        const ids = entries.map((entry) => entry.submission_id);
        await withStore("queue", "readwrite", (store) => {
          for (const id of ids) store.delete(id);
        });
        break;
      }
      await sendQueued(owner);
      entries = await queuedFor(owner);
      triedToSend = true;
    }
    await withStore("shell", "readwrite", (store) => store.delete(owner));
    keepStorage = (await allQueued()).length > 0;
  } catch {
    // The phone's storage can't be read: whatever it holds stays.
  }
  if (keepStorage) {
    const field = Object.assign(element("input"), { type: "hidden", name: "keep_offline_entries" });
    field.value = "yes";
    form.append(field);
  }
  form.submit();
}

document.addEventListener("DOMContentLoaded", async () => {
  if (!("indexedDB" in window)) return;
  if (document.body.dataset.offlineToday) {
    onOfflineToday();
    return;
  }
  const owner = document.body.dataset.offlineOwner;
  if (owner === undefined) return; // a page that doesn't know who is logged in
  document
    .querySelector("form[action$='/logout']")
    ?.addEventListener("submit", (event) => onLogout(event, owner));
  await noteSignedIn(owner);
  if (owner) await claimUnowned(owner);
  const shell = document.getElementById("offline-shell");
  if (shell) {
    const kept = JSON.parse(shell.dataset.shell);
    await withStore("shell", "readwrite", (store) => store.put(kept, owner));
  }
  sendAndShow(owner);
  window.addEventListener("online", () => sendAndShow(owner));
});
