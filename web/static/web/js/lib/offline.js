// This device's offline copy: what the signed-in person may see, kept in
// IndexedDB by replaying the sync feed (GET /api/v1/sync, read by lib/follow.js),
// so the pages they visited can still show their last synced content offline.
//
// Consent holds here as on every channel (DESIGN.md, invariant 8):
// - the copy is only ever what the feed gave: an upsert stores (type, id), a
//   deletion (revoked, paused, unpaired, deleted) forgets it at once;
// - after a time offline, nothing is answered from the copy again until the
//   feed has been read up to now (its deletions applied first);
// - one person's copy: another person signing in on the device wipes it, and
//   signing out, deleting the account or ending the partnership wipe it too.
//
// Reads the feed has no type for (me, the partnership, the schedule, the inbox,
// a thread's replies) are kept as the last answer the API gave; a thread's
// replies go with their question.

const DB_NAME = "attune-offline";
const DB_VERSION = 1;
export const OFFLINE_ANSWER_EVENT = "attune:offline-answer";
export const BACK_ONLINE_EVENT = "attune:back-online";

// The API's lists, and the sync type each is kept under.
const KINDS = {
  triggers: "trigger",
  boundaries: "boundary",
  "self-care": "self_care",
  checkins: "checkin",
};
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const ITEM_ROUTE = new RegExp(`^(partner/)?(triggers|boundaries|self-care|checkins)(?:/(${UUID}))?(/questions)?$`);
// Answers kept as they were last given (no sync type holds them).
const KEPT_ROUTES = [
  /^me$/, /^partnership$/, /^checkins\/schedule$/, /^checkins\/prompts$/, /^inbox$/,
  /^consent-log$/, /^invitations$/, new RegExp(`^questions/${UUID}/replies$`),
];
// Partner items are listed by when they were shared, everything else by creation.
const PARTNER_ORDER = ["shared_at", "id"];
const OWN_ORDER = ["created_at", "id"];

let dbPromise = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("aborted"));
  });
}

/** Whether a copy exists on this device (looking creates nothing). */
async function exists() {
  if (dbPromise) return true;
  if (!("indexedDB" in self) || !indexedDB.databases) return false;
  return (await indexedDB.databases()).some((db) => db.name === DB_NAME);
}

/**
 * The copy's database. Only the feed's reader creates it (`create`); everything
 * else uses it only when it is there, so that a signed-out page, or one just
 * wiped, never makes an empty one.
 */
async function open({ create = false } = {}) {
  if (!dbPromise && !create && !(await exists())) throw new Error("no copy on this device");
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      if (!("indexedDB" in self)) {
        reject(new Error("no IndexedDB"));
        return;
      }
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        db.createObjectStore("items", { keyPath: ["type", "id"] }).createIndex("type", "type");
        db.createObjectStore("answers");
        db.createObjectStore("meta");
      };
      req.onsuccess = () => {
        const db = req.result;
        // Another tab wiping the copy (signing out) must not wait on this one.
        db.onversionchange = () => {
          db.close();
          dbPromise = null;
        };
        resolve(db);
      };
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error("blocked"));
    });
    dbPromise.catch(() => { dbPromise = null; });
  }
  return dbPromise;
}

// The copy's state is read afresh each time: other tabs change it too.
async function readMeta({ create = false } = {}) {
  const db = await open({ create });
  const tx = db.transaction("meta");
  return (await request(tx.objectStore("meta").get("state"))) || {};
}

/** Change some of the copy's state, read and written in one transaction. */
async function writeMeta(changes) {
  const db = await open();
  const tx = db.transaction("meta", "readwrite");
  const store = tx.objectStore("meta");
  const current = (await request(store.get("state"))) || {};
  store.put({ ...current, ...changes }, "state");
  await done(tx);
}

