import { ApiError, auth } from "../lib/api.js";
import { $ } from "../lib/dom.js";
import { onSubmit, value } from "../lib/forms.js";
import { goNext, startPage } from "../lib/layout.js";

const CONFIRM_FIRST = "Please confirm your email address first: open the link in the email we sent you.";

/** Carry ?next= over to the sign-up link, so an invitation survives the detour. */
function keepNext(link) {
  const next = new URLSearchParams(window.location.search).get("next");
  if (next) link.search = `?next=${encodeURIComponent(next)}`;
}

startPage(async () => {
  keepNext($("#signup-link"));
  const form = $("#login-form");
  onSubmit(form, async () => {
    const result = await auth.login(value(form, "email"), form.elements.password.value);
    if (result.authenticated) {
      goNext();
      return;
    }
    const config = await auth.config();
    if (result.pending === "verify_email" && config.account.email_verification_by_code_enabled) {
      window.location.assign(`/account/verify-email${window.location.search}`);
      return;
    }
    throw new ApiError(401, [{ code: "unverified", message: CONFIRM_FIRST }]);
  });
}, { member: false });
