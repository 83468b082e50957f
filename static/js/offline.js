// Check-ins without signal. On Today the page leaves the regions and routines it shows on the
// phone (IndexedDB, nothing else); without a connection the service worker serves a page this
// script fills from them, and what is tapped there waits in a queue. Back online, each entry is
// sent once (its submission id) to /today/queued. Pages work without this file.
const DATABASE = "selfcare";
const QUEUE_URL = "/today/queued";

function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore("shell");
      request.result.createObjectStore("queue", { keyPath: "submission_id" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
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

const queued = () => withStore("queue", "readonly", (store) => store.getAll());
const keep = (entry) => withStore("queue", "readwrite", (store) => store.put(entry));
const forget = (id) => withStore("queue", "readwrite", (store) => store.delete(id));

function localDay() {
  const now = new Date();
  const pad = (number) => String(number).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

async function showQueue() {
  const status = document.getElementById("queue-status");
  if (!status) return;
  const entries = await queued();
  const waiting = entries.filter((entry) => !entry.conflicts && !entry.refused).length;
  const lines = [];
  if (waiting) lines.push(`${waiting} ${waiting === 1 ? "entry" : "entries"} waiting to send.`);
  for (const entry of entries.filter((each) => each.conflicts)) {
    for (const [region, clash] of Object.entries(entry.conflicts)) {
      lines.push(
        `${entry.labels?.[region] || region}: saved elsewhere as ${clash.saved} while you were ` +
        `offline; yours was ${clash.yours}. Open Today to choose.`,
      );
    }
  }
  for (const entry of entries.filter((each) => each.refused)) {
    lines.push(`An entry of ${entry.day} couldn't be stored: ${entry.refused}`);
  }
  status.textContent = lines.join(" ");
  status.hidden = lines.length === 0;
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

async function sendQueued() {
  const waiting = (await queued()).filter((entry) => !entry.conflicts && !entry.refused);
  const token = waiting.length && navigator.onLine ? await pageToken() : undefined;
  if (!token) return 0;
  let sent = 0;
  for (const entry of waiting) {
    let response;
    try {
      response = await fetch(QUEUE_URL, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(entry),
      });
    } catch {
      break; // still offline after all: try again later
    }
    if (response.ok) {
      await forget(entry.submission_id);
      sent += 1;
    } else if (response.status === 409) {
      await keep({ ...entry, conflicts: (await response.json()).conflicts });
    } else if (response.status === 422) {
      await keep({ ...entry, refused: (await response.json()).detail });
    } else {
      break; // logged out or the page went stale: the entries wait for the next page
    }
  }
  return sent;
}

// Today, online: keep what the offline page needs, send what waits, and put entries that
// clashed into the form for the person to choose.
async function onToday(shell) {
  await withStore("shell", "readwrite", (store) => store.put(JSON.parse(shell.dataset.shell), "today"));
  if (await sendQueued()) {
    window.location.reload();
    return;
  }
  for (const entry of (await queued()).filter((each) => each.conflicts)) {
    for (const [region, clash] of Object.entries(entry.conflicts)) {
      const choice = document.getElementById(`pain_${region}-${clash.yours}`);
      if (choice) choice.checked = true;
    }
    await forget(entry.submission_id);
    document.body.dataset.unsaved = "true";
    const status = document.getElementById("queue-status");
    status.textContent = "What you entered offline is filled in below: save to keep it.";
    status.hidden = false;
    return;
  }
  showQueue();
}

function scaleRow(region) {
  const fieldset = document.createElement("fieldset");
  fieldset.className = "scale";
  const legend = document.createElement("legend");
  legend.textContent = region.label;
  const row = document.createElement("div");
  row.className = "scale-row";
  for (let score = 0; score <= 10; score += 1) {
    const label = document.createElement("label");
    label.className = "scale-option";
    const input = document.createElement("input");
    Object.assign(input, { type: "radio", name: region.key, value: String(score) });
    input.className = "scale-input";
    const text = document.createElement("span");
    text.textContent = String(score);
    label.append(input, text);
    row.append(label);
  }
  fieldset.append(legend, row);
  return fieldset;
}

// The page the service worker serves for Today without signal.
async function onOfflineToday() {
  const shell = await withStore("shell", "readonly", (store) => store.get("today"));
  const form = document.getElementById("offline-checkin");
  const routines = document.getElementById("offline-routines");
  if (!shell) {
    form.textContent = "Open Today once with a connection, and it will work here without one.";
    return;
  }
  const labels = Object.fromEntries(shell.regions.map((region) => [region.key, region.label]));
  shell.regions.forEach((region) => form.append(scaleRow(region)));
  const save = document.createElement("button");
  save.className = "button button-block";
  save.textContent = "Save check-in";
  form.append(save);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const scores = {};
    new FormData(form).forEach((value, key) => { scores[key] = Number(value); });
    if (!Object.keys(scores).length) return;
    await keep({ submission_id: crypto.randomUUID(), kind: "checkin", day: localDay(), scores, labels });
    form.reset();
    showQueue();
  });
  for (const routine of shell.routines) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = `Done today: ${routine.name}`;
    button.addEventListener("click", async () => {
      await keep({ submission_id: crypto.randomUUID(), kind: "routine", day: localDay(), routine_id: routine.id });
      button.textContent = `Waiting to send: ${routine.name}`;
      showQueue();
    });
    routines.append(button);
  }
  showQueue();
}

document.addEventListener("DOMContentLoaded", () => {
  if (!("indexedDB" in window)) return;
  const shell = document.getElementById("offline-shell");
  if (document.body.dataset.offlineToday) onOfflineToday();
  else if (shell) onToday(shell);
  else sendQueued().then(showQueue);
  window.addEventListener("online", () => sendQueued().then(showQueue));
});
