"""Two people, two browsers: what waits for each of them (issue 12), through the
pages only. The count beside Today, the lines on Today in attune's words, each
leading to the exact place, which marks it read; and what is taken back leaves.

The pairing and the items' first drafts are set up directly: other tests walk
through those pages.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from checkins import services as checkin_services
from checkins.models import CheckIn
from partners import services as partner_services
from partners import stream
from partners.viewer import viewer_of
from tests.e2e.browser import NewContext, axe_violations, blocking, log_in, open_page, shoot
from tests.factories import UserFactory
from triggers import services as trigger_services
from triggers.models import Boundary, Question, Trigger

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def a_new_pair() -> tuple[User, User]:
    alice = UserFactory.create(email="alice@example.com", display_name="Alice")
    bob = UserFactory.create(email="bob@example.com", display_name="Bob")
    created = partner_services.invitation_create(inviter=alice)
    partner_services.invitation_accept(token=created.token, user=bob)
    return alice, bob


def _draft(model: Any, owner: User, **fields: Any) -> Any:
    return trigger_services.item_create(model=model, owner=owner, fields=fields)


def today_link(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Today")
    )


def expect_unread(page: Page, count: int) -> None:
    """The badge beside Today shows `count` and says "`count` new"; at zero it is gone."""
    badge = today_link(page).locator(".nav-unread")
    if count:
        expect(badge).to_be_visible()
        expect(badge.locator("[aria-hidden=true]")).to_have_text(str(count))
        expect(today_link(page)).to_have_accessible_name(f"Today {count} new")
    else:
        expect(badge).to_be_hidden()
        expect(today_link(page)).to_have_accessible_name("Today")


def waiting(page: Page) -> Locator:
    return page.locator("section", has=page.get_by_role("heading", name="Waiting for you"))


def unread_of(email: str) -> int:
    """What the kernel counts unread for `email` (what they may still see)."""
    return stream.unread_count(viewer_of(user=User.objects.get(email=email)))


def share_on_mine(alice: Page, base: str, title: str) -> None:
    open_page(alice, f"{base}/mine")
    card = alice.locator("article", has_text=title)
    card.get_by_role("switch", name="Share with Bob", exact=True).click()
    # Each item here is shared for the first time: Alice sees what Bob will see.
    first_share = alice.get_by_role("dialog", name="What Bob will see")
    first_share.get_by_role("button", name="Share with Bob").click()
    expect(alice.locator("article", has_text=title)).to_contain_text("Bob can see this")


def stop_sharing_on_mine(alice: Page, base: str, text: str) -> None:
    open_page(alice, f"{base}/mine")
    alice.locator("article", has_text=text).get_by_role("button", name="Stop sharing").click()
    expect(alice.locator("article", has_text=text)).to_contain_text("Only you can see this")


def the_pairing_waits_for_alice(alice: Page, base: str) -> None:
    open_page(alice, f"{base}/today")
    expect_unread(alice, 1)
    line = waiting(alice).get_by_role("link", name="You and Bob are partners now")
    expect(line).to_be_visible()
    line.click()
    alice.wait_for_url(f"{base}/partner")
    expect(alice.locator("main")).not_to_have_attribute("aria-busy", "true")
    expect_unread(alice, 0)


def bob_follows_a_share(bob: Page, base: str, voices: Trigger) -> None:
    open_page(bob, f"{base}/today")
    expect_unread(bob, 1)
    line = waiting(bob).get_by_role("link", name="Alice shared something with you")
    expect(line).to_be_visible()
    # Attune's words only: never the title of what was shared.
    expect(waiting(bob)).not_to_contain_text("Raised voices")
    shoot(bob, "inbox-today-waiting")
    line.click()
    bob.wait_for_url(f"{base}/partner#trigger-{voices.pk}")
    expect(bob.locator("main")).not_to_have_attribute("aria-busy", "true")
    heading = bob.get_by_role("heading", name="Raised voices")
    expect(heading).to_be_focused()
    expect(heading).to_be_in_viewport()
    expect_unread(bob, 0)
    assert unread_of("bob@example.com") == 0
    shoot(bob, "inbox-partner-arrived")


def bob_asks(bob: Page) -> Question:
    card = bob.locator("article", has_text="Raised voices")
    card.get_by_text("Ask Alice about this").click()
    card.get_by_label("Your question").fill("What can I say when it happens?")
    card.get_by_role("button", name="Ask").click()
    expect(card.get_by_text("What can I say when it happens?")).to_be_visible()
    return Question.objects.get()


def alice_is_led_to_the_question(alice: Page, base: str, question: Question) -> None:
    open_page(alice, f"{base}/today")
    expect_unread(alice, 1)
    line = waiting(alice).get_by_role("link", name="Bob asked you something")
    expect(line).to_be_visible()
    expect(waiting(alice)).not_to_contain_text("What can I say")
    line.click()
    alice.wait_for_url(re.compile(rf"#question-{question.pk}$"))
    expect(alice.locator("main")).not_to_have_attribute("aria-busy", "true")
    asked = alice.locator(f"#question-{question.pk}")
    expect(asked).to_be_focused()
    expect(asked).to_be_in_viewport()
    expect(asked).to_contain_text("What can I say when it happens?")
    expect_unread(alice, 0)
    shoot(alice, "inbox-question-arrived")
    asked.get_by_label("Your answer").fill("Just: let's pause.")
    asked.get_by_role("button", name="Answer").click()
    expect(alice.locator(f"#question-{question.pk}")).to_contain_text("Answer: Just: let's pause.")


def bob_is_led_to_the_answer(bob: Page, base: str, question: Question) -> None:
    open_page(bob, f"{base}/today")
    expect_unread(bob, 1)
    waiting(bob).get_by_role("link", name="Alice answered your question").click()
    bob.wait_for_url(f"{base}/partner#question-{question.pk}")
    expect(bob.locator("main")).not_to_have_attribute("aria-busy", "true")
    answered = bob.locator(f"#question-{question.pk}")
    expect(answered).to_be_focused()
    expect(answered).to_contain_text("Just: let's pause.")
    expect_unread(bob, 0)


def a_share_taken_back_leaves(alice: Page, bob: Page, base: str) -> None:
    share_on_mine(alice, base, "No phones at dinner.")
    open_page(bob, f"{base}/today")
    expect_unread(bob, 1)
    expect(waiting(bob).get_by_role("link", name="Alice shared something with you")).to_be_visible()
    stop_sharing_on_mine(alice, base, "No phones at dinner.")
    bob.reload()
    expect(bob.locator("main")).not_to_have_attribute("aria-busy", "true")
    expect(waiting(bob).locator("#waiting-list")).to_have_text("You are up to date with Alice.")
    expect_unread(bob, 0)


def mark_all_as_read(alice: Page, bob: Page, base: str) -> None:
    open_page(alice, f"{base}/settings")
    alice.get_by_role("switch", name="Pause my sharing").click()
    expect(alice.get_by_role("switch", name="Pause my sharing")).to_have_attribute(
        "aria-checked", "true"
    )
    alice.get_by_role("switch", name="Pause my sharing").click()
    expect(alice.get_by_role("switch", name="Pause my sharing")).to_have_attribute(
        "aria-checked", "false"
    )
    open_page(bob, f"{base}/today")
    expect_unread(bob, 2)
    box = waiting(bob)
    expect(box.get_by_role("link", name="Alice paused their sharing for now")).to_be_visible()
    expect(box.get_by_role("link", name="Alice is sharing with you again")).to_be_visible()
    box.get_by_role("button", name="Mark all as read").click()
    expect(box).to_contain_text("You are up to date with Alice.")
    expect(bob.get_by_role("heading", name="Waiting for you")).to_be_focused()
    expect_unread(bob, 0)
    assert unread_of("bob@example.com") == 0


def test_what_waits_leads_to_its_place_and_leaves_when_read_or_taken_back(
    new_context: NewContext, base_url: str
) -> None:
    alice_user, _ = a_new_pair()
    voices = _draft(Trigger, alice_user, title="Raised voices", category="words_or_tone")
    _draft(Boundary, alice_user, statement="No phones at dinner.", area="digital", firmness="firm")
    alice = new_context().new_page()
    bob = new_context().new_page()
    log_in(alice, base_url, email="alice@example.com")
    log_in(bob, base_url, email="bob@example.com")

    expect_unread(bob, 0)
    expect(waiting(bob)).to_contain_text("You are up to date with Alice.")
    the_pairing_waits_for_alice(alice, base_url)

    share_on_mine(alice, base_url, "Raised voices")
    bob_follows_a_share(bob, base_url, voices)
    question = bob_asks(bob)
    alice_is_led_to_the_question(alice, base_url, question)
    bob_is_led_to_the_answer(bob, base_url, question)
    a_share_taken_back_leaves(alice, bob, base_url)
    mark_all_as_read(alice, bob, base_url)


def test_a_shared_check_in_and_a_response_lead_to_today(
    new_context: NewContext, base_url: str
) -> None:
    alice_user, _ = a_new_pair()
    checkin, _ = checkin_services.checkin_create(
        owner=alice_user,
        fields={"pleasantness": 1, "energy": -1, "need": "listening", "shared": True},
    )
    alice = new_context().new_page()
    bob = new_context().new_page()
    log_in(bob, base_url, email="bob@example.com")

    expect_unread(bob, 1)
    waiting(bob).get_by_role("link", name="Alice shared how they are doing").click()
    # The same page, another place on it: Alice's check-in, where Bob can respond.
    bob.wait_for_url(f"{base_url}/today#checkin-{checkin.pk}")
    shared = bob.locator(f"#checkin-{checkin.pk}")
    expect(shared).to_be_focused()
    expect(shared).to_contain_text("Would like: Listening")
    expect_unread(bob, 0)
    expect(waiting(bob)).to_contain_text("You are up to date with Alice.")
    shared.get_by_role("button", name="I hear you").click()
    expect(shared).to_contain_text("You: “I hear you”")

    log_in(alice, base_url, email="alice@example.com")
    waiting(alice).get_by_role("link", name="Bob responded to your check-in").click()
    alice.wait_for_url(f"{base_url}/today#checkin-{checkin.pk}")
    mine = alice.locator(f"#checkin-{checkin.pk}")
    expect(mine).to_be_focused()
    expect(mine).to_contain_text("Bob: “I hear you”")
    # Only what waited there is read: the pairing still waits, at its own place.
    expect_unread(alice, 1)
    expect(waiting(alice).get_by_role("link", name="You and Bob are partners now")).to_be_visible()
    expect(waiting(alice).get_by_role("link", name="Bob responded to your check-in")).to_have_count(
        0
    )
    assert CheckIn.objects.get().responses.count() == 1


def test_waiting_lines_and_arrivals_are_accessible(
    new_context: NewContext, base_url: str, axe: str
) -> None:
    alice_user, bob_user = a_new_pair()
    voices = trigger_services.item_share(
        item=_draft(Trigger, alice_user, title="Raised voices", category="words_or_tone"),
        by=alice_user,
    )
    question = trigger_services.question_ask(item=voices, by=bob_user, text="What can I say?")
    trigger_services.question_answer(question=question, text="Just: let's pause.")
    bob_context = new_context()
    log_in(bob_context.new_page(), base_url, email="bob@example.com")
    bob = new_context(bypass_csp=True, storage_state=bob_context.storage_state()).new_page()

    problems: list[str] = []
    for width in (360, 1280):
        bob.set_viewport_size({"width": width, "height": 800})
        open_page(bob, f"{base_url}/today")
        expect_unread(bob, 2)
        problems += blocking(axe_violations(bob, axe))
    open_page(bob, f"{base_url}/partner#question-{question.pk}")
    expect(bob.locator(f"#question-{question.pk}")).to_be_focused()
    expect_unread(bob, 1)
    problems += blocking(axe_violations(bob, axe))
    assert problems == [], "\n".join(problems)