/** Whether this browser can keep a copy at all (not in some private modes). */
export async function available() {
  try {
    await open({ create: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The copy belongs to `userId` from now on: someone else's copy on this device is
 * wiped first. Resolves to the feed cursor the copy has reached (null: start over).
 */
export async function ownedBy(userId) {
  const state = await readMeta({ create: true });
  if (state.user && state.user !== userId) await clear();
  if (state.user !== userId) await writeMeta({ user: userId, cursor: null, syncedAt: null });
  return (await readMeta()).cursor || null;
}

/** The cursor the copy has reached. */
export async function cursor() {
  return (await readMeta()).cursor || null;
}

/** Forget every item and kept answer (the person stays): the feed starts over. */
export async function restart() {
  const db = await open();
  const tx = db.transaction(["items", "answers"], "readwrite");
  tx.objectStore("items").clear();
  tx.objectStore("answers").clear();
  await done(tx);
  await writeMeta({ cursor: null, syncedAt: null });
}

async function clear() {
  await restart();
  await writeMeta({ user: null, offlineSince: null, reconnectedAt: null });
}

/**
 * One page of the feed, applied in order in one transaction: upserts stored,
 * deletions forgotten (with any kept answer about the same thing). `complete`
 * says the feed has nothing more: the copy is then up to date as of now.
 */
export async function applyPage(changes, nextCursor, { complete }) {
  const db = await open();
  const tx = db.transaction(["items", "answers"], "readwrite");
  const items = tx.objectStore("items");
  const gone = [];
  for (const change of changes) {
    if (change.op === "delete") {
      items.delete([change.type, change.id]);
      gone.push(change.id);
    } else {
      items.put({ type: change.type, id: change.id, data: change.data });
    }
  }
  if (gone.length) {
    const answers = tx.objectStore("answers");
    const keys = await request(answers.getAllKeys());
    for (const key of keys) {
      if (gone.some((id) => key.includes(id))) answers.delete(key);
    }
  }
  await done(tx);
  await writeMeta(complete ? { cursor: nextCursor, syncedAt: new Date().toISOString() } : { cursor: nextCursor });
}

/** Wipe this device's copy entirely (signing out, deleting the account, ending the partnership). */
export async function wipe() {
  if (dbPromise) {
    try {
      (await dbPromise).close();
    } catch {
      // Never opened.
    }
    dbPromise = null;
  }
  if ("indexedDB" in self) {
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(DB_NAME);
      req.onsuccess = req.onerror = req.onblocked = () => resolve();
    });
  }
  if ("caches" in self) {
    for (const name of await caches.keys()) {
      if (name.startsWith("attune-")) await caches.delete(name);
    }
  }
}

// --- Online and offline -------------------------------------------------------------

/** A request just failed for want of a network. */
export async function noteOffline() {
  try {
    const state = await readMeta();
    if (!state.offlineSince) await writeMeta({ offlineSince: new Date().toISOString() });
  } catch {
    // No copy on this device: nothing to mark.
  }
}

/**
 * A request just reached attune. After a time offline, the copy is not answered
 * from again until the feed has been read up to now (lib/follow.js is told).
 */
export async function noteOnline() {
  try {
    const state = await readMeta();
    if (!state.offlineSince) return;
    await writeMeta({ offlineSince: null, reconnectedAt: new Date().toISOString() });
    document.dispatchEvent(new CustomEvent(BACK_ONLINE_EVENT));
  } catch {
    // No copy on this device.
  }
}

/** Whether the copy may answer now: it is someone's, and caught up since the last reconnection. */
async function answerable() {
  const state = await readMeta();
  if (!state.user || !state.syncedAt) return null;
  if (state.reconnectedAt && state.reconnectedAt > state.syncedAt) return null;
  return state;
}

/** When the copy was last brought up to date, or null. */
export async function lastUpdated() {
  try {
    return (await readMeta()).syncedAt || null;
  } catch {
    return null;
  }
}

// --- Answering reads from the copy ----------------------------------------------------

function route(path) {
  const url = new URL(path.replace(/^\/?(api\/v1\/)?/, "/api/v1/"), "http://attune.invalid");
  const name = url.pathname.replace(/^\/api\/v1\//, "");
  url.searchParams.delete("page_size");
  url.searchParams.delete("cursor");
  return { name, query: url.searchParams };
}

/** The key an answer is kept under: its path and filters, not its page. */
function answerKey(path) {
  const { name, query } = route(path);
  const rest = query.toString();
  return rest ? `${name}?${rest}` : name;
}

function kept(path) {
  return KEPT_ROUTES.some((pattern) => pattern.test(route(path).name));
}

/** Keep the API's answer to a read the feed has no type for (only for those routes). */
export async function remember(path, status, body) {
  if (!kept(path) || !(status === 200 || status === 404)) return;
  try {
    // Whoever is signed in now owns the copy: another person's goes first.
    if (route(path).name === "me" && status === 200 && body?.id) await ownedBy(body.id);
    const state = await readMeta();
    if (!state.user) return;
    const db = await open();
    const tx = db.transaction("answers", "readwrite");
    tx.objectStore("answers").put({ status, body }, answerKey(path));
    await done(tx);
  } catch {
    // Not kept: offline, this read says it could not reach attune.
  }
}

async function allOf(db, type) {
  const tx = db.transaction("items");
  const rows = await request(tx.objectStore("items").index("type").getAll(type));
  return rows.map((row) => row.data);
}

function newestFirst(rows, [first, second]) {
  return rows.sort((a, b) => String(b[first]).localeCompare(String(a[first]))
    || String(b[second]).localeCompare(String(a[second])));
}

async function questionsAbout(db, about) {
  const questions = await allOf(db, "question");
  const kinds = Object.values(KINDS).filter((type) => type !== "checkin");
  const types = about === "partner" ? kinds.map((type) => `partner_${type}`) : kinds;
  const ids = new Set((await Promise.all(types.map((type) => allOf(db, type)))).flat().map((item) => item.id));
  return questions.filter((question) => ids.has(question.item_id)).map((question) => ({ ...question, about }));
}

/** What the copy holds for one read: {status, body} as the API would give, or null. */
async function fromCopy(path) {
  const db = await open();
  const { name, query } = route(path);
  if (name === "questions" && ["mine", "partner"].includes(query.get("about"))) {
    return { status: 200, rows: newestFirst(await questionsAbout(db, query.get("about")), OWN_ORDER) };
  }
  const item = ITEM_ROUTE.exec(name);
  if (item && [...query.keys()].length === 0) {
    const [, partner, kindName, id, questions] = item;
    const type = `${partner ? "partner_" : ""}${KINDS[kindName]}`;
    if (questions && id) {
      const all = await allOf(db, "question");
      return { status: 200, rows: newestFirst(all.filter((q) => q.item_id === id), OWN_ORDER) };
    }
    if (questions) return null;
    if (id) {
      const tx = db.transaction("items");
      const row = await request(tx.objectStore("items").get([type, id]));
      return row ? { status: 200, body: row.data } : { status: 404, body: null };
    }
    return { status: 200, rows: newestFirst(await allOf(db, type), partner ? PARTNER_ORDER : OWN_ORDER) };
  }
  if (!kept(path)) return null;
  const tx = db.transaction("answers");
  const answer = await request(tx.objectStore("answers").get(answerKey(path)));
  if (!answer) return null;
  return answer.body && Array.isArray(answer.body.results)
    ? { status: answer.status, rows: answer.body.results }
    : answer;
}

/**
 * The copy's answer to `path` as a page would have had it from the API:
 * {status, body} (a list as one page), or null when the copy cannot answer.
 * Each answer from the copy is told to the page (the "offline" banner).
 */
export async function answer(path, { pageSize = 50 } = {}) {
  try {
    const state = await answerable();
    if (!state) return null;
    const found = await fromCopy(path);
    if (!found) return null;
    document.dispatchEvent(new CustomEvent(OFFLINE_ANSWER_EVENT, { detail: { syncedAt: state.syncedAt } }));
    if (found.rows) return { status: 200, body: { results: found.rows.slice(0, pageSize), next: null }, rows: found.rows };
    return found;
  } catch {
    return null;
  }
}
