"""Every page, full of the things people put there: pictured at 360 and 1280 px
in light and dark, free of console errors and CSP violations, served with the
strict policy, and free of serious or critical axe-core findings in both colour
schemes (axe's colour-contrast rule holds each scheme to WCAG AA)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts import email_preferences
from accounts.models import User
from checkins import links as checkin_links
from checkins import services as checkin_services
from partners import services as account_services
from partners.models import Membership
from tests.e2e.browser import (
    DESKTOP,
    SCHEMES,
    WIDTHS,
    NewContext,
    axe_violations,
    blocking,
    in_scheme,
    log_in,
    open_page,
    shoot_schemes,
    write_axe_report,
)
from tests.factories import PASSWORD, CheckInFactory, PromptFactory, ResponseFactory, UserFactory
from triggers import services as trigger_services
from triggers.models import Boundary, Trigger
from web.middleware import STRICT_POLICY

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MEMBER_PAGES = {
    "today": "/today",
    "checkin": "/checkin",
    "mine": "/mine",
    "partner": "/partner",
    "history": "/history",
    "shared": "/shared",
    "us": "/us",
    "invite": "/invite",
    "settings": "/settings",
    "logout": "/logout",
}


def _item(model: Any, owner: User, **fields: Any) -> Any:
    return trigger_services.item_create(model=model, owner=owner, fields=fields)


def _shared(model: Any, owner: User, **fields: Any) -> Any:
    return trigger_services.item_share(item=_item(model, owner, **fields), by=owner)


def a_lived_in_pair() -> dict[str, Any]:
    """alice and bob, a few weeks in: items shared and read, questions, check-ins."""
    alice = UserFactory.create(email="alice@example.com", display_name="Alice")
    bob = UserFactory.create(email="bob@example.com", display_name="Bob")
    carol = UserFactory.create(email="carol@example.com", display_name="Carol")
    created = account_services.invitation_create(inviter=alice)
    account_services.invitation_accept(token=created.token, user=bob)
    partnership = Membership.objects.get(user=alice, ended_at=None).partnership

    voices = _shared(
        Trigger,
        alice,
        title="Raised voices",
        category="words_or_tone",
        intensity=4,
        signs="I go quiet.",
        helps="A lower voice, and a pause.",
        needs=["listening", "space"],
        notes="Since the old flat.",
    )
    _item(Trigger, alice, title="Being late without a word", category="situation", intensity=2)
    _shared(
        Boundary,
        alice,
        statement="No phones at dinner.",
        area="digital",
        firmness="flexible",
        why="It is our time.",
        how_to_honor="Leave it in the hall.",
    )
    trigger_services.item_acknowledge(item=voices, by=bob)
    plans = _shared(
        Trigger,
        bob,
        title="Plans changed at the last minute",
        category="situation",
        helps="A message as soon as you know.",
        avoid="Shrugging it off.",
    )
    crowds = _shared(Trigger, bob, title="Crowded rooms", category="physical", intensity=3)
    _shared(Boundary, bob, statement="Sunday mornings are mine.", area="time", firmness="firm")
    # alice read "Crowded rooms" once; bob has changed it since.
    trigger_services.item_acknowledge(item=crowds, by=alice)
    Trigger.objects.filter(pk=crowds.pk).update(
        acknowledged_at=timezone.now() - timedelta(days=2),
        content_changed_at=timezone.now() - timedelta(days=1),
    )
    answered = trigger_services.question_ask(
        item=plans, by=alice, text="Would a call be better than a message?"
    )
    trigger_services.question_answer(question=answered, text="A message is easier for me.")
    trigger_services.question_ask(item=voices, by=bob, text="What can I say when it happens?")

    now = timezone.now()
    needs = ["listening", "space", "comfort", "listening", "company", "listening", ""]
    feelings = [["calm"], ["tired", "worried"], ["content"], ["stressed"], ["grateful", "calm"]]
    for day in range(1, 50, 3):
        CheckInFactory.create(
            owner=alice,
            created_at=now - timedelta(days=day, hours=day % 5),
            pleasantness=[-1, 0, 1, 2, 1, -2, 0][day % 7],
            energy=[1, -1, 0, 1, -2, 0, 2][day % 7],
            need=needs[day % 7],
            feelings=feelings[day % 5],
            note="",
        )
    latest = CheckInFactory.create(
        owner=alice,
        created_at=now - timedelta(hours=3),
        pleasantness=1,
        energy=-1,
        need="comfort",
        feelings=["tired", "tender"],
        note="Slow day.",
        shared_with=partnership,
        shared_at=now - timedelta(hours=3),
    )
    ResponseFactory.create(checkin=latest, responder=bob, kind="here_for_you", note="")
    CheckInFactory.create(
        owner=bob,
        created_at=now - timedelta(hours=1),
        pleasantness=-1,
        energy=1,
        need="listening",
        feelings=["restless", "worried"],
        note="Big meeting tomorrow.",
        shared_with=partnership,
        shared_at=now - timedelta(hours=1),
    )
    checkin_services.schedule_save(
        user=alice,
        active=True,
        weekdays=[0, 2, 4],
        times=["08:30", "20:00"],
        timezone_name="Europe/Berlin",
    )
    prompt = PromptFactory.create(user=alice, slot_at=now - timedelta(minutes=20), question=4)
    return {"alice": alice, "bob": bob, "carol": carol, "prompt": prompt}


class AxeRun:
    """axe-core on pages in a context that bypasses CSP (to let the script in),
    at each width in each colour scheme."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.report: dict[str, list[dict[str, Any]]] = {}

    def check(self, page: Page, name: str) -> None:
        for scheme in SCHEMES:
            in_scheme(page, scheme)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                self.report[f"{name}@{scheme}@{width}"] = axe_violations(page, self.source)
        in_scheme(page, "light")
        page.set_viewport_size(DESKTOP)

    def visit(self, page: Page, name: str, url: str) -> None:
        open_page(page, url)
        self.check(page, name)

    def assert_clean(self) -> None:
        write_axe_report(self.report)
        problems = [
            f"{page}: {line}" for page, found in self.report.items() for line in blocking(found)
        ]
        assert problems == [], "\n".join(problems)


