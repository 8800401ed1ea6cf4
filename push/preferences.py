"""Which kinds of news a person wants by push, beside `accounts.email_preferences`.

Each kind (reminders, partner activity) has its channel chosen per person: email,
push, both or none, as two independent switches. Push ones only matter once a
device has subscribed (`push.models.Subscription`).
"""

from __future__ import annotations

from accounts.models import User

# The kind's name (API) → the person's field.
KINDS = {
    "reminders": "push_reminders",
    "partner_activity": "push_partner_activity",
}


def wants(user: User, kind: str) -> bool:
    return bool(getattr(user, KINDS[kind]))


def of(user: User) -> dict[str, bool]:
    return {kind: wants(user, kind) for kind in KINDS}
