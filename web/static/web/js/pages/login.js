// /login: a password, a passkey, or a code sent by email; then, for people who
// turned it on, the second step (an authenticator code, a recovery code or a
// passkey). The emailed code keeps sign-in open even when someone else has
// used up the password attempts for an address.
import { ApiError, auth } from "../lib/api.js";
import { $, $$, h, whileBusy } from "../lib/dom.js";
import { clearErrors, onSubmit, showErrors, value } from "../lib/forms.js";
import { goNext, startPage } from "../lib/layout.js";
import { passkeysSupported, usePasskey } from "../lib/webauthn.js";

const CONFIRM_FIRST = "Please confirm your email address first: open the link in the email we sent you.";
const CODE_SPENT = "This code can no longer be used. Ask for a new one and try again.";
const NO_RESEND = "We can't send another code just now. Go back and ask for a new one.";
const SENT_AGAIN = "A new code is on its way. It replaces the one before.";
const EMAIL_FIRST = "Please enter your email address above; then we can send you a code.";
// allauth pauses passwords for an address after many wrong ones, and also
// while an unconfirmed address waits for its code; the emailed code works in both.
const PASSWORD_PAUSED = "Signing in with a password is paused for this address for a few "
  + "minutes. You can still get in: choose “Email me a sign-in code” below.";
const WRONG_APP_CODE = "That code didn't work. Codes change every 30 seconds, so please try "
  + "the one showing now, or one of your recovery codes.";
const WRONG_EMAILED_CODE = "That code didn't work. Please check it against the newest email from us.";
const STAGE_OVER = "This sign-in took a little too long, so it has been reset. Please start again.";

const STAGES = ["login-start", "code-confirm-form", "mfa-form"];

/** Show one step of the sign-in card and move focus to its heading. */
function showStage(id, { focus = true } = {}) {
  for (const stage of STAGES) $(`#${stage}`).hidden = stage !== id;
  if (!focus) return;
  const target = $(`#${id}`).querySelector("h2[tabindex]") || $(`#${id}`).querySelector("input");
  target?.focus();
}

function pendingFlow(result) {
  return (result.data.flows || []).find((flow) => flow.is_pending) || null;
}

/** The second step, offering what this person set up. */
function showSecondStep(flow) {
  const types = flow?.types || ["totp"];
  const hasApp = types.includes("totp");
  const hasRecovery = types.includes("recovery_codes");
  const hasCode = hasApp || hasRecovery;
  const hasPasskey = types.includes("webauthn") && passkeysSupported();
  const codeInput = $("#mfa-code");
  $("#mfa-code-field").hidden = !hasCode;
  codeInput.disabled = !hasCode;
  $("#mfa-submit").hidden = !hasCode;
  $("#mfa-passkey").hidden = !hasPasskey;
  $("#mfa-code-hint").hidden = !(hasApp && hasRecovery);
  if (hasApp) {
    $("#mfa-intro").textContent = "Please enter the code your authenticator app shows for attune.";
  } else if (hasPasskey) {
    $("#mfa-intro").textContent = hasRecovery
      ? "Please confirm with your passkey. If it isn't to hand, one of your recovery codes works too."
      : "Please confirm with your passkey.";
  } else {
    $("#mfa-intro").textContent = "Please enter one of your recovery codes.";
  }
  codeInput.value = "";
  showStage("mfa-form");
}

/** Go on from allauth's answer: in, or the next step it asks for. */
async function proceed(result) {
  if (result.authenticated) {
    goNext();
    return;
  }
  const flow = pendingFlow(result);
  if (flow?.id === "mfa_authenticate") {
    showSecondStep(flow);
    return;
  }
  if (flow?.id === "login_by_code") {
    showStage("code-confirm-form");
    return;
  }
  const config = await auth.config();
  if (flow?.id === "verify_email" && config.account.email_verification_by_code_enabled) {
    window.location.assign(`/account/verify-email${window.location.search}`);
    return;
  }
  if (flow?.id === "verify_email") {
    throw new ApiError(401, [{ code: "unverified", message: CONFIRM_FIRST }]);
  }
  throw new ApiError(401, [{ code: "stage_over", message: STAGE_OVER }]);
}

/** Carry ?next= over to the sign-up link, so an invitation survives the detour. */
function keepNext(link) {
  const next = new URLSearchParams(window.location.search).get("next");
  if (next) link.search = `?next=${encodeURIComponent(next)}`;
}

