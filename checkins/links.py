"""Links in a reminder email that act on that one reminder, signed out too.

A link carries a signed token naming the prompt, the action and the state the
prompt was in when the email went out (when it was claimed for sending, and its
snooze). Acting changes that state, so the same link a second time finds the
prompt moved on and does nothing: the use is recorded in the prompt itself.

The token travels in the link's fragment (`/reminder#<token>`), which browsers
never send to a server: no access log, Referer or proxy sees it. The page
(web/static/web/js/pages/reminder.js) takes it out of the address bar, keeps it
in that tab only, and POSTs it in a body to the API (checkins/link_views.py):
once to learn what the link does, once, on a press, to act. Links sent before
this change carry it as `?t=`; the page takes those too, the server never needs
the query string. Whoever holds a token holds this much and no more: it can skip
or snooze one reminder, for a few days, once; it reads nothing and reveals
nothing about anyone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core import signing

from checkins.models import Prompt

SALT = "checkins.prompt-link"
# A reminder's links work for as long as the reminder could matter.
MAX_AGE = timedelta(days=3)
ACTIONS = ("snooze", "skip")
# What "Snooze it" from an email means.
SNOOZE_MINUTES = 60


def state_of(prompt: Prompt) -> str:
    """What a link expects to find; any use of a link changes it."""
    claimed = prompt.claimed_at.isoformat() if prompt.claimed_at else ""
    snoozed = prompt.snoozed_until.isoformat() if prompt.snoozed_until else ""
    return f"{prompt.status}|{claimed}|{snoozed}"


def token_for(*, prompt: Prompt, action: str) -> str:
    return signing.dumps({"p": str(prompt.pk), "a": action, "s": state_of(prompt)}, salt=SALT)


def read(token: str) -> dict[str, Any] | None:
    """The token's content, or None when it is expired, altered or not ours."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") not in ACTIONS:
        return None
    return data


def path_for(*, prompt: Prompt, action: str) -> str:
    """The link's path: the token rides in the fragment, never in what is sent."""
    return f"/reminder#{token_for(prompt=prompt, action=action)}"


def state(token: str) -> tuple[str, str]:
    """(state, action) of a link without using it: "ready", "used", "expired" or
    "invalid". Only a read: the press (services.prompt_act_by_link) decides again
    under a row lock, so this answer may be overtaken but never acts."""
    data = read(token)
    if data is None:
        return ("expired" if expired(token) else "invalid"), ""
    prompt = Prompt.objects.filter(pk=data["p"]).first()
    if prompt is None:
        return "invalid", data["a"]
    if prompt.status != Prompt.Status.PENDING or state_of(prompt) != data["s"]:
        return "used", data["a"]
    return "ready", data["a"]


def snoozed_until(token: str) -> datetime | None:
    """When the link's reminder will be asked again, if it is snoozed."""
    data = read(token)
    if data is None:
        return None
    return Prompt.objects.filter(pk=data["p"]).values_list("snoozed_until", flat=True).first()


def expired(token: str) -> bool:
    try:
        signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        return True
    except signing.BadSignature:
        return False
    return False
