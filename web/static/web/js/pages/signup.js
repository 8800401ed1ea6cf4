import { auth } from "../lib/api.js";
import { $ } from "../lib/dom.js";
import { onSubmit, value } from "../lib/forms.js";
import { goNext, rememberName, saveChosenName, startPage } from "../lib/layout.js";
import { rememberDeviceZone, saveDeviceZone } from "../lib/zone.js";

startPage(async () => {
  const next = new URLSearchParams(window.location.search).get("next");
  if (next) $("#login-link").search = `?next=${encodeURIComponent(next)}`;
  const form = $("#signup-form");
  onSubmit(form, async () => {
    const name = value(form, "display_name");
    const result = await auth.signup(value(form, "email"), form.elements.password.value);
    if (result.authenticated) {
      if (name) await saveChosenName(name);
      await saveDeviceZone();
      goNext();
      return;
    }
    // Email confirmation comes first; the name is saved once they are in.
    rememberName(name);
    // The device's timezone too, so reminders come at the right hour.
    rememberDeviceZone();
    const config = await auth.config();
    if (config.account.email_verification_by_code_enabled) {
      window.location.assign(`/account/verify-email${window.location.search}`);
      return;
    }
    form.hidden = true;
    const sent = $("#signup-sent");
    sent.hidden = false;
    sent.focus();
  });
}, { member: false });
