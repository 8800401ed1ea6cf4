// Forms: submit through a handler, show API errors next to the field they name
// (`param`) and any others at the top of the form.

import { ApiError } from "./api.js";
import { focusOn, h } from "./dom.js";

/**
 * Handle `form`'s submit with `handler(form, submitter)`. While it runs the form
 * is busy and a second submit does nothing; an ApiError it throws is shown on the
 * form. Focus never falls back to the page's body: a handler may return the
 * element to focus (the saved item, say); otherwise, when the handler replaced
 * what had focus, it goes to the nearest part of the page still there (which
 * holds what took the form's place).
 */
export function onSubmit(form, handler) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    const places = ancestors(form);
    clearErrors(form);
    setBusy(form, true);
    let target = null;
    try {
      target = await handler(form, event.submitter);
    } catch (error) {
      showErrors(form, error);
    } finally {
      setBusy(form, false);
    }
    if (target instanceof Element) focusOn(target);
    else if (focusLost()) focusOn(places.find((place) => place.isConnected) || document.getElementById("main"));
  });
}

function ancestors(el) {
  const found = [];
  for (let place = el.parentElement; place && place !== document.body; place = place.parentElement) found.push(place);
  return found;
}

function focusLost() {
  const active = document.activeElement;
  return !active || active === document.body || !active.isConnected;
}

/**
 * While busy the submit buttons say so (aria-disabled) but stay enabled: a
 * disabled button loses focus, and focus would fall back to the page's body.
 * The aria-busy check in onSubmit is what stops a second submit.
 */
function setBusy(form, busy) {
  form.setAttribute("aria-busy", String(busy));
  for (const button of form.querySelectorAll("button[type=submit], button:not([type])")) {
    if (busy) button.setAttribute("aria-disabled", "true");
    else button.removeAttribute("aria-disabled");
  }
}

/** The element an error's `param` points at: a field by name, or a `data-param` holder. */
function fieldFor(form, param) {
  if (!param) return null;
  const tries = [param, param.replace(/\.\d+$/, ""), param.split(".")[0]];
  for (const name of tries) {
    const holder = form.querySelector(`[data-param~="${CSS.escape(name)}"]`);
    if (holder) return holder;
    const field = form.elements.namedItem(name);
    if (field instanceof RadioNodeList) {
      return field[0]?.closest("fieldset") || field[0] || null;
    }
    if (field && field.type !== "hidden") return field;
  }
  return null;
}

export function clearErrors(form) {
  for (const note of form.querySelectorAll(".field-error, .form-errors")) note.remove();
  for (const field of form.querySelectorAll("[aria-invalid]")) {
    field.removeAttribute("aria-invalid");
    const describedBy = (field.getAttribute("aria-describedby") || "")
      .split(" ").filter((id) => id && !id.endsWith("-error")).join(" ");
    if (describedBy) field.setAttribute("aria-describedby", describedBy);
    else field.removeAttribute("aria-describedby");
  }
}

let errorCount = 0;

/** Show `error` (an ApiError, or anything thrown) on `form`. */
export function showErrors(form, error) {
  const errors = error instanceof ApiError
    ? error.errors
    : [{ message: "Something went wrong on this page. Please reload it and try again." }];
  if (!(error instanceof ApiError)) console.error(error);
  const general = [];
  let firstInvalid = null;
  for (const item of errors) {
    const target = fieldFor(form, item.param);
    if (!target) {
      general.push(item.message);
      continue;
    }
    errorCount += 1;
    const id = `${target.id || target.name || "field"}-${errorCount}-error`;
    const note = h("p", { class: "field-error", id }, item.message);
    const isControl = target.matches("input, select, textarea");
    const holder = isControl ? target.closest(".field") : target;
    if (holder) holder.append(note);
    else target.after(note);
    const control = isControl
      ? target
      : target.querySelector("input, select, textarea, button");
    const described = target.matches("fieldset") ? target : control;
    if (control) {
      control.setAttribute("aria-invalid", "true");
      firstInvalid ||= control;
    }
    if (described) {
      const ids = [described.getAttribute("aria-describedby"), id].filter(Boolean).join(" ");
      described.setAttribute("aria-describedby", ids);
    }
  }
  if (general.length) {
    const box = h("div", { class: "form-errors", role: "alert", tabindex: "-1" },
      general.map((message) => h("p", {}, message)));
    form.prepend(box);
    box.focus();
  } else if (firstInvalid) {
    firstInvalid.focus();
  }
}

/** A field's trimmed value, by name. */
export function value(form, name) {
  const field = form.elements.namedItem(name);
  return field ? String(field.value).trim() : "";
}

/** The values of the checked checkboxes called `name`. */
export function checkedValues(form, name) {
  return Array.from(form.querySelectorAll(`input[name="${CSS.escape(name)}"]:checked`))
    .map((input) => input.value);
}

/** The value of the checked radio button called `name`, or "". */
export function radioValue(form, name) {
  return form.querySelector(`input[name="${CSS.escape(name)}"]:checked`)?.value || "";
}
