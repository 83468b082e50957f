// The entries made without signal (static/js/offline.js) as data, with no page, storage or
// network in it, so that Node's test runner checks it too (tests/js/queue.test.js).
//
// An entry is filed under its submission id, which the server stores once, and its owner (the
// key of the person who made it). It waits to be sent until the server has it, or until the
// server answers with a clash (`conflicts`: region → the score saved elsewhere meanwhile and
// theirs) or a reason it can't be stored (`refused`): those wait for the person instead.
const Queue = (() => {
  const isWaiting = (entry) => !entry.conflicts && !entry.refused;

  const ownedBy = (entries, owner) => entries.filter((entry) => entry.owner === owner);

  // What a page of `owner` sends: their entries still waiting; nothing on a page of nobody ("").
  const toSend = (entries, owner) => (owner ? ownedBy(entries, owner).filter(isWaiting) : []);

  // Entries kept before they named their owner were made by whoever was logged in then: most
  // likely the person whose page opens next. They come back named, to be kept again.
  const claimed = (entries, owner) =>
    entries.filter((entry) => entry.owner === undefined).map((entry) => ({ ...entry, owner }));

  // What POST /today/queued answering `status` means for the entry sent: "drop" it (stored),
  // "mark" it with the answer (a clash, or why it can't be stored) so that it waits no more, or
  // "stop" sending: logged out, someone else logged in, or a stale page, and the rest wait for
  // their owner too.
  function afterSend(status) {
    if (status === 200) return "drop";
    return status === 409 || status === 422 ? "mark" : "stop";
  }

  // The entry as kept after an answer to "mark" it: 409's body names the clashes, 422's the reason.
  const marked = (entry, status, body) =>
    status === 409 ? { ...entry, conflicts: body.conflicts } : { ...entry, refused: body.detail };

  // The day on the phone's own calendar, as the server writes days.
  function localDay(date) {
    const pad = (number) => String(number).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }

  // The status line of a person's entries: how many wait to be sent and which couldn't be
  // stored, and why; "" when there is nothing to say.
  function statusText(entries) {
    const waiting = entries.filter(isWaiting).length;
    const lines = [];
    if (waiting) lines.push(`${waiting} ${waiting === 1 ? "entry" : "entries"} waiting to send.`);
    for (const entry of entries.filter((each) => each.refused)) {
      lines.push(`An entry of ${entry.day} couldn't be stored: ${entry.refused}`);
    }
    return lines.join(" ");
  }

  const scoreText = (score) => (score === null ? "not rated" : String(score));

  // Every clash of the entries, as the page offers it: its entry and region, a title naming
  // the region and the day ("today" for `today`), both scores, and what each choice says.
  function clashes(entries, today) {
    return entries.flatMap((entry) =>
      Object.entries(entry.conflicts || {}).map(([region, clash]) => ({
        submissionId: entry.submission_id,
        region,
        title: `${entry.labels?.[region] || region}, ${entry.day === today ? "today" : entry.day}`,
        both: `Saved elsewhere: ${scoreText(clash.saved)} · Yours (offline): ${scoreText(clash.yours)}`,
        keep: {
          saved: `Keep ${scoreText(clash.saved)} (saved elsewhere)`,
          yours: `Keep ${scoreText(clash.yours)} (yours)`,
        },
      })),
    );
  }

  // Choosing the score to keep ("saved" or "yours") for a region of an entry's clashes: the
  // entry `left` with its other clashes (null when none is left), and for "yours" a check-in
  // to `resend` under `fresh` (a new submission id and the owner) with the score it was chosen
  // over, so that a third change in between is asked about again rather than overwritten. Null
  // when the entry has no such clash (any more).
  function resolveClash(entry, region, kept, fresh) {
    const clash = entry?.conflicts?.[region];
    if (!clash) return null;
    const unresolved = { ...entry.conflicts };
    delete unresolved[region];
    const resend = {
      ...fresh,
      kind: "checkin",
      day: entry.day,
      scores: { [region]: clash.yours },
      seen: { [region]: clash.saved },
      labels: entry.labels,
    };
    return {
      left: Object.keys(unresolved).length ? { ...entry, conflicts: unresolved } : null,
      resend: kept === "yours" ? resend : null,
    };
  }

  // What logging out with `entries` still waiting says, and the choices it offers ("send",
  // "keep", "discard", "stay" logged in): sending is offered online, and only once.
  function logoutQuestion(entries, triedToSend, online) {
    const count = entries.length;
    const waiting =
      count === 1
        ? "1 entry you made without signal isn't"
        : `${count} entries you made without signal aren't`;
    const text = [`${waiting} in your account yet.`];
    if (triedToSend) {
      text.push(
        entries.some((entry) => entry.conflicts)
          ? "A score was saved elsewhere meanwhile: stay logged in to choose which to keep."
          : "They couldn't be sent just now.",
      );
    }
    const choices = {
      send: "Send them now",
      keep: "Keep them on this phone until I log in again",
      discard: "Discard them",
      stay: "Stay logged in",
    };
    if (triedToSend || !online) delete choices.send;
    return { text, choices };
  }

  return {
    ownedBy,
    toSend,
    claimed,
    afterSend,
    marked,
    localDay,
    statusText,
    clashes,
    resolveClash,
    logoutQuestion,
  };
})();

if (typeof module !== "undefined") module.exports = Queue;
