// An open page follows what changes while someone looks at it. While the tab
// is visible, one timer asks the sync feed (GET /api/v1/sync?cursor=) what
// changed since the last look, with If-None-Match, so a quiet minute costs a
// 304 and no body. What the partner took back leaves its place with a gentle
// line; what they shared or changed is offered with a calm "Show it"; the
// unread count beside Today follows too. Hidden tabs ask nothing; failures
// wait longer each time.
//
// Places follow partners/stream.py's scheme: `#trigger-<id>`, `#boundary-<id>`,
// `#self-care-<id>` on /partner, `#checkin-<id>` on /today.
//
// Every page of changes read is also applied to this device's offline copy
// (lib/offline.js), whose cursor is the one the feed is read from: one tab at a
// time reads it (a Web Lock) and tells the others what it read, so each open
// page follows every change. Back online after a time offline, the feed is
// read at once: its deletions reach the copy before the copy answers again.

import { ApiError, PARTNER_GONE_EVENT, api } from "./api.js";
import { announce, focusOn, h } from "./dom.js";
import { hasBadge, showUnread } from "./inbox.js";
import * as offline from "./offline.js";

const INTERVAL_MS = 25_000;
const LONGEST_WAIT_MS = 5 * 60_000;
// A change that arrives with more after it is read at once, but never endlessly.
const PAGES_AT_ONCE = 10;
const PAGE_SIZE = 500;
const CURSOR_KEY = "attune.follow.cursor";
const LOCK_NAME = "attune-sync";
const CHANNEL_NAME = "attune-sync";
const PARTNER_PREFIX = "partner_";
// Which page shows each kind of the partner's items (Today lists them all as news).
const PAGE_OF = {
  partner_trigger: "/partner",
  partner_boundary: "/partner",
  partner_self_care: "/partner",
  partner_checkin: "/today",
};

// Where question threads are read and carried on (partners/stream.py's scheme).
const THREADS_PAGE = "/partner";

const refreshers = [];

/**
 * Let this page follow what is new by itself: `refresh(changes)` is called
 * (instead of reloading the page) when someone presses "Show it". It may
 * return a promise; the notice waits for it.
 */
export function onFollow(refresh) {
  refreshers.push(refresh);
}

/** How long to wait between looks: a test may ask for less (`window.attuneFollowInterval`). */
function interval() {
  const asked = Number(window.attuneFollowInterval || document.body.dataset.followInterval);
  return asked > 0 ? asked : INTERVAL_MS;
}

/** The anchor of a partner item on its page: `partner_self_care` → `self-care-<id>`. */
export function placeOf(type, id) {
  return `${type.slice(PARTNER_PREFIX.length).replaceAll("_", "-")}-${id}`;
}

/** When what the partner shows of an item last became new: shared, or changed. */
function newestMoment(data) {
  const moments = ["shared_at", "updated_at", "created_at"]
    .map((name) => Date.parse(data?.[name] || ""))
    .filter((moment) => !Number.isNaN(moment));
  return moments.length ? Math.max(...moments) : 0;
}

/** The line left in a vanished item's place, and what is said aloud once for all of them. */
function goneWords(pair, count) {
  const several = count > 1;
  if (!pair) {
    const line = "This is no longer shared with you.";
    return [line, several ? `${count} things are no longer shared with you.` : line];
  }
  // Whether they took it back or paused, the partner stopped sharing it (my own
  // pause hides only my items from them, never theirs from me).
  const name = pair.partner.display_name;
  const line = `${name} stopped sharing this.`;
  return [line, several ? `${name} stopped sharing ${count} things.` : line];
}

/**
 * Where the feed was last read to. With an offline copy on this device, the
 * copy's own cursor (shared by every tab); without one (some private modes),
 * this tab's.
 */
class TabCursor {
  constructor(userId) {
    this.key = `${CURSOR_KEY}.${userId}`;
  }

  async read() {
    return sessionStorage.getItem(this.key);
  }

  async restart() {
    sessionStorage.removeItem(this.key);
  }

