// "What Bob will see": before an item is shared for the first time with this
// partner, the person sees exactly what the partner will see and confirms.
// Items shared with this partnership before (the person's consent log says
// so) go straight through, however often they were stopped since.

import { api } from "./api.js";
import { h } from "./dom.js";

/** The ids of the items ever shared with partnership `pair`, from the consent log. */
export async function sharedBefore(pair) {
  const ids = new Set();
  if (!pair) return ids;
  const events = await api.list("consent-log", { limit: 1000 });
  for (const event of events) {
    if (event.kind === "share_granted" && event.partnership === pair.id) ids.add(event.item_id);
  }
  return ids;
}

/**
 * The preview in a modal dialog, with "Share with Bob" and "Not now" (Escape
 * too). `one` names the kind ("trigger"), `preview` is what the partner's page
 * would show. Resolves true to share; on false, focus goes back where it was.
 */
export function confirmFirstShare({ pair, one, preview }) {
  const name = pair.partner.display_name;
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const share = h("button", { type: "button", id: "confirm-first-share" }, `Share with ${name}`);
    const keep = h("button", { type: "button", class: "button-quiet", id: "keep-private" }, "Not now");
    const dialog = h("dialog", {
      class: "reauth first-share", "aria-labelledby": "first-share-title", "aria-describedby": "first-share-what",
    },
    h("h2", { id: "first-share-title" }, `What ${name} will see`),
    h("p", { id: "first-share-what" }, `If you share this ${one}, ${name} sees exactly this, `
      + "and any change you make to it later. Your private notes stay with you. You can stop sharing at any time."),
    h("div", { class: "card item preview", role: "group", "aria-label": `What ${name} will see` }, preview),
    pair.sharing_paused
      ? h("p", { class: "hint" }, `Your sharing is paused, so ${name} sees it only once you resume.`)
      : null,
    h("p", { class: "actions" }, share, " ", keep));
    let settled = false;
    function finish(yes) {
      if (settled) return;
      settled = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      if (!yes && opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(yes);
    }
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(false);
    });
    share.addEventListener("click", () => finish(true));
    keep.addEventListener("click", () => finish(false));
    document.body.append(dialog);
    dialog.showModal();
    share.focus();
  });
}
