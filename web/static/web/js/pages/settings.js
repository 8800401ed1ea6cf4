// Settings: profile and quiet hours, signing in and staying safe (email,
// password, two-step sign-in, passkeys, signed-in devices), check-in
// reminders, notifications on this device, how each kind of news comes (email,
// push, both, none), the partnership (pause sharing, end it), the
// consent log, export and account deletion.

import { ApiError, api } from "../lib/api.js";
import { setupDevices } from "../lib/devices.js";
import { $, announce, fill, formatDate, formatDateTimeIn, h, time, whileBusy } from "../lib/dom.js";
import { setupEmailAndPassword } from "../lib/emails.js";
import { confirmEnding } from "../lib/ending.js";
import { checkedValues, onSubmit, value } from "../lib/forms.js";
import { flashNext, me, partnership, problem, refreshPartnership, startPage } from "../lib/layout.js";
import { setupPasskeys } from "../lib/passkeys.js";
import {
  PushRefused, guessDeviceLabel, pushSupported, subscribeThisDevice, thisDevice, unsubscribeThisDevice,
} from "../lib/push.js";
import { setupTwoStep } from "../lib/twostep.js";
import { wipeThisDevice } from "../lib/wipe.js";
import { WEEKDAYS, consentEvent } from "../lib/words.js";
import { deviceZone } from "../lib/zone.js";

const MAX_TIMES = 4;

function saved(selector, message = "Saved.") {
  $(selector).textContent = message;
  setTimeout(() => { $(selector).textContent = ""; }, 4000);
}

function timezones(current) {
  const names = new Set(Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : []);
  names.add("UTC");
  names.add(current);
  return [...names].sort();
}

// When this device's zone is not the one saved, offer it in one press.
function offerDeviceZone(profile, input) {
  const box = $("#timezone-device");
  const zone = deviceZone();
  if (!zone || zone === profile.timezone) {
    box.hidden = true;
    return;
  }
  const use = h("button", { type: "button", class: "button-quiet" }, "Use it");
  use.addEventListener("click", async () => {
    const updated = await api.patch("me", { timezone: zone });
    input.value = updated.timezone;
    fill(box, `Your timezone is now ${updated.timezone}.`);
    announce(`Your timezone is now ${updated.timezone}.`);
  });
  fill(box, `This device says ${zone}. `, use);
  box.hidden = false;
}

function setupTimezone(profile, input) {
  fill($("#timezone-names"), timezones(profile.timezone).map((zone) => h("option", { value: zone })));
  input.value = profile.timezone;
  offerDeviceZone(profile, input);
}

const NEWS_KINDS = ["reminders", "partner_activity"];
const KIND_WORDS = { reminders: "Check-in reminders", partner_activity: "News from your partner" };

/** Each kind's channel in words: email, notifications, both or none. */
function channelSummary(form) {
  return NEWS_KINDS.map((kind) => {
    const email = form.elements[kind].checked;
    const push = form.elements[`push_${kind}`].checked;
    const how = email && push ? "by email and notification"
      : email ? "by email only" : push ? "by notification only" : "not at all";
    return `${KIND_WORDS[kind]}: ${how}.`;
  }).join(" ");
}

/** Per kind, two switches (email, push): one PATCH of `me` saves both channels. */
function setupNewsChannels(profile) {
  const form = $("#emails-form");
  for (const kind of NEWS_KINDS) {
    form.elements[kind].checked = Boolean(profile.email_preferences[kind]);
    form.elements[`push_${kind}`].checked = Boolean(profile.push_preferences?.[kind]);
  }
  const summary = $("#channels-summary");
  summary.textContent = channelSummary(form);
  form.addEventListener("change", () => { summary.textContent = channelSummary(form); });
  onSubmit(form, async () => {
    const choose = (prefix) => Object.fromEntries(
      NEWS_KINDS.map((kind) => [kind, form.elements[`${prefix}${kind}`].checked]));
    await api.patch("me", { email_preferences: choose(""), push_preferences: choose("push_") });
    saved("#emails-saved");
  });
}

