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

import { ApiError, PARTNER_GONE_EVENT, api } from "./api.js";
import { announce, focusOn, h } from "./dom.js";
import { hasBadge, showUnread } from "./inbox.js";

const INTERVAL_MS = 25_000;
const LONGEST_WAIT_MS = 5 * 60_000;
// A change that arrives with more after it is read at once, but never endlessly.
const PAGES_AT_ONCE = 10;
const PAGE_SIZE = 500;
const CURSOR_KEY = "attune.follow.cursor";
const PARTNER_PREFIX = "partner_";
// Which page shows each kind of the partner's items (Today lists them all as news).
const PAGE_OF = {
  partner_trigger: "/partner",
  partner_boundary: "/partner",
  partner_self_care: "/partner",
  partner_checkin: "/today",
};

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
  const name = pair.partner.display_name;
  if (pair.sharing_paused) {
    const line = "Sharing is paused for now, so this is hidden.";
    return [line, several ? `Sharing is paused for now, so ${count} things are hidden.` : line];
  }
  const line = `${name} stopped sharing this.`;
  return [line, several ? `${name} stopped sharing ${count} things.` : line];
}

class Follower {
  constructor({ since, userId }) {
    this.since = since;
    this.key = `${CURSOR_KEY}.${userId}`;
    this.cursor = sessionStorage.getItem(this.key);
    this.etag = null;
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
    const changes = [];
    for (let read = 0; read < PAGES_AT_ONCE; read += 1) {
      const query = `sync?page_size=${PAGE_SIZE}${this.cursor ? `&cursor=${encodeURIComponent(this.cursor)}` : ""}`;
      let answer;
      try {
        answer = await api.conditional(query, this.etag);
      } catch (error) {
        if (error instanceof ApiError && error.has("resync_required")) {
          // Older than the feed keeps: start again from the whole current state.
          this.cursor = null;
          this.etag = null;
          continue;
        }
        throw error;
      }
      if (answer.status === 304) break;
      changes.push(...answer.body.changes);
      this.cursor = answer.body.cursor;
      sessionStorage.setItem(this.key, this.cursor);
      // An ETag answers one address: it is kept only for the next look at this cursor.
      this.etag = answer.body.has_more ? null : answer.etag;
      if (!answer.body.has_more) break;
    }
    if (changes.length) await this.follow(changes);
  }

  async follow(changes) {
    const theirs = changes.filter((change) => change.type in PAGE_OF);
    const gone = theirs.filter((change) => change.op === "delete"
      && document.getElementById(placeOf(change.type, change.id)));
    const news = theirs.filter((change) => change.op === "upsert" && newestMoment(change.data) > this.since);
    if (gone.length) await this.leave(gone);
    if (news.length) this.offer(news);
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

  /** Something new on this page's side: a calm notice offers it. */
  offer(news) {
    const here = window.location.pathname;
    const relevant = news.filter((change) => here === "/today" || PAGE_OF[change.type] === here);
    if (!relevant.length) return;
    this.pending.push(...relevant);
    const text = "Something new was shared with you.";
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
export function startFollowing({ since, userId }) {
  if (follower || !userId) return;
  follower = new Follower({ since, userId });
  follower.start();
}
