// /account/verify-email/<key> (the link from the email) and
// /account/verify-email (a code, when verification is by code).
import { ApiError, auth } from "../lib/api.js";
import { $, fill, h } from "../lib/dom.js";
import { clearErrors, onSubmit, showErrors, value } from "../lib/forms.js";
import { goNext, startPage } from "../lib/layout.js";

function finish(result) {
  if (result.authenticated) {
    goNext();
    return;
  }
  fill($("#verify-status"),
    h("p", {}, "Thank you, your email address is confirmed. "),
    h("p", {}, h("a", { href: "/login" }, "Log in to attune")));
  for (const form of document.querySelectorAll("form")) form.hidden = true;
}

async function withLink(key) {
  const form = $("#verify-link-form");
  let info;
  try {
    info = await auth.emailKeyInfo(key);
  } catch {
    fill($("#verify-status"),
      h("p", {}, "This link has expired or was used already."),
      h("p", {}, "If your address is confirmed, you can simply ",
        h("a", { href: "/login" }, "log in"), "."));
    return;
  }
  fill($("#verify-address"), "Confirm that ", h("strong", {}, info.data.email || "this address"),
    " is your email address.");
  form.hidden = false;
  onSubmit(form, async () => finish(await auth.verifyEmail(key)));
}

const NOTHING_PENDING = "There is no code waiting to be confirmed here any more. "
  + "Log in, and we will send you a new one if it is still needed.";

const NO_RESEND = "We can't send another code for this sign-up. If it doesn't arrive, "
  + "log in with your email and password and we will send a fresh one.";
const TOO_SOON = "We sent a code only a moment ago. Please give it a few minutes to arrive, "
  + "then ask again if it still hasn't come.";
const SENT_AGAIN = "A new code is on its way. It replaces the one before.";

async function resend(form) {
  clearErrors(form);
  form.querySelector(".resent")?.remove();
  try {
    await auth.request("POST", "auth/email/verify/resend");
    form.querySelector(".actions").before(
      h("p", { class: "notice notice-calm resent", role: "status" }, SENT_AGAIN));
  } catch (error) {
    // 409: allauth allows no (more) new codes for this sign-up.
    if (error instanceof ApiError && error.status === 409) {
      showErrors(form, new ApiError(409, [{ code: "no_resend", message: NO_RESEND }]));
      return;
    }
    if (error instanceof ApiError && error.status === 429) {
      showErrors(form, new ApiError(429, [{ code: "too_soon", message: TOO_SOON }]));
      return;
    }
    showErrors(form, error);
  }
}

function withCode() {
  const form = $("#verify-code-form");
  form.hidden = false;
  $("#verify-resend").addEventListener("click", () => resend(form));
  onSubmit(form, async () => {
    try {
      finish(await auth.verifyEmail(value(form, "key")));
    } catch (error) {
      // 409: no verification by code is in progress in this browser.
      if (error instanceof ApiError && error.status === 409) {
        throw new ApiError(409, [{ code: "not_pending", message: NOTHING_PENDING }]);
      }
      throw error;
    }
  });
}

startPage(async () => {
  const key = $("#verify").dataset.key;
  if (key) await withLink(key);
  else withCode();
}, { member: false });
