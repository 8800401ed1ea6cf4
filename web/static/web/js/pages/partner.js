// The partner's space: what they share, acknowledging it, asking about it;
// and, below, the partner's questions about my own items, to answer.

import { api } from "../lib/api.js";
import { $, announce, fill, formatDate, h, time, whileBusy } from "../lib/dom.js";
import { endedNotice, partnershipEnded, rememberPartner } from "../lib/ending.js";
import { onSubmit, value } from "../lib/forms.js";
import { me, partnership, problem, startPage } from "../lib/layout.js";
import { AREAS, CATEGORIES, NEEDS, say } from "../lib/words.js";

const KINDS = {
  triggers: {
    one: "trigger",
    list: "#their-triggers",
    heading: (item) => item.title,
    meta: (item) => `${say(CATEGORIES, item.category)} · intensity ${item.intensity} of 5`,
    details: [["signs", "How it shows"], ["helps", "What helps"], ["avoid", "What to avoid"], ["needs", "What they need then"]],
  },
  boundaries: {
    one: "boundary",
    list: "#their-boundaries",
    heading: (item) => item.statement,
    meta: (item) => `${say(AREAS, item.area)} · ${item.firmness}`,
    details: [["why", "Why it matters"], ["how_to_honor", "How to honour it"]],
  },
  "self-care": {
    one: "self-care note",
    anchor: "self-care",
    none: (name) => `${name} shares no self-care notes with you right now.`,
    list: "#their-self-care",
    heading: (item) => item.title,
    meta: (item) => (item.effect === "drains" ? "What drains them" : "What restores them"),
    details: [["how_you_can_help", "How you can help"]],
  },
};

let partnerName = "your partner";

function detailList(kind, item) {
  const rows = kind.details.filter(([name]) => (Array.isArray(item[name]) ? item[name].length : item[name]));
  if (!rows.length) return null;
  return h("dl", { class: "details" }, rows.flatMap(([name, label]) => [
    h("dt", {}, label),
    h("dd", {}, Array.isArray(item[name]) ? item[name].map((n) => say(NEEDS, n)).join(", ") : item[name]),
  ]));
}

function turn(who, text, when, label = who) {
  return h("li", { class: "turn" },
    h("p", {}, h("strong", {}, `${label}: `), text),
    when ? h("p", { class: "muted when" }, label === who ? "" : `${who}, `, time(when)) : null);
}

/**
 * One question as a thread: the question, the first answer and every reply
 * after it, oldest first, each with who and when; then a form to go on. `side`
 * is "asker" when the question is mine, "owner" when it is about my item.
 */
function questionThread(question, side) {
  const asker = side === "asker" ? "You" : partnerName;
  const owner = side === "owner" ? "You" : partnerName;
  const turns = h("ol", { class: "turns plain-list", "aria-label": "Conversation" },
    turn(asker, question.text, question.created_at),
    question.answer ? turn(owner, question.answer, question.answered_at, "Answer") : null);
  const li = h("li", { class: "question-item", id: `question-${question.id}` }, turns);
  if (!question.answer) {
    li.append(h("p", { class: "muted waiting" },
      side === "asker" ? `${partnerName} has not answered yet.` : "Not answered yet."));
  }
  if (question.reply_count) {
    api.list(`questions/${question.id}/replies`, { limit: 500 }).then((replies) => {
      turns.append(...replies.map((r) => turn(r.by === side ? "You" : partnerName, r.text, r.created_at)));
    }, (error) => li.append(problem(error)));
  }
  li.append(side === "owner" && !question.answer
    ? answerForm(question, li)
    : replyForm(question, side, turns, li));
  return li;
}

/** Going on with a thread, from either side. */
function replyForm(question, side, turns, li) {
  const id = `reply-${question.id}`;
  const form = h("form", { class: "stack reply" },
    h("div", { class: "field" },
      h("label", { for: id }, "Your reply"),
      h("textarea", { id, name: "text", rows: 2, maxlength: 2000, required: true })),
    h("p", {}, h("button", { type: "submit", class: "button-quiet" }, "Send reply")));
  onSubmit(form, async () => {
    const reply = await api.post(`questions/${question.id}/replies`, { text: value(form, "text") });
    turns.append(turn("You", reply.text, reply.created_at));
    li.querySelector(".waiting")?.remove();
    form.reset();
    announce(`Your reply is sent to ${partnerName}.`);
  });
  return h("details", { class: "reply-box" }, h("summary", {}, "Write a reply"), form);
}

function acknowledgePart(kindName, item, li) {
  const box = h("div", { class: "ack" });
  if (item.acknowledged_at && !item.changed_since_acknowledged) {
    box.append(h("p", { class: "muted" }, `You read this on ${formatDate(item.acknowledged_at)}.`));
    return box;
  }
  const changed = item.changed_since_acknowledged;
  box.append(h("p", { class: "badge" }, changed ? "Changed since you read it" : "New"));
  const button = h("button", { type: "button" }, changed ? "I have read the changes" : "I have read and understood this");
  button.addEventListener("click", () => whileBusy(button, async () => {
    try {
      // The write first, then the read: never both at once (SQLite's in-memory
      // test database refuses a read of a table another request is writing).
      const updated = await api.post(`partner/${kindName}/${item.id}/acknowledge`);
      const questions = await api.list(`partner/${kindName}/${item.id}/questions`, { limit: 100 });
      const fresh = itemCard(kindName, updated, questions);
      li.replaceWith(fresh);
      fresh.querySelector("h3").focus();
      announce(`Thank you. ${partnerName} will see that you read it.`);
    } catch (error) {
      box.append(problem(error));
    }
  }));
  box.append(button);
  return box;
}