  async apply(changes, cursor) {
    sessionStorage.setItem(this.key, cursor);
  }
}

class CopyCursor {
  constructor(userId) {
    this.userId = userId;
  }

  async read() {
    return offline.ownedBy(this.userId);
  }

  async restart() {
    await offline.restart();
  }

  async apply(changes, cursor, complete) {
    await offline.applyPage(changes, cursor, { complete });
  }
}

/** Run `work` while no tab of this device reads the feed (wiping the copy waits for a read). */
export function alone(work) {
  if (navigator.locks?.request) return navigator.locks.request(LOCK_NAME, work);
  return work();
}

class Follower {
  constructor({ since, userId, store }) {
    this.since = since;
    this.store = store;
    this.channel = "BroadcastChannel" in window ? new BroadcastChannel(CHANNEL_NAME) : null;
    // The ETag of the last answer, for the cursor it answered.
    this.etag = null;
    this.etagFor = null;
    this.timer = null;
    this.wait = interval();
    this.busy = false;
    this.stopped = false;
    this.lastLook = 0;
    this.pending = [];
    this.notice = null;
  }

  start() {
    document.addEventListener("visibilitychange", () => this.onVisibility());
    document.addEventListener(PARTNER_GONE_EVENT, () => this.lookNow());
    // Back online: read the feed at once (the copy waits for it), not after a long backoff.
    window.addEventListener("online", () => this.backOnline());
    document.addEventListener(offline.BACK_ONLINE_EVENT, () => this.backOnline());
    // What another tab read is followed here too.
    this.channel?.addEventListener("message", (event) => {
      if (Array.isArray(event.data?.changes) && event.data.changes.length) this.follow(event.data.changes);
    });
    this.lookNow();
  }

  onVisibility() {
    if (document.visibilityState === "visible") {
      // Back from another tab: look at once, unless that just happened.
      if (Date.now() - this.lastLook > 2000) this.lookNow();
      else this.schedule();
    } else {
      this.clear();
    }
  }

  backOnline() {
    this.wait = interval();
    this.lookNow();
  }

  clear() {
    clearTimeout(this.timer);
    this.timer = null;
  }

  schedule() {
    this.clear();
    if (this.stopped || document.visibilityState !== "visible") return;
    this.timer = setTimeout(() => this.lookNow(), this.wait);
  }