/** This device: notifications on (with its name) or off. */
async function renderPushHere() {
  const box = $("#push-here");
  if (!pushSupported()) {
    fill(box, h("p", { class: "muted" }, "This browser can't show notifications from attune. "
      + "On a phone, adding attune to your home screen usually makes them possible."));
    return;
  }
  const devices = await api.list("push/subscriptions", { limit: 100 });
  const here = await thisDevice(devices);
  if (here) {
    const off = h("button", { type: "button", class: "button-quiet", id: "push-off" }, "Turn them off here");
    off.addEventListener("click", () => whileBusy(off, async () => {
      try {
        await unsubscribeThisDevice();
        await refreshPush();
        saved("#push-done", "Notifications are off on this device.");
        $("#push-title").focus();
      } catch (error) {
        box.append(problem(error));
      }
    }));
    fill(box, h("p", {}, "Notifications are on for this device",
      here.label ? [" (", h("strong", {}, here.label), ")"] : null, "."), h("p", {}, off));
    return;
  }
  const form = h("form", { class: "inline-form", id: "push-form" },
    h("div", { class: "field" },
      h("label", { for: "push-label" }, "A name for this device"),
      h("input", { id: "push-label", name: "label", type: "text", maxlength: "80", value: guessDeviceLabel(),
        "aria-describedby": "push-label-hint" }),
      h("p", { class: "hint", id: "push-label-hint" }, "So you can tell your devices apart below.")),
    h("button", { type: "submit" }, "Turn on notifications here"));
  onSubmit(form, async () => {
    try {
      await subscribeThisDevice(value(form, "label"));
    } catch (error) {
      if (error instanceof PushRefused) throw new ApiError(400, [{ code: "push_refused", message: error.message }]);
      throw error;
    }
    await refreshPush();
    saved("#push-done", "Notifications are on for this device.");
    $("#push-title").focus();
  });
  fill(box, h("p", {}, "Notifications are off on this device."), form);
}

/** Every device of mine that gets notifications, each with a way to stop it. */
async function renderPushDevices() {
  const box = $("#push-devices");
  const devices = await api.list("push/subscriptions", { limit: 100 });
  if (!devices.length) {
    fill(box, h("p", { class: "muted" }, "None yet."));
    return;
  }
  const here = await thisDevice(devices);
  fill(box, h("ul", { class: "plain-list push-devices" }, devices.map((device) => {
    const name = device.label || "A device without a name";
    const remove = h("button", { type: "button", class: "button-quiet", "aria-label": `Remove ${name}` }, "Remove");
    remove.addEventListener("click", () => whileBusy(remove, async () => {
      try {
        if (here?.id === device.id) await unsubscribeThisDevice();
        else await api.delete(`push/subscriptions/${device.id}`);
        await refreshPush();
        saved("#push-done", `${name} no longer gets notifications.`);
        $("#push-title").focus();
      } catch (error) {
        box.append(problem(error));
      }
    }));
    return h("li", { class: "push-device" },
      h("p", {}, h("strong", {}, name), here?.id === device.id ? " (this device)" : "",
        h("span", { class: "muted" }, " · since ", time(device.created_at, formatDate))),
      remove);
  })));
}

async function refreshPush() {
  await Promise.all([
    renderPushHere().catch((error) => fill($("#push-here"), problem(error))),
    renderPushDevices().catch((error) => fill($("#push-devices"), problem(error))),
  ]);
}

