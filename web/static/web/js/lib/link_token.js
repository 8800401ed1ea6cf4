// A secret a link carries (an invitation, an email's snooze or unsubscribe),
// read from the fragment (`#<token>`), which browsers never send to a server.
// Email links sent before the fragment carry it as `?t=<token>`; those are read
// too unless `fromQuery` is false (invitations never had one).
// Either way the address bar is cleaned at once (no copied address, bookmark
// or history entry holds it) and the token stays only in this tab.

/** The token from the address (then out of the address bar), else from this tab. */
export function takeLinkToken(key, { fromQuery = true } = {}) {
  const url = new URL(window.location.href);
  let token = url.hash.slice(1) || (fromQuery && url.searchParams.get("t")) || "";
  if (token) {
    try {
      token = decodeURIComponent(token);
    } catch {
      // Not percent-encoded after all: keep it as it came.
    }
    sessionStorage.setItem(key, token);
    window.history.replaceState(null, "", url.pathname);
  }
  return sessionStorage.getItem(key);
}

export function forgetLinkToken(key) {
  sessionStorage.removeItem(key);
}
