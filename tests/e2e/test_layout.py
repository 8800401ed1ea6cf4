"""Layout and form behaviour seen in a real browser: long words wrap on a phone,
the reminder form says what is true, chips stay put when chosen, and focus
never falls back to the page's body after a save."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import User
from partners import services as partner_services
from partners.models import Membership
from tests.e2e.browser import NewContext, log_in, open_page, shoot_schemes
from tests.factories import CheckInFactory, PromptFactory, ResponseFactory, UserFactory
from triggers import services as trigger_services
from triggers.models import Boundary, SelfCareNote, Trigger

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 360, "height": 800}
# No space to break at: what a person pastes, or a word in a language with long compounds.
WORD = "Unbrokenwordthatgoesonandon"


def unbroken(length: int) -> str:
    return (WORD * (length // len(WORD) + 1))[:length]


def focused(page: Page) -> str:
    """What has focus, described: its tag, id and text."""
    description: str = page.evaluate(
        """() => {
          const el = document.activeElement;
          if (!el || el === document.body) return "body";
          return `${el.tagName.toLowerCase()}#${el.id} ${el.textContent.trim().slice(0, 40)}`;
        }"""
    )
    return description


def a_pair_with_long_words() -> dict[str, User]:
    """alice and bob, with the longest names and texts attune takes, none with a space."""
    alice = UserFactory.create(email="alice@example.com", display_name="A" + unbroken(79))
    bob = UserFactory.create(email="bob@example.com", display_name="B" + unbroken(79))
    created = partner_services.invitation_create(inviter=alice)
    partner_services.invitation_accept(token=created.token, user=bob)
    partnership = Membership.objects.get(user=alice, ended_at=None).partnership

    def share(model: Any, owner: User, **fields: Any) -> Any:
        item = trigger_services.item_create(model=model, owner=owner, fields=fields)
        return trigger_services.item_share(item=item, by=owner)

    for owner in (alice, bob):
        trigger = share(
            Trigger,
            owner,
            title=unbroken(200),
            category="situation",
            intensity=3,
            signs=unbroken(400),
            helps=unbroken(400),
            notes=unbroken(400),
        )
        share(Boundary, owner, statement=unbroken(400), area="time", firmness="firm")
        share(SelfCareNote, owner, title=unbroken(200), effect="restores")
        partner = bob if owner == alice else alice
        question = trigger_services.question_ask(item=trigger, by=partner, text=unbroken(300))
        trigger_services.question_answer(question=question, text=unbroken(300))
        checkin = CheckInFactory.create(
            owner=owner,
            created_at=timezone.now() - timedelta(hours=2),
            pleasantness=1,
            energy=1,
            feelings=["calm", "grateful"],
            need="listening",
            note=unbroken(600),
            shared_with=partnership,
            shared_at=timezone.now() - timedelta(hours=2),
        )
        checkin.triggers.set([trigger])
        ResponseFactory.create(checkin=checkin, responder=partner, kind="heard", note=unbroken(300))
    return {"alice": alice, "bob": bob}


def test_it_wraps_long_unbroken_words_on_every_page_at_360_px(
    new_context: NewContext, base_url: str
) -> None:
    a_pair_with_long_words()
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    log_in(page, base_url, email="alice@example.com")
    too_wide = {}
    for path in ("/today", "/checkin", "/mine", "/partner", "/history", "/settings", "/invite"):
        open_page(page, base_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
        shoot_schemes(page, f"long-words{path.replace('/', '-')}")
        page.set_viewport_size(PHONE)
    assert not too_wide, f"wider than the phone's 360 px: {too_wide}"


def test_it_hides_add_a_time_once_there_are_four(new_context: NewContext, base_url: str) -> None:
    UserFactory.create(email="alice@example.com")
    page = new_context().new_page()
    log_in(page, base_url, email="alice@example.com")
    open_page(page, f"{base_url}/settings")
    add = page.get_by_role("button", name="Add a time")
    for count in (2, 3, 4):
        add.click()
        expect(page.get_by_label(f"Time {count}")).to_be_focused()
    expect(page.get_by_label("Time 4")).to_be_visible()
    expect(add).to_be_hidden()


def test_it_tells_of_a_missing_weekday_on_the_weekdays(
    new_context: NewContext, base_url: str
) -> None:
    UserFactory.create(email="alice@example.com")
    page = new_context().new_page()
    log_in(page, base_url, email="alice@example.com")
    open_page(page, f"{base_url}/settings")
    page.get_by_label("Send me a gentle check-in reminder").check()
    page.get_by_role("button", name="Save reminders").click()

    days = page.get_by_role("group", name="On these days")
    expect(days.locator(".field-error")).to_contain_text("day")
    expect(days).to_have_accessible_description("Choose at least one day for your reminders.")
    expect(page.get_by_label("Monday")).to_be_focused()
    expect(page.get_by_label("Time 1")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("group", name="At these times")).not_to_contain_text("⚠")

    page.get_by_label("Wednesday").check()
    page.get_by_role("button", name="Save reminders").click()
    expect(page.locator("#schedule-next")).to_contain_text("The next reminder comes on")
    expect(days.locator(".field-error")).to_have_count(0)


def test_it_says_reminders_are_on_only_when_they_are(
    new_context: NewContext, base_url: str
) -> None:
    UserFactory.create(email="alice@example.com")
    page = new_context().new_page()
    log_in(page, base_url, email="alice@example.com")
    open_page(page, f"{base_url}/settings")
    hint = page.locator("#schedule-next")
    expect(hint).to_contain_text("No reminders for now")

    page.get_by_label("Send me a gentle check-in reminder").check()
    expect(hint).not_to_contain_text("No reminders for now")
    expect(hint).to_contain_text("once you save")
    page.get_by_label("Friday").check()
    page.get_by_role("button", name="Save reminders").click()
    expect(hint).to_contain_text("The next reminder comes on")

    page.get_by_label("Send me a gentle check-in reminder").uncheck()
    expect(hint).to_contain_text("once you save")
    page.get_by_role("button", name="Save reminders").click()
    expect(hint).to_contain_text("No reminders for now")


def test_it_keeps_feeling_chips_in_place_when_one_is_chosen(
    new_context: NewContext, base_url: str
) -> None:
    UserFactory.create(email="alice@example.com")
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    log_in(page, base_url, email="alice@example.com")
    open_page(page, f"{base_url}/checkin")
    chips = page.locator(".chip-choice label")
    # Where each chip sits within the list (the page may scroll to the one clicked).
    boxes = """(labels) => labels.map((label) => {
      const box = label.getBoundingClientRect();
      const list = label.closest("#feelings").getBoundingClientRect();
      return [box.left - list.left, box.top - list.top, box.width, box.height];
    })"""
    before = chips.evaluate_all(boxes)
    page.locator(".chip-choice").first.click()
    page.locator(".chip-choice").nth(3).click()
    expect(page.locator(".chip-choice input:checked")).to_have_count(2)
    after = chips.evaluate_all(boxes)
    assert after == before


def test_it_keeps_focus_on_the_form_or_its_message_after_saving(
    new_context: NewContext, base_url: str
) -> None:
    alice = UserFactory.create(email="alice@example.com", display_name="Alice")
    PromptFactory.create(user=alice, slot_at=timezone.now() - timedelta(minutes=5))
    page = new_context().new_page()
    log_in(page, base_url, email="alice@example.com")

    open_page(page, f"{base_url}/settings")
    page.get_by_label("Your name, as your partner sees it").fill("Alice B.")
    save = page.locator("#profile-form").get_by_role("button", name="Save")
    save.click()
    expect(page.locator("#profile-saved")).to_have_text("Saved.")
    expect(save).to_be_focused()

    page.get_by_label("Send me a gentle check-in reminder").check()
    page.get_by_label("Tuesday").check()
    page.get_by_role("button", name="Save reminders").press("Enter")
    expect(page.locator("#schedule-saved")).to_have_text("Saved.")
    expect(page.get_by_role("button", name="Save reminders")).to_be_focused()

    # Skipping replaces the form that had focus: focus goes to what took its place.
    open_page(page, f"{base_url}/today")
    page.get_by_role("button", name="Skip this one").click()
    expect(page.get_by_text("Skipped. Nothing to catch up on")).to_be_visible()
    assert focused(page) != "body"
    expect(page.locator("#prompt")).to_be_focused()


# Relative luminance (WCAG) of a computed `rgb(r, g, b)` colour.
LUMINANCE = """(colour) => {
  const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map((c) => {
    const s = Number(c) / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


def test_it_follows_the_device_into_dark_mode(new_context: NewContext, base_url: str) -> None:
    UserFactory.create(email="alice@example.com")
    page = new_context(color_scheme="dark").new_page()
    log_in(page, base_url, email="alice@example.com")
    open_page(page, f"{base_url}/settings")
    expect(page.locator('meta[name="color-scheme"]')).to_have_attribute("content", "light dark")
    looks = page.evaluate(
        f"""() => {{
          const luminance = {LUMINANCE};
          const style = (selector) => getComputedStyle(document.querySelector(selector));
          return {{
            page: luminance(style("body").backgroundColor),
            text: luminance(style("body").color),
            card: luminance(style(".card").backgroundColor),
            field: luminance(style("#profile-name").backgroundColor),
            fieldText: luminance(style("#profile-name").color),
            scheme: style("#profile-name").colorScheme,
          }};
        }}"""
    )
    assert looks["page"] < 0.02 and looks["card"] < 0.02 and looks["field"] < 0.02, looks
    assert looks["text"] > 0.7 and looks["fieldText"] > 0.7, looks
    assert "dark" in looks["scheme"], looks
