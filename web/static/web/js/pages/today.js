// Today: a check-in waiting for you, how your partner is, what is new in their
// space, and how your partner answered your own latest check-in.

import { api } from "../lib/api.js";
import { checkinSummary, responseList } from "../lib/checkins.js";
import { $, announce, fill, formatTime, h } from "../lib/dom.js";
import { onSubmit } from "../lib/forms.js";
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
      h("p", {}, "Nothing is waiting for you. You can check in whenever you like."),
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

async function loadPartnerCheckin(pair) {
  const box = $("#partner-checkin");
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
  fill(box, checkinSummary(latest), respondButtons(latest, name, list), list);
}

function changeLine(item, kind) {
  const title = kind === "trigger" ? item.title : item.statement;
  const what = item.changed_since_acknowledged ? `Changed ${kind}` : `New ${kind}`;
  return h("li", {}, h("a", { href: `/partner#${kind}-${item.id}` }, `${what}: `, title));
}

async function loadChanges(pair) {
  const box = $("#changes");
  if (!pair) {
    fill(box, h("p", { class: "muted" }, "When you have a partner, what they share shows up here."));
    return;
  }
  const name = pair.partner.display_name;
  $("#changes-title").textContent = `New in ${name}'s space`;
  const [triggers, boundaries] = await Promise.all([
    api.list("partner/triggers"), api.list("partner/boundaries"),
  ]);
  const unread = (item) => !item.acknowledged_at || item.changed_since_acknowledged;
  const lines = [
    ...triggers.filter(unread).map((item) => changeLine(item, "trigger")),
    ...boundaries.filter(unread).map((item) => changeLine(item, "boundary")),
  ];
  if (!lines.length) {
    fill(box, h("p", { class: "muted" }, `You are up to date with what ${name} shares.`));
    return;
  }
  fill(box, h("ul", { class: "plain-list" }, lines));
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
  fill(box, checkinSummary(latest), sharing,
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
  $("#greeting").textContent = profile.display_name
    ? `Hello, ${profile.display_name}. How are you, really?`
    : "Hello. How are you, really?";
  await Promise.all([
    part("#prompt", loadPrompt),
    part("#partner-checkin", () => loadPartnerCheckin(pair)),
    part("#changes", () => loadChanges(pair)),
    part("#my-latest", () => loadMyLatest(pair)),
  ]);
});
