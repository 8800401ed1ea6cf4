// History: pleasantness and energy over the last eight weeks, drawn as SVG,
// and the needs and feelings named most. A table carries the same numbers for
// anyone who would rather read than look. Below, my recent check-ins, a page
// at a time, each shared or unshared, changed or deleted like a trigger.

import { api } from "../lib/api.js";
import { checkinSummary, responseList } from "../lib/checkins.js";
import { confirmFirstShare, sharedBefore as loadSharedBefore } from "../lib/first_share.js";
import { $, announce, fill, focusOn, formatDate, formatDateTime, formatShortDate, h } from "../lib/dom.js";
import { partnership, problem, startPage } from "../lib/layout.js";
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

// ---- My recent check-ins -------------------------------------------------

const PAGE_SIZE = 10;
let pair = null;
let nextPage = null;
// The check-ins shared with this partner before: sharing one again needs no preview.
let sharedBefore = new Set();

function shareBox(checkin, li) {
  const box = h("div", { class: "share" });
  if (!pair) {
    box.append(h("p", { class: "muted" }, "Only you can see this."));
    return box;
  }
  const name = pair.partner.display_name;
  const toggle = async (share) => {
    if (share && !sharedBefore.has(checkin.id)
      && !(await confirmFirstShare({ pair, one: "check-in", preview: checkinSummary(checkin) }))) {
      announce("Not shared. Only you can see this check-in.");
      return;
    }
    try {
      const updated = await api.patch(`checkins/${checkin.id}`, { shared: share });
      if (share) sharedBefore.add(checkin.id);
      const fresh = checkinCard(updated);
      li.replaceWith(fresh);
      fresh.querySelector("[role=switch]").focus();
      announce(share ? `Shared with ${name}.` : `Stopped sharing. ${name} no longer sees it.`);
    } catch (error) {
      box.append(problem(error));
    }
  };
  const statusId = `checkin-share-status-${checkin.id}`;
  const switchButton = h("button", {
    type: "button", role: "switch", class: "switch", "aria-checked": String(checkin.shared),
    "aria-describedby": statusId,
  },
  h("span", { class: "switch-track", "aria-hidden": "true" }, h("span", { class: "switch-thumb" })),
  h("span", { class: "switch-label" }, `Share with ${name}`),
  h("span", { class: "switch-state", "aria-hidden": "true" }, checkin.shared ? " · On" : " · Off"));
  switchButton.addEventListener("click", () => toggle(!checkin.shared));
  const status = h("p", { class: "share-status", id: statusId });
  if (checkin.shared) {
    status.append(`${name} can see this check-in, note included, since ${formatDate(checkin.shared_at)}.`);
    if (pair.sharing_paused) status.append(" Your sharing is paused, so right now they see nothing.");
  } else {
    status.append("Only you can see this.");
  }
  box.append(switchButton, status);
  return box;
}

function actions(checkin, li) {
  const box = h("div", { class: "actions" });
  const edit = h("a", { class: "button button-quiet", href: `/checkin?edit=${checkin.id}` }, "Edit");
  const remove = h("button", { type: "button", class: "button-quiet" }, "Delete");
  remove.addEventListener("click", () => {
    const sure = h("button", { type: "button", class: "button-danger" }, "Delete this check-in");
    const keep = h("button", { type: "button", class: "button-quiet" }, "Keep it");
    const partnerSees = checkin.shared && pair ? ` ${pair.partner.display_name} will no longer see it.` : "";
    const confirmBox = h("div", { class: "confirm", role: "group", "aria-label": "Delete for good?" },
      h("p", {}, `Delete this check-in for good?${partnerSees}`), sure, " ", keep);
    box.replaceWith(confirmBox);
    keep.focus();
    keep.addEventListener("click", () => {
      confirmBox.replaceWith(box);
      remove.focus();
    });
    sure.addEventListener("click", async () => {
      try {
        await api.delete(`checkins/${checkin.id}`);
      } catch (error) {
        confirmBox.append(problem(error));
        return;
      }
      const after = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      if (!$("#checkin-list").children.length) fill($("#checkin-list"), emptyLine());
      focusOn(after?.querySelector("h3") || $("#checkins-title"));
      announce("The check-in is deleted.");
    });
  });
  box.append(edit, " ", remove);
  return box;
}

function checkinCard(checkin) {
  const li = h("li", { id: `checkin-${checkin.id}` });
  const titleId = `checkin-title-${checkin.id}`;
  li.append(h("article", { class: "card item", "aria-labelledby": titleId },
    h("h3", { id: titleId, tabindex: "-1" }, formatDateTime(checkin.created_at)),
    checkinSummary(checkin),
    checkin.responses?.length && pair ? responseList(checkin.responses, pair.partner.display_name) : null,
    shareBox(checkin, li),
    actions(checkin, li)));
  return li;
}

function emptyLine() {
  return h("li", { class: "empty muted" }, "No check-ins yet. ", h("a", { href: "/checkin" }, "Check in"), " whenever you like.");
}

/** One page of check-ins, newest first; `more` adds the next page below. */
async function loadCheckins(more = false) {
  const path = more && nextPage ? nextPage : `checkins?page_size=${PAGE_SIZE}`;
  const page = await api.get(path);
  const list = $("#checkin-list");
  const cards = page.results.map(checkinCard);
  if (more) list.append(...cards);
  else fill(list, cards.length ? cards : emptyLine());
  nextPage = page.next ? page.next.slice(page.next.indexOf("/api/v1/") + "/api/v1/".length) : null;
  $("#more-checkins-holder").hidden = !nextPage;
  return cards;
}

function wireMore() {
  const button = $("#more-checkins");
  button.addEventListener("click", async () => {
    if (button.getAttribute("aria-disabled") === "true") return;
    button.setAttribute("aria-disabled", "true");
    try {
      const cards = await loadCheckins(true);
      announce(cards.length === 1 ? "One more check-in." : `${cards.length} more check-ins.`);
      if (!nextPage) focusOn(cards[0]?.querySelector("h3") || $("#checkins-title"));
    } catch (error) {
      button.after(problem(error));
    } finally {
      button.removeAttribute("aria-disabled");
    }
  });
}

async function showCheckins() {
  pair = await partnership();
  if (pair) {
    $("#checkins-what").textContent = `When you share a check-in, ${pair.partner.display_name} sees its mood, `
      + "feelings, need and note, never the triggers you linked to it.";
  }
  if (pair?.sharing_paused) {
    fill($("#share-context"), h("div", { class: "notice notice-calm" }, h("p", {},
      `Your sharing is paused: ${pair.partner.display_name} sees none of your check-ins right now. `,
      h("a", { href: "/settings" }, "Resume in Settings"), " when you are ready.")));
  }
  wireMore();
  sharedBefore = await loadSharedBefore(pair);
  await loadCheckins();
  // Back from changing one (/history#checkin-<id>): show it and put focus there.
  const target = window.location.hash.startsWith("#checkin-") && document.getElementById(window.location.hash.slice(1));
  if (target) {
    target.scrollIntoView();
    focusOn(target.querySelector("h3"));
  }
}

startPage(async () => {
  await Promise.all([showCharts(), showCheckins()]);
});

async function showCharts() {
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
}
