"""Who may use a reminder email's link (POST reminder-link/preview and
reminder-link/act): anyone who holds it, signed in as anybody or not at all.

The token is the authority, so every actor of the harness gets the same answer
for alice's link, and acting on it changes alice's one reminder and nothing of
the caller's (a forwarded email lets carol skip that one reminder of alice's,
and only that). A spent link is refused alike for everyone.

The rows live in a table of their own, on a world of their own (a reminder and
its link), beside tests/checkins/test_authorization.py's; tests/test_routes.py
reads both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.utils.functional import lazy

from accounts.models import User
from checkins import links
from checkins.models import Prompt
from tests import authz
from tests.authz import Cast, Row
from tests.factories import PromptFactory
from tests.partners.test_authorization import World, build
from tests.partners.test_authorization import snapshot as partners_snapshot

pytestmark = pytest.mark.django_db

# The harness's bodies are fixed before any world exists: the token is minted by
# the setup and read when the request is encoded.
_minted: dict[str, str] = {}
ALICES_LINK = {"token": lazy(lambda: _minted["token"], str)()}


@dataclass
class LinkWorld(World):
    prompt: Prompt


def _with_link(cast_: Cast, *, status: str) -> LinkWorld:
    world = build(cast_)
    prompt = cast(Prompt, PromptFactory.create(user=cast_.alice, status=status))
    _minted["token"] = links.token_for(prompt=prompt, action="skip")
    return LinkWorld(
        users=world.users, invitation=world.invitation, partnership=world.partnership, prompt=prompt
    )


def link(cast_: Cast) -> LinkWorld:
    """alice's reminder, pending, with the skip link of its email."""
    return _with_link(cast_, status=Prompt.Status.PENDING)


def spent(cast_: Cast) -> LinkWorld:
    """The same link after the reminder was answered."""
    return _with_link(cast_, status=Prompt.Status.ANSWERED)


# fmt: off
# (method, path template, body, statuses in the order of authz.ACTORS)
#                                                                ali bob dav eri car ano
ROWS = authz.rows("link", authz.ACTORS, [
    ("POST", "reminder-link/preview", ALICES_LINK,              "200 200 200 200 200 200"),
    ("POST", "reminder-link/act", ALICES_LINK,                  "200 200 200 200 200 200"),
]) + authz.rows("spent", authz.ACTORS, [
    ("POST", "reminder-link/preview", ALICES_LINK,              "409 409 409 409 409 409"),
    ("POST", "reminder-link/act", ALICES_LINK,                  "409 409 409 409 409 409"),
])
# fmt: on


def snapshot() -> authz.Snapshot:
    return {
        **partners_snapshot(),
        "prompts": authz.rows_of(Prompt, "pk", "user_id", "status", "snoozed_until"),
    }


def _nothing_written(world: Any, row: Row, body: Any, before: dict, after: dict) -> None:
    assert body == {"action": "skip", "snooze_minutes": links.SNOOZE_MINUTES}
    assert after == before


def _alices_reminder_skipped(world: Any, row: Row, body: Any, before: dict, after: dict) -> None:
    assert body["result"] == "skipped"
    prompt = world.prompt
    assert after["prompts"] == (
        before["prompts"] - {(prompt.pk, prompt.user_id, "pending", None)}
    ) | {(prompt.pk, prompt.user_id, "skipped", None)}
    assert prompt.user_id == cast(User, world.users["alice"]).pk
    authz.unchanged_but(before, after, "prompts")


TABLE = authz.Table(
    rows=ROWS,
    setups={"link": link, "spent": spent},
    snapshot=snapshot,
    effects={
        ("POST", "reminder-link/preview"): _nothing_written,
        ("POST", "reminder-link/act"): _alices_reminder_skipped,
    },
)


@TABLE.parametrize()
def test_it_answers_each_actor_as_the_table_says(row: Row, cast: Cast) -> None:
    TABLE.check(row, cast)
