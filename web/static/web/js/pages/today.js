// Today: what is waiting for you (what your partner shared, asked, answered),
// a check-in waiting for you, how your partner is, and how your partner
// answered your own latest check-in.

import { api } from "../lib/api.js";
import { checkinSummary, responseList } from "../lib/checkins.js";
import { $, announce, fill, formatTime, h, time } from "../lib/dom.js";
import { endedNotice, partnershipEnded, rememberPartner } from "../lib/ending.js";
import { onSubmit } from "../lib/forms.js";
import { READ_EVENT, inboxLine, markRead, unreadActivities } from "../lib/inbox.js";
import { me, partnership, problem, startPage } from "../lib/layout.js";
import { RESPONSES, say } from "../lib/words.js";

const SNOOZE_CHOICES = [
  [30, "in half an hour"],
  [60, "in an hour"],
  [180, "in three hours"],
  [24 * 60, "tomorrow"],
];

function answerLink(prompt) {
  return h("a", { class: "button", href: `/checkin?prompt=${encodeURIComponent(prompt.id)}` }, "Answer now");
}

function renderPrompt(box, prompt, schedule) {
  if (!prompt) {
    fill(box,
      h("p", {}, "No check-in is waiting for you. You can check in whenever you like."),
      h("p", { class: "actions" }, h("a", { class: "button", href: "/checkin" }, "Check in")),
      schedule && !schedule.active
        ? h("p", { class: "muted" }, "Would gentle reminders help? ",
          h("a", { href: "/settings" }, "Pick when, in Settings"), ".")
        : null);
    return;
  }
  const snoozedUntil = prompt.snoozed_until && new Date(prompt.snoozed_until) > new Date()
    ? prompt.snoozed_until : null;
  if (snoozedUntil) {
    fill(box,
      h("p", { class: "question" }, prompt.question),
      h("p", { class: "muted" }, `We will ask again at ${formatTime(snoozedUntil)}. Or answer now, if you like.`),
      h("p", { class: "actions" }, answerLink(prompt)));
    return;
  }
  const snoozeForm = h("form", { class: "inline-form", id: "snooze-form" },
    h("div", { class: "field" },
      h("label", { for: "snooze-minutes" }, "Ask me again"),
      h("select", { id: "snooze-minutes", name: "minutes" },
        SNOOZE_CHOICES.map(([minutes, words]) => h("option", { value: minutes }, words)))),
    h("button", { type: "submit", class: "button-quiet" }, "Later"));
  const skipForm = h("form", { class: "inline-form", id: "skip-form" },
    h("button", { type: "submit", class: "button-quiet" }, "Skip this one"));
  fill(box,
    h("p", { class: "question" }, prompt.question),
    h("p", { class: "actions" }, answerLink(prompt)),
    h("div", { class: "prompt-choices" }, snoozeForm, skipForm));
  onSubmit(snoozeForm, async () => {
    const minutes = Number(snoozeForm.elements.minutes.value);
    const snoozed = await api.post(`checkins/prompts/${prompt.id}/snooze`, { minutes });
    renderPrompt(box, snoozed, schedule);
    announce("Snoozed.");
  });
  onSubmit(skipForm, async () => {
    await api.post(`checkins/prompts/${prompt.id}/skip`);
    fill(box,
      h("p", {}, "Skipped. Nothing to catch up on; the next one comes when it comes."),
      h("p", { class: "actions" }, h("a", { class: "button button-quiet", href: "/checkin" }, "Check in anyway")));
    announce("Skipped.");
  });
}

async function loadPrompt() {
  const box = $("#prompt");
  const [prompts, schedule] = await Promise.all([
    api.get("checkins/prompts?status=pending&page_size=1"),
    api.get("checkins/schedule"),
  ]);
  renderPrompt(box, prompts.results[0] || null, schedule);
}

function respondButtons(checkin, name, list) {
  const group = h("div", { class: "respond", role: "group", "aria-label": `Respond to ${name}` });
  for (const [kind, words] of Object.entries(RESPONSES)) {
    const button = h("button", { type: "button", class: "button-quiet", dataset: { kind } }, words);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const response = await api.post(`partner/checkins/${checkin.id}/responses`, { kind });
        checkin.responses.push(response);
        fill(list, responseList(checkin.responses, "You"));
        announce(`Sent to ${name}: ${say(RESPONSES, kind)}.`);
      } catch (error) {
        group.after(problem(error));
      } finally {
        button.disabled = false;
      }
    });
    group.append(button);
  }
  return group;
}

