// Today: what is waiting for you (what your partner shared, asked, answered),
// a check-in waiting for you, how your partner is, and how your partner
// answered your own latest check-in.

import { api } from "../lib/api.js";
import { checkinSummary, responseList } from "../lib/checkins.js";
import { arriveAgain } from "../lib/deeplink.js";
import { $, announce, fill, focusOn, formatTime, h, time, whileBusy } from "../lib/dom.js";
import { endedNotice, partnershipEnded, rememberPartner } from "../lib/ending.js";
import { onFollow } from "../lib/follow.js";
import { onSubmit } from "../lib/forms.js";
import { READ_EVENT, inboxLines, markRead, placeOf, saidTogether, unreadActivities } from "../lib/inbox.js";
import { me, partnership, problem, refreshPartnership, startPage } from "../lib/layout.js";
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
  // One response per person: the partner's view lists only mine.
  let mine = checkin.responses[0] || null;
  const noteId = `response-note-${checkin.id}`;
  const note = h("input", { id: noteId, name: "note", type: "text", maxlength: 500, value: mine ? mine.note : "" });
  const group = h("div", { class: "respond", role: "group", "aria-label": `Respond to ${name}` });
  const takeBack = h("button", { type: "button", class: "button-quiet" }, "Take it back");
  const box = h("div", { class: "respond-box" },
    group,
    h("div", { class: "field" },
      h("label", { for: noteId }, "A short note (optional)"),
      note,
      h("p", { class: "hint muted" }, "It goes with the response you choose. Choose it again to send a changed note.")),
    h("p", {}, takeBack));
  const show = () => {
    for (const button of group.querySelectorAll("button")) {
      button.setAttribute("aria-pressed", String(Boolean(mine) && button.dataset.kind === mine.kind));
    }
    takeBack.hidden = !mine;
    checkin.responses = mine ? [mine] : [];
    fill(list, mine ? responseList(checkin.responses, "You") : null);
  };
  const act = (button, work) => whileBusy(button, async () => {
    box.querySelector(".problem")?.remove();
    try {
      await work();
      show();
    } catch (error) {
      box.append(problem(error));
    }
  });
  for (const [kind, words] of Object.entries(RESPONSES)) {
    const button = h("button", { type: "button", class: "button-quiet", dataset: { kind } }, words);
    button.addEventListener("click", () => act(button, async () => {
      const changing = Boolean(mine);
      mine = await api.post(`partner/checkins/${checkin.id}/responses`, { kind, note: note.value.trim() });
      announce(changing ? `Changed: ${name} now sees “${say(RESPONSES, kind)}”.` : `Sent to ${name}: ${say(RESPONSES, kind)}.`);
    }));
    group.append(button);
  }
  takeBack.addEventListener("click", () => act(takeBack, async () => {
    await api.delete(`partner/checkins/${checkin.id}/responses`);
    mine = null;
    note.value = "";
    announce(`Taken back. ${name} no longer sees your response.`);
    focusOn(group.querySelector("button"));
  }));
  show();
  return box;
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
  // A link to an older check-in (from the inbox) shows that one, while it is shared.
  const named = /^#checkin-([0-9a-f-]{36})$/.exec(window.location.hash);
  let shown = null;
  if (named) {
    try {
      shown = await api.get(`partner/checkins/${named[1]}`);
    } catch {
      shown = null;
    }
  }
  const latest = shown || (await api.get("partner/checkins?page_size=1")).results[0];
  if (!latest) {
    fill(box, h("p", { class: "muted" }, `${name} has not shared a check-in lately.`));
    return;
  }
  const list = h("div", { class: "response-list" });
  fill(box, h("div", { id: `checkin-${latest.id}` },
    checkinSummary(latest), respondButtons(latest, name, list), list));
}

/**
 * What waits, in lines: activities of one kind about one sort of thing (three
 * shares, two changes) read as one line with a count; others that lead to the
 * same place for the same reason read as one line, the newest. Each line is
 * {activities, url}, newest first.
 */
function gathered(activities) {
  const lines = new Map();
  for (const activity of activities) {
    const sort = activity.target?.type === "partner_checkin" ? "checkin" : "item";
    const key = saidTogether(activity.kind) ? `${activity.kind} ${sort}` : `${activity.kind} ${activity.url}`;
    if (!lines.has(key)) lines.set(key, []);
    lines.get(key).push(activity);
  }
  return [...lines.values()].map((together) => ({ activities: together, url: lineUrl(together) }));
}

/** Where a line leads: the one page all its activities are on, else the newest one's place. */
function lineUrl(together) {
  const [newest] = together;
  if (new Set(together.map((activity) => activity.url)).size === 1) return newest.url;
  const pages = new Set(together.map((activity) => (placeOf(activity.url) || "").split("#")[0]));
  const [page] = pages;
  return pages.size === 1 && page && page !== window.location.pathname ? page : newest.url;
}

/** A line leading to its place; following a line that gathers several marks them all read. */
function waitingLine(line, name) {
  const link = h("a", { href: line.url }, inboxLines(line.activities, name));
  if (line.url !== line.activities[0].url) {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      try {
        await markRead({ ids: line.activities.map((activity) => activity.id) });
      } catch {
        // They stay unread for later; the place is still worth going to.
      }
      window.location.assign(line.url);
    });
  }
  return h("li", {}, link, " ", h("span", { class: "muted" }, time(line.activities[0].created_at)));
}

