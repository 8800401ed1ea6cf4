"""The curated words attune offers: self-inquiry questions and feelings.

The questions lean on self-care and attunement: noticing one's own state,
boundaries, over-giving, and what one needs from the other.
"""

QUESTIONS = (
    "What is giving you energy today, and what is draining it?",
    "Is there somewhere you are giving more than you can?",
    "What would feel kind to yourself right now?",
    "Does what you are about to do really serve you?",
    "What do you need from your partner today, if anything?",
    "Where did you feel most like yourself today?",
    "Is there something you have been holding back that wants to be said?",
    "What did your body notice today before your mind did?",
    "Which boundary of yours could use a little care this week?",
    "What is one small thing that would help you rest?",
    "When did you last feel truly listened to?",
    "What are you carrying that is not yours to carry?",
)

FEELINGS = (
    "calm",
    "content",
    "grateful",
    "hopeful",
    "joyful",
    "loved",
    "relieved",
    "playful",
    "tender",
    "tired",
    "bored",
    "restless",
    "anxious",
    "worried",
    "overwhelmed",
    "stressed",
    "frustrated",
    "irritated",
    "angry",
    "hurt",
    "lonely",
    "sad",
    "disappointed",
    "ashamed",
    "confused",
    "numb",
)
