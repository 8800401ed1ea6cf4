// The link from a password reset email (when resets use links, not codes).
import { ApiError, auth } from "../lib/api.js";
import { $ } from "../lib/dom.js";
import { onSubmit } from "../lib/forms.js";
import { flashNext, goNext, startPage } from "../lib/layout.js";

const EXPIRED = "This link has expired or was used already. Ask for a new one below.";

startPage(async () => {
  const form = $("#reset-key-form");
  onSubmit(form, async () => {
    let result;
    try {
      result = await auth.resetPassword(form.elements.key.value, form.elements.password.value);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        throw new ApiError(409, [{ code: "expired", message: EXPIRED }]);
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
