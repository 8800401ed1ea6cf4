"""Two new people through a first week, in two Chromium windows (issue 13's "Done
when"): Alice signs up with the emailed code and follows the first-week guide
(invite, a first trigger from an example, reminders); Bob opens her link, signs
up and accepts; a first share with its preview, which Bob's open page follows; a
question thread with replies; a check-in shared and answered with a note, then
changed; a reminder snoozed from its email, signed out; a pause Bob's page
follows; a quiet ending Bob's app shows gently. At each step: what each person
sees, no console error, no sideways scroll at 360 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import User
from checkins import services as checkin_services
from tests.e2e.browser import SCREENSHOTS, NewContext, open_page, sign_up
from tests.e2e.test_sign_in import code_from_mail
from tests.factories import PASSWORD, PromptFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = SCREENSHOTS / "journey"
PHONE: ViewportSize = {"width": 360, "height": 780}


def look(page: Page, name: str) -> None:
    """No sideways scroll at 360 px; a picture at 360 and at 1280 px."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(50)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name}: {width} px wide at 360 px"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}-360.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=SHOTS / f"{name}-1280.png", full_page=True)
    if size:
        page.set_viewport_size(size)


def signed_up_with_code(page: Page, base: str, *, name: str, email: str, path: str) -> None:
    sign_up(page, base, name=name, email=email, path=path)
    page.wait_for_url(re.compile(r"/account/verify-email"))
    look(page, f"{name.lower()}-verify")
    page.get_by_label("Code", exact=True).fill(code_from_mail(email))
    page.get_by_role("button", name="Confirm", exact=True).click()


