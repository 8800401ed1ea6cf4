// The one way pages talk to attune: allauth's browser client for accounts
// (/_allauth/browser/v1/) and the REST API (/api/v1/), both on the session
// cookie. Every unsafe request carries the CSRF token from the `csrftoken`
// cookie, which the config request below makes sure exists.

const AUTH = "/_allauth/browser/v1";
const API = "/api/v1";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const OFFLINE_MESSAGE = "We couldn't reach attune just now. Check your connection and try again.";

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

async function send(method, url, { body, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (!SAFE_METHODS.has(method)) {
    await authConfig();
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
    throw new ApiError(0, [{ code: "offline", message: OFFLINE_MESSAGE }]);
  }
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  return { status: response.status, body: data };
}

function failure(status, body) {
  const errors = body && Array.isArray(body.errors) && body.errors.length
    ? body.errors
    : [{ code: "error", message: status === 429
      ? "That was a lot of requests in a short time. Please wait a minute and try again."
      : "Something went wrong on our side. Please try again in a moment." }];
  return new ApiError(status, errors, body);
}

/** A REST API call: resolves to the JSON body (null for 204), throws ApiError otherwise. */
async function call(method, path, body, headers) {
  const { status, body: data } = await send(method, `${API}/${path}`, { body, headers });
  if (status >= 200 && status < 300) return data;
  throw failure(status, data);
}

export const api = {
  get: (path) => call("GET", path),
  post: (path, body = {}, headers = {}) => call("POST", path, body, headers),
  put: (path, body) => call("PUT", path, body),
  patch: (path, body) => call("PATCH", path, body),
  delete: (path, body) => call("DELETE", path, body),

  /** Every page of a cursor-paginated list, up to `limit` rows, newest first. */
  async list(path, { limit = 500, until = null } = {}) {
    const rows = [];
    let url = `${API}/${path}${path.includes("?") ? "&" : "?"}page_size=100`;
    while (url && rows.length < limit) {
      const { status, body } = await send("GET", url);
      if (status !== 200) throw failure(status, body);
      rows.push(...body.results);
      const oldest = body.results.at(-1);
      if (until && oldest && new Date(oldest.created_at) < until) break;
      url = body.next;
    }
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
 */
async function authCall(method, path, { body, headers } = {}) {
  const { status, body: data } = await send(method, `${AUTH}/${path}`, { body, headers });
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
