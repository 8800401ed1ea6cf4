// Ask for a reset, then (when codes are on) enter the code and a new password.
import { ApiError, auth } from "../lib/api.js";
import { $ } from "../lib/dom.js";
import { onSubmit, value } from "../lib/forms.js";
import { flashNext, goNext, startPage } from "../lib/layout.js";

const START_AGAIN = "This code can no longer be used. Reload the page to ask for a new one.";

startPage(async () => {
  const request = $("#reset-request-form");
  const codeForm = $("#reset-code-form");
  onSubmit(request, async () => {
    const result = await auth.requestPasswordReset(value(request, "email"));
    request.hidden = true;
    if (result.pending === "password_reset_by_code") {
      codeForm.hidden = false;
      $("#reset-code-intro").focus();
    } else {
      const sent = $("#reset-link-sent");
      sent.hidden = false;
      sent.focus();
    }
  });
  onSubmit(codeForm, async () => {
    let result;
    try {
      result = await auth.resetPassword(value(codeForm, "key"), codeForm.elements.password.value);
    } catch (error) {
      // 409: the code has run out (too many tries, or too late); start again.
      if (error instanceof ApiError && error.status === 409) {
        throw new ApiError(409, [{ code: "expired", message: START_AGAIN }]);
      }
      throw error;
    }
    if (result.authenticated) {
      goNext();
      return;
    }
    flashNext("Your new password is saved. Log in with it whenever you are ready.");
    window.location.assign("/login");
  });
}, { member: false });
