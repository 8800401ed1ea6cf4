// Settings: two-step sign-in with an authenticator app (TOTP) and its
// recovery codes. The QR code is drawn by the server (/account/totp-qr.svg)
// from the secret allauth holds for this setup; the same secret is shown as
// text for typing in by hand. Every change asks for the password first
// (lib/api.js shows that question in place).

import { ApiError } from "./api.js";
import { account, gently, isoFromSeconds } from "./account.js";
import { $, announce, fill, formatDate, h, time, whileBusy } from "./dom.js";
import { onSubmit, showErrors, value } from "./forms.js";

/** The key grouped by four, as authenticator apps print it. */
const grouped = (secret) => secret.replace(/(.{4})(?=.)/g, "$1 ");

function problemIn(box, error) {
  for (const old of box.querySelectorAll(".row-errors")) old.remove();
  const holder = h("form", { class: "row-errors" });
  box.append(holder);
  showErrors(holder, gently(error));
}

/**
 * Show recovery codes once, with a way to keep them (download, copy) and a
 * button that puts them away. `intro` says why they are shown now.
 */
export function showRecoveryCodes(codes, intro) {
  const box = $("#recovery-codes");
  const text = `attune recovery codes\n\n${codes.join("\n")}\n\nEach code works once, when your authenticator app or passkey is not at hand.\n`;
  const download = h("a", {
    class: "button button-quiet", download: "attune-recovery-codes.txt",
    href: URL.createObjectURL(new Blob([text], { type: "text/plain" })),
  }, "Download them");
  const copy = h("button", { type: "button", class: "button-quiet" }, "Copy them");
  const copied = h("span", { class: "saved", role: "status" });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(codes.join("\n"));
      copied.textContent = "Copied.";
    } catch {
      copied.textContent = "Copying didn't work here. Please download them or write them down.";
    }
  });
  const done = h("button", { type: "button" }, "I have kept them safe");
  done.addEventListener("click", () => {
    URL.revokeObjectURL(download.href);
    fill(box);
    box.hidden = true;
    $("#two-step-title").focus();
  });
  fill(box,
    h("h3", { id: "recovery-title", tabindex: "-1" }, "Your recovery codes"),
    h("p", {}, intro),
    h("p", {}, "If your phone is lost or your passkey is not at hand, one of these codes lets you in instead of the app. "
      + "Each works once. Keep them somewhere safe that is not this phone, such as a password manager or a printed page. "
      + "We won't show these again."),
    h("ul", { class: "recovery-codes", "aria-labelledby": "recovery-title" }, codes.map((code) => h("li", {}, h("code", {}, code)))),
    h("div", { class: "actions" }, download, copy, copied),
    h("p", { class: "actions" }, done));
  box.hidden = false;
  $("#recovery-title").focus();
}

async function regenerate(box) {
  try {
    const codes = await account("POST", "account/authenticators/recovery-codes");
    showRecoveryCodes(codes.unused_codes, "Here are your new recovery codes. The old ones no longer work.");
    await render();
  } catch (error) {
    problemIn(box, error);
  }
}

/** How many recovery codes are left, and a button for new ones; nothing without codes. */
function codesPart(codes, box) {
  if (!codes) return [];
  const fresh = h("button", { type: "button", class: "button-quiet" }, "Make new recovery codes");
  fresh.addEventListener("click", () => regenerate(box));
  return [
    h("p", {}, `You have ${codes.unused_code_count} of ${codes.total_code_count} recovery codes left. `
      + "Making new ones stops the old ones from working."),
    h("p", { class: "actions" }, fresh),
  ];
}