function setupProfile(profile) {
  const form = $("#profile-form");
  $("#profile-email").textContent = profile.email;
  form.elements.display_name.value = profile.display_name;
  setupTimezone(profile, form.elements.timezone);
  const quiet = form.elements.quiet_on;
  quiet.checked = Boolean(profile.quiet_hours);
  if (profile.quiet_hours) {
    form.elements["quiet_hours.start"].value = profile.quiet_hours.start;
    form.elements["quiet_hours.end"].value = profile.quiet_hours.end;
  }
  const syncQuiet = () => {
    for (const name of ["quiet_hours.start", "quiet_hours.end"]) form.elements[name].disabled = !quiet.checked;
  };
  quiet.addEventListener("change", syncQuiet);
  syncQuiet();
  onSubmit(form, async () => {
    const updated = await api.patch("me", {
      display_name: value(form, "display_name"),
      timezone: form.elements.timezone.value,
      quiet_hours: quiet.checked
        ? { start: form.elements["quiet_hours.start"].value, end: form.elements["quiet_hours.end"].value }
        : null,
    });
    offerDeviceZone(updated, form.elements.timezone);
    saved("#profile-saved");
  });
}

function timeField(index, valueText = "") {
  const id = `schedule-time-${index}`;
  return h("div", { class: "field time-field" },
    h("label", { for: id }, `Time ${index + 1}`),
    h("input", { id, type: "time", name: `times.${index}`, value: valueText }));
}

function setupSchedule(schedule) {
  const form = $("#schedule-form");
  form.elements.active.checked = schedule.active;
  fill($("#schedule-days"), WEEKDAYS.map((day, index) => h("div", { class: "choice" },
    h("input", { type: "checkbox", name: "weekdays", value: index, id: `day-${index}`, checked: schedule.weekdays.includes(index) }),
    h("label", { for: `day-${index}` }, day))));
  const times = $("#schedule-times");
  const initial = schedule.times.length ? schedule.times : ["20:00"];
  fill(times, initial.map((t, i) => timeField(i, t)));
  const addTime = $("#add-time");
  const syncAdd = () => { addTime.hidden = times.children.length >= MAX_TIMES; };
  addTime.addEventListener("click", () => {
    const field = timeField(times.children.length);
    times.append(field);
    field.querySelector("input").focus();
    syncAdd();
  });
  syncAdd();
  let current = schedule;
  const active = form.elements.active;
  const showNext = () => { $("#schedule-next").textContent = scheduleHint(current, active.checked); };
  active.addEventListener("change", showNext);
  showNext();
  onSubmit(form, async () => {
    const chosen = [...times.querySelectorAll("input")].map((input) => input.value).filter(Boolean);
    const weekdays = checkedValues(form, "weekdays").map(Number);
    if (active.checked) missingForReminders(weekdays, chosen);
    current = await api.put("checkins/schedule", {
      active: active.checked,
      weekdays,
      times: [...new Set(chosen)],
      timezone: $("#profile-timezone").value,
    });
    showNext();
    saved("#schedule-saved");
  });
}

/** What the reminders do now, and what saving would change. */
function scheduleHint(schedule, wanted) {
  if (wanted && !schedule.active) return "Reminders start once you save.";
  if (!wanted && schedule.active) return "Reminders stop once you save.";
  if (schedule.active && schedule.next_due_at) {
    return `Times are in ${schedule.timezone}. The next reminder comes on ${formatDateTimeIn(schedule.next_due_at, schedule.timezone)}.`;
  }
  if (schedule.active) return "Reminders are on.";
  return "No reminders for now. You can check in whenever you like.";
}

/** Reminders need a day and a time: each missing one is told on its own group. */
function missingForReminders(weekdays, chosenTimes) {
  const missing = [];
  if (!weekdays.length) {
    missing.push({ code: "required", param: "weekdays", message: "Choose at least one day for your reminders." });
  }
  if (!chosenTimes.length) {
    missing.push({ code: "required", param: "times", message: "Choose at least one time for your reminders." });
  }
  if (missing.length) throw new ApiError(400, missing);
}

