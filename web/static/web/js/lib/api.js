// The one way pages talk to attune: allauth's browser client for accounts
// (/_allauth/browser/v1/) and the REST API (/api/v1/), both on the session
// cookie. Every unsafe request carries the CSRF token from the `csrftoken`
// cookie, which the config request below makes sure exists.
//
// Offline, the reads the pages make are answered from this device's copy
// (lib/offline.js) and writes are refused, never queued.

import * as offline from "./offline.js";

const AUTH = "/_allauth/browser/v1";
const API = "/api/v1";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const OFFLINE_MESSAGE = "We couldn't reach attune just now. Check your connection and try again.";
const NOT_SAVED_MESSAGE = "You're offline: this wasn't saved. Try again when you're back online.";

/** An API answer that was not a success, in the shared error shape. */
export class ApiError extends Error {
  constructor(status, errors, body = null) {
    super(errors.map((e) => e.message).join(" ") || `Request failed (${status})`);
    this.status = status;
    this.errors = errors;
    this.body = body;
  }

  /** Whether any error names `code` (e.g. "no_partner"). */
  has(code) {
    return this.errors.some((e) => e.code === code);
  }
}

let configPromise = null;

/** allauth's configuration, fetched once per page; it also sets the CSRF cookie. */
export function authConfig() {
  if (!configPromise) {
    configPromise = send("GET", `${AUTH}/config`).then(({ body }) => body.data);
    configPromise.catch(() => { configPromise = null; });
  }
  return configPromise;
}

function cookie(name) {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return "";
}

/** The answer to a request that never reached attune: a write is told it wasn't saved. */
function unreachable(method, url) {
  offline.noteOffline();
  const write = !SAFE_METHODS.has(method) && url.startsWith(`${API}/`);
  return new ApiError(0, [{ code: "offline", message: write ? NOT_SAVED_MESSAGE : OFFLINE_MESSAGE }]);
}

async function send(method, url, { body, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (!SAFE_METHODS.has(method)) {
    try {
      await authConfig();
    } catch (error) {
      if (error instanceof ApiError && error.status === 0) throw unreachable(method, url);
      throw error;
    }
    // Read on every request: Django rotates the token when someone logs in.
    init.headers["X-CSRFToken"] = cookie("csrftoken");
  }
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw unreachable(method, url);
  }
  offline.noteOnline();
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  return { status: response.status, body: data, etag: response.headers.get("ETag") };
}

/** An ApiError from an answer that was not a success. */
export function failure(status, body) {
  const errors = body && Array.isArray(body.errors) && body.errors.length
    ? body.errors
    : [{ code: "error", message: status === 429
      ? "That was a lot of requests in a short time. Please wait a minute and try again."
      : "Something went wrong on our side. Please try again in a moment." }];
  return new ApiError(status, errors, body);
}

// allauth asks for a recent password (or authenticator) before sensitive
// changes: a 401 from a signed-in session listing these flows. The person is
// asked in place (lib/reauth.js) and the request is sent once more.
const REAUTH_FLOWS = new Set(["reauthenticate", "mfa_reauthenticate"]);
// The re-authentication requests themselves are never retried through the dialog.
const REAUTH_PATHS = new Set([
  `${AUTH}/auth/reauthenticate`,
  `${AUTH}/auth/2fa/reauthenticate`,
  `${AUTH}/auth/webauthn/reauthenticate`,
]);

/** The flows that would satisfy a "please re-authenticate" answer, or null for any other answer. */
export function reauthenticationFlows(status, body) {
  if (status !== 401) return null;
  const flows = (body?.data?.flows || []).filter((flow) => REAUTH_FLOWS.has(flow.id));
  if (flows.length && body?.meta?.is_authenticated !== false) return flows;
  // An API view may name the need only by its error code.
  const named = (body?.errors || []).some((e) => e.code === "reauthentication_required");
  return named ? [{ id: "reauthenticate" }] : null;
}

/** `send`, asking for the password in place once if the server wants it again. */
async function exchange(method, url, options = {}) {
  const first = await send(method, url, options);
  const flows = REAUTH_PATHS.has(url) ? null : reauthenticationFlows(first.status, first.body);
  if (!flows) return first;
  // Loaded only when needed: most pages never ask.
  const { reauthenticate } = await import("./reauth.js");
  await reauthenticate(flows);
  return send(method, url, options);
}

/** The raw allauth exchange the re-authentication dialog uses: {status, body}. */
export function authExchange(method, path, body) {
  return send(method, `${AUTH}/${path}`, { body });
}

let partnerName = null;

/** Who the partner is, once a page knows: a vanished shared item is named after them. */
export function namePartner(name) {
  partnerName = name || null;
}

// One of the partner's items, or something done to it: `partner/<kind>/<id>[/...]`.
const PARTNER_ITEM = /^partner\/[a-z-]+\/[0-9a-f-]{36}(\/|$|\?)/;

/** Sent on `document` when something of the partner's has gone from under a page. */
export const PARTNER_GONE_EVENT = "attune:partner-gone";

