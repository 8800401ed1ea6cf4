// The inbox: what is waiting for me, said in attune's words, and its unread
// count beside Today in the navigation. A line says *that* something
// happened, never what anyone wrote; it leads to the activity's place.

import { api } from "./api.js";
import { fill, h } from "./dom.js";

const PARTNER = "Your partner";

/**
 * What each kind of activity says (the kinds of `partners.stream`), given who
 * did it ("Alice", or "Your partner") and what it is about.
 */
const SAY = {
  shared: (who, type) => (type === "partner_checkin"
    ? `${who} shared how they are doing`
    : `${who} shared something with you`),
  changed: (who) => `${who} changed something they share with you`,
  question: (who) => `${who} asked you something`,
  answer: (who) => `${who} answered your question`,
  acknowledged: (who) => `${who} read something you shared`,
  response: (who) => `${who} responded to your check-in`,
  paused: (who) => `${who} paused their sharing for now`,
  resumed: (who) => `${who} is sharing with you again`,
  paired: (who) => `You and ${who === PARTNER ? "your partner" : who} are partners now`,
  unpaired: () => "Your partnership has ended",
};

/** One activity in a sentence; `who` is the partner's name, when there is one. */
export function inboxLine(activity, who) {
  const say = SAY[activity.kind];
  return say ? say(who || PARTNER, activity.target?.type) : "Something new is waiting for you";
}

/** Several activities of one kind said as one line, with how many ("Alice shared 3 things with you"). */
const SAY_SEVERAL = {
  shared: (who, count, type) => (type === "partner_checkin"
    ? `${who} shared how they are doing ${count} times`
    : `${who} shared ${count} things with you`),
  changed: (who, count) => `${who} changed ${count} things they share with you`,
  question: (who, count) => `${who} asked you ${count} things`,
  answer: (who, count) => `${who} answered ${count} of your questions`,
};

/** Whether activities of `kind` can be said together in one line. */
export function saidTogether(kind) {
  return kind in SAY_SEVERAL;
}

/**
 * Activities of one kind in one sentence, counting the things they are about
 * (two changes to one item are one thing); about one thing, it reads as `inboxLine`.
 */
export function inboxLines(activities, who) {
  const [first] = activities;
  const count = new Set(activities.map((activity) => activity.url)).size;
  if (count === 1) return inboxLine(first, who);
  return SAY_SEVERAL[first.kind](who || PARTNER, count, first.target?.type);
}

let unreadNow = 0;

/** How many activities wait unread, as the navigation shows it now. */
export function unreadShown() {
  return unreadNow;
}

/** The badge beside Today: "3" to see, "Today 3 new" to hear; nothing at all at zero. */
export function showUnread(count) {
  unreadNow = count;
  for (const badge of document.querySelectorAll("[data-unread]")) {
    badge.hidden = !count;
    if (!count) {
      fill(badge);
      continue;
    }
    const shown = count > 99 ? "99+" : String(count);
    fill(badge,
      h("span", { "aria-hidden": "true" }, shown),
      h("span", { class: "visually-hidden" }, `${shown} new`));
  }
}

/** Whether this page has a badge to keep (signed-in pages do). */
export function hasBadge() {
  return document.querySelector("[data-unread]") !== null;
}

/** My unread activities, newest first. */
export async function unreadActivities({ limit = 200 } = {}) {
  const activities = await api.list("inbox", { limit });
  return activities.filter((activity) => !activity.read);
}

/** Sent on `document` once something was marked read, for a page that lists what waits. */
export const READ_EVENT = "attune:inbox-read";

/** Mark `ids` read (or everything, with `all`), and show how many remain unread. */
export async function markRead({ ids = [], all = false } = {}) {
  if (!all && !ids.length) return;
  const { unread_count: left } = await api.post("inbox/read", all ? { all: true } : { ids });
  showUnread(left);
  document.dispatchEvent(new CustomEvent(READ_EVENT));
}

/** The path, query and fragment of `url` when it is a page of this site, else null. */
export function placeOf(url) {
  let target;
  try {
    target = new URL(url, window.location.origin);
  } catch {
    return null;
  }
  if (target.origin !== window.location.origin) return null;
  return target.pathname + target.search + target.hash;
}
