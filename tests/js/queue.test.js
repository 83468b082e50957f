// The queue of entries made without signal on its own (static/js/queue.js), with Node's test
// runner; the browser tests (tests/browser/test_offline_entries.py, test_install.py) run it
// through the phone's storage and the server.
const assert = require("node:assert/strict");
const { test } = require("node:test");
const Queue = require("../../static/js/queue.js");
const { say, elsewhere } = require("./english.js");

const checkin = (id, fields) => ({
  submission_id: id,
  owner: "ann",
  kind: "checkin",
  day: "2026-03-02",
  scores: { neck: 4 },
  labels: { neck: "Neck" },
  ...fields,
});
const clash = { neck: { saved: 6, yours: 4 } };
const ids = (entries) => entries.map((entry) => entry.submission_id);

test("a person's entries are theirs alone", () => {
  const entries = [
    checkin("a"),
    checkin("b", { owner: "bob" }),
    checkin("c", { owner: undefined }),
  ];
  assert.deepEqual(ids(Queue.ownedBy(entries, "ann")), ["a"]);
  assert.deepEqual(ids(Queue.ownedBy(entries, "bob")), ["b"]);
});

test("only the owner's entries still waiting are sent, and none on a page of nobody", () => {
  const entries = [
    checkin("a"),
    checkin("b", { conflicts: clash }),
    checkin("c", { refused: "That day is too far back." }),
    checkin("d", { owner: "bob" }),
    checkin("e"),
  ];
  assert.deepEqual(ids(Queue.toSend(entries, "ann")), ["a", "e"]);
  assert.deepEqual(ids(Queue.toSend(entries, "bob")), ["d"]);
  assert.deepEqual(Queue.toSend([checkin("f", { owner: "" })], ""), []);
});

test("entries kept before they named an owner are claimed by the next page's person", () => {
  const entries = [checkin("a", { owner: undefined }), checkin("b", { owner: "bob" })];
  assert.deepEqual(Queue.claimed(entries, "ann"), [checkin("a", { owner: "ann" })]);
  assert.equal(entries[0].owner, undefined); // claimed as copies, to be kept again
  assert.deepEqual(Queue.claimed([checkin("c"), checkin("d", { owner: "" })], "bob"), []);
});

test("an entry is dropped once stored, marked on a clash or a refusal, else sending stops", () => {
  assert.equal(Queue.afterSend(200), "drop");
  assert.equal(Queue.afterSend(409), "mark");
  assert.equal(Queue.afterSend(422), "mark");
  // 0: the redirect to the log-in page, not followed; 400: a stale page's token.
  for (const status of [0, 201, 204, 400, 403, 404, 500, 503]) {
    assert.equal(Queue.afterSend(status), "stop", String(status));
  }
});

test("a marked entry keeps the server's answer and waits no more", () => {
  const entry = checkin("a");
  const clashed = Queue.marked(entry, 409, { conflicts: clash, detail: "ignored" });
  assert.deepEqual(clashed, { ...entry, conflicts: clash });
  const refused = Queue.marked(entry, 422, { detail: "That day is too far back." });
  assert.deepEqual(refused, { ...entry, refused: "That day is too far back." });
  assert.deepEqual(Queue.toSend([entry, clashed, refused], "ann"), [entry]);
  assert.equal(entry.conflicts, undefined);
});

test("the day is the phone's own calendar day, zero-padded", () => {
  assert.equal(Queue.localDay(new Date(2026, 0, 5, 23, 59)), "2026-01-05");
  assert.equal(Queue.localDay(new Date(2025, 11, 31, 0, 0)), "2025-12-31");
});

test("the status line counts what waits and says why an entry was refused", () => {
  assert.equal(Queue.statusText([], say), "");
  assert.equal(Queue.statusText([checkin("a")], say), "1 entry waiting to send.");
  assert.equal(
    Queue.statusText(
      [
        checkin("a"),
        checkin("b", { kind: "routine" }),
        checkin("c", { conflicts: clash }),
        checkin("d", { day: "2026-02-01", refused: "That day is too far back." }),
      ],
      say,
    ),
    "2 entries waiting to send. An entry of 2026-02-01 couldn't be stored: That day is too far back.",
  );
  // A clash alone is shown as a choice, not in the line.
  assert.equal(Queue.statusText([checkin("c", { conflicts: clash })], say), "");
});