  async lookNow() {
    this.clear();
    if (this.busy || this.stopped || document.visibilityState !== "visible") return;
    this.busy = true;
    this.lastLook = Date.now();
    try {
      await this.look();
      this.wait = interval();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        // Signed out elsewhere: the next action on the page says so.
        this.stopped = true;
        return;
      }
      this.wait = Math.min(this.wait * 2, LONGEST_WAIT_MS);
    } finally {
      this.busy = false;
      this.schedule();
    }
  }

  /** Read the feed from the cursor until it has nothing more, then act on what changed. */
  async look() {
    const changes = await alone(() => this.read());
    if (!changes.length) return;
    this.channel?.postMessage({ changes });
    await this.follow(changes);
  }

  /** Each page read is applied to the copy before the next is asked for. */
  async read() {
    const changes = [];
    let cursor = await this.store.read();
    for (let read = 0; read < PAGES_AT_ONCE; read += 1) {
      const query = `sync?page_size=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      let answer;
      try {
        answer = await api.conditional(query, this.etagFor === cursor ? this.etag : null);
      } catch (error) {
        if (error instanceof ApiError && error.has("resync_required")) {
          // Older than the feed keeps: forget the copy, start again from the whole current state.
          await this.store.restart();
          cursor = null;
          this.etag = null;
          continue;
        }
        throw error;
      }
      if (answer.status === 304) {
        await this.store.apply([], cursor, true);
        break;
      }
      const complete = !answer.body.has_more;
      await this.store.apply(answer.body.changes, answer.body.cursor, complete);
      changes.push(...answer.body.changes);
      cursor = answer.body.cursor;
      // An ETag answers one address: it is kept only for the next look at this cursor.
      this.etag = complete ? answer.etag : null;
      this.etagFor = cursor;
      if (complete) break;
    }
    return changes;
  }

  async follow(changes) {
    const theirs = changes.filter((change) => change.type in PAGE_OF);
    const gone = theirs.filter((change) => change.op === "delete"
      && document.getElementById(placeOf(change.type, change.id)));
    const news = theirs.filter((change) => change.op === "upsert" && newestMoment(change.data) > this.since);
    const talk = changes.filter((change) => this.saidMore(change));
    if (gone.length) await this.leave(gone);
    if (news.length || talk.length) this.offer([...news, ...talk]);
    if (hasBadge()) {
      try {
        showUnread((await api.get("me")).unread_count);
      } catch {
        // The badge stays as it was until the next look.
      }
    }
  }

  /** Each vanished item leaves its place with a gentle line, heard once. */
  async leave(gone) {
    const pair = await api.maybe("partnership");
    const [line, heard] = goneWords(pair, gone.length);
    for (const change of gone) {
      const place = document.getElementById(placeOf(change.type, change.id));
      if (!place) continue;
      const hadFocus = place.contains(document.activeElement);
      const replacement = h(place.tagName.toLowerCase(), { id: place.id, class: "follow-gone" },
        h("p", { class: "muted" }, line));
      place.replaceWith(replacement);
      if (hadFocus) focusOn(replacement);
    }
    announce(heard);
  }

  /**
   * A question thread on the partner page with more to it than the page shows
   * (an answer or a reply from the other side), or a new question about my item.
   */
  saidMore(change) {
    if (change.type !== "question" || change.op !== "upsert" || window.location.pathname !== THREADS_PAGE) {
      return false;
    }
    const place = document.getElementById(`question-${change.id}`);
    if (!place) return Date.parse(change.data?.created_at || "") > this.since;
    const turns = 1 + (change.data?.answer ? 1 : 0) + (change.data?.reply_count || 0);
    return place.querySelectorAll(".turn").length < turns;
  }

  /** Something new on this page's side: a calm notice offers it. */
  offer(news) {
    const here = window.location.pathname;
    const relevant = news.filter((change) => here === "/today" || (PAGE_OF[change.type] || THREADS_PAGE) === here);
    if (!relevant.length) return;
    this.pending.push(...relevant);
    const text = this.pending.every((change) => change.type === "question")
      ? "There is something new in a conversation."
      : "Something new was shared with you.";
    if (this.notice?.isConnected) return;
    const button = h("button", { type: "button", class: "button-quiet" }, "Show it");
    this.notice = h("div", { class: "notice notice-calm follow-notice", "data-follow-notice": "" },
      h("p", {}, text, " ", button));
    button.addEventListener("click", () => this.show());
    const heading = document.querySelector("#main h1");
    if (heading) heading.after(this.notice);
    else document.getElementById("main")?.prepend(this.notice);
    announce(text);
  }

  async show() {
    const changes = this.pending;
    this.pending = [];
    this.since = Date.now();
    if (!refreshers.length) {
      window.location.reload();
      return;
    }
    const notice = this.notice;
    notice.querySelector("button").disabled = true;
    try {
      for (const refresh of refreshers) await refresh(changes);
      notice.remove();
      focusOn(document.querySelector("#main h1"));
    } catch {
      window.location.reload();
    }
  }
}

let follower = null;

/**
 * Follow changes on this page from now on. `since` is when the page began to
 * read what it shows: anything shared or changed after it is news.
 */
export async function startFollowing({ since, userId }) {
  if (follower || !userId) return;
  const store = await offline.available() ? new CopyCursor(userId) : new TabCursor(userId);
  if (follower) return;
  follower = new Follower({ since, userId, store });
  follower.start();
}

/** Stop following for good on this page (the device is being wiped). */
export function stopFollowing() {
  if (!follower) return;
  follower.stopped = true;
  follower.clear();
  follower.channel?.close();
  follower.channel = null;
}
