"""Conversation goes on after one turn, in two browsers: a question thread with
replies both ways, and a response to a check-in with a note, changed once and
taken back; at 360 and 1280 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from checkins import services as checkin_services
from checkins.models import Response
from tests.e2e.browser import NewContext, log_in, open_page, shoot
from triggers import services as trigger_services
from triggers.models import Reply, Trigger

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (360, 1280)


def signed_in(new_context: NewContext, base: str, email: str, width: int) -> Page:
    page = new_context().new_page()
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, base, email=email)
    return page


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_it_keeps_a_question_thread_going_both_ways(
    new_context: NewContext, base_url: str, alice: User, bob: User, width: int
) -> None:
    trigger = trigger_services.item_create(
        model=Trigger, owner=alice, fields={"title": "Raised voices", "category": "words_or_tone"}
    )
    trigger = trigger_services.item_share(item=trigger, by=alice)
    question = trigger_services.question_ask(item=trigger, by=bob, text="What can I say then?")

    alice_page = signed_in(new_context, base_url, "alice@example.com", width)
    open_page(alice_page, f"{base_url}/partner#question-{question.pk}")
    thread = alice_page.locator(f"#question-{question.pk}")
    expect(thread).to_be_focused()
    thread.get_by_label("Your answer").fill("Just: let's pause.")
    thread.get_by_role("button", name="Answer").click()
    thread = alice_page.locator(f"#question-{question.pk}")
    expect(thread).to_contain_text("Answer: Just: let's pause.")

    bob_page = signed_in(new_context, base_url, "bob@example.com", width)
    open_page(bob_page, f"{base_url}/partner#question-{question.pk}")
    theirs = bob_page.locator(f"#question-{question.pk}")
    expect(theirs).to_be_focused()
    expect(theirs).to_contain_text("You: What can I say then?")
    theirs.get_by_text("Write a reply").click()
    theirs.get_by_label("Your reply").fill("And if I forget?")
    theirs.get_by_role("button", name="Send reply").click()
    expect(theirs).to_contain_text("You: And if I forget?")

    alice_page.reload()
    thread = alice_page.locator(f"#question-{question.pk}")
    expect(thread).to_contain_text("Bob: And if I forget?")
    thread.get_by_text("Write a reply").click()
    thread.get_by_label("Your reply").fill("Then a hand on my shoulder is enough.")
    thread.get_by_role("button", name="Send reply").click()
    expect(thread).to_contain_text("You: Then a hand on my shoulder is enough.")
    no_sideways_scroll(alice_page)
    shoot(alice_page, "conversation-thread-owner")

    bob_page.reload()
    theirs = bob_page.locator(f"#question-{question.pk}")
    turns = theirs.locator(".turn")
    expect(turns).to_have_count(4)
    expect(turns.nth(3)).to_contain_text("Alice: Then a hand on my shoulder is enough.")
    no_sideways_scroll(bob_page)
    shoot(bob_page, "conversation-thread-asker")
    assert Reply.objects.count() == 2


@pytest.mark.parametrize("width", WIDTHS)
def test_it_responds_with_a_note_changes_it_once_and_takes_it_back(
    new_context: NewContext, base_url: str, alice: User, bob: User, width: int
) -> None:
    older, _ = checkin_services.checkin_create(
        owner=alice,
        fields={"pleasantness": -1, "energy": -1, "note": "A long week", "shared": True},
    )
    checkin_services.checkin_create(
        owner=alice, fields={"pleasantness": 1, "energy": 1, "note": "Better now", "shared": True}
    )

    bob_page = signed_in(new_context, base_url, "bob@example.com", width)
    # The inbox's link to the older check-in lands on that one, not the latest.
    open_page(bob_page, f"{base_url}/today#checkin-{older.pk}")
    box = bob_page.locator(f"#checkin-{older.pk}")
    expect(box).to_contain_text("A long week")
    group = box.get_by_role("group", name="Respond to Alice")
    box.get_by_label("A short note (optional)").fill("Tea tonight?")
    group.get_by_role("button", name="Giving you space").click()
    expect(group.get_by_role("button", name="Giving you space")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(box.locator(".response-list")).to_contain_text("Tea tonight?")

    box.get_by_label("A short note (optional)").fill("Or a walk tomorrow")
    group.get_by_role("button", name="I'd like to talk").click()
    expect(group.get_by_role("button", name="I'd like to talk")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(group.get_by_role("button", name="Giving you space")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(box.locator(".response-list")).to_contain_text("Or a walk tomorrow")
    expect(box.locator(".response-list li")).to_have_count(1)
    (response,) = Response.objects.all()
    assert (response.kind, response.note) == ("want_to_talk", "Or a walk tomorrow")
    no_sideways_scroll(bob_page)
    shoot(bob_page, "conversation-response")

    alice_page = signed_in(new_context, base_url, "alice@example.com", width)
    open_page(alice_page, f"{base_url}/history#checkin-{older.pk}")
    expect(alice_page.locator("main")).to_contain_text("Or a walk tomorrow")

    box.get_by_role("button", name="Take it back").click()
    expect(box.get_by_role("button", name="Take it back")).to_be_hidden()
    expect(group.get_by_role("button", name="I'd like to talk")).to_have_attribute(
        "aria-pressed", "false"
    )
    assert not Response.objects.exists()


def test_a_link_on_today_to_an_older_check_in_shows_it_without_a_reload(
    new_context: NewContext, base_url: str, alice: User, bob: User
) -> None:
    """Today's own lines lead to places on Today: only the fragment changes, so
    the page must draw the check-in the fragment names (the inbox's link to an
    older one), not keep showing the latest."""
    older, _ = checkin_services.checkin_create(
        owner=alice,
        fields={"pleasantness": -1, "energy": -1, "note": "A long week", "shared": True},
    )
    checkin_services.checkin_create(
        owner=alice, fields={"pleasantness": 1, "energy": 1, "note": "Better now", "shared": True}
    )
    bob_page = signed_in(new_context, base_url, "bob@example.com", 1280)
    open_page(bob_page, f"{base_url}/today")
    expect(bob_page.locator("#partner-checkin")).to_contain_text("Better now")
    bob_page.evaluate("id => { window.location.hash = `checkin-${id}`; }", str(older.pk))
    box = bob_page.locator(f"#checkin-{older.pk}")
    expect(box).to_contain_text("A long week")
    expect(box).to_be_in_viewport()
