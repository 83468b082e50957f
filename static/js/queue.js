// The entries made without signal (static/js/offline.js) as data, with no page, storage or
// network in it, so that Node's test runner checks it too (tests/js/queue.test.js).
//
// An entry is filed under its submission id, which the server stores once, and its owner (the
// key of the person who made it). It waits to be sent until the server has it, or until the
// server answers with a clash (`conflicts`: region → the score saved elsewhere meanwhile and
// theirs) or a reason it can't be stored (`refused`): those wait for the person instead.
//
// What the page says of the entries is worded by `say(key, values)`, the page's sentences in its
// language (static/js/app.js); this file keeps none of its own.
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
  function statusText(entries, say) {
    const waiting = entries.filter(isWaiting).length;
    const lines = [];
    if (waiting) lines.push(say("queue_waiting", { count: waiting }));
    for (const entry of entries.filter((each) => each.refused)) {
      lines.push(say("queue_refused", { day: entry.day, reason: entry.refused }));
    }
    return lines.join(" ");
  }

  const scoreText = (score, say) => (score === null ? say("not_rated") : String(score));

  // Every clash of the entries, as the page offers it: its entry and region, a title naming
  // the region and the day ("today" for `today`), both scores, and what each choice says.
  function clashes(entries, today, say) {
    return entries.flatMap((entry) =>
      Object.entries(entry.conflicts || {}).map(([region, clash]) => {
        const label = entry.labels?.[region] || region;
        const saved = scoreText(clash.saved, say);
        const yours = scoreText(clash.yours, say);
        return {
          submissionId: entry.submission_id,
          region,
          title:
            entry.day === today
              ? say("clash_title_today", { region: label })
              : say("clash_title", { region: label, day: entry.day }),
          both: say("clash_both", { saved, yours }),
          keep: {
            saved: say("clash_keep_saved", { score: saved }),
            yours: say("clash_keep_yours", { score: yours }),
          },
        };
      }),
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
  function logoutQuestion(entries, triedToSend, online, say) {
    const text = [say("logout_waiting", { count: entries.length })];
    if (triedToSend) {
      text.push(say(entries.some((entry) => entry.conflicts) ? "logout_clash" : "logout_not_sent"));
    }
    const choices = {
      send: say("logout_send"),
      keep: say("logout_keep"),
      discard: say("logout_discard"),
      stay: say("logout_stay"),
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
