// The reminder email's "Snooze it" and "Skip this one": /reminder#<token>.
// Opening the link only asks what it does (a mail scanner that follows links
// acts on nothing); the one button acts, once. Signed out too: the token is
// the authority, sent in a POST body, never in an address.

import { ApiError, api } from "../lib/api.js";
import { $ } from "../lib/dom.js";
import { onSubmit } from "../lib/forms.js";
import { startPage } from "../lib/layout.js";
import { forgetLinkToken, takeLinkToken } from "../lib/link_token.js";

const TOKEN_KEY = "attune.reminder-link";

const ASK = {
  snooze: {
    title: "Snooze this reminder?",
    what: (minutes) => `We'll ask again in about ${minutes === 60 ? "an hour" : `${minutes} minutes`}. There's no rush.`,
    button: "Snooze it",
  },
  skip: {
    title: "Skip this reminder?",
    what: () => "Just this one; the next comes at its usual time.",
    button: "Skip this one",
  },
};

/** What each way a link stops working means, and what to do instead (by the API's code). */
const UNUSABLE = {
  reminder_link_used: {
    title: "This reminder was already taken care of",
    why: "It has been answered, skipped or snoozed since this email was sent.",
    next: "Nothing changed now. Your next reminder comes at its usual time, and Today "
      + "is always there if you'd like to check in.",
  },
  reminder_link_expired: {
    title: "This link has run its course",
    why: "Reminder links work for a few days, and this one's days have passed.",
    next: "Nothing changed; the next reminder will come as usual.",
  },
  invalid_reminder_link: {
    title: "This link doesn't look complete",
    why: "Perhaps part of it went missing when it was copied.",
    next: "Please open the link from your email again, exactly as it came. Nothing changed.",
  },
};
const NO_TOKEN = "This page has no reminder link to act on.";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** An answer about the link itself (not a passing trouble such as being offline). */
function aboutTheLink(error) {
  return error instanceof ApiError && [400, 409].includes(error.status)
    && Boolean(UNUSABLE[error.errors?.[0]?.code]);
}

function show(id) {
  for (const part of ["#reminder-ready", "#reminder-done", "#reminder-unusable"]) {
    $(part).hidden = part !== id;
  }
  return $(id);
}

function unusable(code, why = "") {
  const words = UNUSABLE[code] || UNUSABLE.invalid_reminder_link;
  $("#reminder-unusable-title").textContent = words.title;
  $("#reminder-problem").textContent = why || words.why;
  $("#reminder-next").textContent = words.next;
  return show("#reminder-unusable");
}

function done(result) {
  if (result.result === "snoozed") {
    const when = result.snoozed_until ? timeFormat.format(new Date(result.snoozed_until)) : "";
    $("#reminder-done-title").textContent = "Snoozed for now";
    $("#reminder-done-text").textContent = when
      ? `We'll ask again at ${when}. There's no rush.`
      : "We'll ask again in a while. There's no rush.";
  } else {
    $("#reminder-done-title").textContent = "Skipped, and that's fine";
    $("#reminder-done-text").textContent = "This one is set aside. The next reminder comes "
      + "at its usual time.";
  }
  return show("#reminder-done");
}

function wire(token) {
  onSubmit($("#reminder-form"), async () => {
    let result;
    try {
      result = await api.post("reminder-link/act", { token });
    } catch (error) {
      if (!aboutTheLink(error)) throw error;
      forgetLinkToken(TOKEN_KEY);
      return unusable(error.errors[0].code);
    }
    forgetLinkToken(TOKEN_KEY);
    return done(result);
  });
}

startPage(async () => {
  const token = takeLinkToken(TOKEN_KEY);
  if (!token) {
    unusable("invalid_reminder_link", NO_TOKEN);
    return;
  }
  let preview;
  try {
    preview = await api.post("reminder-link/preview", { token });
  } catch (error) {
    if (!aboutTheLink(error)) throw error;
    forgetLinkToken(TOKEN_KEY);
    unusable(error.errors[0].code);
    return;
  }
  const ask = ASK[preview.action];
  $("#reminder-title").textContent = ask.title;
  $("#reminder-what").textContent = ask.what(preview.snooze_minutes);
  $("#reminder-button").textContent = ask.button;
  // The button shows only once it is wired: an early click never submits the bare form.
  wire(token);
  show("#reminder-ready");
}, { member: false });
