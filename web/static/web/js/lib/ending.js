// A partnership's ending, as each person's app shows it: the confirmation on
// Settings, and the gentle ended state on the other person's Today and
// partner page. The support link comes from `SUPPORT_URL` (a <meta> in every
// page's shell); with none configured, no link is shown.

import { api } from "./api.js";
import { h } from "./dom.js";
import { onSubmit, value } from "./forms.js";
import { wipeThisDevice } from "./wipe.js";

const NAME_KEY = "attune.partnerName.";

/** The configured page of support resources, or null. */
export function supportUrl() {
  const meta = document.querySelector('meta[name="attune-support-url"]');
  const url = meta?.getAttribute("content") || "";
  return /^https?:\/\//.test(url) ? url : null;
}

/** A sentence with the support link, or null when none is configured. */
export function supportLine(text = "If this is hard, you don't have to carry it alone: ") {
  const url = supportUrl();
  if (!url) return null;
  return h("p", { class: "support-line" }, text,
    h("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, "support and resources"),
    h("span", { class: "visually-hidden" }, " (opens in a new tab)"), ".");
}

/**
 * Remember the partner's name on this device while the partnership lasts, so an
 * ending can be told by name. Nothing is asked of the server about an
 * ex-partner: what they call themselves afterwards is no longer our business.
 */
export function rememberPartner(profile, pair) {
  if (!profile?.id || !pair) return;
  try {
    localStorage.setItem(NAME_KEY + profile.id, pair.partner.display_name);
  } catch {
    // Private browsing: the ending is told without a name.
  }
}

function rememberedName(profile) {
  try {
    return profile?.id ? localStorage.getItem(NAME_KEY + profile.id) : null;
  } catch {
    return null;
  }
}

/**
 * Whether the latest news of a partnership is that it ended (the stream's
 * `unpaired`, newer than any `paired`): then the app shows the ended state.
 */
export async function partnershipEnded() {
  const activities = await api.list("inbox", { limit: 100 });
  const latest = activities.find((activity) => activity.kind === "paired" || activity.kind === "unpaired");
  return latest?.kind === "unpaired";
}

/** The ended state: what happened, what stays, where support is, what next. */
export function endedNotice(profile) {
  const name = rememberedName(profile);
  return h("div", { class: "notice notice-calm ended-state", id: "partnership-ended" },
    h("p", {}, h("strong", {}, name
      ? `Your partnership with ${name} has ended.`
      : "Your partnership has ended.")),
    h("p", {}, "What you shared with each other is no longer shared. Nothing was deleted "
      + "from your own space: your triggers, boundaries, notes and check-ins are still yours."),
    supportLine(),
    h("p", {}, "Whenever you're ready, you can ", h("a", { href: "/invite" }, "invite someone"), "."));
}

export const MESSAGE_MAX_LENGTH = 500;

/**
 * The one confirmation before ending: what ends, what stays, that nothing is
 * sent unless a message is written. Resolves true once the partnership has
 * ended, false when the person keeps it (the button, or Escape).
 */
export function confirmEnding(name) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const message = h("textarea", {
      id: "ending-message", name: "message", rows: "3", maxlength: String(MESSAGE_MAX_LENGTH),
      "aria-describedby": "ending-message-hint",
    });
    const submit = h("button", { type: "submit", class: "button-danger", id: "confirm-ending" },
      "End the partnership");
    const keep = h("button", { type: "button", class: "button-quiet", id: "keep-partnership" },
      "Keep the partnership");
    const form = h("form", { class: "stack", novalidate: true },
      h("div", { class: "field" },
        h("label", { for: "ending-message" }, `A message to ${name} `,
          h("span", { class: "optional" }, "(optional)")),
        message,
        h("p", { class: "hint", id: "ending-message-hint" },
          `If you write something, we email it to ${name} once: these words are the only text `
          + "of yours we send, and we keep no copy. Leave it empty to end quietly.")),
      h("div", { class: "actions" }, submit, keep));
    const dialog = h("dialog", {
      class: "reauth ending", "aria-labelledby": "ending-title", "aria-describedby": "ending-what",
    },
    h("h2", { id: "ending-title" }, `End the partnership with ${name}?`),
    h("div", { id: "ending-what" },
      h("p", {}, `Every share and every thread between you and ${name} ends, at once, for both `
        + "of you. Nothing is deleted from either person's own space: your triggers, boundaries, "
        + `notes and check-ins stay yours, and ${name}'s stay theirs.`),
      h("p", {}, `Unless you write a message below, ${name} is not emailed: they see in their `
        + "app only that the partnership has ended.")),
    supportLine("If you need someone to talk to: "),
    form);

    let settled = false;
    function finish(ended) {
      if (settled) return;
      settled = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      if (!ended && opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(ended);
    }
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(false);
    });
    keep.addEventListener("click", () => finish(false));
    onSubmit(form, async () => {
      const text = value(form, "message");
      await api.delete("partnership", text ? { message: text } : undefined);
      // Nothing of the partnership stays on this device: its copy, caches and push.
      await wipeThisDevice();
      finish(true);
    });
    document.body.append(dialog);
    dialog.showModal();
    keep.focus();
  });
}