function renderOn(totp, codes) {
  const box = $("#two-step");
  const used = totp.last_used_at ? [" Last used ", time(isoFromSeconds(totp.last_used_at), formatDate), "."] : [];
  const off = h("button", { type: "button", class: "button-danger" }, "Turn off two-step sign-in");
  const ask = h("div", { class: "confirm", hidden: true },
    h("p", { id: "totp-off-question" }, "Turn it off? Then signing in takes only your password."),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "button-danger", id: "totp-off-yes" }, "Yes, turn it off"),
      h("button", { type: "button", class: "button-quiet", id: "totp-off-no" }, "Keep it on")));
  off.addEventListener("click", () => {
    off.hidden = true;
    ask.hidden = false;
    ask.querySelector("#totp-off-no").focus();
  });
  ask.querySelector("#totp-off-no").addEventListener("click", () => {
    ask.hidden = true;
    off.hidden = false;
    off.focus();
  });
  const yes = ask.querySelector("#totp-off-yes");
  // Busy, not disabled: focus stays on the button until the section is redrawn.
  yes.addEventListener("click", () => whileBusy(yes, async () => {
    try {
      await account("DELETE", "account/authenticators/totp");
      await render();
      announce("Two-step sign-in with your authenticator app is off.");
      $("#two-step-title").focus();
    } catch (error) {
      problemIn(box, error);
    }
  }));
  fill(box,
    h("p", { class: "notice notice-calm" }, "Two-step sign-in is on. After your password, we ask for a code from your authenticator app."),
    h("p", { class: "meta" }, "Set up on ", time(isoFromSeconds(totp.created_at), formatDate), ".", ...used),
    h("p", { class: "actions" }, off),
    ask,
    codesPart(codes, box));
}

function setupForm(secret) {
  const box = $("#two-step");
  const form = h("form", { class: "stack", "aria-labelledby": "totp-setup-title" },
    h("h3", { id: "totp-setup-title", tabindex: "-1" }, "Set up your authenticator app"),
    h("ol", { class: "steps" },
      h("li", {}, "Open an authenticator app on your phone (such as the one your phone comes with, or any you trust) and add an account."),
      h("li", {}, "Scan this code with it:",
        h("img", {
          class: "qr", src: `/account/totp-qr.svg?t=${Date.now()}`, width: "200", height: "200",
          alt: "QR code for your authenticator app. If you can't scan it, type in the key below.",
        }),
        h("span", { class: "hint" }, "Or type in this key instead: "),
        h("code", { class: "secret", id: "totp-secret" }, grouped(secret))),
      h("li", {}, "Enter the six-digit code the app shows for attune.")),
    h("div", { class: "field" },
      h("label", { for: "totp-code" }, "Code from your app"),
      h("input", {
        id: "totp-code", name: "code", type: "text", inputmode: "numeric", autocomplete: "one-time-code",
        pattern: "[0-9 ]*", maxlength: "8", spellcheck: "false", required: true,
      })),
    h("div", { class: "actions" },
      h("button", { type: "submit" }, "Turn on two-step sign-in"),
      h("button", { type: "button", class: "button-quiet", id: "totp-cancel" }, "Not now")));
  form.querySelector("#totp-cancel").addEventListener("click", async () => {
    await render();
    $("#two-step-title").focus();
  });
  onSubmit(form, async () => {
    try {
      await account("POST", "account/authenticators/totp", { code: value(form, "code").replace(/\s/g, "") });
    } catch (error) {
      throw gently(error);
    }
    const codes = await account("GET", "account/authenticators/recovery-codes");
    await render();
    announce("Two-step sign-in is on.");
    showRecoveryCodes(codes.unused_codes || [],
      "Two-step sign-in is on. From now on, after your password we ask for a code from your app.");
  });
  fill(box, form);
  $("#totp-setup-title").focus();
}

async function startSetup(box) {
  try {
    await account("GET", "account/authenticators/totp");
    await render();
  } catch (error) {
    // allauth answers 404 while there is no authenticator app yet, with a
    // fresh secret for setting one up.
    const secret = error instanceof ApiError && error.status === 404 ? error.body?.meta?.secret : null;
    if (secret) setupForm(secret);
    else problemIn(box, error);
  }
}

function renderOff(codes) {
  const box = $("#two-step");
  const start = h("button", { type: "button" }, "Set up an authenticator app");
  start.addEventListener("click", () => startSetup(box));
  fill(box,
    h("p", {}, "With two-step sign-in, signing in takes your password and a code from an app on your phone. "
      + "Someone who learns your password still can't get in."),
    h("p", { class: "actions" }, start),
    codesPart(codes, box));
}

/** The authenticators of the account, from allauth. */
export const authenticators = () => account("GET", "account/authenticators");

export async function render() {
  const all = await authenticators();
  const totp = all.find((item) => item.type === "totp");
  const codes = all.find((item) => item.type === "recovery_codes");
  if (totp) renderOn(totp, codes);
  else renderOff(codes);
}

export async function setupTwoStep() {
  await render();
}