function upToDate(box, pair) {
  fill(box, h("p", { class: "muted" }, pair
    ? `You are up to date with ${pair.partner.display_name}.`
    : "When you have a partner, what they share and ask you shows up here."));
}

/** Marks read what this page shows, not what may have arrived since. */
function markAllButton(box, pair, activities) {
  const button = h("button", { type: "button", class: "button-quiet" }, "Mark all as read");
  button.addEventListener("click", () => whileBusy(button, async () => {
    try {
      await markRead({ ids: activities.map((activity) => activity.id) });
      $("#waiting-title").focus();
      announce("Marked as read.");
    } catch (error) {
      box.append(problem(error));
    }
  }));
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
    h("ul", { class: "plain-list waiting-list" }, gathered(activities).map((line) => waitingLine(line, name))),
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

// The first-week guide: three steps after sign-up, each showing whether it is
// done from what is really there. Hidden for good once all are done, or when
// the person says so (remembered on this device).
const GUIDE_KEY = "attune.firstWeek";
const GUIDE_DAYS = 30;

function guideKey(profile) {
  return `${GUIDE_KEY}.${profile.id}`;
}

function guideWanted(profile) {
  const age = Date.now() - Date.parse(profile.created_at);
  return !localStorage.getItem(guideKey(profile)) && age < GUIDE_DAYS * 24 * 3600 * 1000;
}

async function anyOwnItem() {
  const lists = await Promise.all(["triggers", "boundaries", "self-care"]
    .map((kind) => api.get(`${kind}?page_size=1`)));
  return lists.some((list) => list.results.length > 0);
}

async function invitationWaiting() {
  const invitations = await api.get("invitations?page_size=20");
  return invitations.results.some((invitation) => invitation.status === "pending");
}

/** The three steps, each {step, title, href, hint, done, doneWords}. */
async function guideSteps(pair) {
  const [invited, wrote, schedule] = await Promise.all([
    pair ? true : invitationWaiting(),
    anyOwnItem(),
    api.get("checkins/schedule"),
  ]);
  return [
    {
      step: "invite",
      title: "Invite your partner",
      href: "/invite",
      hint: "Send them a private link. Nothing is shared until you choose to share it.",
      done: invited,
      doneWords: pair
        ? `You and ${pair.partner.display_name} are partners.`
        : "Your invitation is waiting to be accepted.",
    },
    {
      step: "write",
      title: "Write a first trigger",
      href: "/mine#add-trigger",
      hint: "Start from an example and change it until it fits you. It stays private until you share it.",
      done: wrote,
      doneWords: "You wrote your first one.",
    },
    {
      step: "remind",
      title: "Choose when to be reminded",
      href: "/settings#schedule-title",
      hint: "A gentle nudge to check in, on the days and at the times you pick.",
      done: Boolean(schedule.active),
      doneWords: "Your reminders are on.",
    },
  ];
}

function guideStep(step) {
  const item = h("li", { dataset: { step: step.step, done: String(step.done) } });
  if (step.done) {
    item.append(h("p", {},
      h("span", { "aria-hidden": "true" }, "✓ "),
      h("strong", {}, step.title), " — done. ",
      h("span", { class: "muted" }, step.doneWords)));
  } else {
    item.append(
      h("p", {}, h("a", { href: step.href }, step.title)),
      h("p", { class: "muted" }, step.hint));
  }
  return item;
}

async function loadGuide(profile, pair) {
  const box = $("#first-week");
  if (!guideWanted(profile)) {
    box.hidden = true;
    return;
  }
  const steps = await guideSteps(pair);
  if (steps.every((step) => step.done)) {
    localStorage.setItem(guideKey(profile), "done");
    box.hidden = true;
    return;
  }
  fill($("#first-week-steps"), steps.map(guideStep));
  box.hidden = false;
  $("#first-week-hide").onclick = () => {
    localStorage.setItem(guideKey(profile), "hidden");
    box.hidden = true;
    focusOn($("#greeting"));
    announce("The guide is hidden. Invite, Mine and Settings are always in the menu.");
  };
}

/** The partnership as it is now (it may have been paused or ended since the page was drawn). */
function refreshedPartnership() {
  refreshPartnership();
  return partnership();
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
  // A line on this page that names another of the partner's check-ins changes
  // only the fragment: draw that one, then arrive at it.
  window.addEventListener("hashchange", async () => {
    const named = /^#checkin-([0-9a-f-]{36})$/.exec(window.location.hash);
    if (!named || document.getElementById(`checkin-${named[1]}`)) return;
    await part("#partner-checkin", () => loadPartnerCheckin(pair, profile));
    await arriveAgain();
  });
  // What is new follows when someone asks to see it (lib/follow.js).
  onFollow(async () => {
    const fresh = await refreshedPartnership();
    await Promise.all([
      part("#waiting-list", () => loadWaiting(fresh)),
      part("#partner-checkin", () => loadPartnerCheckin(fresh, profile)),
    ]);
  });
  await Promise.all([
    loadGuide(profile, pair).catch(() => { $("#first-week").hidden = true; }),
    part("#waiting-list", () => loadWaiting(pair)),
    part("#prompt", loadPrompt),
    part("#partner-checkin", () => loadPartnerCheckin(pair, profile)),
    part("#my-latest", () => loadMyLatest(pair)),
  ]);
});