def test_it_takes_two_new_people_through_a_first_week(
    new_context: NewContext, base_url: str, settings: Any
) -> None:
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
    alice_context = new_context(timezone_id="Europe/Berlin")
    alice_context.grant_permissions(["clipboard-read", "clipboard-write"])
    alice = alice_context.new_page()
    bob_context = new_context(timezone_id="Europe/Berlin")
    # His open pages look for changes every second here (25 s in life).
    bob_context.add_init_script("window.attuneFollowInterval = 1000;")
    bob = bob_context.new_page()

    # Alice signs up; Today's guide leads her.
    signed_up_with_code(alice, base_url, name="Alice", email="alice@example.com", path="/signup")
    alice.wait_for_url(f"{base_url}/today")
    expect(alice.locator("main")).not_to_have_attribute("aria-busy", "true")
    guide = alice.get_by_role("region", name="Your first week")
    expect(guide).to_be_visible()
    look(alice, "01-alice-today-guide")

    # 1. Invite: she makes a link and copies it.
    guide.get_by_role("link", name="Invite your partner").click()
    alice.wait_for_url(f"{base_url}/invite")
    expect(alice.locator("main")).not_to_have_attribute("aria-busy", "true")
    alice.get_by_role("button", name="Create an invitation link").click()
    link = alice.get_by_label("Your invitation link")
    expect(link).to_have_value(re.compile(r"^http"))
    alice.get_by_role("button", name="Copy link").click()
    expect(alice.locator("#copy-status")).not_to_be_empty()
    copied = alice.evaluate("navigator.clipboard.readText()")
    assert copied == link.input_value()
    look(alice, "02-alice-invite")

    # 2. A first trigger, from an example, changed before saving.
    open_page(alice, f"{base_url}/today")
    guide.get_by_role("link", name="Write a first trigger").click()
    alice.wait_for_url(re.compile(r"/mine"))
    expect(alice.locator("main")).not_to_have_attribute("aria-busy", "true")
    form = alice.locator("#trigger-form")
    expect(form).to_be_visible()
    # The guide's link opens the form with its examples showing.
    expect(form.get_by_text("Pick one to fill in the form")).to_be_visible()
    form.get_by_role("button", name="Raised voices").click()
    title = form.get_by_label("What sets me off")
    expect(title).to_be_focused()
    expect(title).not_to_be_empty()
    title.fill("Raised voices, even in fun")
    look(alice, "03-alice-trigger-from-example")
    form.get_by_role("button", name="Save").click()
    mine = alice.locator("article", has_text="Raised voices, even in fun")
    expect(mine).to_be_visible()

    # 3. Reminders.
    open_page(alice, f"{base_url}/today")
    guide.get_by_role("link", name="Choose when to be reminded").click()
    alice.wait_for_url(re.compile(r"/settings"))
    expect(alice.locator("main")).not_to_have_attribute("aria-busy", "true")
    alice.get_by_label("Send me a gentle check-in reminder").check()
    alice.get_by_role("button", name="Save reminders").click()
    # No day chosen yet: said next to the days, in plain words.
    expect(alice.get_by_text("Choose at least one day for your reminders.")).to_be_visible()
    for day in ("Mon", "Wed", "Fri"):
        alice.locator("#schedule-days").get_by_label(day, exact=False).check()
    alice.get_by_role("button", name="Save reminders").click()
    expect(alice.locator("#schedule-saved")).not_to_be_empty()
    look(alice, "04-alice-reminders")
    open_page(alice, f"{base_url}/today")
    expect(guide).to_be_hidden()
    look(alice, "05-alice-today-after-guide")

    # Bob opens the copied link signed out, makes an account, and accepts.
    bob.goto(copied)
    expect(bob.get_by_role("heading", name="Alice invited you to attune")).to_be_visible()
    look(bob, "06-bob-invitation")
    bob.get_by_role("link", name="Create an account").click()
    expect(bob.locator("main")).not_to_have_attribute("aria-busy", "true")
    bob.get_by_label("Your name").fill("Bob")
    bob.get_by_label("Email").fill("bob@example.com")
    bob.get_by_label("Password").fill(PASSWORD)
    bob.get_by_role("button", name="Create my account").click()
    bob.wait_for_url(re.compile(r"/account/verify-email"))
    bob.get_by_label("Code", exact=True).fill(code_from_mail("bob@example.com"))
    bob.get_by_role("button", name="Confirm", exact=True).click()
    bob.wait_for_url(re.compile(r"/invitation"))
    bob.get_by_role("button", name="Accept the invitation").click()
    expect(bob.get_by_role("heading", name="You are now partners on attune")).to_be_visible()
    look(bob, "07-bob-accepted")

    # Bob keeps his partner page open; Alice shares her trigger after its preview.
    open_page(bob, f"{base_url}/partner")
    open_page(alice, f"{base_url}/mine")
    mine = alice.locator("li", has_text="Raised voices, even in fun")
    mine.get_by_role("switch", name="Share with Bob").click()
    preview = alice.get_by_role("dialog", name="What Bob will see")
    expect(preview).to_contain_text("Raised voices, even in fun")
    look(alice, "08-alice-first-share-preview")
    preview.get_by_role("button", name="Share with Bob").click()
    expect(mine.get_by_role("switch", name="Share with Bob")).to_have_attribute(
        "aria-checked", "true"
    )
    # No reload: his page offers it, and shows it when he asks.
    notice = bob.locator("[data-follow-notice]")
    expect(notice).to_contain_text("Something new was shared with you.")
    look(bob, "09-bob-offered-the-share")
    notice.get_by_role("button", name="Show it").click()
    theirs = bob.locator("article", has_text="Raised voices, even in fun")
    expect(theirs).to_be_visible()
    look(bob, "09-bob-sees-the-share")

    # A question, an answer, replies both ways.
    theirs.get_by_text("Ask Alice about this").click()
    theirs.get_by_label("Your question").fill("What can I say when it happens?")
    theirs.get_by_role("button", name="Ask").click()
    expect(theirs).to_contain_text("What can I say when it happens?")
    open_page(alice, f"{base_url}/today")
    look(alice, "10-alice-today-question-waiting")
    alice.locator("#waiting-list").get_by_role("link", name=re.compile("Bob")).first.click()
    alice.wait_for_url(re.compile(r"/partner#question-"))
    thread = alice.locator("[id^=question-]", has_text="What can I say when it happens?")
    thread.get_by_label("Your answer").fill("Just: let's pause.")
    thread.get_by_role("button", name="Answer").click()
    expect(thread).to_contain_text("Just: let's pause.")
    look(alice, "10-alice-answers")
    # His open page offers the answer too, and shows it when he asks.
    notice = bob.locator("[data-follow-notice]")
    expect(notice).to_contain_text("There is something new in a conversation.")
    notice.get_by_role("button", name="Show it").click()
    expect(bob.locator("main")).not_to_have_attribute("aria-busy", "true")
    expect(theirs).to_contain_text("Just: let's pause.")
    theirs.get_by_text("Write a reply").click()
    theirs.get_by_label("Your reply").fill("And if I forget?")
    theirs.get_by_role("button", name="Send reply").click()
    expect(theirs).to_contain_text("You: And if I forget?")
    look(bob, "11-bob-replies")

    # Bob checks in and shares it; Alice responds with a note, then changes it.
    open_page(bob, f"{base_url}/checkin")
    bob.locator("#mood--1--1").check()
    bob.get_by_label("Me and Alice").check()
    bob.get_by_role("button", name="Save my check-in").click()
    expect(bob.get_by_text("Thank you for checking in. Alice can see it now.")).to_be_visible()
    look(bob, "12-bob-checked-in")
    open_page(alice, f"{base_url}/today")
    respond = alice.get_by_role("group", name="Respond to Bob")
    box = alice.locator("[id^=checkin-]", has=respond)
    box.get_by_label("A short note (optional)").fill("Tea tonight?")
    respond.get_by_role("button", name="Giving you space").click()
    expect(box.locator(".response-list")).to_contain_text("Tea tonight?")
    box.get_by_label("A short note (optional)").fill("Or a walk tomorrow")
    respond.get_by_role("button", name="I'd like to talk").click()
    expect(box.locator(".response-list li")).to_have_count(1)
    expect(box.locator(".response-list")).to_contain_text("Or a walk tomorrow")
    look(alice, "13-alice-responds")

    # A reminder answered from its email: the snooze link, signed out.
    prompt = PromptFactory.create(user=User.objects.get(email="alice@example.com"))
    checkin_services.prompts_send(prompt_ids=[str(prompt.pk)])
    (reminder,) = [m for m in mail.outbox if m.to == ["alice@example.com"]][-1:]
    found = re.search(r"Snooze it: (\S+)", str(reminder.body))
    assert found
    snooze = base_url + "/" + found.group(1).split("://", 1)[1].split("/", 1)[1]
    stranger = new_context(timezone_id="Europe/Berlin").new_page()
    open_page(stranger, snooze)
    stranger.get_by_role("button", name="Snooze it").click()
    expect(stranger.get_by_role("heading", name="Snoozed for now")).to_be_visible()
    look(stranger, "14-reminder-snoozed-signed-out")
    prompt.refresh_from_db()
    assert prompt.snoozed_until is not None

    # Alice pauses her sharing; Bob's open page follows.
    open_page(bob, f"{base_url}/partner")
    expect(bob.locator("article", has_text="Raised voices, even in fun")).to_be_visible()
    open_page(alice, f"{base_url}/settings")
    alice.get_by_role("switch", name="Pause my sharing").click()
    expect(alice.get_by_role("switch", name="Pause my sharing")).to_have_attribute(
        "aria-checked", "true"
    )
    look(alice, "15-alice-paused")
    # (It says "stopped sharing", not "paused": reported.)
    expect(bob.locator("main").get_by_text("Alice stopped sharing this.")).to_be_visible()
    expect(bob.locator("article", has_text="Raised voices, even in fun")).to_have_count(0)
    look(bob, "16-bob-sees-the-pause")

    # Alice ends the partnership quietly; Bob's app shows it gently.
    sent = len(mail.outbox)
    alice.get_by_role("button", name="End the partnership with Bob").click()
    dialog = alice.get_by_role("dialog", name="End the partnership with Bob?")
    expect(dialog).to_contain_text("Bob is not emailed")
    look(alice, "17-alice-ending-dialog")
    dialog.get_by_role("button", name="End the partnership").click()
    expect(alice.get_by_text("The partnership has ended.")).to_be_visible()
    open_page(bob, f"{base_url}/today")
    expect(bob.locator("#partnership-ended")).to_contain_text(
        "Your partnership with Alice has ended."
    )
    look(bob, "18-bob-ended")
    assert [m for m in mail.outbox[sent:] if "bob@example.com" in m.to] == []
