// "Please confirm it's you": the in-page dialog lib/api.js opens when allauth
// wants a recent password (or authenticator) before a sensitive change. It
// asks once, on top of the page, and the change then carries on as if nothing
// had happened. Escape or "Cancel" leaves everything as it was.

import { ApiError, authExchange, failure } from "./api.js";
import { announce, h } from "./dom.js";
import { onSubmit, value } from "./forms.js";
import { passkeysSupported, usePasskey } from "./webauthn.js";

const CANCELLED = "Nothing was changed. Whenever you are ready, try again and we will ask once more.";

// allauth's words for a wrong answer, said the way attune speaks.
const GENTLER = {
  incorrect_password: "That isn't your password. Please try it once more.",
  incorrect_code: "That code didn't work. Codes change every 30 seconds, so please try the one showing now.",
};

const MODES = {
  password: {
    path: "auth/reauthenticate",
    intro: "To keep your account safe, please enter your password again. Then we will carry on where you were.",
    submit: "Confirm",
    offer: "Use your password instead",
  },
  code: {
    path: "auth/2fa/reauthenticate",
    intro: "To keep your account safe, please enter a code from your authenticator app. Then we will carry on where you were.",
    submit: "Confirm",
    offer: "Use a code from your authenticator app instead",
  },
  passkey: {
    path: "auth/webauthn/reauthenticate",
    intro: "To keep your account safe, please confirm with your passkey. Then we will carry on where you were.",
    submit: "Use my passkey",
    offer: "Use a passkey instead",
  },
};

/** Which ways of confirming this person has, in the order we offer them. */
function modesFor(flows) {
  const modes = [];
  if (flows.some((flow) => flow.id === "reauthenticate")) modes.push("password");
  const mfa = flows.find((flow) => flow.id === "mfa_reauthenticate");
  const types = mfa?.types || [];
  if (types.includes("totp") || types.includes("recovery_codes")) modes.push("code");
  if (types.includes("webauthn") && passkeysSupported()) modes.push("passkey");
  return modes.length ? modes : ["password"];
}

function fieldFor(mode) {
  if (mode === "password") {
    return h("div", { class: "field" },
      h("label", { for: "reauth-password" }, "Your password"),
      h("input", {
        id: "reauth-password", name: "password", type: "password",
        autocomplete: "current-password", required: true,
      }));
  }
  if (mode === "code") {
    return h("div", { class: "field" },
      h("label", { for: "reauth-code" }, "Code from your authenticator app"),
      h("input", {
        id: "reauth-code", name: "code", type: "text", autocomplete: "one-time-code",
        spellcheck: "false", required: true, "aria-describedby": "reauth-code-hint",
      }),
      h("p", { class: "hint", id: "reauth-code-hint" }, "A recovery code works too."));
  }
  return null;
}

async function confirm(mode, form) {
  let body;
  if (mode === "password") body = { password: form.elements.password.value };
  else if (mode === "code") body = { code: value(form, "code") };
  else {
    const options = await authExchange("GET", MODES.passkey.path);
    if (options.status !== 200) throw failure(options.status, options.body);
    body = { credential: await usePasskey(options.body.data.request_options) };
  }
  const { status, body: answer } = await authExchange("POST", MODES[mode].path, body);
  if (status === 200) return;
  const error = failure(status, answer);
  throw new ApiError(status, error.errors.map((item) => (
    GENTLER[item.code] ? { ...item, message: GENTLER[item.code] } : item)), answer);
}

function ask(flows) {
  return new Promise((resolve, reject) => {
    const opener = document.activeElement;
    const modes = modesFor(flows);
    const intro = h("p", { id: "reauth-intro" });
    const slot = h("div");
    const submit = h("button", { type: "submit" });
    const cancel = h("button", { type: "button", class: "button-quiet" }, "Cancel");
    const others = h("div", { class: "reauth-others" });
    const form = h("form", { class: "stack" },
      slot, h("div", { class: "actions" }, submit, cancel), others);
    const dialog = h("dialog", {
      class: "reauth", "aria-labelledby": "reauth-title", "aria-describedby": "reauth-intro",
    }, h("h2", { id: "reauth-title" }, "Please confirm it's you"), intro, form);
    let mode = modes[0];
    let settled = false;

    function show(next) {
      mode = next;
      intro.textContent = MODES[mode].intro;
      submit.textContent = MODES[mode].submit;
      for (const note of form.querySelectorAll(".form-errors")) note.remove();
      slot.replaceChildren(...[fieldFor(mode)].filter(Boolean));
      others.replaceChildren(...modes.filter((other) => other !== mode).map((other) => h("p", {},
        h("button", { type: "button", class: "button-link", on: { click: () => show(other) } },
          MODES[other].offer))));
      (form.querySelector("input") || submit).focus();
    }

    function finish(confirmed) {
      if (settled) return;
      settled = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      if (confirmed) {
        announce("Thank you. Carrying on.");
        resolve();
      } else {
        reject(new ApiError(403, [{ code: "reauthentication_cancelled", message: CANCELLED }]));
      }
    }

    // Escape: the browser's own cancel of a modal dialog.
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(false);
    });
    cancel.addEventListener("click", () => finish(false));
    onSubmit(form, async () => {
      await confirm(mode, form);
      finish(true);
    });
    document.body.append(dialog);
    dialog.showModal();
    show(mode);
  });
}

let pending = null;

/**
 * Ask the person to confirm it's them, by one of `flows` (allauth's
 * `reauthenticate` / `mfa_reauthenticate`). Resolves once allauth accepts;
 * rejects with an ApiError (`reauthentication_cancelled`) if they cancel.
 * Requests that need it at the same moment share one dialog.
 */
export function reauthenticate(flows) {
  pending ||= ask(flows).finally(() => { pending = null; });
  return pending;
}