/**
 * What a 404 from the partner's side means: they stopped sharing it (or paused,
 * or the partnership ended) while this page still showed it. Said gently, and
 * the page is told, so it can follow at once.
 */
function partnerItemGone(path, status, data) {
  if (status !== 404 || !PARTNER_ITEM.test(path)) return null;
  document.dispatchEvent(new CustomEvent(PARTNER_GONE_EVENT));
  const message = `${partnerName || "Your partner"} stopped sharing this, so it isn't here any more.`;
  return new ApiError(404, [{ code: "partner_stopped_sharing", message }], data);
}

function isOffline(error) {
  return error instanceof ApiError && error.status === 0;
}

/** A read the network could not answer, answered from this device's copy when it can. */
async function readOrCopy(path, read) {
  try {
    return await read();
  } catch (error) {
    if (!isOffline(error)) throw error;
    const copy = await offline.answer(path, { pageSize: pageSizeOf(path) });
    if (!copy) throw error;
    return copy;
  }
}

function pageSizeOf(path) {
  const asked = Number(new URLSearchParams(path.split("?")[1] || "").get("page_size"));
  return asked > 0 ? asked : 50;
}

/** A REST API call: resolves to the JSON body (null for 204), throws ApiError otherwise. */
async function call(method, path, body, headers) {
  const { status, body: data } = method === "GET"
    ? await readOrCopy(path, async () => {
      const answer = await exchange(method, `${API}/${path}`, { body, headers });
      offline.remember(path, answer.status, answer.body);
      return answer;
    })
    : await exchange(method, `${API}/${path}`, { body, headers });
  if (status >= 200 && status < 300) return data;
  throw partnerItemGone(path, status, data) || failure(status, data);
}

export const api = {
  get: (path) => call("GET", path),
  post: (path, body = {}, headers = {}) => call("POST", path, body, headers),
  put: (path, body) => call("PUT", path, body),
  patch: (path, body) => call("PATCH", path, body),
  delete: (path, body) => call("DELETE", path, body),

  /**
   * A conditional GET: `etag` from an earlier answer goes in If-None-Match, so
   * an unchanged answer comes back as 304 with no body. Resolves to
   * {status, body, etag}; throws ApiError for anything but 200 and 304.
   */
  async conditional(path, etag = null) {
    const headers = etag ? { "If-None-Match": etag } : {};
    const answer = await send("GET", `${API}/${path}`, { headers });
    if (answer.status === 200 || answer.status === 304) return answer;
    throw failure(answer.status, answer.body);
  },

  /** Every page of a cursor-paginated list, up to `limit` rows, newest first. */
  async list(path, { limit = 500, until = null } = {}) {
    const rows = [];
    let url = `${API}/${path}${path.includes("?") ? "&" : "?"}page_size=100`;
    let first = true;
    while (url && rows.length < limit) {
      const read = url;
      const answer = first
        ? await readOrCopy(path, () => exchange("GET", read))
        : await exchange("GET", read);
      if (answer.rows) return answer.rows.slice(0, limit);
      const { status, body } = answer;
      if (status !== 200) throw failure(status, body);
      rows.push(...body.results);
      first = false;
      const oldest = body.results.at(-1);
      if (until && oldest && new Date(oldest.created_at) < until) break;
      url = body.next;
    }
    if (!url) offline.remember(path, 200, { results: rows, next: null });
    return rows.slice(0, limit);
  },

  /** `GET path`, or null when the API answers 404 (e.g. no partnership). */
  async maybe(path) {
    try {
      return await call("GET", path);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  },
};

/**
 * allauth answers 200 when signed in and 401 with the pending `flows` when not;
 * both are normal outcomes, so they resolve. Other statuses throw ApiError.
 * A "please re-authenticate" 401 opens the password dialog first and retries
 * once; cancelling it rejects with a calm ApiError (code `reauthentication_cancelled`).
 */
async function authCall(method, path, { body, headers } = {}) {
  const { status, body: data } = await exchange(method, `${AUTH}/${path}`, { body, headers });
  if (status === 200 || status === 401) {
    const flows = data?.data?.flows || [];
    return {
      status,
      authenticated: Boolean(data?.meta?.is_authenticated),
      data: data?.data || {},
      pending: flows.find((flow) => flow.is_pending)?.id || null,
    };
  }
  throw failure(status, data);
}

export const auth = {
  config: authConfig,
  /** Any allauth headless call, e.g. `auth.request("GET", "account/authenticators")`. */
  request: (method, path, options = {}) => authCall(method, path, options),
  login: (email, password) => authCall("POST", "auth/login", { body: { email, password } }),
  signup: (email, password) => authCall("POST", "auth/signup", { body: { email, password } }),
  logout: () => authCall("DELETE", "auth/session"),
  emailKeyInfo: (key) => authCall("GET", "auth/email/verify", {
    headers: { "X-Email-Verification-Key": key },
  }),
  verifyEmail: (key) => authCall("POST", "auth/email/verify", { body: { key } }),
  requestPasswordReset: (email) => authCall("POST", "auth/password/request", { body: { email } }),
  resetPassword: (key, password) => authCall("POST", "auth/password/reset", {
    body: { key, password },
  }),
};
