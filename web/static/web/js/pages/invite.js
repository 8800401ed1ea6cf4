// The invitation link, /invitation#<token>. The token lives in the fragment,
// which browsers never send to a server (so no access log, Referer or ?next=
// ever holds it), and in this tab's sessionStorage while its holder signs up
// or logs in. The page POSTs it: once to show who invited, once to accept.

import { ApiError, api } from "../lib/api.js";
import { $, fill, h } from "../lib/dom.js";
import { onSubmit } from "../lib/forms.js";
import { partnership, refreshPartnership, startPage } from "../lib/layout.js";
import { forgetLinkToken, takeLinkToken } from "../lib/link_token.js";

const TOKEN_KEY = "attune.invitation";
const NO_TOKEN = "This page has no invitation to show. Please open the link from your "
  + "invitation again, exactly as you received it.";

const invitationToken = () => takeLinkToken(TOKEN_KEY, { fromQuery: false });
const forgetToken = () => forgetLinkToken(TOKEN_KEY);

/** What to do next, for each way a link can stop working (the preview's codes). */
const NEXT_STEP = {
  invitation_expired: "Links last a few days. If you'd still like to pair up, whoever invited "
    + "you can make a new one in a moment.",
  invitation_withdrawn: "If you'd still like to pair up, talk with whoever invited you: "
    + "they can make a new link whenever they choose.",
  invitation_used: "Each link works once. If it was you who accepted it, you're partners "
    + "already: your partner shows on Today.",
  invalid_invitation: "Please check that you opened the whole link, exactly as you received it. "
    + "If it still doesn't work, whoever invited you can make a new one.",
};

function unusable(message, code = "invalid_invitation") {
  $("#invite-pending").hidden = true;
  $("#invite-problem").textContent = message;
  $("#invite-next").textContent = NEXT_STEP[code] || NEXT_STEP.invalid_invitation;
  $("#invite-unusable").hidden = false;
}

const expiryFormat = new Intl.DateTimeFormat(undefined, {
  weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit",
  timeZoneName: "short",
});

/** The link itself is fine, but this reader can't accept it: say why, and what instead. */
function cannotAccept(title, ...lines) {
  $("#invite-title").textContent = title;
  fill($("#invite-why"), lines.map((line) => h("p", {}, line)));
  const form = document.getElementById("invite-accept-form");
  if (form) form.hidden = true;
}

/** An answer that says the link itself is no good (not a passing trouble). */
function refusesTheLink(error) {
  return error instanceof ApiError && error.status === 400;
}

function wireAccept(token) {
  // Only a signed-in visitor has the button; others have the sign-in links.
  const form = document.getElementById("invite-accept-form");
  if (!form) return;
  onSubmit(form, async () => {
    try {
      await api.post("invitations/accept", { token });
    } catch (error) {
      if (refusesTheLink(error)) forgetToken();
      throw error;
    }
    forgetToken();
    refreshPartnership();
    $("#invite-pending").hidden = true;
    const accepted = $("#invite-accepted");
    accepted.hidden = false;
    accepted.focus();
  });
}

const signedIn = $("#invite").dataset.signedIn === "true";

startPage(async () => {
  const token = invitationToken();
  if (!token) {
    unusable(NO_TOKEN);
    return;
  }
  let preview;
  try {
    preview = await api.post("invitations/preview", { token });
  } catch (error) {
    if (!refusesTheLink(error)) throw error;
    forgetToken();
    unusable(error.message, error.errors?.[0]?.code);
    return;
  }
  $("#invite-title").textContent = `${preview.inviter.display_name} invited you to attune`;
  $("#invite-expiry").textContent = `This link expires on ${expiryFormat.format(new Date(preview.expires_at))}.`;
  // The button shows only once it is wired (or replaced by why not), so an
  // early click never submits the bare form.
  const pair = signedIn && !preview.yours ? await partnership() : null;
  if (preview.yours) {
    cannotAccept("This is your own invitation link",
      "Pass it on to the person you'd like to invite; it works once, for them.",
      h("a", { href: "/invite" }, "See your invitation links"));
  } else if (pair) {
    cannotAccept(`${preview.inviter.display_name} invited you to attune`,
      `You and ${pair.partner.display_name} are partners on attune, and it's one partner at a time. `
      + "To accept this invitation you would first end that partnership in Settings.",
      h("a", { href: "/settings" }, "Go to Settings"));
  } else {
    wireAccept(token);
  }
  $("#invite-pending").hidden = false;
}, { member: signedIn });
