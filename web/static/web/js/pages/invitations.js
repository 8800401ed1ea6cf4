// Invite: make a one-time link, copy it, withdraw links not yet used.

import { api } from "../lib/api.js";
import { $, announce, fill, focusOn, h, time, whileBusy } from "../lib/dom.js";
import { onSubmit, value } from "../lib/forms.js";
import { partnership, problem, startPage } from "../lib/layout.js";

const STATUS_WORDS = {
  pending: "waiting to be accepted",
  accepted: "accepted",
  withdrawn: "withdrawn",
  expired: "expired",
};

async function copy(input) {
  try {
    await navigator.clipboard.writeText(input.value);
    return true;
  } catch {
    // No clipboard permission: select the text so a keyboard copy works.
    input.select();
    return false;
  }
}

// In the reader's own clock, naming the zone, so two links made minutes apart
// (or read while travelling) can be told apart.
const localFormat = new Intl.DateTimeFormat(undefined, {
  weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  timeZoneName: "short",
});
const local = (iso) => localFormat.format(new Date(iso));

function invitationLine(invitation, reload) {
  const line = h("li", { class: "invitation", id: `invitation-${invitation.id}` },
    h("span", {}, invitation.email ? `Link for ${invitation.email}, made ` : "Link with no email, made ",
      time(invitation.created_at, local), ` — ${STATUS_WORDS[invitation.status] || invitation.status}`,
      invitation.status === "pending" ? ["; expires ", time(invitation.expires_at, local)] : null));
  if (invitation.status === "pending") {
    const button = h("button", { type: "button", class: "button-quiet" }, "Withdraw");
    // Busy, not disabled, so focus stays on the button during the request;
    // then it moves to the same link's line, which now says "withdrawn".
    button.addEventListener("click", () => whileBusy(button, async () => {
      line.querySelector(".notice-problem")?.remove();
      try {
        await api.delete(`invitations/${invitation.id}`);
        announce("The link is withdrawn. It no longer works.");
        await reload();
        focusOn(document.getElementById(`invitation-${invitation.id}`) || $("#open-title"));
      } catch (error) {
        line.append(problem(error));
      }
    }));
    line.append(" ", button);
  }
  return line;
}

async function loadInvitations() {
  const invitations = await api.list("invitations", { limit: 20 });
  const list = $("#invitation-list");
  $("#open-invitations").hidden = invitations.length === 0;
  fill(list, invitations.map((invitation) => invitationLine(invitation, loadInvitations)));
}

startPage(async () => {
  const pair = await partnership();
  if (pair) {
    const name = pair.partner.display_name;
    fill($("#invite-state"), h("div", { class: "notice notice-calm" },
      h("p", {}, `You and ${name} are partners on attune. One partner at a time: to invite someone else, end the partnership in `,
        h("a", { href: "/settings" }, "Settings"), " first.")));
  } else {
    $("#invite-create").hidden = false;
  }
  const form = $("#invite-form");
  const input = $("#invite-url");
  onSubmit(form, async () => {
    const email = value(form, "email");
    const created = await api.post("invitations", email ? { email } : {});
    input.value = created.url;
    $("#invite-url-hint").textContent = `It works once and expires on ${local(created.expires_at)}. `
      + "We cannot show it again, so copy it now.";
    $("#new-link").hidden = false;
    form.reset();
    input.focus();
    input.select();
    await loadInvitations();
  });
  $("#copy-link").addEventListener("click", async () => {
    const copied = await copy(input);
    $("#copy-status").textContent = copied
      ? "Copied. Send it to your partner however you like."
      : "Selected: press Ctrl+C (or ⌘C) to copy it.";
  });
  await loadInvitations();
});
