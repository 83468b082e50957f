// Check-ins without signal. Today leaves the regions and routines it shows on the phone
// (IndexedDB, nothing else), filed under the person: the opaque key each page names in
// data-offline-owner (webapp.offline_owner; "" when no client is logged in). Without a
// connection the service worker serves a page this script fills for the last person whose page
// was opened, and what is tapped there waits under their key. Back online, a page of that
// person, and only theirs, sends each entry once (its submission id) to /today/queued, which
// checks the key too. Nobody else on the phone sees the entries, and only their owner drops
// them. Pages work without this file. What the queue does with its entries, and what the page
// says of them, is static/js/queue.js; the sentences are the page's own (say, static/js/app.js).
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
const queuedFor = async (owner) => Queue.ownedBy(await allQueued(), owner);
const keep = (entry) => withStore("queue", "readwrite", (store) => store.put(entry));
const signedIn = () => withStore("signed-in", "readonly", (store) => store.get("owner"));
const noteSignedIn = (owner) =>
  withStore("signed-in", "readwrite", (store) => store.put(owner, "owner"));

async function claimUnowned(owner) {
  for (const entry of Queue.claimed(await allQueued(), owner)) await keep(entry);
}

const today = () => Queue.localDay(new Date());

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
  status.textContent = Queue.statusText(entries, say);
  status.hidden = !status.textContent;
  showClashes(owner, Queue.clashes(entries, today(), say), status);
}

// A score entered offline that someone saved differently meanwhile: both are shown, and the
// person keeps one. Theirs goes back to the server with the score it was chosen over, so a
// third change in between is asked about again rather than overwritten.
function showClashes(owner, clashes, status) {
  document.getElementById("offline-clashes")?.remove();
  if (!clashes.length) return;
  const section = element("section", "card offline-clashes");
  section.id = "offline-clashes";
  section.setAttribute("aria-labelledby", "offline-clashes-heading");
  const heading = element("h2", "", say("clashes_heading"));
  heading.id = "offline-clashes-heading";
  section.append(heading, element("p", "", say("clashes_intro")));
  for (const clash of clashes) {
    const choices = element("div", "actions");
    const options = [
      ["saved", "button button-secondary"],
      ["yours", "button"],
    ];
    for (const [kept, className] of options) {
      const button = element("button", className, clash.keep[kept]);
      button.type = "button";
      button.append(element("span", "visually-hidden", `: ${clash.title}`));
      button.addEventListener("click", () => choose(owner, clash.submissionId, clash.region, kept));
      choices.append(button);
    }
    const item = element("div", "clash");
    item.append(element("h3", "", clash.title), element("p", "", clash.both), choices);
    section.append(item);
  }
  status.after(section);
}

// The entry is read again: another choice may have changed it since its buttons were drawn.
async function choose(owner, submissionId, region, kept) {
  await withStore("queue", "readwrite", (store) => {
    const read = store.get(submissionId);
    read.onsuccess = () => {
      const fresh = { submission_id: crypto.randomUUID(), owner };
      const chosen = Queue.resolveClash(read.result, region, kept, fresh);
      if (!chosen) return;
      if (chosen.resend) store.put(chosen.resend);
      if (chosen.left) store.put(chosen.left);
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
  const waiting = Queue.toSend(await allQueued(), owner);
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
    const next = Queue.afterSend(response.status);
    if (next === "stop") break;
    if (next === "drop") {
      await withStore("queue", "readwrite", (store) => store.delete(entry.submission_id));
      sent += 1;
    } else {
      await keep(Queue.marked(entry, response.status, await response.json()));
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
    form.textContent = say("offline_needs_today");
    return;
  }
  const labels = Object.fromEntries(shell.regions.map((region) => [region.key, region.label]));
  for (const region of shell.regions) form.append(scaleRow(region));
  form.append(element("button", "button button-block", say("offline_save_checkin")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const scores = {};
    new FormData(form).forEach((value, key) => {
      scores[key] = Number(value);
    });
    if (!Object.keys(scores).length) return;
    const day = today();
    await keep({ submission_id: crypto.randomUUID(), owner, kind: "checkin", day, scores, labels });
    form.reset();
    showQueue(owner);
  });
  for (const routine of shell.routines) {
    const button = element(
      "button",
      "button",
      say("offline_done_today", { routine: routine.name }),
    );
    button.type = "button";
    button.addEventListener("click", async () => {
      const day = today();
      await keep({
        submission_id: crypto.randomUUID(),
        owner,
        kind: "routine",
        day,
        routine_id: routine.id,
      });
      button.textContent = say("offline_waiting", { routine: routine.name });
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
    const heading = element("h2", "", say("logout_heading"));
    heading.id = "offline-logout-heading";
    const question = Queue.logoutQuestion(entries, triedToSend, navigator.onLine, say);
    dialog.append(heading, ...question.text.map((text) => element("p", "", text)));
    const choices = element("div", "actions");
    const classes = {
      send: "button",
      keep: "button button-secondary",
      discard: "button button-danger",
      stay: "button button-secondary",
    };
    for (const [choice, text] of Object.entries(question.choices)) {
      const button = element("button", classes[choice], text);
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
