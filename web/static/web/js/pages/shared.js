// Shared with Bob: everything I share with my partner now — triggers,
// boundaries, self-care notes, check-ins — each with a one-tap "Stop sharing".
// With no partner, or after an ending, it says so gently and lists nothing.

import { api } from "../lib/api.js";
import { $, announce, fill, focusOn, formatDate, h } from "../lib/dom.js";
import { endedNotice, partnershipEnded } from "../lib/ending.js";
import { me, partnership, problem, startPage } from "../lib/layout.js";
import { mood } from "../lib/words.js";

const KINDS = [
  {
    path: "triggers", title: "Triggers", one: "trigger", none: "No triggers shared.",
    what: (item) => item.title
  },
  {
    path: "boundaries", title: "Boundaries", one: "boundary", none: "No boundaries shared.",
    what: (item) => item.statement
  },
  {
    path: "self-care", title: "Self-care notes", one: "self-care note", none: "No self-care notes shared.",
    what: (item) => item.title
  },
  {
    path: "checkins", title: "Check-ins", one: "check-in", none: "No check-ins shared.",
    what: (item) => `${formatDate(item.created_at)}: ${mood(item.pleasantness, item.energy)}`,
    stop: (item) => api.patch(`checkins/${item.id}`, { shared: false }),
  },
];

let pair = null;

function stopSharing(kind, item) {
  return kind.stop ? kind.stop(item) : api.delete(`${kind.path}/${item.id}/share`);
}

/** After a line leaves: the next line's button, else the one before, else the section's heading. */
function focusAfterLeaving(list, index, heading) {
  const buttons = list.querySelectorAll("button");
  const next = buttons[Math.min(index, buttons.length - 1)];
  focusOn(next || heading);
}

function line(kind, item, list, heading) {
  const name = pair.partner.display_name;
  const what = kind.what(item);
  const button = h("button", { type: "button", class: "button-quiet" },
    "Stop sharing", h("span", { class: "visually-hidden" }, ` “${what}”`));
  const li = h("li", { id: `shared-${item.id}` },
    h("div", { class: "shared-what" },
      h("p", {}, h("strong", {}, what)),
      h("p", { class: "muted" }, `Shared since ${formatDate(item.shared_at)}`)),
    button);
  button.addEventListener("click", async () => {
    if (button.getAttribute("aria-disabled") === "true") return;
    button.setAttribute("aria-disabled", "true");
    try {
      await stopSharing(kind, item);
    } catch (error) {
      button.removeAttribute("aria-disabled");
      li.append(problem(error));
      return;
    }
    const index = Array.from(list.children).indexOf(li);
    li.remove();
    if (!list.children.length) list.append(h("li", { class: "empty muted" }, kind.none));
    focusAfterLeaving(list, index, heading);
    announce(`Stopped sharing “${what}”. ${name} no longer sees it; it is still yours.`);
  });
  return li;
}

function section(kind, items) {
  const headingId = `shared-${kind.path}-title`;
  const heading = h("h2", { id: headingId, tabindex: "-1" }, kind.title);
  const list = h("ul", { class: "shared-list" });
  if (items.length) list.append(...items.map((item) => line(kind, item, list, heading)));
  else list.append(h("li", { class: "empty muted" }, kind.none));
  return h("section", { class: "section card", "aria-labelledby": headingId }, heading, list);
}

function pausedNotice() {
  const name = pair.partner.display_name;
  return h("div", { class: "notice notice-calm" },
    h("p", {}, h("strong", {}, "Your sharing is paused."),
      ` ${name} sees none of this right now. These items stay shared and `
      + `${name} sees them again when you resume. `,
      h("a", { href: "/settings" }, "Resume in Settings"), " when you are ready."));
}

async function noPartner() {
  const [profile, ended] = await Promise.all([me(), partnershipEnded()]);
  fill($("#shared-context"), ended
    ? endedNotice(profile)
    : h("div", { class: "notice notice-calm" },
      h("p", {}, "You have no partner on attune right now, so nothing of yours is shared. "
        + "Everything you write stays with you."),
      h("p", {}, h("a", { href: "/invite" }, "Invite someone"), " whenever you like.")));
  fill($("#shared-lists"));
}

startPage(async () => {
  pair = await partnership();
  if (!pair) {
    await noPartner();
    return;
  }
  const name = pair.partner.display_name;
  $("#shared-title").textContent = `Shared with ${name}`;
  document.title = document.title.replace("What I share", `Shared with ${name}`);
  if (pair.sharing_paused) fill($("#shared-context"), pausedNotice());
  const lists = await Promise.all(KINDS.map((kind) => api.list(kind.path, { limit: 1000 })));
  const shared = lists.map((items) => items.filter((item) => item.shared));
  const total = shared.reduce((sum, items) => sum + items.length, 0);
  fill($("#shared-lists"),
    total ? null : h("p", {}, `You share nothing with ${name} right now. Each item is private until you share it.`),
    KINDS.map((kind, index) => section(kind, shared[index])));
});
