// What every page shares: the log-out link, the unread count beside Today, a
// one-time message carried over from the previous page, arriving at the place
// a link names, and a calm message when a page cannot load. Signed-in pages
// register the service worker, and say so calmly when what they show comes
// from this device's offline copy.

import { ApiError, api, auth, namePartner } from "./api.js";
import { arrive } from "./deeplink.js";
import { fill, formatDateTime, h } from "./dom.js";
import { startFollowing } from "./follow.js";
import { hasBadge, showUnread } from "./inbox.js";
import { BACK_ONLINE_EVENT, OFFLINE_ANSWER_EVENT } from "./offline.js";
import { registerWorker } from "./push.js";
import { wipeThisDevice } from "./wipe.js";
import { applyRememberedZone } from "./zone.js";

const FLASH_KEY = "attune.flash";
const PENDING_NAME_KEY = "attune.pendingName";

/** Show `message` on the next page this tab opens. */
export function flashNext(message) {
  sessionStorage.setItem(FLASH_KEY, message);
}

function showFlash() {
  const message = sessionStorage.getItem(FLASH_KEY);
  const region = document.getElementById("flash");
  if (!message || !region) return;
  sessionStorage.removeItem(FLASH_KEY);
  fill(region, h("p", {}, message));
  region.hidden = false;
}

/** Keep a display name chosen at sign-up until the person is signed in. */
export function rememberName(name) {
  if (name) sessionStorage.setItem(PENDING_NAME_KEY, name);
}

/**
 * Save the name chosen at sign-up. A name attune can't take (one that looks
 * like a web address, say) must not stand between someone and their new
 * account: they hear why on the next page, and can pick another in Settings.
 */
export async function saveChosenName(name) {
  try {
    await api.patch("me", { display_name: name });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    flashNext(`Your account is ready, but we couldn't keep that name. ${error.message} `
      + "You can choose one in Settings whenever you like.");
  }
}

async function applyRememberedName() {
  const name = sessionStorage.getItem(PENDING_NAME_KEY);
  if (!name) return;
  sessionStorage.removeItem(PENDING_NAME_KEY);
  await saveChosenName(name);
  showFlash();
}

function wireLogout() {
  for (const link of document.querySelectorAll("[data-logout]")) {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      await logOut();
    });
  }
}

export async function logOut() {
  // While still signed in: attune forgets this device's push subscription.
  await wipeThisDevice();
  await auth.logout();
  flashNext("You are logged out. Take care.");
  window.location.assign("/login");
}

/**
 * Where `next` from the query string leads, when that is a page of this site.
 *
 * The URL parser decides, as the browser will when it navigates: it drops tabs
 * and newlines, reads a backslash as `/`, and `//host` as another host. Only an address
 * whose origin is ours is taken, as a full URL so that a path such as `//host`
 * can never be read again as another site.
 */
function nextOnThisSite() {
  const next = new URLSearchParams(window.location.search).get("next");
  if (!next) return null;
  let target;
  try {
    target = new URL(next, window.location.origin);
  } catch {
    return null;
  }
  return target.origin === window.location.origin ? target.href : null;
}

/** Go to `next` from the query string if it is a page of this site, else `fallback`. */
export function goNext(fallback = "/today") {
  window.location.assign(nextOnThisSite() || fallback);
}

/** A message in place of a page (or part of one) that could not load. */
export function problem(error) {
  const message = error instanceof ApiError
    ? error.message
    : "Something went wrong on this page. Please reload it.";
  if (!(error instanceof ApiError)) console.error(error);
  return h("div", { class: "notice notice-problem", role: "alert" }, h("p", {}, message));
}

let partnershipPromise = null;
let mePromise = null;

/** The caller's profile, fetched once per page. */
export function me() {
  mePromise ||= api.get("me");
  return mePromise;
}

/** The current partnership, or null when there is none; fetched once per page. */
export function partnership() {
  partnershipPromise ||= api.maybe("partnership").then((pair) => {
    // A shared item that vanishes under the page is then named after them.
    namePartner(pair?.partner?.display_name);
    return pair;
  });
  return partnershipPromise;
}

/** Forget what was fetched, after something changed it. */
export function refreshPartnership() {
  partnershipPromise = null;
}

/**
 * Show the unread count beside Today. A page that cannot load says so itself,
 * so a failure here only leaves the badge out.
 */
async function countUnread() {
  if (!hasBadge()) return;
  try {
    showUnread((await me()).unread_count);
  } catch {
    showUnread(0);
  }
}

/**
 * "Offline — last updated …" above the page while anything it shows came from
 * this device's copy; once back online, an offer to show the latest.
 */
function watchOffline(main) {
  let banner = null;
  document.addEventListener(OFFLINE_ANSWER_EVENT, (event) => {
    const when = event.detail?.syncedAt;
    const text = h("p", {}, h("strong", {}, "Offline"),
      when ? [" — last updated ", h("time", { datetime: when }, formatDateTime(when))] : null,
      ". What you see is what this device kept; changes wait until you're back online.");
    if (!banner?.isConnected) {
      banner = h("div", { class: "notice notice-calm offline-banner", role: "status", "data-offline": "" });
      main.prepend(banner);
    }
    fill(banner, text);
  });
  const back = () => {
    if (!banner?.isConnected) return;
    const reload = h("button", { type: "button", class: "button-quiet" }, "Show the latest");
    reload.addEventListener("click", () => window.location.reload());
    fill(banner, h("p", {}, "You're back online. ", reload));
  };
  window.addEventListener("online", back);
  document.addEventListener(BACK_ONLINE_EVENT, back);
}

/** Once a signed-in page is drawn, it follows what changes (lib/follow.js). */
async function follow(since) {
  try {
    startFollowing({ since, userId: (await me()).id });
  } catch {
    // A page that cannot say who is signed in stays as it is drawn.
  }
}

/**
 * Start a page: wire the shared parts, then run `render`. Signed-in pages
 * (`member`) first apply a display name remembered from sign-up, and follow
 * changes once drawn.
 */
export async function startPage(render, { member = true } = {}) {
  wireLogout();
  showFlash();
  const main = document.getElementById("main");
  const since = Date.now();
  if (member) {
    watchOffline(main);
    registerWorker();
  }
  try {
    if (member) {
      await applyRememberedName();
      await applyRememberedZone();
    }
    const counted = member ? countUnread() : null;
    await render();
    await counted;
    await arrive();
    if (member) await follow(since);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && member) {
      const here = window.location.pathname + window.location.search;
      window.location.assign(`/login?next=${encodeURIComponent(here)}`);
      return;
    }
    main.prepend(problem(error));
  } finally {
    main.removeAttribute("aria-busy");
  }
}
