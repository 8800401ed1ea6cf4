// The invitation link, /invitation#<token>. The token lives in the fragment,
// which browsers never send to a server (so no access log, Referer or ?next=
// ever holds it), and in this tab's sessionStorage while its holder signs up
// or logs in. The page POSTs it: once to show who invited, once to accept.

import { ApiError, api } from "../lib/api.js";
import { $, formatDateTime } from "../lib/dom.js";
import { onSubmit } from "../lib/forms.js";
import { refreshPartnership, startPage } from "../lib/layout.js";

const TOKEN_KEY = "attune.invitation";
const NO_TOKEN = "This page has no invitation to show. Please open the link from your "
  + "invitation again, exactly as you received it.";

/** The token from the address (then out of the address bar), else from this tab. */
function invitationToken() {
  const fragment = window.location.hash.slice(1);
  if (fragment) {
    let token = fragment;
    try {
      token = decodeURIComponent(fragment);
    } catch {
      // Not percent-encoded after all: keep it as it came.
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    // Nor in a copied address, a bookmark or the history.
    window.history.replaceState(null, "", window.location.pathname);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

function unusable(message) {
  $("#invite-pending").hidden = true;
  $("#invite-problem").textContent = message;
  $("#invite-unusable").hidden = false;
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
    unusable(error.message);
    return;
  }
  $("#invite-title").textContent = `${preview.inviter.display_name} invited you to attune`;
  $("#invite-expiry").textContent = `This link expires on ${formatDateTime(preview.expires_at)}.`;
  $("#invite-pending").hidden = false;
  wireAccept(token);
}, { member: signedIn });