def visit(page: Page, url: str, name: str) -> None:
    """Open a page the way a person would, check its policy, and picture it."""
    response = page.goto(url)
    assert response is not None and response.ok, url
    assert response.headers["content-security-policy"] == STRICT_POLICY, url
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    shoot_schemes(page, name)


def guest_pages(base: str, key: str, token: str, people: dict[str, Any]) -> dict[str, str]:
    """Pages for someone signed out, the email's links among them."""
    skip = checkin_links.path_for(prompt=people["prompt"], action="skip")
    unsubscribe = email_preferences.unsubscribe_page_url(people["carol"], "reminders")
    return {
        "login": f"{base}/login",
        "signup": f"{base}/signup",
        "password-reset": f"{base}/account/password/reset",
        "password-reset-key": f"{base}/account/password/reset/key/some-key",
        "verify-email": f"{base}/account/verify-email/{key}",
        "verify-email-code": f"{base}/account/verify-email",
        "invite-accept": f"{base}/invitation#{token}",
        "reminder-link": base + skip,
        "email-unsubscribe": unsubscribe,
    }


def test_every_page_is_pictured_calm_and_accessible(
    new_context: NewContext, base_url: str, axe: str
) -> None:
    people = a_lived_in_pair()
    carol = people["carol"]
    address = EmailAddress.objects.create(user=carol, email=carol.email, primary=True)
    key = EmailConfirmationHMAC(address).key
    token = account_services.invitation_create(inviter=carol).token
    axe_run = AxeRun(axe)

    guest = new_context().new_page()
    guest_axe = new_context(bypass_csp=True).new_page()
    for name, url in guest_pages(base_url, key, token, people).items():
        visit(guest, url, name)
        axe_run.visit(guest_axe, name, url)

    # Mistakes are shown next to the field they concern.
    open_page(guest, f"{base_url}/login")
    guest.get_by_label("Email").fill("alice@example.com")
    guest.get_by_label("Password").fill("not the password")
    guest.get_by_role("button", name="Log in").click()
    expect(guest.locator("#login-password[aria-invalid=true]")).to_be_visible()
    expect(guest.locator(".field-error")).to_contain_text("don't match")
    shoot_schemes(guest, "login-error")
    open_page(guest_axe, f"{base_url}/signup")
    guest_axe.get_by_label("Email").fill("someone@example.com")
    guest_axe.get_by_label("Password").fill("short")
    guest_axe.locator("#signup-password").evaluate("(input) => input.removeAttribute('minlength')")
    guest_axe.get_by_role("button", name="Create my account").click()
    expect(guest_axe.locator(".field-error")).to_be_visible()
    axe_run.check(guest_axe, "signup-error")

    # The reset asks for a code next, since resets are by code.
    open_page(guest, f"{base_url}/account/password/reset")
    guest.get_by_label("Email", exact=True).fill("alice@example.com")
    guest.get_by_role("button", name="Send it").click()
    expect(guest.get_by_label("Code from the email")).to_be_visible()
    shoot_schemes(guest, "password-reset-code")

    open_page(guest, f"{base_url}/account/verify-email/{key}")
    expect(guest.get_by_text("carol@example.com")).to_be_visible()
    guest.get_by_role("button", name="Confirm my email").click()
    expect(guest.get_by_text("your email address is confirmed")).to_be_visible()
    assert EmailAddress.objects.get(pk=address.pk).verified

    alice_context = new_context()
    alice = alice_context.new_page()
    log_in(alice, base_url, email="alice@example.com")
    alice_axe = new_context(bypass_csp=True, storage_state=alice_context.storage_state()).new_page()
    for name, path in MEMBER_PAGES.items():
        visit(alice, base_url + path, name)
        axe_run.visit(alice_axe, name, base_url + path)
    prompt_url = f"{base_url}/checkin?prompt={people['prompt'].pk}"
    visit(alice, prompt_url, "checkin-prompt")
    axe_run.visit(alice_axe, "checkin-prompt", prompt_url)
    expect_rich_pages(alice, base_url)
    chosen_and_confirming(alice, alice_axe, base_url, axe_run)
    keyboard_only(alice, base_url)
    edit_skip_and_pause(alice, base_url, people)

    carol_page = new_context().new_page()
    log_in(carol_page, base_url, email="carol@example.com")
    open_page(carol_page, f"{base_url}/invite")
    carol_page.get_by_role("button", name="Create an invitation link").click()
    expect(carol_page.get_by_label("Your invitation link")).to_have_value(
        re.compile(rf"^{re.escape(base_url)}/invitation#.+")
    )
    shoot_schemes(carol_page, "invite-new-link")
    carol_page.get_by_role("button", name="Withdraw").first.click()
    expect(carol_page.get_by_text("withdrawn").first).to_be_visible()
    export_and_delete(carol_page, base_url)

    swagger = new_context().new_page()
    swagger.goto(f"{base_url}/api/docs/")
    expect(swagger.get_by_text("attune API").first).to_be_visible()
    axe_run.assert_clean()


