// Us over time: once both partners agree, the check-ins each shares with the
// other, week by week. Two small charts (pleasantness, energy), each with both
// people side by side, and a table with the same numbers. Weekly averages and
// how many check-ins, never a total, a score or a streak.

import { ApiError, api } from "../lib/api.js";
import { $, announce, fill, formatShortDate, h, whileBusy } from "../lib/dom.js";
import { partnership, problem, refreshPartnership, startPage } from "../lib/layout.js";

const SPANS = [
  { weeks: 12, label: "twelve weeks" },
  { weeks: 26, label: "six months" },
  { weeks: 52, label: "year" },
];
const SIZE = { width: 640, height: 200, left: 36, right: 10, top: 12, bottom: 28 };
const MEASURES = [
  { key: "pleasantness", title: "How pleasant it felt", low: "unpleasant", high: "pleasant" },
  { key: "energy", title: "How much energy there was", low: "low energy", high: "high energy" },
];

let weeksShown = 12;

/** "+1", "0", "−0.5": with a true minus sign, as the scale is written. */
function signed(number, digits = 1) {
  const text = Math.abs(number).toFixed(digits);
  if (Number(text) === 0) return Number(0).toFixed(digits);
  return `${number > 0 ? "+" : "−"}${text}`;
}

/** A week's Monday ("2026-11-23") as a local date, not midnight UTC. */
function monday(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(year, month - 1, day);
}

const checkIns = (count) => (count === 1 ? "1 check-in" : `${count} check-ins`);

function people(pair) {
  return [
    { side: "mine", name: "You", className: "series-mine" },
    { side: "partner", name: pair.partner.display_name, className: "series-partner" },
  ];
}

// The agreement.

function switchFor(pair) {
  const name = pair.partner.display_name;
  const agreed = pair.over_time.mine;
  const button = h("button", {
    type: "button", role: "switch", class: "switch", id: "agree",
    "aria-checked": String(agreed), "aria-describedby": "agree-hint",
  },
  h("span", { class: "switch-track", "aria-hidden": "true" }, h("span", { class: "switch-thumb" })),
  h("span", { class: "switch-label" }, `Look back together with ${name}`));
  button.addEventListener("click", () => whileBusy(button, async () => {
    try {
      const updated = await api.patch("partnership", { over_time: !agreed });
      refreshPartnership();
      await render(updated);
      $("#agree").focus();
      announce(said(updated));
    } catch (error) {
      $("#agreement").append(problem(error));
    }
  }));
  return button;
}

/** What changed, for a screen reader, after the switch was pressed. */
function said(pair) {
  const name = pair.partner.display_name;
  if (!pair.over_time.mine) return `You no longer look back together. ${name} sees your weeks no more.`;
  if (pair.over_time.partner) return "You both agree: your weeks are below.";
  return `You agree. It opens once ${name} agrees too.`;
}

function partnerState(pair) {
  const name = pair.partner.display_name;
  const { mine, partner } = pair.over_time;
  if (mine && partner) return `You and ${name} both agree, so you each see the weeks below.`;
  if (partner) return `${name} would like to look back together. It opens if you agree too.`;
  if (mine) {
    return `${name} has not agreed yet. It's their choice; nothing asks them to. `
      + "If they agree, it opens for both of you.";
  }
  return `Neither of you has agreed yet. ${name} sees here whether you do.`;
}

function renderAgreement(pair) {
  const name = pair.partner.display_name;
  fill($("#agreement"),
    h("p", {}, `When you both agree, you each see how your shared check-ins went, week by week: `
      + `how many there were, and how pleasant and how full of energy they were on average. `
      + `Only check-ins you chose to share with ${name} count; private ones stay private, `
      + "and they are not counted either."),
    h("div", { class: "share" }, switchFor(pair),
      h("p", { class: "hint", id: "agree-hint" }, pair.over_time.mine
        ? "Switch it off whenever you like: it closes for both of you at once."
        : `${name} will see that you agreed. You can change your mind at any time.`)),
    h("p", { id: "partner-agrees", class: pair.over_time.mine && pair.over_time.partner ? "" : "muted" },
      partnerState(pair)));
}

// The weeks.