/**
 * A 409 from allauth means the step it belonged to is over: say so in words.
 * A wrong code (`incorrect_code`) is said with `wrongCode`, when given.
 */
async function inStage(promise, message, wrongCode = null) {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      throw new ApiError(409, [{ code: "stage_over", message }]);
    }
    if (wrongCode && error instanceof ApiError && error.has("incorrect_code")) {
      throw new ApiError(error.status, error.errors.map((item) => (
        item.code === "incorrect_code" ? { ...item, message: wrongCode } : item)), error.body);
    }
    throw error;
  }
}

async function passkeyLogin(path) {
  const options = await auth.request("GET", path);
  const credential = await usePasskey(options.data.request_options);
  return auth.request("POST", path, { body: { credential } });
}

/** Password sign-in paused for this address: point to the way that stays open. */
async function withPasswordPause(promise) {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 429 || error.has("too_many_login_attempts"))) {
      throw new ApiError(error.status, [{ code: "too_many_login_attempts", message: PASSWORD_PAUSED }]);
    }
    throw error;
  }
}

function wirePassword() {
  const form = $("#login-form");
  onSubmit(form, async () => {
    await proceed(await withPasswordPause(
      auth.login(value(form, "email"), form.elements.password.value)));
  });
}

async function wirePasskey() {
  const config = await auth.config();
  const button = $("#passkey-button");
  button.hidden = !(config.mfa?.passkey_login_enabled && passkeysSupported());
  onSubmit($("#other-ways"), async () => proceed(await passkeyLogin("auth/webauthn/login")));
}

/** "Email me a sign-in code": to the address typed in the form above. */
async function requestCode(loginForm) {
  const email = value(loginForm, "email");
  const input = loginForm.elements.email;
  if (!email || !input.checkValidity()) {
    throw new ApiError(400, [{ code: "required", message: EMAIL_FIRST, param: "email" }]);
  }
  $("#code-confirm-form").elements.code.value = "";
  $("#code-sent").textContent = `If an account uses ${email}, a sign-in code is on its way to it. `
    + "Enter the code here.";
  await proceed(await auth.request("POST", "auth/code/request", { body: { email } }));
}

function wireCode() {
  const loginForm = $("#login-form");
  const confirm = $("#code-confirm-form");
  $("#code-button").addEventListener("click", async (event) => {
    clearErrors(loginForm);
    // Busy, not disabled: a disabled button would drop focus to the page.
    await whileBusy(event.currentTarget, async () => {
      try {
        await requestCode(loginForm);
      } catch (error) {
        showErrors(loginForm, error);
      }
    });
  });
  onSubmit(confirm, async () => {
    await proceed(await inStage(auth.request("POST", "auth/code/confirm", {
      body: { code: value(confirm, "code") },
    }), CODE_SPENT, WRONG_EMAILED_CODE));
  });
  $("#code-resend").addEventListener("click", () => resend(confirm));
}

async function resend(form) {
  clearErrors(form);
  form.querySelector(".resent")?.remove();
  try {
    await inStage(auth.request("POST", "auth/code/resend"), NO_RESEND);
    form.querySelector(".actions").before(
      h("p", { class: "notice notice-calm resent", role: "status" }, SENT_AGAIN));
  } catch (error) {
    showErrors(form, error);
  }
}

function wireSecondStep() {
  const form = $("#mfa-form");
  onSubmit(form, async () => {
    await proceed(await inStage(auth.request("POST", "auth/2fa/authenticate", {
      body: { code: value(form, "code") },
    }), STAGE_OVER, WRONG_APP_CODE));
  });
  $("#mfa-passkey").addEventListener("click", async () => {
    clearErrors(form);
    try {
      await proceed(await inStage(passkeyLogin("auth/webauthn/authenticate"), STAGE_OVER));
    } catch (error) {
      showErrors(form, error);
    }
  });
}

/** After a reload mid-way, pick up the step allauth is still waiting for. */
async function resume() {
  const session = await auth.request("GET", "auth/session");
  const flow = pendingFlow(session);
  if (flow?.id === "mfa_authenticate") showSecondStep(flow);
  else if (flow?.id === "login_by_code") showStage("code-confirm-form");
}

startPage(async () => {
  keepNext($("#signup-link"));
  for (const back of $$("[data-back]")) {
    back.addEventListener("click", () => showStage("login-start"));
  }
  wirePassword();
  wireCode();
  wireSecondStep();
  await wirePasskey();
  await resume();
}, { member: false });
