// My triggers, boundaries and self-care notes: list, add (from an example if
// the person likes), edit, delete, and share or stop sharing each one with the
// current partner. The first share of an item with this partner shows first
// what the partner will see; later shares go straight through.

import { api } from "../lib/api.js";
import { $, announce, dataJson, fill, focusOn, formatDate, h } from "../lib/dom.js";
import { EXAMPLES, fillFromExample } from "../lib/examples.js";
import { confirmFirstShare, sharedBefore as loadSharedBefore } from "../lib/first_share.js";
import { checkedValues, clearErrors, onSubmit, value } from "../lib/forms.js";
import { partnership, problem, startPage } from "../lib/layout.js";
import * as words from "../lib/words.js";

const KINDS = {
  triggers: {
    one: "trigger",
    form: "#trigger-form",
    list: "#trigger-list",
    add: "#add-trigger",
    fields: ["title", "category", "intensity", "signs", "helps", "avoid", "needs", "notes"],
    heading: (item) => item.title,
    meta: (item) => `${words.say(words.CATEGORIES, item.category)} · intensity ${item.intensity} of 5`,
    details: [["signs", "How it shows"], ["helps", "What helps"], ["avoid", "What to avoid"], ["needs", "What I need then"]],
  },
  boundaries: {
    one: "boundary",
    form: "#boundary-form",
    list: "#boundary-list",
    add: "#add-boundary",
    fields: ["statement", "area", "firmness", "why", "how_to_honor", "notes"],
    heading: (item) => item.statement,
    meta: (item) => `${words.say(words.AREAS, item.area)} · ${item.firmness}`,
    details: [["why", "Why it matters"], ["how_to_honor", "How to honour it"]],
  },
  "self-care": {
    one: "self-care note",
    anchor: "self-care",
    none: "No self-care notes yet.",
    form: "#self-care-form",
    list: "#self-care-list",
    add: "#add-self-care",
    fields: ["effect", "title", "how_you_can_help", "notes"],
    heading: (item) => item.title,
    meta: (item) => (item.effect === "drains" ? "What drains me" : "What restores me"),
    details: [["how_you_can_help", "How you can help"]],
  },
};

let pair = null;
// The items this person has shared with this partner before: no preview again.
let sharedBefore = new Set();

function fillChoices() {
  for (const select of document.querySelectorAll("select[data-choices]")) {
    const labels = words[select.dataset.words] || {};
    fill(select, dataJson(select, "choices").map((choice) =>
      h("option", { value: choice, selected: String(choice) === select.dataset.default }, words.say(labels, choice))));
  }
  for (const box of document.querySelectorAll("[data-checkboxes]")) {
    const labels = words[box.dataset.words] || {};
    const name = box.dataset.name;
    fill(box, dataJson(box, "checkboxes").map((choice) => {
      const id = `${box.closest("form").id}-${name}-${choice}`;
      return h("div", { class: "choice" },
        h("input", { type: "checkbox", name, value: choice, id }),
        h("label", { for: id }, words.say(labels, choice)));
    }));
  }
}

function readItem(form, kind) {
  const body = {};
  for (const name of kind.fields) {
    if (name === "needs") body.needs = checkedValues(form, "needs");
    else if (name === "intensity") body.intensity = Number(form.elements.intensity.value);
    else body[name] = value(form, name);
  }
  return body;
}

function detailList(kind, item) {
  const rows = kind.details.filter(([name]) => (Array.isArray(item[name]) ? item[name].length : item[name]));
  if (!rows.length) return null;
  return h("dl", { class: "details" }, rows.flatMap(([name, label]) => [
    h("dt", {}, label),
    h("dd", {}, Array.isArray(item[name]) ? item[name].map((n) => words.say(words.NEEDS, n)).join(", ") : item[name]),
  ]));
}

/** The item as the partner's page shows it: never the private notes. */
function preview(kind, item) {
  return [
    h("p", { class: "preview-title" }, h("strong", {}, kind.heading(item))),
    h("p", { class: "meta" }, kind.meta(item)),
    detailList(kind, item),
  ];
}