def expect_rich_pages(alice: Page, base: str) -> None:
    """What the lived-in state shows, page by page."""
    open_page(alice, f"{base}/today")
    expect(alice.locator(".question")).to_have_text(
        "What do you need from your partner today, if anything?"
    )
    expect(alice.get_by_text("Big meeting tomorrow.")).to_be_visible()
    # What waits, in attune's words (never a title), beside the count in the navigation.
    waiting = alice.locator("#waiting")
    expect(waiting.get_by_role("link", name="Bob shared 3 things with you")).to_be_visible()
    expect(waiting.get_by_role("link", name="Bob asked you something")).to_be_visible()
    expect(waiting.get_by_role("link", name="Bob answered your question")).to_be_visible()
    expect(waiting).not_to_contain_text("Plans changed")
    expect(alice.get_by_role("link", name=re.compile(r"^Today \d+ new$"))).to_be_visible()
    expect(alice.get_by_text("Bob: “I'm here for you”")).to_be_visible()
    open_page(alice, f"{base}/partner")
    expect(alice.locator("article", has_text="Plans changed")).to_contain_text(
        "A message is easier for me."
    )
    expect(alice.locator("#questions")).to_contain_text("What can I say when it happens?")
    open_page(alice, f"{base}/history")
    expect(alice.locator("svg.chart circle")).to_have_count(18)
    expect(alice.locator("#needs li").first).to_contain_text("Listening")