function renderPartnership(pair) {
  const box = $("#partnership");
  if (!pair) {
    fill(box, h("p", {}, "You have no partner on attune right now. ",
      h("a", { href: "/invite" }, "Invite someone"), " whenever you like."));
    return;
  }
  const name = pair.partner.display_name;
  const pause = h("button", {
    type: "button", role: "switch", class: "switch", "aria-checked": String(pair.sharing_paused),
    "aria-describedby": "pause-hint",
  },
  h("span", { class: "switch-track", "aria-hidden": "true" }, h("span", { class: "switch-thumb" })),
  h("span", { class: "switch-label" }, "Pause my sharing"));
  pause.addEventListener("click", async () => {
    try {
      const updated = await api.patch("partnership", { sharing_paused: !pair.sharing_paused });
      renderPartnership(updated);
      $("#partnership [role=switch]").focus();
      announce(updated.sharing_paused ? `Paused. ${name} sees nothing you shared.` : `Resumed. ${name} sees what you share again.`);
      await loadConsentLog();
    } catch (error) {
      box.append(problem(error));
    }
  });
  const end = h("button", { type: "button", class: "button-danger", id: "end-partnership" },
    `End the partnership with ${name}`);
  end.addEventListener("click", async () => {
    if (!await confirmEnding(name)) return;
    refreshPartnership();
    renderPartnership(null);
    box.prepend(h("p", { class: "notice notice-calm", tabindex: "-1", id: "ended" }, "The partnership has ended."));
    $("#ended").focus();
    try {
      await loadConsentLog();
    } catch (error) {
      fill($("#consent-log"), problem(error));
    }
  });
  fill(box,
    h("p", {}, `You and ${name} have been partners since ${formatDate(pair.since)}.`),
    h("div", { class: "share" }, pause,
      h("p", { class: "hint", id: "pause-hint" }, pair.sharing_paused
        ? `Paused: ${name} sees nothing you shared. Switch it off and they see your shared items again.`
        : `While paused, ${name} sees nothing you shared. Nothing is unshared; it all comes back when you resume.`)),
    h("h3", {}, "End the partnership"),
    h("p", {}, `You can end it at any time, on your own, and no reason is asked. ${name} only learns that it ended. `
      + "Everything either of you shared stops being visible at once; nothing is deleted from your own space."),
    h("p", {}, end));
}

/** What my own items are called, to name them in the log (deleted ones stay unnamed). */
async function itemNames() {
  const [triggers, boundaries] = await Promise.all([api.list("triggers"), api.list("boundaries")]);
  return new Map([
    ...triggers.map((item) => [item.id, item.title]),
    ...boundaries.map((item) => [item.id, item.statement]),
  ]);
}

async function loadConsentLog() {
  const box = $("#consent-log");
  const [events, names] = await Promise.all([api.list("consent-log", { limit: 100 }), itemNames()]);
  if (!events.length) {
    fill(box, h("p", { class: "muted" }, "Nothing yet."));
    return;
  }
  fill(box, h("ol", { class: "log", reversed: true }, events.map((event) => {
    const name = names.get(event.item_id);
    return h("li", {}, time(event.created_at), " — ", consentEvent(event), name ? `: “${name}”` : "");
  })));
}

function setupDelete() {
  const form = $("#delete-form");
  onSubmit(form, async () => {
    await api.delete("me", { password: form.elements.password.value });
    // The account's push subscriptions went with it; this device keeps nothing either.
    await wipeThisDevice({ server: false });
    flashNext("Your account and everything in it is deleted. Take good care.");
    window.location.assign("/login");
  });
}

startPage(async () => {
  const [profile, schedule, pair] = await Promise.all([me(), api.get("checkins/schedule"), partnership()]);
  setupProfile(profile);
  setupNewsChannels(profile);
  setupSchedule(schedule);
  renderPartnership(pair);
  setupDelete();
  // Each part shows its own trouble and the rest of the page still works.
  const part = (selector, setup) => setup().catch((error) => fill($(selector), problem(error)));
  await Promise.all([
    part("#emails", () => setupEmailAndPassword(profile)),
    part("#two-step", setupTwoStep),
    part("#passkeys", setupPasskeys),
    part("#devices", setupDevices),
    refreshPush(),
    loadConsentLog().catch((error) => fill($("#consent-log"), problem(error))),
  ]);
});