function sharePart(kindName, item, li) {
  const box = h("div", { class: "share" });
  if (!pair) {
    box.append(h("p", { class: "muted" }, "Only you can see this. To share it, first ",
      h("a", { href: "/invite" }, "invite a partner"), "."));
    return box;
  }
  const name = pair.partner.display_name;
  const toggle = async (share) => {
    const kind = KINDS[kindName];
    if (share && !sharedBefore.has(item.id)
      && !(await confirmFirstShare({ pair, one: kind.one, preview: preview(kind, item) }))) {
      announce(`Not shared. Only you can see this ${kind.one}.`);
      return;
    }
    try {
      const updated = share
        ? await api.post(`${kindName}/${item.id}/share`)
        : await api.delete(`${kindName}/${item.id}/share`);
      if (share) sharedBefore.add(item.id);
      const fresh = itemCard(kindName, updated);
      li.replaceWith(fresh);
      fresh.querySelector("[role=switch]").focus();
      announce(share ? `Shared with ${name}.` : `Stopped sharing. ${name} no longer sees it.`);
    } catch (error) {
      box.append(problem(error));
    }
  };
  // Named for what it does ("Share with Bob"); aria-checked says whether it is
  // on, and the words beside it say the same for the eye.
  const switchButton = h("button", {
    type: "button", role: "switch", class: "switch", "aria-checked": String(item.shared),
    "aria-describedby": `share-status-${item.id}`,
  },
  h("span", { class: "switch-track", "aria-hidden": "true" }, h("span", { class: "switch-thumb" })),
  h("span", { class: "switch-label" }, `Share with ${name}`),
  h("span", { class: "switch-state", "aria-hidden": "true" }, item.shared ? " · On" : " · Off"));
  switchButton.addEventListener("click", () => toggle(!item.shared));
  box.append(switchButton);
  const status = h("p", { class: "share-status", id: `share-status-${item.id}` });
  if (item.shared) {
    status.append(`${name} can see this (never your private notes), since ${formatDate(item.shared_at)}.`);
    if (item.acknowledged_at && !item.changed_since_acknowledged) status.append(` ${name} has read it.`);
    if (pair.sharing_paused) status.append(" Your sharing is paused, so right now they see nothing.");
    const stop = h("button", { type: "button", class: "button-quiet" }, "Stop sharing");
    stop.addEventListener("click", () => toggle(false));
    box.append(status, stop);
  } else {
    status.append(`Only you can see this. Switch it on and ${name} sees it, without your private notes.`);
    box.append(status);
  }
  return box;
}

function deletePart(kindName, item, li) {
  const kind = KINDS[kindName];
  const box = h("div", { class: "actions" });
  const edit = h("button", { type: "button", class: "button-quiet" }, "Edit");
  edit.addEventListener("click", () => openForm(kindName, item, li));
  const remove = h("button", { type: "button", class: "button-quiet" }, "Delete");
  remove.addEventListener("click", () => {
    const sure = h("button", { type: "button", class: "button-danger" }, `Delete this ${kind.one}`);
    const keep = h("button", { type: "button", class: "button-quiet" }, "Keep it");
    const confirmBox = h("div", { class: "confirm", role: "group", "aria-label": "Delete for good?" },
      h("p", {}, `Delete this ${kind.one} for good?${item.shared ? ` ${pair?.partner.display_name || "Your partner"} will no longer see it.` : ""}`),
      sure, " ", keep);
    box.replaceWith(confirmBox);
    keep.addEventListener("click", () => {
      confirmBox.replaceWith(box);
      remove.focus();
    });
    sure.addEventListener("click", async () => {
      try {
        await api.delete(`${kindName}/${item.id}`);
        li.remove();
        $(kind.add).focus();
        announce(`The ${kind.one} is deleted.`);
      } catch (error) {
        confirmBox.append(problem(error));
      }
    });
    keep.focus();
  });
  box.append(edit, " ", remove);
  return box;
}

function itemCard(kindName, item) {
  const kind = KINDS[kindName];
  const li = h("li", { id: `${kind.anchor || kind.one}-${item.id}` });
  if (item.effect) li.dataset.effect = item.effect;
  li.append(h("article", { class: "card item", "aria-labelledby": `title-${item.id}` },
    h("h3", { id: `title-${item.id}`, tabindex: "-1" }, kind.heading(item)),
    h("p", { class: "meta" }, kind.meta(item)),
    detailList(kind, item),
    item.notes ? h("p", { class: "private-note" }, h("strong", {}, "Private note: "), item.notes) : null,
    sharePart(kindName, item, li),
    deletePart(kindName, item, li)));
  return li;
}

async function loadList(kindName) {
  const kind = KINDS[kindName];
  const items = await api.list(kindName);
  const list = $(kind.list);
  if (!items.length) {
    fill(list, h("li", { class: "empty muted" }, kind.none || `No ${kindName} yet.`));
    return;
  }
  fill(list, items.map((item) => itemCard(kindName, item)));
}

/**
 * Open the form: above the list for a new item, or in place of the item being
 * edited, so the change happens where the person is looking.
 */
function openForm(kindName, item = null, li = null) {
  const kind = KINDS[kindName];
  const form = $(kind.form);
  closeForm(kindName);
  if (li) {
    li.querySelector("article").hidden = true;
    li.append(form);
  }
  clearErrors(form);
  form.reset();
  form.dataset.editing = item ? item.id : "";
  form.querySelector("h3").textContent = item ? `Edit this ${kind.one}` : `A new ${kind.one}`;
  if (item) {
    for (const name of kind.fields) {
      if (name === "needs") {
        for (const box of form.querySelectorAll("input[name=needs]")) box.checked = item.needs.includes(box.value);
      } else {
        form.elements.namedItem(name).value = item[name];
      }
    }
  }
  form.querySelector(".shared-edit")?.remove();
  form.removeAttribute("aria-describedby");
  if (item?.shared && pair) {
    const note = sharedEditNote(kind, form);
    form.querySelector("h3").after(note);
    form.setAttribute("aria-describedby", note.id);
  }
  const examples = form.querySelector("[data-examples]");
  if (examples) {
    examples.hidden = Boolean(item);
    examples.querySelector("details")?.removeAttribute("open");
  }
  form.hidden = false;
  $(kind.add).setAttribute("aria-expanded", String(!item));
  form.querySelector("h3").focus();
}