def chosen_and_confirming(alice: Page, alice_axe: Page, base: str, axe_run: AxeRun) -> None:
    """States a page only reaches by hand: feelings chosen, a dialog open."""
    for page in (alice, alice_axe):
        open_page(page, f"{base}/checkin")
        page.locator("#mood-1-1").check()
        for feeling in ("calm", "grateful", "tired"):
            page.get_by_label(feeling, exact=True).check()
    shoot_schemes(alice, "checkin-chosen")
    axe_run.check(alice_axe, "checkin-chosen")

    for page in (alice, alice_axe):
        open_page(page, f"{base}/settings")
        page.get_by_role("button", name="End the partnership with Bob").click()
        expect(page.get_by_role("dialog", name="End the partnership with Bob?")).to_be_visible()
    shoot_schemes(alice, "settings-ending")
    axe_run.check(alice_axe, "settings-ending")
    for page in (alice, alice_axe):
        page.get_by_role("button", name="Keep the partnership").click()
        expect(page.get_by_role("dialog")).to_have_count(0)


def keyboard_only(alice: Page, base: str) -> None:
    """The skip link comes first, and the mood meter answers to arrow keys."""
    open_page(alice, f"{base}/checkin")
    alice.keyboard.press("Tab")
    expect(alice.get_by_role("link", name="Skip to the content")).to_be_focused()
    alice.keyboard.press("Enter")
    cell = alice.locator("#mood-0-0")
    cell.focus()
    alice.keyboard.press("Space")
    alice.keyboard.press("ArrowUp")
    expect(alice.locator("#mood-0-1")).to_be_checked()
    alice.keyboard.press("ArrowRight")
    expect(alice.locator("#mood-1-1")).to_be_checked()
    expect(alice.locator("#mood-choice")).to_have_text("Pleasant, high energy")
    focused_outline = alice.evaluate(
        "getComputedStyle(document.querySelector('#mood-1-1 + label')).outlineStyle"
    )
    assert focused_outline == "solid"


def edit_skip_and_pause(alice: Page, base: str, people: dict[str, Any]) -> None:
    """Editing and deleting an item, skipping a reminder, pausing sharing."""
    open_page(alice, f"{base}/mine")
    card = alice.locator("article", has_text="Being late without a word")
    card.get_by_role("button", name="Edit").click()
    form = alice.get_by_role("form", name="Edit this trigger")
    expect(form.get_by_label("What sets me off")).to_have_value("Being late without a word")
    form.get_by_label("What sets me off").fill("Being late without a message")
    form.get_by_label("How strongly it hits me").select_option("4")
    shoot_schemes(alice, "mine-edit")
    form.get_by_role("button", name="Save").click()
    card = alice.locator("article", has_text="Being late without a message")
    expect(card).to_contain_text("intensity 4 of 5")
    card.get_by_role("button", name="Delete").click()
    card.get_by_role("button", name="Delete this trigger").click()
    expect(alice.get_by_text("Being late without a message")).to_have_count(0)
    # Encrypted text cannot be filtered on in SQL: compare the decrypted titles.
    assert "Being late without a message" not in {t.title for t in Trigger.objects.all()}

    open_page(alice, f"{base}/today")
    alice.get_by_role("button", name="Skip this one").click()
    expect(alice.get_by_text("Skipped. Nothing to catch up on")).to_be_visible()
    people["prompt"].refresh_from_db()
    assert people["prompt"].status == "skipped"

    open_page(alice, f"{base}/settings")
    pause = alice.get_by_role("switch", name="Pause my sharing")
    pause.click()
    expect(alice.get_by_role("switch", name="Pause my sharing")).to_have_attribute(
        "aria-checked", "true"
    )
    expect(alice.locator("#consent-log")).to_contain_text("You paused your sharing")
    assert Membership.objects.get(user=people["alice"], ended_at=None).sharing_paused


def export_and_delete(carol: Page, base: str) -> None:
    """Her data as a file; then the account goes, after a wrong password is refused."""
    open_page(carol, f"{base}/settings")
    with carol.expect_download() as download:
        carol.get_by_role("link", name="Download my data").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["exported_at"]
    assert download.value.suggested_filename == "attune-export.json"
    carol.get_by_label("Your password").fill("not my password")
    carol.get_by_role("button", name="Delete my account").click()
    expect(carol.locator("#delete-password")).to_have_attribute("aria-invalid", "true")
    expect(carol.locator("#delete-form .field-error")).to_contain_text("not correct")
    carol.get_by_label("Your password").fill(PASSWORD)
    carol.get_by_role("button", name="Delete my account").click()
    carol.wait_for_url(f"{base}/login")
    expect(carol.get_by_text("Your account and everything in it is deleted.")).to_be_visible()
    assert not User.objects.filter(email="carol@example.com").exists()
