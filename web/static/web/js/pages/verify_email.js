// /account/verify-email/<key> (the link from the email) and
// /account/verify-email (a code, when verification is by code).
import { ApiError, auth } from "../lib/api.js";
import { $, fill, h } from "../lib/dom.js";
import { onSubmit, value } from "../lib/forms.js";
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

function withCode() {
  const form = $("#verify-code-form");
  form.hidden = false;
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