function scales(count) {
  const plotWidth = SIZE.width - SIZE.left - SIZE.right;
  const plotHeight = SIZE.height - SIZE.top - SIZE.bottom;
  const step = plotWidth / count;
  return {
    x: (index) => SIZE.left + step * (index + 0.5),
    y: (score) => SIZE.top + ((2 - score) / 4) * plotHeight,
  };
}

function axes({ x, y }, weeks) {
  const parts = [];
  for (const score of [-2, -1, 0, 1, 2]) {
    parts.push(
      h("line", { x1: SIZE.left, x2: SIZE.width - SIZE.right, y1: y(score), y2: y(score), class: score === 0 ? "axis-zero" : "grid-line" }),
      h("text", { x: SIZE.left - 8, y: y(score) + 4, class: "tick", "text-anchor": "end" }, signed(score, 0)));
  }
  // A date every few weeks, fewer when the chart is narrow.
  const labels = SIZE.width < 480 ? 3 : 6;
  const step = Math.max(1, Math.ceil(weeks.length / labels));
  for (let index = weeks.length - 1; index >= 0; index -= step) {
    // The newest week's date ends at the right edge instead of running past it.
    const last = index === weeks.length - 1;
    parts.push(h("text", {
      x: last ? SIZE.width - SIZE.right : x(index), y: SIZE.height - 8, class: "tick",
      "text-anchor": last ? "end" : "middle",
    }, formatShortDate(monday(weeks[index].start))));
  }
  return parts;
}

/** One person's line: broken where a week has no shared check-in. */
function line({ x, y }, weeks, key, { side, className }) {
  const parts = [];
  let run = [];
  const flush = () => {
    if (run.length > 1) parts.push(h("polyline", { points: run.map((p) => p.join(",")).join(" "), class: `${className} line` }));
    run = [];
  };
  weeks.forEach((week, index) => {
    const value = week[side][key];
    if (value === null) {
      flush();
      return;
    }
    const [px, py] = [x(index), y(value)];
    run.push([px, py]);
    parts.push(side === "mine"
      ? h("circle", { cx: px, cy: py, r: 4.5, class: className })
      : h("rect", { x: px - 4, y: py - 4, width: 8, height: 8, class: className }));
  });
  flush();
  return parts;
}

function describe(weeks, key, who) {
  return who.map(({ side, name }) => {
    const values = weeks.map((week) => week[side][key]).filter((v) => v !== null);
    const subject = name === "You" ? "Your" : `${name}'s`;
    if (!values.length) return `${name === "You" ? "You" : name} shared no check-ins in these weeks.`;
    const low = Math.min(...values);
    const high = Math.max(...values);
    return `${subject} weekly averages went from ${signed(low)} to ${signed(high)}, in ${values.length} `
      + `${values.length === 1 ? "week" : "weeks"} with a shared check-in.`;
  }).join(" ");
}

function chart(weeks, measure, who) {
  const scale = scales(weeks.length);
  const id = `chart-${measure.key}`;
  return h("figure", { class: "over-time-chart" },
    h("figcaption", {}, h("h3", {}, measure.title),
      h("span", { class: "muted" }, ` from −2 (${measure.low}) to +2 (${measure.high})`)),
    h("svg", {
      viewBox: `0 0 ${SIZE.width} ${SIZE.height}`, class: "chart", role: "img",
      "aria-labelledby": `${id}-title ${id}-desc`,
    },
    h("title", { id: `${id}-title` }, `${measure.title}, week by week, for you and ${who[1].name}`),
    h("desc", { id: `${id}-desc` }, describe(weeks, measure.key, who)),
    axes(scale, weeks),
    who.map((person) => line(scale, weeks, measure.key, person))));
}

function cell(side) {
  if (!side.count) return h("td", { class: "muted" }, "None shared");
  return h("td", {},
    h("span", { class: "line" }, `${checkIns(side.count)}:`), " ",
    h("span", { class: "line" }, `pleasantness ${signed(side.pleasantness)},`), " ",
    h("span", { class: "line" }, `energy ${signed(side.energy)}`));
}

