// The words the pages use for the API's values. The values themselves come
// from the API or from the page's template, never from here.

export const NEEDS = {
  comfort: "Comfort",
  space: "Space",
  listening: "Listening",
  help: "Help",
  company: "Company",
  nothing: "Nothing right now",
};

export const RESPONSES = {
  heard: "I hear you",
  here_for_you: "I'm here for you",
  giving_space: "Giving you space",
  want_to_talk: "I'd like to talk",
};

export const CATEGORIES = {
  words_or_tone: "Words or tone",
  situation: "A situation",
  physical: "Something physical",
  past_experience: "A past experience",
  other: "Something else",
};

export const AREAS = {
  time: "Time",
  physical: "Physical",
  emotional: "Emotional",
  digital: "Digital",
  money: "Money",
  social: "Social",
  other: "Something else",
};

export const FIRMNESS = {
  firm: "Firm — please always honour it",
  flexible: "Flexible — let's talk when it matters",
};

export const INTENSITY = {
  1: "1 — a small sting",
  2: "2 — noticeable",
  3: "3 — hard",
  4: "4 — very hard",
  5: "5 — overwhelming",
};

const PLEASANTNESS = {
  "-2": "very unpleasant",
  "-1": "unpleasant",
  0: "neither pleasant nor unpleasant",
  1: "pleasant",
  2: "very pleasant",
};

const ENERGY = {
  "-2": "very low energy",
  "-1": "low energy",
  0: "some energy",
  1: "high energy",
  2: "very high energy",
};

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** The label for `value` in `words`, or the value made readable. */
export function say(words, value) {
  if (value === undefined || value === null || value === "") return "";
  return words[value] || String(value).replaceAll("_", " ");
}

/** "Pleasant, high energy" for a point on the mood meter. */
export function mood(pleasantness, energy) {
  const text = `${PLEASANTNESS[pleasantness]}, ${ENERGY[energy]}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const ITEM_NAMES = { trigger: "trigger", boundary: "boundary", checkin: "check-in" };

/** A consent log entry in plain words. */
export function consentEvent(event) {
  const item = ITEM_NAMES[event.item_type] || "item";
  switch (event.kind) {
    case "paired": return "You became partners";
    case "unpaired": return "The partnership ended";
    case "sharing_paused": return "You paused your sharing";
    case "sharing_resumed": return "You resumed your sharing";
    case "share_granted": return `You shared a ${item}`;
    case "share_revoked": return `You stopped sharing a ${item}`;
    case "over_time_agreed": return "You agreed to look back together";
    case "over_time_withdrawn": return "You stopped looking back together";
    default: return say({}, event.kind);
  }
}
