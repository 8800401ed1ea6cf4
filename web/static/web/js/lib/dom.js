// Small DOM helpers. Text always goes in as text nodes, never as HTML, so what
// people write can never become markup.

/**
 * Build an element: h("p", {class: "note"}, "text", otherNode).
 * Props: `class`, `text`, `dataset` (object), `on` (event → listener),
 * booleans (`hidden`, `disabled`, …) and any other attribute by name.
 */
export function h(tag, props = {}, ...children) {
  const isSvg = SVG_TAGS.has(tag);
  const el = isSvg
    ? document.createElementNS("http://www.w3.org/2000/svg", tag)
    : document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") el.setAttribute("class", value);
    else if (name === "text") el.textContent = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name === "on") {
      for (const [event, listener] of Object.entries(value)) el.addEventListener(event, listener);
    } else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

const SVG_TAGS = new Set([
  "svg", "g", "path", "line", "polyline", "circle", "rect", "text", "title", "desc",
]);

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace everything inside `el` with `children`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function $(selector, root = document) {
  const el = root.querySelector(selector);
  if (!el) throw new Error(`Missing element ${selector}`);
  return el;
}

export function $$(selector, root = document) {
  return Array.from(root.querySelectorAll(selector));
}

/** JSON handed over by the template in a data attribute. */
export function dataJson(el, name) {
  const raw = el.dataset[name];
  return raw ? JSON.parse(raw) : [];
}

const dateFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "long", year: "numeric" });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
});
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

export const formatDate = (iso) => dateFormat.format(new Date(iso));
export const formatShortDate = (value) => shortDateFormat.format(new Date(value));
export const formatDateTime = (iso) => dateTimeFormat.format(new Date(iso));
export const formatTime = (iso) => timeFormat.format(new Date(iso));

/** Day and time as the clock shows it in `timeZone` (an IANA name). */
export function formatDateTimeIn(iso, timeZone) {
  const format = new Intl.DateTimeFormat(undefined, {
    weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone,
  });
  return format.format(new Date(iso));
}

/** A <time> element showing `iso` with `format`. */
export function time(iso, format = formatDateTime) {
  return h("time", { datetime: iso }, format(iso));
}

/** Say something to screen-reader users without moving focus. */
export function announce(message) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  // A fresh text node on the next frame is announced even if it repeats.
  requestAnimationFrame(() => { region.textContent = message; });
}

/**
 * Move focus to `el`, making it focusable from script if it is not already
 * (tabindex -1: it does not join the tab order).
 */
export function focusOn(el) {
  if (!el) return;
  if (!el.matches("a[href], button, input, select, textarea, summary, [tabindex]")) el.setAttribute("tabindex", "-1");
  el.focus();
}

/**
 * Run `work` while `button` says it is busy. It is marked aria-disabled, not
 * disabled: a disabled button loses focus, which falls back to the page's body.
 * A press while busy does nothing. Returns what `work` returns.
 */
export async function whileBusy(button, work) {
  if (button.getAttribute("aria-disabled") === "true") return undefined;
  button.setAttribute("aria-disabled", "true");
  try {
    return await work();
  } finally {
    button.removeAttribute("aria-disabled");
  }
}
