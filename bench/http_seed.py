"""The couple bench/http_speed.py measures: alice shares 50 triggers with bob.

Everything is written through attune's own services, so the rows, the encrypted
text, the consent log and the sync feed are what real use leaves behind. Bob's
feed starts with more than a page of 100 entries of every type (his own items
and check-ins, what alice shares, questions): its first page is the `sync` page
measured. What alice shares and answers leaves bob 70 activities in his
inbox: its first page of 50 is the `inbox` page measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SHARED_TRIGGERS = 50
SYNC_PAGE = 100
PASSWORD = "bench: a long quiet passphrase"

# (title, category, intensity, signs, helps, avoid, needs): written like a person would.
TRIGGERS = [
    (
        "Raised voices, even when it is not about me",
        "words_or_tone",
        4,
        "I go quiet, my shoulders come up, I start agreeing with everything to make it stop.",
        "Lower your voice and sit down next to me. Tell me we are on the same side.",
        "Talking over me, or saying 'calm down'.",
        ["space", "comfort"],
    ),
    (
        "Plans changed at the last minute",
        "situation",
        3,
        "I get short with you and start re-planning everything out loud.",
        "Give me ten minutes, then help me make the new plan together.",
        "Telling me it is not a big deal.",
        ["space", "help"],
    ),
    (
        "Being interrupted when I finally open up",
        "words_or_tone",
        5,
        "I stop mid-sentence and say 'never mind'. I may not bring it up again for days.",
        "Ask me to go on, and just listen until I am done.",
        "Jumping to solutions or to your own story.",
        ["listening"],
    ),
    (
        "Crowded, loud places after a long day",
        "physical",
        3,
        "Headache, checking my phone a lot, asking what time we are leaving.",
        "A quiet corner, or a plan to leave at a time we agree on beforehand.",
        "Pushing me to stay 'just one more hour'.",
        ["space", "company"],
    ),
    (
        "Sarcasm about my family",
        "past_experience",
        4,
        "I defend them harder than I mean to and then feel awful.",
        "Say what bothers you plainly; I can hear that.",
        "Jokes about my mother, even in private.",
        ["listening", "comfort"],
    ),
]
NOTES = "Only for me: this started at my first job; my therapist calls it a freeze response."


@dataclass(frozen=True)
class Couple:
    alice: Any
    bob: Any
    partnership_id: Any
    shared_trigger_ids: list[Any]


def seed() -> Couple:
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from checkins import services as checkins_services
    from partners import services as accounts_services
    from partners.models import FeedEntry, Membership
    from triggers import services as triggers_services
    from triggers.models import Boundary, Trigger

    alice = User.objects.create_user(
        "alice@bench.attune.test", PASSWORD, display_name="Alice", timezone="Europe/Berlin"
    )
    bob = User.objects.create_user(
        "bob@bench.attune.test", PASSWORD, display_name="Bob", timezone="Europe/Berlin"
    )
    # Both have confirmed their address, as everyone who can sign in has
    # (verification is mandatory).
    for person in (alice, bob):
        EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    invitation = accounts_services.invitation_create(inviter=alice)
    accounts_services.invitation_accept(token=invitation.token, user=bob)
    partnership_id = Membership.objects.get(user=alice, ended_at=None).partnership_id

    # Bob's feed, in order: his own items (15), what alice shares (55), five
    # questions asked and answered (10), his check-ins (15), alice's shared
    # check-ins (10): 105 entries, the first 100 of which are the page measured.
    bob_triggers = [_trigger(Trigger, bob, n) for n in range(10)]
    for n in range(5):
        _boundary(Boundary, bob, n)

    alice_triggers = [_trigger(Trigger, alice, n) for n in range(SHARED_TRIGGERS)]
    shared = [triggers_services.item_share(item=t, by=alice) for t in alice_triggers]
    for n in range(5):
        boundary = _boundary(Boundary, alice, n)
        triggers_services.item_share(item=boundary, by=alice)

    for n, trigger in enumerate(shared[:5]):
        question = triggers_services.question_ask(
            item=trigger, by=bob, text=f"When this happens, would you rather I ask or wait? ({n})"
        )
        triggers_services.question_answer(
            question=question, text="Ask me once, gently, and then wait."
        )

    for n in range(15):
        checkins_services.checkin_create(
            owner=bob, fields=_checkin(n, [bob_triggers[n % 10].pk], shared=n % 2 == 0)
        )
    for n in range(10):
        checkins_services.checkin_create(
            owner=alice, fields=_checkin(n, [alice_triggers[n].pk], shared=True)
        )

    entries = FeedEntry.objects.filter(recipient=bob).count()
    if entries < SYNC_PAGE:
        raise RuntimeError(f"bob's feed holds {entries} entries, fewer than a page of {SYNC_PAGE}")
    return Couple(
        alice=alice,
        bob=bob,
        partnership_id=partnership_id,
        shared_trigger_ids=[t.pk for t in shared],
    )


def _trigger(model: Any, owner: Any, n: int) -> Any:
    from triggers import services as triggers_services

    title, category, intensity, signs, helps, avoid, needs = TRIGGERS[n % len(TRIGGERS)]
    return triggers_services.item_create(
        model=model,
        owner=owner,
        fields={
            "title": f"{title} ({n + 1})",
            "category": category,
            "intensity": intensity,
            "signs": signs,
            "helps": helps,
            "avoid": avoid,
            "needs": needs,
            "notes": NOTES,
        },
    )


def _boundary(model: Any, owner: Any, n: int) -> Any:
    from triggers import services as triggers_services

    return triggers_services.item_create(
        model=model,
        owner=owner,
        fields={
            "statement": f"I keep one evening a week for myself ({n + 1}).",
            "area": "time",
            "firmness": "firm" if n % 2 else "flexible",
            "why": "Without it I stop noticing what I feel, and I start resenting everyone.",
            "how_to_honor": "Plan something with friends that night, and do not wait up.",
            "notes": NOTES,
        },
    )


def checkin_body(n: int, trigger_ids: list[Any], *, shared: bool) -> dict[str, Any]:
    """A check-in as a client app sends it (also the body of the POST measured)."""
    return {
        "pleasantness": (n % 5) - 2,
        "energy": ((n + 2) % 5) - 2,
        "feelings": ["tired", "hopeful"] if n % 2 else ["anxious", "tender"],
        "need": ("listening", "space", "comfort")[n % 3],
        "note": "Long day. I would love a quiet dinner and an early night, if that works.",
        "trigger_ids": [str(pk) for pk in trigger_ids],
        "shared": shared,
    }


def _checkin(n: int, trigger_ids: list[Any], *, shared: bool) -> dict[str, Any]:
    fields = checkin_body(n, trigger_ids, shared=shared)
    fields["trigger_ids"] = list(trigger_ids)
    return fields
