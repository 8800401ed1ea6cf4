// attune's service worker, served at /sw.js (web/views.py puts `self.ATTUNE_SHELL`
// above this: the app shell's files, the offline page and a version).
//
// - The app shell (styles, scripts, icons, the offline page) is kept per version.
// - Pages go to the network first; the last copy of a page answers when the
//   network cannot. A page is only a shell: what it shows comes from the API.
// - The API and allauth are never touched here: their answers are never kept by
//   this worker. The offline copy of what a person may see lives in IndexedDB
//   (lib/offline.js), where the sync feed's deletions reach it.
// - Push: a notification says only what the payload says (a generic line and a
//   link); pressing it opens that page, in an attune tab if one is open.

const SHELL = self.ATTUNE_SHELL || { version: "dev", files: [], offline: "/offline" };
const SHELL_CACHE = `attune-shell-${SHELL.version}`;
const PAGES_CACHE = "attune-pages";
const PRIVATE_PREFIXES = ["/api/", "/_allauth/", "/admin/"];
// Pages that must always come fresh (never from a copy): they change who is signed in.
const NEVER_KEPT = new Set(["/logout", "/login", "/signup", "/reminder", "/email/unsubscribe", "/invitation"]);
const ICON = SHELL.files.find((file) => file.endsWith("/icons/icon-192.png"));

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    await cache.addAll(SHELL.files);
    // The offline page is kept beside the shell; a failure here must not stop the install.
    try {
      const response = await fetch(SHELL.offline, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await cache.put(SHELL.offline, response);
    } catch {
      // It is fetched again with the next version.
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("attune-shell-") && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function isPrivate(url) {
  return PRIVATE_PREFIXES.some((prefix) => url.pathname.startsWith(prefix));
}

async function fromShell(request) {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE });
  return cached || fetch(request);
}

async function page(request) {
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    // Only a page answered as itself is kept: a redirect (to log in) is not.
    if (response.ok && !response.redirected && response.type === "basic" && !NEVER_KEPT.has(url.pathname)) {
      const cache = await caches.open(PAGES_CACHE);
      await cache.put(url.pathname, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await caches.match(url.pathname, { cacheName: PAGES_CACHE });
    if (kept) return kept;
    const offline = await caches.match(SHELL.offline, { cacheName: SHELL_CACHE });
    if (offline) return offline;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isPrivate(url)) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (SHELL.files.includes(url.pathname)) {
    event.respondWith(fromShell(request));
  }
});

// --- Push -----------------------------------------------------------------------

function readPayload(event) {
  try {
    return event.data ? event.data.json() : {};
  } catch {
    return {};
  }
}

/** Only a path on this site is ever opened from a notification. */
function samePath(url) {
  try {
    const target = new URL(url || "/today", self.location.origin);
    return target.origin === self.location.origin ? target.pathname + target.search + target.hash : "/today";
  } catch {
    return "/today";
  }
}

self.addEventListener("push", (event) => {
  const payload = readPayload(event);
  const options = {
    body: typeof payload.body === "string" ? payload.body : "There's something new in attune.",
    tag: typeof payload.tag === "string" ? payload.tag : undefined,
    data: { url: samePath(payload.url) },
  };
  if (ICON) options.icon = ICON;
  event.waitUntil(self.registration.showNotification(
    typeof payload.title === "string" ? payload.title : "attune", options));
});

async function focus(tab) {
  try {
    return await tab.focus();
  } catch {
    // Only a person's own click may bring a window forward; the tab is there anyway.
    return tab;
  }
}

async function openPage(path) {
  const target = new URL(path, self.location.origin).href;
  const tabs = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const there = tabs.find((tab) => tab.url === target);
  if (there) return focus(there);
  const ours = tabs.find((tab) => new URL(tab.url).origin === self.location.origin);
  if (ours && "navigate" in ours) {
    try {
      const moved = await ours.navigate(target);
      if (moved) return focus(moved);
    } catch {
      // An uncontrolled tab cannot be moved: a new one opens instead.
    }
  }
  return self.clients.openWindow(target);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const opening = openPage(samePath(event.notification.data?.url));
  // A person's click keeps the worker alive until the page is open (an event a
  // script made up may not ask that; it opens the page all the same).
  if (event.isTrusted) event.waitUntil(opening);
});