/** "Ask, don't guess": a question folded away until wanted. */
function askForm(kindName, item, thread) {
  const id = `ask-${item.id}`;
  const form = h("form", { class: "stack" },
    h("div", { class: "field" },
      h("label", { for: id }, "Your question"),
      h("textarea", { id, name: "text", rows: 2, maxlength: 1000, required: true })),
    h("p", {}, h("button", { type: "submit", class: "button-quiet" }, "Ask")));
  onSubmit(form, async () => {
    const question = await api.post(`partner/${kindName}/${item.id}/questions`, { text: value(form, "text") });
    thread.append(questionThread(question, "asker"));
    form.reset();
    announce(`Your question is sent to ${partnerName}.`);
  });
  return h("details", { class: "ask" }, h("summary", {}, `Ask ${partnerName} about this`), form);
}

/** Every thread on one side (`mine` or `partner`), by item id, newest first: one list. */
async function threadsByItem(about) {
  const threads = new Map();
  for (const question of await api.list(`questions?about=${about}`, { limit: 1000 })) {
    if (!threads.has(question.item_id)) threads.set(question.item_id, []);
    threads.get(question.item_id).push(question);
  }
  return threads;
}

function itemCard(kindName, item, questions) {
  const kind = KINDS[kindName];
  const li = h("li", { id: `${kind.anchor || kind.one}-${item.id}` });
  if (item.effect) li.dataset.effect = item.effect;
  const thread = h("ul", { class: "thread", "aria-label": "Questions" },
    [...questions].reverse().map((q) => questionThread(q, "asker")));
  li.append(h("article", { class: "card item", "aria-labelledby": `title-${item.id}` },
    h("h3", { id: `title-${item.id}`, tabindex: "-1" }, kind.heading(item)),
    h("p", { class: "meta" }, kind.meta(item), " · shared ", time(item.shared_at, formatDate)),
    detailList(kind, item),
    acknowledgePart(kindName, item, li),
    h("div", { class: "questions" }, thread, askForm(kindName, item, thread))));
  return li;
}

async function loadKind(kindName, threads) {
  const kind = KINDS[kindName];
  const items = await api.list(`partner/${kindName}`);
  const list = $(kind.list);
  if (!items.length) {
    const none = kind.none ? kind.none(partnerName) : `${partnerName} shares no ${kindName} with you right now.`;
    fill(list, h("li", { class: "empty muted" }, none));
    return;
  }
  fill(list, items.map((item) => itemCard(kindName, item, threads.get(item.id) || [])));
}

function answerForm(question, holder) {
  const id = `answer-${question.id}`;
  const form = h("form", { class: "stack" },
    h("div", { class: "field" },
      h("label", { for: id }, "Your answer"),
      h("textarea", { id, name: "text", rows: 2, maxlength: 2000, required: true })),
    h("p", {}, h("button", { type: "submit", class: "button-quiet" }, "Answer")));
  onSubmit(form, async () => {
    const answered = await api.post(`questions/${question.id}/answer`, { text: value(form, "text") });
    const fresh = questionThread(answered, "owner");
    holder.replaceWith(fresh);
    announce("Your answer is sent.");
    return fresh.querySelector("summary");
  });
  return form;
}

/** Questions about my own items, from the one list of threads on my side. */
async function loadMyQuestions() {
  const box = $("#my-questions");
  const names = Object.keys(KINDS);
  const [threads, ...lists] = await Promise.all(
    [threadsByItem("mine"), ...names.map((kindName) => api.list(kindName))]);
  const items = names.flatMap((kindName, n) =>
    lists[n].map((item) => ({ kindName, title: KINDS[kindName].heading(item), item })));
  const asked = items
    .map((entry) => ({ ...entry, questions: threads.get(entry.item.id) || [] }))
    .filter((entry) => entry.questions.length);
  if (!asked.length) {
    fill(box, h("p", { class: "muted" }, "No questions about your items yet."));
    return;
  }
  fill(box, h("ul", { class: "items" }, asked.map((entry) => h("li", {},
    h("article", { class: "card item" },
      h("h3", {}, entry.title),
      h("ul", { class: "thread" },
        [...entry.questions].reverse().map((question) => questionThread(question, "owner"))))))));
}

startPage(async () => {
  const [profile, pair] = await Promise.all([me(), partnership()]);
  rememberPartner(profile, pair);
  if (!pair && await partnershipEnded()) {
    fill($("#partner-state"), endedNotice(profile));
  } else if (!pair) {
    fill($("#partner-state"), h("div", { class: "notice notice-calm" },
      h("p", {}, "You have no partner on attune right now, so there is nothing here."),
      h("p", {}, h("a", { class: "button", href: "/invite" }, "Invite someone"))));
  } else {
    partnerName = pair.partner.display_name;
    $("#partner-title").textContent = `${partnerName}'s space`;
    $("#partner-space").hidden = false;
    const threads = await threadsByItem("partner");
    await Promise.all(Object.keys(KINDS).map((kindName) => loadKind(kindName, threads)));
  }
  try {
    await loadMyQuestions();
  } catch (error) {
    fill($("#my-questions"), problem(error));
  }
});
