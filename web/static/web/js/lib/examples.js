// Examples to start from, for a person facing an empty "new item" form. Each
// fills the form's fields (by the API's names); nothing is saved until the
// person presses Save, and every word stays theirs to change.

export const EXAMPLES = {
  triggers: [
    {
      label: "Raised voices",
      fields: {
        title: "Raised voices",
        category: "words_or_tone",
        intensity: 4,
        signs: "I go quiet, my shoulders tighten and I want to leave the room.",
        helps: "A lower voice, and a short pause before we go on.",
        avoid: "Talking over me, or following me when I step away.",
        needs: ["space", "listening"],
      },
    },
    {
      label: "Plans changed at the last minute",
      fields: {
        title: "Plans changed at the last minute",
        category: "situation",
        intensity: 3,
        signs: "I get short with you and keep going back over the old plan.",
        helps: "Hearing about the change as early as you can, and a moment to adjust.",
        avoid: "Treating it as no big deal.",
        needs: ["listening"],
      },
    },
    {
      label: "Being interrupted",
      fields: {
        title: "Being interrupted",
        category: "words_or_tone",
        intensity: 2,
        signs: "I stop talking and lose the thread.",
        helps: "Letting me finish, then asking about it.",
        avoid: "Finishing my sentences for me.",
        needs: ["listening"],
      },
    },
    {
      label: "Being touched when I'm overwhelmed",
      fields: {
        title: "Being touched when I'm overwhelmed",
        category: "physical",
        intensity: 4,
        signs: "I flinch or pull away, even from a hug.",
        helps: "Asking first, and staying close without touching.",
        avoid: "Holding on when I pull back.",
        needs: ["space", "company"],
      },
    },
  ],
  boundaries: [
    {
      label: "Time alone after work",
      fields: {
        statement: "I need half an hour to myself when I get home from work.",
        area: "time",
        firmness: "flexible",
        why: "It lets me arrive properly, instead of bringing the day's stress to you.",
        how_to_honor: "Let me settle in before we talk plans; a smile is welcome.",
      },
    },
    {
      label: "No phones at dinner",
      fields: {
        statement: "I'd like us to keep our phones away while we eat together.",
        area: "digital",
        firmness: "flexible",
        why: "Dinner is often the only time we really talk.",
        how_to_honor: "Leave it in another room, or say if you are waiting for something urgent.",
      },
    },
    {
      label: "Hard talks not late at night",
      fields: {
        statement: "I don't want to start difficult conversations after 10 at night.",
        area: "emotional",
        firmness: "firm",
        why: "When I'm tired I can't listen well and things go wrong.",
        how_to_honor: "Tell me it matters, and let's pick a time the next day.",
      },
    },
    {
      label: "Asking before inviting people over",
      fields: {
        statement: "Please ask me before inviting people to our home.",
        area: "social",
        firmness: "firm",
        why: "I need to know what to expect in my own space.",
        how_to_honor: "A quick message first, even a short one, is enough.",
      },
    },
  ],
  "self-care": [
    {
      label: "A walk restores me",
      fields: {
        effect: "restores",
        title: "A walk on my own",
        how_you_can_help: "Encourage me to go, even when I say I'm too busy.",
      },
    },
    {
      label: "Crowded places drain me",
      fields: {
        effect: "drains",
        title: "Crowded places",
        how_you_can_help: "Agree a way out with me before we go, and notice when I go quiet.",
      },
    },
    {
      label: "Time alone after work",
      fields: {
        effect: "restores",
        title: "Time alone after work",
        how_you_can_help: "Give me an hour to myself before we plan the evening.",
      },
    },
    {
      label: "Too many plans in a row drain me",
      fields: {
        effect: "drains",
        title: "Too many plans in a row",
        how_you_can_help: "Help me keep one evening a week free of plans.",
      },
    },
  ],
};

/**
 * Put an example's values into `form`: text, selects, checkbox groups and
 * radio groups by name. Fields the example leaves out keep what they had.
 */
export function fillFromExample(form, fields) {
  for (const [name, wanted] of Object.entries(fields)) {
    if (Array.isArray(wanted)) {
      for (const box of form.querySelectorAll(`input[type=checkbox][name="${CSS.escape(name)}"]`)) {
        box.checked = wanted.includes(box.value);
      }
      continue;
    }
    const field = form.elements.namedItem(name);
    if (field instanceof RadioNodeList) {
      for (const radio of field) radio.checked = radio.value === String(wanted);
    } else if (field) {
      field.value = String(wanted);
    }
  }
}
