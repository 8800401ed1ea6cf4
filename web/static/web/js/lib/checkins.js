// How a check-in reads on a page, for its owner and for the partner.

import { h, time } from "./dom.js";
import { NEEDS, RESPONSES, mood, say } from "./words.js";

/** The mood-meter quadrant a point falls in, for its colour. */
export function quadrant(pleasantness, energy) {
  const side = pleasantness > 0 ? "pleasant" : pleasantness < 0 ? "unpleasant" : "neutral";
  const level = energy > 0 ? "high" : energy < 0 ? "low" : "mid";
  return `q-${side}-${level}`;
}

/** The body of a check-in: when, mood, feelings, need and note. */
export function checkinSummary(checkin) {
  return h("div", { class: "checkin-summary" },
    h("p", { class: "when" }, time(checkin.created_at)),
    h("p", { class: "mood-line" },
      h("span", { class: `swatch ${quadrant(checkin.pleasantness, checkin.energy)}`, "aria-hidden": "true" }),
      mood(checkin.pleasantness, checkin.energy)),
    checkin.feelings.length
      ? h("ul", { class: "chip-list static", "aria-label": "Feelings" },
        checkin.feelings.map((feeling) => h("li", { class: "chip" }, feeling)))
      : null,
    checkin.need ? h("p", {}, "Would like: ", h("strong", {}, say(NEEDS, checkin.need))) : null,
    checkin.note ? h("blockquote", { class: "note" }, checkin.note) : null);
}

/** The partner's responses to a check-in, each with who sent it. */
export function responseList(responses, who) {
  return h("ul", { class: "responses" }, responses.map((response) => h("li", {},
    h("strong", {}, `${who}: `), `“${say(RESPONSES, response.kind)}”`,
    response.note ? ` — ${response.note}` : "",
    " ", h("span", { class: "muted" }, time(response.created_at)))));
}