async function loadPartnerCheckin(pair, profile) {
  const box = $("#partner-checkin");
  if (!pair && await partnershipEnded()) {
    $("#partner-checkin-title").textContent = "Your partnership";
    fill(box, endedNotice(profile));
    return;
  }
  if (!pair) {
    fill(box,
      h("p", {}, "You have no partner on attune right now."),
      h("p", { class: "actions" }, h("a", { class: "button", href: "/invite" }, "Invite someone")));
    return;
  }
  const name = pair.partner.display_name;
  $("#partner-checkin-title").textContent = `How ${name} is doing`;
  const latest = (await api.get("partner/checkins?page_size=1")).results[0];
  if (!latest) {
    fill(box, h("p", { class: "muted" }, `${name} has not shared a check-in lately.`));
    return;
  }
  const list = h("div", { class: "response-list" },
    latest.responses.length ? responseList(latest.responses, "You") : null);
  fill(box, h("div", { id: `checkin-${latest.id}` },
    checkinSummary(latest), respondButtons(latest, name, list), list));
}

/** Activities that lead to the same place for the same reason read as one line, the newest. */
function gathered(activities) {
  const lines = new Map();
  for (const activity of activities) {
    const key = `${activity.kind} ${activity.url}`;
    if (!lines.has(key)) lines.set(key, activity);
  }
  return [...lines.values()];
}

function upToDate(box, pair) {
  fill(box, h("p", { class: "muted" }, pair
    ? `You are up to date with ${pair.partner.display_name}.`
    : "When you have a partner, what they share and ask you shows up here."));
}

/** Marks read what this page shows, not what may have arrived since. */
function markAllButton(box, pair, activities) {
  const button = h("button", { type: "button", class: "button-quiet" }, "Mark all as read");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await markRead({ ids: activities.map((activity) => activity.id) });
      $("#waiting-title").focus();
      announce("Marked as read.");
    } catch (error) {
      button.disabled = false;
      box.append(problem(error));
    }
  });
  return button;
}

/** What the inbox holds unread, one gentle line each, leading to its place. */
async function loadWaiting(pair) {
  const box = $("#waiting-list");
  const activities = await unreadActivities();
  if (!activities.length) {
    upToDate(box, pair);
    return;
  }
  const name = pair ? pair.partner.display_name : null;
  fill(box,
    h("ul", { class: "plain-list waiting-list" }, gathered(activities).map((activity) => h("li", {},
      h("a", { href: activity.url }, inboxLine(activity, name)),
      " ", h("span", { class: "muted" }, time(activity.created_at))))),
    h("p", { class: "actions" }, markAllButton(box, pair, activities)));
}

async function loadMyLatest(pair) {
  const box = $("#my-latest");
  const latest = (await api.get("checkins?page_size=1")).results[0];
  if (!latest) {
    fill(box, h("p", { class: "muted" }, "Your check-ins will show here."));
    return;
  }
  const name = pair ? pair.partner.display_name : "Your partner";
  let sharing;
  if (!latest.shared) sharing = h("p", { class: "muted" }, "Private: only you see it.");
  else if (latest.responses.length) sharing = responseList(latest.responses, name);
  else sharing = h("p", { class: "muted" }, `Shared with ${name}.`);
  fill(box, h("div", { id: `checkin-${latest.id}` }, checkinSummary(latest), sharing),
    h("p", {}, h("a", { href: "/history" }, "See your history")));
}

/** Run one part of the page; a failure there shows in its place, not everywhere. */
async function part(selector, load) {
  try {
    await load();
  } catch (error) {
    fill($(selector), problem(error));
  }
}

startPage(async () => {
  const [profile, pair] = await Promise.all([me(), partnership()]);
  rememberPartner(profile, pair);
  $("#greeting").textContent = profile.display_name
    ? `Hello, ${profile.display_name}. How are you, really?`
    : "Hello. How are you, really?";
  // Following a line to a place on this page marks it read: the list follows.
  document.addEventListener(READ_EVENT, () => part("#waiting-list", () => loadWaiting(pair)));
  await Promise.all([
    part("#waiting-list", () => loadWaiting(pair)),
    part("#prompt", loadPrompt),
    part("#partner-checkin", () => loadPartnerCheckin(pair, profile)),
    part("#my-latest", () => loadMyLatest(pair)),
  ]);
});