function table(weeks, who) {
  return h("details", { class: "chart-table" },
    h("summary", {}, "The same as a table"),
    h("table", { class: "over-time-table" },
      h("caption", { class: "visually-hidden" }, "Shared check-ins and their averages, week by week, newest first"),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "Week of"),
        who.map(({ name }) => h("th", { scope: "col" }, name)))),
      h("tbody", {}, [...weeks].reverse().map((week) => h("tr", {},
        h("th", { scope: "row" }, formatShortDate(monday(week.start))),
        who.map(({ side }) => cell(week[side])))))));
}

function pauses(data, name) {
  const notes = [];
  if (data.sharing_paused) {
    notes.push(`Your sharing is paused, so your side is empty for now, here and for ${name}.`);
  }
  if (data.partner_sharing_paused) {
    notes.push(`${name} has paused their sharing, so their side is empty for now.`);
  }
  return notes.map((note) => h("p", { class: "notice notice-calm" }, note));
}

function spanPicker(pair) {
  const select = h("select", { id: "span" }, SPANS.map(({ weeks, label }) =>
    h("option", { value: String(weeks), selected: weeks === weeksShown }, `The last ${label}`)));
  select.addEventListener("change", async () => {
    weeksShown = Number(select.value);
    await renderWeeks(pair);
    $("#span").focus();
  });
  return h("p", { class: "span-picker" }, h("label", { for: "span" }, "Show "), select);
}

/** Size the charts to the width they have, so their words stay readable on a
 * phone; side by side on a wide screen (over_time.css), so each gets half. */
function drawCharts(shown) {
  const box = $(".over-time-charts");
  const columns = window.matchMedia("(min-width: 56rem)").matches ? 2 : 1;
  const gap = columns > 1 ? 16 : 0;
  SIZE.width = Math.max(260, Math.round(((box.clientWidth || 640) - gap * (columns - 1)) / columns));
  SIZE.height = SIZE.width < 480 ? 180 : 220;
  fill(box, MEASURES.map((measure) => chart(shown.weeks, measure, shown.who)));
}

let shown = null; // what the charts show now: {weeks, who}

async function renderWeeks(pair) {
  const box = $("#weeks");
  const name = pair.partner.display_name;
  const span = SPANS.find(({ weeks }) => weeks === weeksShown);
  fill($("#together-title"), `The last ${span.label}`);
  shown = null;
  let data;
  try {
    data = await api.get(`checkins/over-time?weeks=${weeksShown}`);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
      // It changed on the other side since this page loaded.
      refreshPartnership();
      fill(box, h("p", {}, error.message));
      return;
    }
    throw error;
  }
  const who = people(pair);
  const anything = data.weeks.some((week) => week.mine.count || week.partner.count);
  if (!anything) {
    fill(box, spanPicker(pair), pauses(data, name),
      h("p", {}, "Nothing to look back on in these weeks yet. When either of you shares a check-in with the other, its week shows here."),
      h("p", {}, h("a", { class: "button", href: "/checkin" }, "Check in")));
    return;
  }
  const legend = h("ul", { class: "legend", "aria-hidden": "true" }, who.map((person) =>
    h("li", {}, h("span", { class: `key ${person.className}` }), person.name)));
  fill(box, spanPicker(pair), pauses(data, name),
    h("p", { class: "muted" }, `Each point is a week's average of the check-ins shared that week; a gap is a week without one. Weeks start on Monday (${data.timezone}).`),
    legend,
    h("div", { class: "over-time-charts" }),
    table(data.weeks, who));
  shown = { weeks: data.weeks, who };
  drawCharts(shown);
}

async function render(pair) {
  renderAgreement(pair);
  const together = $("#together");
  if (!(pair.over_time.mine && pair.over_time.partner)) {
    together.hidden = true;
    shown = null;
    fill($("#weeks"));
    return;
  }
  together.hidden = false;
  await renderWeeks(pair);
}

startPage(async () => {
  const pair = await partnership();
  if (!pair) {
    fill($("#agreement"),
      h("p", {}, "Us over time is for two. Once you have a partner on attune, you can both choose to look back together here."),
      h("p", {}, h("a", { class: "button", href: "/invite" }, "Invite someone")));
    return;
  }
  await render(pair);
  let lastWidth = window.innerWidth;
  window.addEventListener("resize", () => {
    if (window.innerWidth === lastWidth || !shown) return;
    lastWidth = window.innerWidth;
    drawCharts(shown);
  });
});
