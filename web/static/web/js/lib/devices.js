// Settings: where this account is signed in (allauth's usersessions), each
// device in plain words, and signing out any or all of the others. Ending a
// session needs a recent password, which lib/api.js asks for in place.

import { account, gently, isoFromSeconds } from "./account.js";
import { $, fill, formatDateTime, h, time, whileBusy } from "./dom.js";
import { showErrors } from "./forms.js";

const BROWSERS = [
  [/Edg(e|A|iOS)?\//, "Edge"],
  [/OPR\/|Opera/, "Opera"],
  [/SamsungBrowser\//, "Samsung Internet"],
  [/Firefox\/|FxiOS\//, "Firefox"],
  [/Chrome\/|CriOS\/|Chromium\//, "Chrome"],
  [/Safari\//, "Safari"],
];

const SYSTEMS = [
  [/iPhone/, "an iPhone"],
  [/iPad/, "an iPad"],
  [/Android/, "Android"],
  [/CrOS/, "ChromeOS"],
  [/Windows/, "Windows"],
  [/Macintosh|Mac OS X/, "a Mac"],
  [/Linux/, "Linux"],
];

const first = (rules, text) => rules.find(([pattern]) => pattern.test(text))?.[1] || null;

/** A user agent in plain words: "Firefox on Windows", "an app", "a device we don't recognise". */
export function deviceName(userAgent) {
  const text = userAgent || "";
  const browser = first(BROWSERS, text);
  const system = first(SYSTEMS, text);
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (system) return `A device running ${system.replace(/^an? /, "")}`;
  if (/^attune|okhttp|CFNetwork|Dart\//i.test(text)) return "The attune app";
  return "A device we don't recognise";
}

function seen(session) {
  const parts = [];
  if (session.last_seen_at) parts.push("Last active ", time(isoFromSeconds(session.last_seen_at), formatDateTime));
  else parts.push("Signed in ", time(isoFromSeconds(session.created_at), formatDateTime));
  if (session.ip) parts.push(` · from the internet address ${session.ip}`);
  return parts;
}

async function endSessions(ids, box, done) {
  try {
    const left = await account("DELETE", "auth/sessions", { sessions: ids });
    render(left);
    $("#devices-done").textContent = done;
    $("#devices-title").focus();
  } catch (error) {
    const holder = h("form", { class: "row-errors" });
    box.append(holder);
    showErrors(holder, gently(error));
    throw error;
  }
}

function rowFor(session, box) {
  const name = deviceName(session.user_agent);
  const row = h("li", { class: "account-row" },
    h("p", { class: "account-row-name" }, name,
      session.is_current ? h("span", { class: "badge badge-here" }, "This device") : null),
    h("p", { class: "meta" }, seen(session)));
  if (!session.is_current) {
    const end = h("button", {
      type: "button", class: "button-quiet", "aria-label": `Sign out ${name}`,
    }, "Sign out");
    // Busy, not disabled: focus stays on the button until the list is redrawn.
    end.addEventListener("click", () => whileBusy(end, () => (
      endSessions([session.id], box, `${name} is signed out.`).catch(() => {})
    )));
    row.append(h("div", { class: "actions" }, end));
  }
  return row;
}

function render(sessions) {
  const box = $("#devices");
  const current = sessions.filter((s) => s.is_current);
  const others = sessions.filter((s) => !s.is_current);
  const list = h("ul", { class: "plain-list account-list" },
    [...current, ...others].map((session) => rowFor(session, box)));
  if (!others.length) {
    fill(box, list, h("p", { class: "muted" }, "You are signed in only here."));
    return;
  }
  const all = h("button", { type: "button", class: "button-danger" }, "Sign out all other devices");
  all.addEventListener("click", () => whileBusy(all, () => {
    const count = others.length;
    return endSessions(others.map((s) => s.id), box,
      count === 1 ? "The other device is signed out." : `All ${count} other devices are signed out.`)
      .catch(() => {});
  }));
  fill(box, list, h("p", { class: "actions" }, all));
}

export async function setupDevices() {
  render(await account("GET", "auth/sessions"));
}
