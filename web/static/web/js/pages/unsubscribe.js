// An email's "stop these emails" link: /email/unsubscribe#<token>. Opening it
// only asks which emails it stops; the button stops them. Signed out too: the
// token is the authority, sent in a POST body, never in an address. (The
// List-Unsubscribe header's one-click POST is answered by the server itself.)

import { ApiError, api } from "../lib/api.js";
import { $ } from "../lib/dom.js";
import { onSubmit } from "../lib/forms.js";
import { startPage } from "../lib/layout.js";
import { forgetLinkToken, takeLinkToken } from "../lib/link_token.js";

const TOKEN_KEY = "attune.unsubscribe-link";
const NO_TOKEN = "This page has no link to act on. Perhaps part of it went missing when it was copied.";

const KIND = {
  reminders: {
    ask: "Stop reminder emails?",
    done: "No more reminder emails",
    after: "Your reminders still wait on Today when you open attune.",
  },
  partner_activity: {
    ask: "Stop emails about your partner's activity?",
    done: "No more emails about your partner's activity",
    after: "What happens still waits in your inbox when you open attune.",
  },
};

function show(id) {
  for (const part of ["#unsubscribe-ready", "#unsubscribe-done", "#unsubscribe-unusable"]) {
    $(part).hidden = part !== id;
  }
  return $(id);
}

function refused(error) {
  return error instanceof ApiError && error.status === 400;
}

function unusable(message) {
  forgetLinkToken(TOKEN_KEY);
  $("#unsubscribe-problem").textContent = message;
  return show("#unsubscribe-unusable");
}

startPage(async () => {
  const token = takeLinkToken(TOKEN_KEY);
  if (!token) {
    unusable(NO_TOKEN);
    return;
  }
  let preview;
  try {
    preview = await api.post("unsubscribe/preview", { token });
  } catch (error) {
    if (!refused(error)) throw error;
    unusable(error.message);
    return;
  }
  $("#unsubscribe-title").textContent = KIND[preview.kind].ask;
  onSubmit($("#unsubscribe-form"), async () => {
    let stopped;
    try {
      stopped = await api.post("unsubscribe", { token });
    } catch (error) {
      if (!refused(error)) throw error;
      return unusable(error.message);
    }
    forgetLinkToken(TOKEN_KEY);
    const words = KIND[stopped.kind];
    $("#unsubscribe-done-title").textContent = words.done;
    $("#unsubscribe-done-text").textContent = `That's done. ${words.after} You can turn these `
      + "emails back on in Settings whenever you like.";
    return show("#unsubscribe-done");
  });
  show("#unsubscribe-ready");
}, { member: false });
