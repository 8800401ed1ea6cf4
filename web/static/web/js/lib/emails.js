// Settings: the account's email addresses (add one, confirm it by the code or
// link allauth sends, make it the main one, remove the old) and the password.
// allauth asks for the password again before an address changes; lib/api.js
// shows that question in place.

import { authConfig } from "./api.js";
import { account, gently } from "./account.js";
import { $, announce, fill, h, whileBusy } from "./dom.js";
import { onSubmit, showErrors, value } from "./forms.js";

let byCode = false;
let fallbackEmail = "";

function stateOf(address) {
  if (address.primary) return "Your main address: we write to it, and you sign in with it.";
  if (address.verified) return "Confirmed.";
  return "Waiting for you to confirm it.";
}

function button(text, onClick, props = {}) {
  return h("button", { type: "button", class: "button-quiet", on: { click: onClick }, ...props }, text);
}

function codeForm(address) {
  const form = h("form", { class: "inline-form", "aria-label": `Confirm ${address.email}` },
    h("div", { class: "field" },
      h("label", { for: "email-code" }, "The code we sent to this address"),
      h("input", {
        id: "email-code", name: "code", type: "text", autocomplete: "one-time-code",
        spellcheck: "false", required: true,
      })),
    h("button", { type: "submit" }, "Confirm"));
  onSubmit(form, async () => {
    await account("POST", "auth/email/verify", { key: value(form, "code") });
    await render(`${address.email} is confirmed. You can make it your main address now.`);
  });
  return form;
}

function actionsFor(address, row) {
  // Busy, not disabled, while the request runs: focus stays on the pressed
  // button (on an error too), and moves to the heading once the list is redrawn.
  const run = (work, done) => (event) => whileBusy(event.currentTarget, async () => {
    try {
      await work();
      await render(done);
      $("#email-title").focus();
    } catch (error) {
      for (const old of row.querySelectorAll(".form-errors")) old.remove();
      const holder = h("form", { class: "row-errors" });
      row.append(holder);
      showErrors(holder, gently(error));
    }
  });
  const actions = [];
  if (address.verified && !address.primary) {
    actions.push(button("Make this my main address", run(
      () => account("PATCH", "account/email", { email: address.email, primary: true }),
      `${address.email} is now your main address.`,
    )));
  }
  if (!address.verified && !byCode) {
    actions.push(button("Send the email again", run(
      () => account("PUT", "account/email", { email: address.email }),
      `We sent the email to ${address.email} again.`,
    )));
  }
  if (!address.primary) {
    actions.push(button(address.verified ? "Remove" : "Cancel this change", run(
      () => account("DELETE", "account/email", { email: address.email }),
      `${address.email} is no longer on your account.`,
    ), { "aria-label": `${address.verified ? "Remove" : "Cancel adding"} ${address.email}` }));
  }
  return actions;
}

function rowFor(address) {
  const row = h("li", { class: "account-row" },
    h("p", { class: "account-row-name" }, address.email),
    h("p", { class: "meta" }, stateOf(address)));
  if (!address.verified && byCode) {
    row.append(h("p", { class: "hint" },
      "We sent a code to this address. Once you enter it, you can make it your main address."),
    codeForm(address));
  } else if (!address.verified) {
    row.append(h("p", { class: "hint" },
      "We sent a link to this address. Open it on any device; then come back here."));
  }
  const actions = actionsFor(address, row);
  if (actions.length) row.append(h("div", { class: "actions" }, actions));
  return row;
}

async function render(message) {
  let addresses = await account("GET", "account/email");
  if (!addresses.length && fallbackEmail) {
    // An account made before allauth kept its addresses: its one address.
    addresses = [{ email: fallbackEmail, verified: true, primary: true, bare: true }];
  }
  const main = addresses.find((address) => address.primary);
  if (main) $("#profile-email").textContent = main.email;
  fill($("#emails"), h("ul", { class: "plain-list account-list" }, addresses.map(rowFor)));
  if (message) announce(message);
}

function setupAdd() {
  const form = $("#email-form");
  onSubmit(form, async () => {
    const email = value(form, "email");
    try {
      await account("POST", "account/email", { email });
    } catch (error) {
      throw gently(error);
    }
    form.reset();
    await render(byCode
      ? `We sent a code to ${email}. Enter it below to confirm the address.`
      : `We sent a link to ${email}. Open it to confirm the address.`);
    $("#emails").querySelector("input")?.focus();
  });
}

function setupPassword() {
  const form = $("#password-form");
  onSubmit(form, async () => {
    try {
      await account("POST", "account/password/change", {
        current_password: form.elements.current_password.value,
        new_password: form.elements.new_password.value,
      });
    } catch (error) {
      throw gently(error);
    }
    form.reset();
    const saved = $("#password-saved");
    saved.textContent = "Your password is changed.";
    setTimeout(() => { saved.textContent = ""; }, 6000);
  });
}

/** Fill the email and password parts; `profile` is the caller's `me`. */
export async function setupEmailAndPassword(profile) {
  fallbackEmail = profile.email;
  byCode = Boolean((await authConfig()).account?.email_verification_by_code_enabled);
  setupAdd();
  setupPassword();
  await render();
}