test("each clash is offered with its region's label, its day and both scores, 0 a score", () => {
  const entries = [
    checkin("a"),
    checkin("b", {
      conflicts: { neck: { saved: 6, yours: 4 }, low_back: { saved: null, yours: 2 } },
    }),
    checkin("c", { day: "2026-03-01", conflicts: { neck: { saved: 0, yours: null } } }),
  ];
  assert.deepEqual(Queue.clashes(entries, "2026-03-02", say), [
    {
      submissionId: "b",
      region: "neck",
      title: "Neck, today",
      both: "Saved elsewhere: 6 · Yours (offline): 4",
      keep: { saved: "Keep 6 (saved elsewhere)", yours: "Keep 4 (yours)" },
    },
    {
      submissionId: "b",
      region: "low_back",
      title: "low_back, today",
      both: "Saved elsewhere: not rated · Yours (offline): 2",
      keep: { saved: "Keep not rated (saved elsewhere)", yours: "Keep 2 (yours)" },
    },
    {
      submissionId: "c",
      region: "neck",
      title: "Neck, 2026-03-01",
      both: "Saved elsewhere: 0 · Yours (offline): not rated",
      keep: { saved: "Keep 0 (saved elsewhere)", yours: "Keep not rated (yours)" },
    },
  ]);
});

test("keeping the saved score drops the clash, and the entry with the last one", () => {
  const entry = checkin("a", { conflicts: { neck: clash.neck, back: { saved: 1, yours: 2 } } });
  const first = Queue.resolveClash(entry, "neck", "saved", { submission_id: "new", owner: "ann" });
  assert.deepEqual(first, {
    left: { ...entry, conflicts: { back: { saved: 1, yours: 2 } } },
    resend: null,
  });
  assert.deepEqual(Object.keys(entry.conflicts), ["neck", "back"]);
  const last = Queue.resolveClash(first.left, "back", "saved", {
    submission_id: "x",
    owner: "ann",
  });
  assert.deepEqual(last, { left: null, resend: null });
});

test("keeping yours sends it again, new, with the score it was chosen over", () => {
  const entry = checkin("a", { conflicts: clash });
  const chosen = Queue.resolveClash(entry, "neck", "yours", { submission_id: "new", owner: "ann" });
  assert.deepEqual(chosen, {
    left: null,
    resend: {
      submission_id: "new",
      owner: "ann",
      kind: "checkin",
      day: "2026-03-02",
      scores: { neck: 4 },
      seen: { neck: 6 },
      labels: { neck: "Neck" },
    },
  });
  assert.deepEqual(Queue.toSend([chosen.resend], "ann"), [chosen.resend]);
});

test("a clash already chosen, or an entry gone, changes nothing", () => {
  const fresh = { submission_id: "new", owner: "ann" };
  assert.equal(
    Queue.resolveClash(checkin("a", { conflicts: clash }), "back", "yours", fresh),
    null,
  );
  assert.equal(Queue.resolveClash(checkin("a"), "neck", "yours", fresh), null);
  assert.equal(Queue.resolveClash(undefined, "neck", "saved", fresh), null);
});

test("logging out says how many entries wait, and offers to send them once, online", () => {
  const one = Queue.logoutQuestion([checkin("a")], false, true, say);
  assert.deepEqual(one.text, ["1 entry you made without signal isn't in your account yet."]);
  assert.deepEqual(Object.keys(one.choices), ["send", "keep", "discard", "stay"]);
  const offline = Queue.logoutQuestion([checkin("a"), checkin("b")], false, false, say);
  assert.deepEqual(offline.text, ["2 entries you made without signal aren't in your account yet."]);
  assert.deepEqual(Object.keys(offline.choices), ["keep", "discard", "stay"]);
});

test("after a try to send, logging out says why they are still there", () => {
  const failed = Queue.logoutQuestion([checkin("a"), checkin("b")], true, true, say);
  assert.equal(failed.text[1], "They couldn't be sent just now.");
  assert.deepEqual(Object.keys(failed.choices), ["keep", "discard", "stay"]);
  const clashed = Queue.logoutQuestion(
    [checkin("a"), checkin("b", { conflicts: clash })],
    true,
    true,
    say,
  );
  assert.equal(
    clashed.text[1],
    "A score was saved elsewhere meanwhile: stay logged in to choose which to keep.",
  );
});

test("every word the queue shows is the page's own, in its language", () => {
  const entries = [
    checkin("a"),
    checkin("b", { conflicts: { neck: { saved: null, yours: 2 } } }),
    checkin("c", { day: "2026-03-01", refused: "Too far back." }),
  ];
  assert.equal(
    Queue.statusText(entries, elsewhere),
    "«queue_waiting 1» «queue_refused 2026-03-01 Too far back.»",
  );
  assert.deepEqual(Queue.clashes(entries, "2026-03-02", elsewhere)[0], {
    submissionId: "b",
    region: "neck",
    title: "«clash_title_today Neck»",
    both: "«clash_both «not_rated» 2»",
    keep: { saved: "«clash_keep_saved «not_rated»»", yours: "«clash_keep_yours 2»" },
  });
  const question = Queue.logoutQuestion(entries, true, true, elsewhere);
  assert.deepEqual(question.text, ["«logout_waiting 3»", "«logout_clash»"]);
  assert.deepEqual(Object.values(question.choices), [
    "«logout_keep»",
    "«logout_discard»",
    "«logout_stay»",
  ]);
});
