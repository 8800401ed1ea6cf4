// Settings: passkeys (WebAuthn) — add one with allauth's creation options,
// name it, list them, rename and remove them. Passkeys are made resident
// ("passwordless"), so they also work for signing in without a password.

import { account, gently, isoFromSeconds } from "./account.js";
import { $, announce, fill, formatDate, h, time, whileBusy } from "./dom.js";
import { onSubmit, showErrors, value } from "./forms.js";
import { authenticators, render as renderTwoStep, showRecoveryCodes } from "./twostep.js";
import { createPasskey, passkeysSupported } from "./webauthn.js";

function problemIn(box, error) {
  for (const old of box.querySelectorAll(".row-errors")) old.remove();
  const holder = h("form", { class: "row-errors" });
  box.append(holder);
  showErrors(holder, gently(error));
}

function renameForm(passkey, row) {
  const id = `passkey-name-${passkey.id}`;
  const form = h("form", { class: "inline-form", "aria-label": `Rename ${passkey.name}` },
    h("div", { class: "field" },
      h("label", { for: id }, "New name"),
      h("input", { id, name: "name", type: "text", maxlength: "100", required: true, value: passkey.name })),
    h("button", { type: "submit" }, "Save the name"));
  onSubmit(form, async () => {
    try {
      await account("PUT", "account/authenticators/webauthn", { id: passkey.id, name: value(form, "name") });
    } catch (error) {
      throw gently(error);
    }
    await render();
    announce("The passkey's name is saved.");
    $("#passkeys-title").focus();
  });
  row.append(form);
  form.querySelector("input").focus();
}

function rowFor(passkey) {
  const used = passkey.last_used_at
    ? [" Last used ", time(isoFromSeconds(passkey.last_used_at), formatDate), "."]
    : [" Not used yet."];
  const row = h("li", { class: "account-row" },
    h("p", { class: "account-row-name" }, passkey.name),
    h("p", { class: "meta" }, "Added ", time(isoFromSeconds(passkey.created_at), formatDate), ".", ...used));
  const rename = h("button", { type: "button", class: "button-quiet", "aria-label": `Rename ${passkey.name}` }, "Rename");
  rename.addEventListener("click", () => {
    rename.disabled = true;
    renameForm(passkey, row);
  });
  const remove = h("button", { type: "button", class: "button-quiet", "aria-label": `Remove ${passkey.name}` }, "Remove");
  // Busy, not disabled: focus stays on the button until the list is redrawn.
  remove.addEventListener("click", () => whileBusy(remove, async () => {
    try {
      await account("DELETE", "account/authenticators/webauthn", { authenticators: [passkey.id] });
      await render();
      await renderTwoStep();
      announce(`${passkey.name} is removed. It can't be used to sign in any more.`);
      $("#passkeys-title").focus();
    } catch (error) {
      problemIn(row, error);
    }
  }));
  row.append(h("div", { class: "actions" }, rename, remove));
  return row;
}

export async function render(all = null) {
  const passkeys = (all || await authenticators()).filter((item) => item.type === "webauthn");
  fill($("#passkeys"), passkeys.length
    ? h("ul", { class: "plain-list account-list" }, passkeys.map(rowFor))
    : h("p", { class: "muted" }, "No passkeys yet."));
}

async function add(form) {
  const before = await authenticators();
  const hadCodes = before.some((item) => item.type === "recovery_codes");
  const options = await account("GET", "account/authenticators/webauthn?passwordless");
  const credential = await createPasskey(options.creation_options);
  await account("POST", "account/authenticators/webauthn", { name: value(form, "name"), credential });
  form.reset();
  const after = await authenticators();
  await render(after);
  await renderTwoStep();
  announce("Your passkey is added. You can sign in with it now.");
  if (!hadCodes && after.some((item) => item.type === "recovery_codes")) {
    const codes = await account("GET", "account/authenticators/recovery-codes");
    showRecoveryCodes(codes.unused_codes || [],
      "Your passkey is added, and with it come recovery codes for the day it is not at hand.");
  }
}

export async function setupPasskeys() {
  const form = $("#passkey-form");
  if (!passkeysSupported()) {
    form.replaceWith(h("p", { class: "hint" }, "This browser can't make passkeys. Your password still works, and you can add a passkey from another browser."));
  } else {
    onSubmit(form, async () => {
      try {
        await add(form);
      } catch (error) {
        throw gently(error);
      }
    });
  }
  await render();
}
