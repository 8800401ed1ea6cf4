"""Open pages follow changes while visible (issue 13, item 4): two people, two
browsers. What Alice takes back leaves Bob's page with a gentle line, without a
reload; what she shares is offered; the count beside Today follows; acting on
something that vanished says so gently; and a quiet page asks with
If-None-Match, and not at all while hidden.

Alice's sharing is done through the services (other tests walk through /mine);
the pages under test are Bob's. The pages look every 25 seconds; the tests ask
for a quarter of a second (`window.attuneFollowInterval`).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Response, expect

from accounts.models import User
from checkins import services as checkin_services
from partners import services as partner_services
from tests.e2e.browser import NewContext, axe_violations, blocking, log_in, open_page, shoot
from tests.factories import UserFactory
from triggers import services as trigger_services
from triggers.models import Boundary, Trigger

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUICK_MS = 250


def a_new_pair() -> tuple[User, User]:
    alice = UserFactory.create(email="alice@example.com", display_name="Alice")
    bob = UserFactory.create(email="bob@example.com", display_name="Bob")
    created = partner_services.invitation_create(inviter=alice)
    partner_services.invitation_accept(token=created.token, user=bob)
    return alice, bob


def shared(model: Any, alice: User, **fields: Any) -> Any:
    item = trigger_services.item_create(model=model, owner=alice, fields=fields)
    return trigger_services.item_share(item=item, by=alice)


def following(context: BrowserContext, every_ms: int = QUICK_MS) -> BrowserContext:
    context.add_init_script(f"window.attuneFollowInterval = {every_ms};")
    return context


def bob_on(
    new_context: NewContext, base: str, path: str, every_ms: int = QUICK_MS, **options: Any
) -> Page:
    bob = following(new_context(**options), every_ms).new_page()
    log_in(bob, base, email="bob@example.com")
    return open_page(bob, f"{base}{path}")


BECOME = """(state) => {
  Object.defineProperty(document, "visibilityState", { value: state, configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def become(page: Page, state: str) -> None:
    """The tab goes to the background ("hidden") or comes back ("visible")."""
    page.evaluate(BECOME, state)


def nav_badge(page: Page) -> Any:
    return page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Today")
    )


def test_it_replaces_what_alice_stops_sharing_in_place_without_a_reload(
    new_context: NewContext, base_url: str, axe: str
) -> None:
    alice, _ = a_new_pair()
    voices = shared(Trigger, alice, title="Raised voices", helps="A lower voice.")
    shared(Boundary, alice, statement="No phones at dinner.")
    # Lets axe in at the end.
    bob = bob_on(new_context, base_url, "/partner", bypass_csp=True)
    card = bob.locator(f"#trigger-{voices.pk}")
    expect(card).to_contain_text("Raised voices")
    # Marks the page: a reload would lose it.
    bob.evaluate("window.stillTheSamePage = true")

    trigger_services.item_unshare(item=Trigger.objects.get(pk=voices.pk), by=alice)

    expect(card).to_have_text("Alice stopped sharing this.")
    expect(bob.get_by_text("Raised voices")).to_have_count(0)
    expect(bob.locator("#announcer")).to_have_text("Alice stopped sharing this.")
    # What she still shares stays as it was.
    expect(bob.locator("article", has_text="No phones at dinner.")).to_be_visible()
    assert bob.evaluate("window.stillTheSamePage") is True
    shoot(bob, "follow-gone")
    assert blocking(axe_violations(bob, axe)) == []


def test_it_offers_what_alice_shares_and_shows_it_when_asked(
    new_context: NewContext, base_url: str
) -> None:
    alice, _ = a_new_pair()
    bob = bob_on(new_context, base_url, "/partner")
    expect(bob.get_by_text("Alice shares no triggers with you right now.")).to_be_visible()
    expect(nav_badge(bob)).to_have_accessible_name("Today")

    shared(Trigger, alice, title="Plans changed at the last minute")

    notice = bob.locator("[data-follow-notice]")
    expect(notice).to_contain_text("Something new was shared with you.")
    expect(bob.locator("#announcer")).to_have_text("Something new was shared with you.")
    # The count beside Today follows as well.
    expect(nav_badge(bob)).to_have_accessible_name("Today 1 new")
    # Nothing moves under the reader until they ask.
    expect(bob.get_by_text("Plans changed at the last minute")).to_have_count(0)
    shoot(bob, "follow-offer")
    notice.get_by_role("button", name="Show it").click()
    expect(bob.locator("article", has_text="Plans changed at the last minute")).to_be_visible()
    expect(bob.locator("[data-follow-notice]")).to_have_count(0)


def test_it_brings_what_is_new_onto_today_in_place(new_context: NewContext, base_url: str) -> None:
    alice, _ = a_new_pair()
    bob = bob_on(new_context, base_url, "/today")
    expect(bob.get_by_text("You are up to date with Alice.")).to_be_visible()
    bob.evaluate("window.stillTheSamePage = true")

    checkin_services.checkin_create(
        owner=alice,
        fields={"pleasantness": 2, "energy": 1, "need": "listening", "shared": True},
        idempotency_key="follow-1",
    )

    notice = bob.locator("[data-follow-notice]")
    notice.get_by_role("button", name="Show it").click()
    expect(bob.get_by_role("link", name="Alice shared how they are doing")).to_be_visible()
    expect(bob.locator("#partner-checkin")).to_contain_text("Would like: Listening")
    expect(notice).to_have_count(0)
    expect(bob.get_by_role("heading", name="Today", level=1)).to_be_focused()
    # Today drew the new parts itself.
    assert bob.evaluate("window.stillTheSamePage") is True


def test_acting_on_something_that_vanished_says_so_gently(
    new_context: NewContext, base_url: str
) -> None:
    alice, _ = a_new_pair()
    voices = shared(Trigger, alice, title="Raised voices")
    # A page that would not look again for ten minutes: only the press finds out.
    bob = bob_on(new_context, base_url, "/partner", every_ms=600_000)
    card = bob.locator(f"#trigger-{voices.pk}")
    expect(card).to_contain_text("Raised voices")

    trigger_services.item_unshare(item=Trigger.objects.get(pk=voices.pk), by=alice)
    card.get_by_role("button", name="I have read and understood this").click()

    expect(bob.get_by_role("alert")).to_have_text(
        "Alice stopped sharing this, so it isn't here any more."
    )
    expect(bob.get_by_text("Not found.")).to_have_count(0)
    # The page looks at once, and the item leaves its place.
    expect(card).to_have_text("Alice stopped sharing this.")


def test_a_quiet_page_asks_conditionally_and_a_hidden_one_not_at_all(
    new_context: NewContext, base_url: str
) -> None:
    a_new_pair()
    bob = bob_on(new_context, base_url, "/partner")
    looks: list[int] = []

    def seen(response: Response) -> None:
        if "/api/v1/sync" in response.url:
            looks.append(response.status)

    bob.on("response", seen)
    bob.wait_for_timeout(QUICK_MS * 6)
    # Nothing changed: after at most one full answer, the feed answers 304 and no body.
    assert len(looks) >= 3
    assert set(looks[1:]) == {304}

    become(bob, "hidden")
    bob.wait_for_timeout(QUICK_MS * 2)
    before = len(looks)
    bob.wait_for_timeout(QUICK_MS * 6)
    assert len(looks) == before

    become(bob, "visible")
    bob.wait_for_timeout(QUICK_MS * 2)
    assert len(looks) > before


def test_a_check_in_alice_deletes_leaves_today_in_place(
    new_context: NewContext, base_url: str
) -> None:
    alice, _ = a_new_pair()
    checkin, _ = checkin_services.checkin_create(
        owner=alice, fields={"pleasantness": -1, "energy": -2, "need": "space", "shared": True}
    )
    bob = bob_on(new_context, base_url, "/today")
    shown = bob.locator(f"#checkin-{checkin.pk}")
    expect(shown).to_contain_text("Would like")
    expect(nav_badge(bob)).to_have_accessible_name("Today 1 new")

    checkin_services.checkin_delete(checkin=checkin)

    expect(shown).to_have_text("Alice stopped sharing this.")
    expect(bob.locator("#announcer")).to_have_text("Alice stopped sharing this.")
    expect(nav_badge(bob)).to_have_accessible_name("Today")