/** In the form of a shared item: the partner sees what is saved. */
function sharedEditNote(kind, form) {
  const name = pair.partner.display_name;
  const id = `${form.id}-shared-edit`;
  const when = pair.sharing_paused ? "once you resume sharing" : "as soon as you save";
  return h("p", { class: "notice notice-calm shared-edit", id },
    `You share this ${kind.one} with ${name}: ${name} sees your changes ${when}. `
    + "Your private notes stay private.");
}

/** "Start from an example": fills the new-item form; nothing is saved until Save. */
function wireExamples(kindName) {
  const form = $(KINDS[kindName].form);
  const holder = form.querySelector("[data-examples]");
  if (!holder) return;
  const first = form.querySelector("input[type=text], textarea");
  const list = h("ul", { class: "example-list" }, EXAMPLES[kindName].map((example) => {
    const button = h("button", { type: "button", class: "button-quiet" }, example.label);
    button.addEventListener("click", () => {
      fillFromExample(form, example.fields);
      holder.querySelector("details").open = false;
      focusOn(first);
      announce(`Filled in from the example "${example.label}". Change anything you like; it is saved only when you press Save.`);
    });
    return h("li", {}, button);
  }));
  fill(holder, h("details", { class: "examples" },
    h("summary", {}, "Start from an example"),
    h("p", { class: "hint" }, "Pick one to fill in the form, then make it yours. Nothing is saved until you press Save."),
    list));
}

/** Hide the form, back in its place above the list, and show the item it edited. */
function closeForm(kindName) {
  const kind = KINDS[kindName];
  const form = $(kind.form);
  const editedItem = form.closest("li");
  if (editedItem) {
    editedItem.querySelector("article").hidden = false;
    $(kind.list).before(form);
  }
  form.hidden = true;
  $(kind.add).setAttribute("aria-expanded", "false");
}

function wireForm(kindName) {
  const kind = KINDS[kindName];
  const form = $(kind.form);
  $(kind.add).addEventListener("click", () => {
    if (form.hidden || form.dataset.editing) openForm(kindName);
    else closeForm(kindName);
  });
  form.querySelector("[data-cancel]").addEventListener("click", () => {
    const id = form.dataset.editing;
    closeForm(kindName);
    (id ? document.getElementById(`title-${id}`) : $(kind.add)).focus();
  });
  wireExamples(kindName);
  onSubmit(form, async () => {
    const body = readItem(form, kind);
    const id = form.dataset.editing;
    const saved = id ? await api.patch(`${kindName}/${id}`, body) : await api.post(kindName, body);
    closeForm(kindName);
    await loadList(kindName);
    document.getElementById(`title-${saved.id}`)?.focus();
    announce(savedMessage(kind, saved, Boolean(id)));
  });
}

function savedMessage(kind, saved, edited) {
  if (!saved.shared || !pair) return `Saved. The ${kind.one} is private: only you can see it.`;
  const name = pair.partner.display_name;
  if (!edited) return `Saved. The ${kind.one} is shared with ${name}.`;
  return pair.sharing_paused
    ? `Saved. ${name} sees the change once you resume sharing.`
    : `Saved. ${name} sees the change now.`;
}

function shareContext() {
  const box = $("#share-context");
  if (!pair) {
    fill(box, h("div", { class: "notice notice-calm" }, h("p", {},
      "You have no partner on attune right now, so all of this is just for you. ",
      h("a", { href: "/invite" }, "Invite someone"), " whenever you like.")));
  } else if (pair.sharing_paused) {
    fill(box, h("div", { class: "notice notice-calm" }, h("p", {},
      `Your sharing is paused: ${pair.partner.display_name} sees none of your items right now. `,
      h("a", { href: "/settings" }, "Resume in Settings"), " when you are ready.")));
  }
}

/** A link to "#add-trigger" (the first-week guide's) opens that form, its examples showing. */
function openFromLink() {
  for (const [kindName, kind] of Object.entries(KINDS)) {
    if (location.hash !== kind.add) continue;
    openForm(kindName);
    $(kind.form).querySelector("[data-examples] details")?.setAttribute("open", "");
  }
}

startPage(async () => {
  fillChoices();
  pair = await partnership();
  shareContext();
  sharedBefore = await loadSharedBefore(pair);
  wireForm("triggers");
  wireForm("boundaries");
  wireForm("self-care");
  openFromLink();
  await Promise.all(Object.keys(KINDS).map(loadList));
});
