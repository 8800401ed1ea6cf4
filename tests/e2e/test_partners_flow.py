"""Two people, two browsers, the whole journey of issue 5, through the pages only.

The one step no page can take is the dispatcher's: the test runs it, as beat
would, so that a check-in reminder is waiting for alice.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from checkins import services as checkin_services
from checkins.models import CheckIn, Prompt
from partners.models import Membership
from tests.e2e.browser import NewContext, open_page, shoot, sign_up
from triggers.models import Trigger

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def invite(alice: Page, base: str) -> str:
    open_page(alice, f"{base}/invite")
    alice.get_by_role("button", name="Create an invitation link").click()
    link = alice.get_by_label("Your invitation link")
    # The token rides in the fragment, which the browser never sends to a server.
    expect(link).to_have_value(re.compile(rf"^{re.escape(base)}/invitation#.{{32,}}$"))
    alice.get_by_role("button", name="Copy link").click()
    expect(alice.get_by_role("status").filter(has_text="Copied")).to_be_visible()
    assert alice.evaluate("navigator.clipboard.readText()") == link.input_value()
    expect(alice.get_by_text("waiting to be accepted")).to_be_visible()
    shoot(alice, "flow-invite")
    return link.input_value()


def accept(bob: Page, base: str, link: str) -> None:
    token = link.partition("#")[2]
    sent: list[tuple[str, str, str]] = []
    bob.context.on(
        "request",
        lambda request: sent.append(
            (request.url, request.headers.get("referer", ""), request.post_data or "")
        ),
    )
    open_page(bob, link)
    expect(bob.get_by_role("heading", name="Alice invited you to attune")).to_be_visible()
    # Out of the address bar too, so it is not copied or bookmarked with the page.
    assert bob.url == f"{base}/invitation"
    shoot(bob, "flow-invite-accept")
    bob.get_by_role("link", name="Create an account").click()
    bob.wait_for_url(f"{base}/signup?next=/invitation")
    sign_up(bob, base, name="Bob", email="bob@example.com", path=bob.url.removeprefix(base))
    # Signing up leads back to the invitation (kept in the tab), which still waits for a press.
    bob.wait_for_url(f"{base}/invitation")
    expect(bob.get_by_role("heading", name="Alice invited you to attune")).to_be_visible()
    assert not Membership.objects.exists()
    bob.get_by_role("button", name="Accept the invitation").click()
    expect(bob.get_by_role("heading", name="You are now partners on attune")).to_be_visible()
    # Used: the tab forgets it.
    assert token not in bob.evaluate("JSON.stringify(sessionStorage)")
    # The server never saw the token in an address (so no access log holds it),
    # nor did any Referer carry it: only the bodies of the two POSTs that need it.
    assert not [url for url, referer, _ in sent if token in url or token in referer]
    carried = {urlsplit(url).path for url, _, body in sent if token in body}
    assert carried == {"/api/v1/invitations/preview", "/api/v1/invitations/accept"}


def write_and_share_a_trigger(alice: Page, base: str) -> None:
    open_page(alice, f"{base}/mine")
    alice.get_by_role("button", name="Add a trigger").click()
    form = alice.get_by_role("form", name="A new trigger")
    form.get_by_label("What sets me off").fill("Raised voices")
    form.get_by_label("What kind of thing it is").select_option("words_or_tone")
    form.get_by_label("How it shows in me").fill("I go quiet and want to leave the room.")
    form.get_by_label("What helps").fill("A lower voice, and a pause.")
    form.get_by_label("Listening").check()
    form.get_by_label("Private notes").fill("Since the old flat.")
    shoot(alice, "flow-mine-form")
    form.get_by_role("button", name="Save").click()
    card = alice.locator("article", has_text="Raised voices")
    switch = card.get_by_role("switch", name="Share with Bob", exact=True)
    expect(switch).to_have_attribute("aria-checked", "false")
    expect(switch).to_contain_text("Off")
    expect(card).to_contain_text("Only you can see this")
    switch.click()
    first_share = alice.get_by_role("dialog", name="What Bob will see")
    expect(first_share).not_to_contain_text("Since the old flat.")
    first_share.get_by_role("button", name="Share with Bob").click()
    card = alice.locator("article", has_text="Raised voices")
    switch = card.get_by_role("switch", name="Share with Bob", exact=True)
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(switch).to_contain_text("On")
    expect(card).to_contain_text("Bob can see this (never your private notes)")
    assert Trigger.objects.get().shared_with_id is not None
    shoot(alice, "flow-mine")


def acknowledge_and_ask(bob: Page, base: str) -> None:
    open_page(bob, f"{base}/today")
    bob.get_by_role("link", name="Alice shared something with you").click()
    expect(bob.locator("main")).not_to_have_attribute("aria-busy", "true")
    card = bob.locator("article", has_text="Raised voices")
    expect(card).to_contain_text("A lower voice, and a pause.")
    expect(card).not_to_contain_text("Since the old flat.")
    card.get_by_role("button", name="I have read and understood this").click()
    card = bob.locator("article", has_text="Raised voices")
    expect(card).to_contain_text("You read this on")
    card.get_by_text("Ask Alice about this").click()
    card.get_by_label("Your question").fill("What can I say when it happens?")
    card.get_by_role("button", name="Ask").click()
    expect(card.get_by_text("What can I say when it happens?")).to_be_visible()
    shoot(bob, "flow-partner")


def answer_the_question(alice: Page, bob: Page, base: str) -> None:
    open_page(alice, f"{base}/partner")
    questions = alice.locator("#questions")
    expect(questions).to_contain_text("What can I say when it happens?")
    questions.get_by_label("Your answer").fill("Just: let's pause.")
    questions.get_by_role("button", name="Answer").click()
    expect(questions).to_contain_text("Answer: Just: let's pause.")
    open_page(bob, f"{base}/partner")
    expect(bob.locator("article", has_text="Raised voices")).to_contain_text("Just: let's pause.")


def stop_sharing(alice: Page, bob: Page, base: str) -> None:
    open_page(alice, f"{base}/mine")
    card = alice.locator("article", has_text="Raised voices")
    card.get_by_role("button", name="Stop sharing").click()
    expect(alice.locator("article", has_text="Raised voices")).to_contain_text(
        "Only you can see this"
    )
    bob.reload()
    expect(bob.locator("main")).not_to_have_attribute("aria-busy", "true")
    expect(bob.get_by_text("Raised voices")).to_have_count(0)
    expect(bob.get_by_text("Alice shares no triggers with you right now.")).to_be_visible()


def a_reminder_for(user: User) -> Prompt:
    """What beat does every minute: the dispatcher turns a due schedule into a prompt."""
    schedule = checkin_services.schedule_save(
        user=user, active=True, weekdays=list(range(7)), times=["08:00"], timezone_name="UTC"
    )
    assert schedule.next_due_at is not None
    result = checkin_services.dispatch(now=schedule.next_due_at + timedelta(seconds=1))
    assert result.prompts == 1
    return Prompt.objects.get(user=user, status=Prompt.Status.PENDING)


def answer_the_reminder(alice: Page, base: str, prompt: Prompt) -> None:
    open_page(alice, f"{base}/today")
    section = alice.locator("section", has=alice.get_by_role("heading", name="Your check-in"))
    expect(section.locator(".question")).to_be_visible()
    question = section.locator(".question").inner_text()
    section.get_by_label("Ask me again").select_option(label="in half an hour")
    section.get_by_role("button", name="Later").click()
    expect(section).to_contain_text("We will ask again at")
    shoot(alice, "flow-today-reminder")
    section.get_by_role("link", name="Answer now").click()
    alice.wait_for_url(f"{base}/checkin?prompt={prompt.pk}")
    expect(alice.locator("main")).not_to_have_attribute("aria-busy", "true")
    expect(alice.get_by_text(question)).to_be_visible()
    alice.get_by_label("Pleasant, some energy", exact=True).check()
    expect(alice.locator("#mood-choice")).to_have_text("Pleasant, some energy")
    alice.get_by_label("calm", exact=True).check()
    alice.get_by_label("tired", exact=True).check()
    alice.get_by_label("Listening", exact=True).check()
    alice.get_by_label("A note").fill("Long day, but okay.")
    alice.get_by_label("Me and Bob").check()
    shoot(alice, "flow-checkin")
    alice.get_by_role("button", name="Save my check-in").click()
    alice.wait_for_url(f"{base}/today")
    expect(alice.get_by_text("Thank you for checking in. Bob can see it now.")).to_be_visible()
    checkin = CheckIn.objects.get()
    assert (checkin.pleasantness, checkin.energy, checkin.need) == (1, 0, "listening")
    assert checkin.prompt_id == prompt.pk and checkin.shared_with_id is not None
    prompt.refresh_from_db()
    assert prompt.status == Prompt.Status.ANSWERED


def respond_heard(bob: Page, alice: Page, base: str) -> None:
    open_page(bob, f"{base}/today")
    partner = bob.locator("section", has=bob.get_by_role("heading", name="How Alice is doing"))
    expect(partner).to_contain_text("Long day, but okay.")
    expect(partner).to_contain_text("Would like: Listening")
    partner.get_by_role("button", name="I hear you").click()
    expect(partner).to_contain_text("You: “I hear you”")
    shoot(bob, "flow-today")
    open_page(alice, f"{base}/today")
    mine = alice.locator("section", has=alice.get_by_role("heading", name="Your latest check-in"))
    expect(mine).to_contain_text("Bob: “I hear you”")


def end_partnership(bob: Page, alice: Page, base: str) -> None:
    open_page(bob, f"{base}/settings")
    bob.get_by_role("button", name="End the partnership with Alice").click()
    confirm = bob.get_by_role("dialog", name="End the partnership with Alice?")
    confirm.get_by_role("button", name="End the partnership").click()
    expect(bob.get_by_text("The partnership has ended.")).to_be_visible()
    log = bob.locator("#consent-log")
    expect(log).to_contain_text("You became partners")
    expect(log).to_contain_text("The partnership ended")
    open_page(alice, f"{base}/partner")
    expect(alice.get_by_text("Your partnership with Bob has ended.")).to_be_visible()
    expect(alice.locator("#partner-space")).to_be_hidden()
    expect(alice.locator("#partner-space article")).to_have_count(0)


def test_two_partners_share_check_in_respond_and_part(
    new_context: NewContext, base_url: str
) -> None:
    alice_context = new_context()
    alice_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    alice = alice_context.new_page()
    bob = new_context().new_page()

    sign_up(alice, base_url, name="Alice", email="alice@example.com")
    alice.wait_for_url(f"{base_url}/today")
    expect(alice.get_by_text("Hello, Alice.")).to_be_visible()

    link = invite(alice, base_url)
    accept(bob, base_url, link)
    write_and_share_a_trigger(alice, base_url)
    acknowledge_and_ask(bob, base_url)
    answer_the_question(alice, bob, base_url)
    stop_sharing(alice, bob, base_url)

    prompt = a_reminder_for(User.objects.get(email="alice@example.com"))
    answer_the_reminder(alice, base_url, prompt)
    respond_heard(bob, alice, base_url)
    end_partnership(bob, alice, base_url)

    alice.get_by_role("link", name="Log out").click()
    alice.wait_for_url(f"{base_url}/login")
    expect(alice.get_by_text("You are logged out.")).to_be_visible()
