// History: pleasantness and energy over the last eight weeks, drawn as SVG,
// and the needs and feelings named most. A table carries the same numbers for
// anyone who would rather read than look.

import { api } from "../lib/api.js";
import { $, fill, formatDateTime, formatShortDate, h } from "../lib/dom.js";
import { startPage } from "../lib/layout.js";
import { NEEDS, mood, say } from "../lib/words.js";

const WEEKS = 8;
const DAY = 24 * 60 * 60 * 1000;
const SIZE = { width: 640, height: 260, left: 36, right: 8, top: 14, bottom: 30 };
const SERIES = [
  { key: "pleasantness", label: "Pleasantness", className: "line-pleasant" },
  { key: "energy", label: "Energy", className: "line-energy" },
];

function scales(start, end) {
  const plotWidth = SIZE.width - SIZE.left - SIZE.right;
  const plotHeight = SIZE.height - SIZE.top - SIZE.bottom;
  return {
    x: (date) => SIZE.left + ((date - start) / (end - start)) * plotWidth,
    y: (score) => SIZE.top + ((2 - score) / 4) * plotHeight,
  };
}

function axes({ x, y }, start, end) {
  const parts = [];
  for (const score of [-2, -1, 0, 1, 2]) {
    parts.push(
      h("line", { x1: SIZE.left, x2: SIZE.width - SIZE.right, y1: y(score), y2: y(score), class: score === 0 ? "axis-zero" : "grid-line" }),
      h("text", { x: SIZE.left - 8, y: y(score) + 4, class: "tick", "text-anchor": "end" }, signed(score)));
  }
  // A date every two weeks, or every four when the chart is narrow.
  const step = SIZE.width < 480 ? 4 : 2;
  for (let week = 0; week <= WEEKS; week += step) {
    const date = new Date(start.getTime() + week * 7 * DAY);
    const anchor = week === 0 ? "start" : week === WEEKS ? "end" : "middle";
    parts.push(h("text", { x: x(date), y: SIZE.height - 8, class: "tick", "text-anchor": anchor }, formatShortDate(date)));
  }
  return parts;
}

function series({ x, y }, checkins, { key, className }) {
  const points = checkins.map((c) => [x(new Date(c.created_at)), y(c[key])]);
  const marks = points.map(([px, py]) => (key === "energy"
    ? h("rect", { x: px - 3.5, y: py - 3.5, width: 7, height: 7, class: className })
    : h("circle", { cx: px, cy: py, r: 4, class: className })));
  return [
    h("polyline", { points: points.map((p) => p.join(",")).join(" "), class: `${className} line` }),
    ...marks,
  ];
}

/** "+1", "0", "−1.5": with a true minus sign, as the scale is written. */
function signed(number, digits = 0) {
  const text = Math.abs(number).toFixed(digits);
  if (Number(text) === 0) return text;
  return `${number > 0 ? "+" : "−"}${text}`;
}

function average(checkins, key) {
  const total = checkins.reduce((sum, c) => sum + c[key], 0);
  return signed(total / checkins.length, 1);
}

function chart(checkins, start, end) {
  const scale = scales(start, end);
  const counted = checkins.length === 1 ? "1 check-in" : `${checkins.length} check-ins`;
  const summary = `${counted} since ${formatShortDate(start)}. `
    + `Average pleasantness ${average(checkins, "pleasantness")}, `
    + `average energy ${average(checkins, "energy")}, on a scale from −2 to +2.`;
  const svg = h("svg", {
    viewBox: `0 0 ${SIZE.width} ${SIZE.height}`, class: "chart", role: "img",
    "aria-labelledby": "chart-svg-title chart-svg-desc",
  },
  h("title", { id: "chart-svg-title" }, "Pleasantness and energy over the last eight weeks"),
  h("desc", { id: "chart-svg-desc" }, summary),
  axes(scale, start, end),
  SERIES.map((line) => series(scale, checkins, line)));
  const legend = h("ul", { class: "legend", "aria-hidden": "true" }, SERIES.map((line) =>
    h("li", {}, h("span", { class: `key ${line.className}` }), line.label)));
  const table = h("details", { class: "chart-table" },
    h("summary", {}, "The same as a table"),
    h("table", {},
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "When"), h("th", { scope: "col" }, "Pleasantness"),
        h("th", { scope: "col" }, "Energy"), h("th", { scope: "col" }, "In words"))),
      h("tbody", {}, [...checkins].reverse().map((c) => h("tr", {},
        h("td", {}, formatDateTime(c.created_at)), h("td", {}, signed(c.pleasantness)),
        h("td", {}, signed(c.energy)), h("td", {}, mood(c.pleasantness, c.energy)))))));
  return [h("p", { class: "muted" }, summary), svg, legend, table];
}

function counted(values) {
  const counts = new Map();
  for (const v of values) counts.set(v, (counts.get(v) || 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

function bars(entries, words) {
  const most = entries[0][1];
  return h("ul", { class: "bars" }, entries.map(([name, count]) => {
    const bar = h("span", { class: "bar", "aria-hidden": "true" });
    // Set through the CSSOM: the policy allows no inline style attributes.
    bar.style.setProperty("--share", `${Math.round((count / most) * 100)}%`);
    return h("li", {},
      h("span", { class: "bar-label" }, words ? say(words, name) : name),
      h("span", { class: "bar-track" }, bar),
      h("span", { class: "bar-count" }, count === 1 ? "once" : `${count} times`));
  }));
}

startPage(async () => {
  const end = new Date();
  const start = new Date(end.getTime() - WEEKS * 7 * DAY);
  const checkins = (await api.list("checkins", { until: start, limit: 1000 }))
    .filter((c) => new Date(c.created_at) >= start)
    .reverse();
  if (!checkins.length) {
    fill($("#chart"), h("p", {}, "No check-ins in the last eight weeks yet. When you check in, they show up here."),
      h("p", {}, h("a", { class: "button", href: "/checkin" }, "Check in")));
    fill($("#needs"), h("p", { class: "muted" }, "Nothing yet."));
    fill($("#feelings"), h("p", { class: "muted" }, "Nothing yet."));
    return;
  }
  // Drawn to the width it has, so its words stay readable on a phone.
  const draw = () => {
    SIZE.width = Math.max(280, Math.round($("#chart").clientWidth));
    SIZE.height = SIZE.width < 480 ? 220 : 260;
    fill($("#chart"), chart(checkins, start, end));
  };
  draw();
  let lastWidth = window.innerWidth;
  window.addEventListener("resize", () => {
    if (window.innerWidth === lastWidth) return;
    lastWidth = window.innerWidth;
    draw();
  });
  const needs = counted(checkins.map((c) => c.need).filter(Boolean));
  fill($("#needs"), needs.length ? bars(needs, NEEDS) : h("p", { class: "muted" }, "You have not named a need yet."));
  const feelings = counted(checkins.flatMap((c) => c.feelings)).slice(0, 8);
  fill($("#feelings"), feelings.length ? bars(feelings, null) : h("p", { class: "muted" }, "You have not named a feeling yet."));
});
