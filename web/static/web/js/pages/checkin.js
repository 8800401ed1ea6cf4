// Check in: a 5 × 5 mood meter (pleasantness across, energy up), feelings,
// a need, a note, and who sees it. With ?prompt=<id> it answers that reminder;
// with ?edit=<id> it changes an earlier check-in (saved with PATCH).

import { ApiError, api } from "../lib/api.js";
import { quadrant } from "../lib/checkins.js";
import { $, dataJson, fill, formatDate, h } from "../lib/dom.js";
import { checkedValues, onSubmit, radioValue, value } from "../lib/forms.js";
import { flashNext, partnership, startPage } from "../lib/layout.js";
import { NEEDS, mood, say } from "../lib/words.js";

const SCALE = [-2, -1, 0, 1, 2];
const MAX_FEELINGS = 10;

function choice(type, name, value, text, id, checked = false) {
  return h("div", { class: "choice" },
    h("input", { type, name, value, id, checked }),
    h("label", { for: id }, text));
}

function buildMoodMeter() {
  const grid = $("#mood-grid");
  // Rows from the most energy (top) down; columns from unpleasant to pleasant.
  for (const energy of [...SCALE].reverse()) {
    for (const pleasantness of SCALE) {
      const id = `mood-${pleasantness}-${energy}`;
      const cell = h("div", { class: `mood-cell ${quadrant(pleasantness, energy)}` },
        h("input", {
          type: "radio", name: "mood", id, value: `${pleasantness},${energy}`,
          required: true, "aria-describedby": "mood-hint",
          dataset: { pleasantness, energy },
        }),
        h("label", { for: id },
          h("span", { class: "visually-hidden" }, mood(pleasantness, energy))));
      grid.append(cell);
    }
  }
  grid.addEventListener("change", (event) => {
    const { pleasantness, energy } = event.target.dataset;
    $("#mood-choice").textContent = mood(Number(pleasantness), Number(energy));
  });
  // Up and down move between rows, as the grid looks; left and right stay native.
  grid.addEventListener("keydown", (event) => {
    const step = { ArrowUp: 1, ArrowDown: -1 }[event.key];
    if (!step || !(event.target instanceof HTMLInputElement)) return;
    const { pleasantness, energy } = event.target.dataset;
    const next = document.getElementById(`mood-${pleasantness}-${Number(energy) + step}`);
    event.preventDefault();
    if (!next) return;
    next.checked = true;
    next.focus();
    next.dispatchEvent(new Event("change", { bubbles: true }));
  });
}

function buildFeelings(form) {
  const box = $("#feelings");
  for (const feeling of dataJson(form, "feelings")) {
    box.append(h("div", { class: "chip-choice" },
      h("input", { type: "checkbox", name: "feelings", value: feeling, id: `feeling-${feeling}` }),
      h("label", { for: `feeling-${feeling}` }, feeling)));
  }
  // At most ten: the rest wait until one is unticked.
  box.addEventListener("change", () => {
    const full = checkedValues(form, "feelings").length >= MAX_FEELINGS;
    for (const input of box.querySelectorAll("input:not(:checked)")) input.disabled = full;
  });
}

function buildNeeds(form) {
  fill($("#needs"),
    dataJson(form, "needs").map((need) => choice("radio", "need", need, say(NEEDS, need), `need-${need}`)),
    choice("radio", "need", "", "I'm not sure", "need-unsure", true));
}

async function buildTriggerLinks() {
  const triggers = await api.list("triggers", { limit: 100 });
  if (!triggers.length) return;
  fill($("#trigger-choices"), triggers.map((trigger) =>
    choice("checkbox", "trigger_ids", trigger.id, trigger.title, `link-${trigger.id}`)));
  $("#trigger-links").hidden = false;
}

function buildSharing(pair) {
  const box = $("#share-choices");
  fill(box, choice("radio", "shared", "no", "Only me", "share-no", true));
  if (pair) {
    box.append(choice("radio", "shared", "yes", `Me and ${pair.partner.display_name}`, "share-yes"));
    if (pair.sharing_paused) {
      box.append(h("p", { class: "hint" },
        `Your sharing is paused, so ${pair.partner.display_name} sees it only once you resume.`));
    }
  } else {
    box.append(h("p", { class: "hint" }, "With a partner, you could share it with them too."));
  }
}

function sharedMessage(saved, pair) {
  if (!saved.shared) return "Thank you for checking in. It is kept just for you.";
  const name = pair.partner.display_name;
  return pair.sharing_paused
    ? `Thank you for checking in. It is shared with ${name}, who sees it once you resume sharing.`
    : `Thank you for checking in. ${name} can see it now.`;
}

