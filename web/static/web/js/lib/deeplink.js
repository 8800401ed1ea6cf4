// Arriving at a place a link names (from Today, or from an email): once the
// page has drawn itself, the element the address's fragment names comes into
// view and takes focus, and what was waiting there is marked read.

import { markRead, placeOf, unreadActivities, unreadShown } from "./inbox.js";

const ARRIVED = "is-arrived";

/** What takes focus for `target`: its own heading when it has one, else itself. */
function focusable(target) {
  const heading = target.querySelector("h2[tabindex], h3[tabindex]");
  if (heading) return heading;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  return target;
}

/** The element the address's fragment names, if the page has it. */
function named() {
  let id;
  try {
    id = decodeURIComponent(window.location.hash.slice(1));
  } catch {
    return null;
  }
  return id ? document.getElementById(id) : null;
}

/** Bring the element the fragment names into view, marked, and focus it. */
function bringIntoView() {
  const target = named();
  if (!target) return;
  for (const earlier of document.querySelectorAll(`.${ARRIVED}`)) earlier.classList.remove(ARRIVED);
  target.classList.add(ARRIVED);
  target.scrollIntoView({ block: "start" });
  focusable(target).focus({ preventScroll: true });
}

/**
 * Mark read what waited at exactly this place (path, query and fragment) once
 * it is on the page: a fragment naming nothing shown here marks nothing.
 */
async function markArrivalRead() {
  if (!unreadShown() || (window.location.hash && !named())) return;
  const here = placeOf(window.location.href);
  const waiting = (await unreadActivities()).filter((activity) => placeOf(activity.url) === here);
  await markRead({ ids: waiting.map((activity) => activity.id) });
}

/** Mark read on arrival; when that fails the activity simply stays unread, for later. */
async function settle() {
  try {
    await markArrivalRead();
  } catch {
    // Nothing to tell the person: the badge still counts it.
  }
}

/** Arrive again where the fragment points, once the page has drawn what it names. */
export async function arriveAgain() {
  bringIntoView();
  await settle();
}

/** Arrive once the page is drawn, and again whenever the fragment changes. */
export async function arrive() {
  bringIntoView();
  window.addEventListener("hashchange", () => {
    bringIntoView();
    settle();
  });
  await settle();
}