/** 128 random bits as hex; unlike crypto.randomUUID it works over plain HTTP too. */
function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The pending reminder named in ?prompt=, or null when it has passed. */
async function promptFromQuery() {
  const id = new URLSearchParams(window.location.search).get("prompt");
  if (!id) return null;
  const pending = await api.list("checkins/prompts?status=pending", { limit: 100 });
  const prompt = pending.find((p) => p.id === id) || null;
  const box = $("#prompt-question");
  box.hidden = false;
  fill(box, prompt
    ? h("p", {}, prompt.question)
    : h("p", { class: "muted" }, "That reminder has passed. You can still check in; it is saved on its own."));
  return prompt;
}

/** The check-in named in ?edit=, or null; a missing one says so and is treated as new. */
async function checkinFromQuery() {
  const id = new URLSearchParams(window.location.search).get("edit");
  if (!id) return null;
  const checkin = await api.maybe(`checkins/${encodeURIComponent(id)}`).catch(() => null);
  if (!checkin) {
    const box = $("#prompt-question");
    box.hidden = false;
    fill(box, h("p", { class: "muted" }, "That check-in isn't here any more. You can still check in; it is saved as a new one."));
  }
  return checkin;
}

/** Put a saved check-in into the form, to change it. */
function fillForm(form, checkin) {
  const cell = document.getElementById(`mood-${checkin.pleasantness}-${checkin.energy}`);
  if (cell) {
    cell.checked = true;
    $("#mood-choice").textContent = mood(checkin.pleasantness, checkin.energy);
  }
  for (const box of form.querySelectorAll("input[name=feelings]")) box.checked = checkin.feelings.includes(box.value);
  $("#feelings").dispatchEvent(new Event("change"));
  const need = document.getElementById(checkin.need ? `need-${checkin.need}` : "need-unsure");
  if (need) need.checked = true;
  form.elements.namedItem("note").value = checkin.note || "";
  for (const box of form.querySelectorAll("input[name=trigger_ids]")) box.checked = checkin.trigger_ids.includes(box.value);
  const shared = document.getElementById(checkin.shared ? "share-yes" : "share-no");
  if (shared) shared.checked = true;
}

/** Editing: the page says what it changes, and whether the partner sees the change. */
function editMode(form, checkin, pair) {
  document.querySelector("h1").textContent = "Change this check-in";
  document.title = document.title.replace("Check in", "Change this check-in");
  $(".lead").textContent = `From ${formatDate(checkin.created_at)}. Change anything you like.`;
  form.querySelector("button[type=submit]").textContent = "Save the changes";
  if (checkin.shared && pair) {
    const name = pair.partner.display_name;
    const when = pair.sharing_paused ? "once you resume sharing" : "as soon as you save";
    form.prepend(h("p", { class: "notice notice-calm", id: "shared-edit" },
      `You share this check-in with ${name}: ${name} sees your changes ${when}. `
      + "To keep it to yourself, choose “Only me” below."));
  }
}

function editedMessage(saved, before, pair) {
  if (!saved.shared) {
    return before.shared && pair
      ? `Saved. It is just for you now: ${pair.partner.display_name} no longer sees it.`
      : "Saved. It is kept just for you.";
  }
  const name = pair.partner.display_name;
  return pair.sharing_paused ? `Saved. ${name} sees the change once you resume sharing.` : `Saved. ${name} sees the change now.`;
}

function readForm(form, prompt) {
  const picked = form.querySelector("input[name=mood]:checked");
  if (!picked) {
    throw new ApiError(400, [{ code: "required", param: "pleasantness", message: "Pick a square on the grid first." }]);
  }
  const body = {
    pleasantness: Number(picked.dataset.pleasantness),
    energy: Number(picked.dataset.energy),
    feelings: checkedValues(form, "feelings"),
    note: value(form, "note"),
    trigger_ids: checkedValues(form, "trigger_ids"),
    shared: radioValue(form, "shared") === "yes",
  };
  const need = radioValue(form, "need");
  if (need) body.need = need;
  if (prompt) body.prompt = prompt.id;
  return body;
}

startPage(async () => {
  const form = $("#checkin-form");
  buildMoodMeter();
  buildFeelings(form);
  buildNeeds(form);
  const [pair, editing] = await Promise.all([partnership(), checkinFromQuery(), buildTriggerLinks()]);
  buildSharing(pair);
  if (editing) {
    fillForm(form, editing);
    editMode(form, editing, pair);
    onSubmit(form, async () => {
      const body = readForm(form, null);
      body.need ||= "";
      const saved = await api.patch(`checkins/${editing.id}`, body);
      flashNext(editedMessage(saved, editing, pair));
      window.location.assign(`/history#checkin-${saved.id}`);
    });
    return;
  }
  const prompt = await promptFromQuery();
  // One key per visit: pressing save twice (or a retry) records one check-in.
  const idempotencyKey = randomKey();
  onSubmit(form, async () => {
    const body = readForm(form, prompt);
    const saved = await api.post("checkins", body, { "Idempotency-Key": idempotencyKey });
    flashNext(sharedMessage(saved, pair));
    window.location.assign("/today");
  });
});
