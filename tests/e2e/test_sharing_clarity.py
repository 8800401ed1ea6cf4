"""Consent made clear in the pages (issue 13, item 5, and examples to start from):
the share switch is named for what it does; the first share of an item shows what
Bob will see; editing a shared item says Bob sees the change; /shared lists all
Alice shares with a one-tap stop; her check-ins are shared, changed and deleted
on History; the new-item forms offer examples that are saved only on Save.

Each runs at 360 px and at 1280 px; screenshots go with the others (light)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from checkins import services as checkin_services
from checkins.models import CheckIn
from partners import services as partner_services
from tests.e2e.browser import (
    SCREENSHOTS,
    NewContext,
    axe_violations,
    blocking,
    log_in,
    open_page,
)
from tests.factories import (
    BoundaryFactory,
    CheckInFactory,
    PromptFactory,
    SelfCareNoteFactory,
    TriggerFactory,
)
from triggers import services as trigger_services
from triggers.models import Boundary, SelfCareNote, Trigger

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PRIVATE = "Since the old flat, and nobody needs to know"


@pytest.fixture(params=[360, 1280], ids=["360px", "1280px"])
def width(request: pytest.FixtureRequest) -> int:
    return int(request.param)


def signed_in(
    new_context: NewContext, base: str, email: str, width: int, **options: object
) -> Page:
    page = new_context(**options).new_page()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, base, email=email)
    return page


def snap(page: Page, name: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"clarity-{name}-{width}.png", full_page=True)


def announced(page: Page) -> str:
    return str(page.locator("#announcer").text_content())


def test_it_names_the_switch_for_what_it_does_and_shows_what_bob_will_see_first(
    new_context: NewContext, base_url: str, alice: User, bob: User, width: int
) -> None:
    trigger = TriggerFactory.create(
        owner=alice, title="Raised voices", helps="A lower voice.", notes=PRIVATE
    )
    page = signed_in(new_context, base_url, "alice@example.com", width)
    open_page(page, f"{base_url}/mine")
    card = page.locator(f"#trigger-{trigger.pk}")
    switch = card.get_by_role("switch", name="Share with Bob", exact=True)
    expect(switch).to_have_attribute("aria-checked", "false")
    expect(switch).to_contain_text("Off")
    expect(card).to_contain_text("Only you can see this")

    switch.click()
    dialog = page.get_by_role("dialog", name="What Bob will see")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Raised voices")
    expect(dialog).to_contain_text("A lower voice.")
    expect(dialog).not_to_contain_text(PRIVATE)
    expect(dialog.get_by_role("button", name="Share with Bob")).to_be_focused()
    snap(page, "first-share", width)
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(switch).to_be_focused()
    trigger.refresh_from_db()
    assert trigger.shared_with_id is None

    switch.click()
    dialog.get_by_role("button", name="Not now").click()
    expect(dialog).to_have_count(0)
    trigger.refresh_from_db()
    assert trigger.shared_with_id is None

    switch.click()
    dialog.get_by_role("button", name="Share with Bob").click()
    switch = card.get_by_role("switch", name="Share with Bob", exact=True)
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(switch).to_contain_text("On")
    expect(switch).to_be_focused()
    expect(card).to_contain_text("Bob can see this (never your private notes)")
    trigger.refresh_from_db()
    assert trigger.shared_with_id is not None

    # Shared once with Bob: stopping and sharing again goes straight through.
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(page.get_by_role("dialog")).to_have_count(0)
    trigger.refresh_from_db()
    assert trigger.shared_with_id is not None

    # A new page load remembers it too (from the consent log).
    open_page(page, f"{base_url}/mine")
    card.get_by_role("button", name="Stop sharing").click()
    expect(card.get_by_role("switch")).to_have_attribute("aria-checked", "false")
    card.get_by_role("switch").click()
    expect(card.get_by_role("switch")).to_have_attribute("aria-checked", "true")
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_it_says_bob_sees_the_change_when_a_shared_item_is_edited(
    new_context: NewContext, base_url: str, alice: User, bob: User, width: int
) -> None:
    shared = trigger_services.item_share(
        item=TriggerFactory.create(owner=alice, title="Being interrupted"), by=alice
    )
    private = BoundaryFactory.create(owner=alice, statement="Quiet mornings")
    page = signed_in(new_context, base_url, "alice@example.com", width)
    open_page(page, f"{base_url}/mine")

    page.locator(f"#boundary-{private.pk}").get_by_role("button", name="Edit").click()
    form = page.get_by_role("form", name="Edit this boundary")
    expect(form).to_be_visible()
    expect(form).not_to_contain_text("Bob sees your changes")
    form.get_by_role("button", name="Cancel").click()

    page.locator(f"#trigger-{shared.pk}").get_by_role("button", name="Edit").click()
    form = page.get_by_role("form", name="Edit this trigger")
    expect(form).to_contain_text("Bob sees your changes as soon as you save")
    expect(form.get_by_text("Start from an example")).to_be_hidden()
    form.get_by_label("What sets me off").fill("Being interrupted mid-sentence")
    snap(page, "shared-edit", width)
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#announcer")).to_have_text("Saved. Bob sees the change now.")
    assert Trigger.objects.get(pk=shared.pk).title == "Being interrupted mid-sentence"


def test_it_lists_all_alice_shares_on_one_page_each_with_a_one_tap_stop(
    new_context: NewContext, base_url: str, alice: User, bob: User, width: int
) -> None:
    first = trigger_services.item_share(
        item=TriggerFactory.create(owner=alice, title="Raised voices"), by=alice
    )
    second = trigger_services.item_share(
        item=TriggerFactory.create(owner=alice, title="Plans changed"), by=alice
    )
    TriggerFactory.create(owner=alice, title="Kept to myself")
    boundary = trigger_services.item_share(
        item=BoundaryFactory.create(owner=alice, statement="Time alone after work"), by=alice
    )
    note = trigger_services.item_share(
        item=SelfCareNoteFactory.create(owner=alice, title="A walk"), by=alice
    )
    checkin = checkin_services.checkin_update(
        checkin=CheckInFactory.create(owner=alice, pleasantness=1, energy=-1),
        by=alice,
        fields={"shared": True},
    )
    page = signed_in(new_context, base_url, "alice@example.com", width)
    open_page(page, f"{base_url}/mine")
    page.get_by_role("link", name="Everything you share, in one place").click()
    expect(page.get_by_role("heading", name="Shared with Bob", level=1)).to_be_visible()
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    main = page.locator("main")
    for text in ("Raised voices", "Plans changed", "Time alone after work", "A walk"):
        expect(main).to_contain_text(text)
    expect(main).to_contain_text("Pleasant, low energy")
    expect(main).not_to_contain_text("Kept to myself")
    snap(page, "shared", width)

    triggers = page.get_by_role("region", name="Triggers")
    # Newest first: "Plans changed" leads, and focus moves on to "Raised voices".
    triggers.get_by_role("button", name="Stop sharing “Plans changed”").click()
    expect(page.locator(f"#shared-{second.pk}")).to_have_count(0)
    expect(triggers.get_by_role("button", name="Stop sharing “Raised voices”")).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("Bob no longer sees it")
    assert Trigger.objects.get(pk=second.pk).shared_with_id is None
    assert Trigger.objects.get(pk=first.pk).shared_with_id is not None

    checkins = page.get_by_role("region", name="Check-ins")
    checkins.get_by_role("button", name="Stop sharing").click()
    expect(checkins).to_contain_text("No check-ins shared.")
    expect(checkins.get_by_role("heading", name="Check-ins")).to_be_focused()
    assert CheckIn.objects.get(pk=checkin.pk).shared_with_id is None

    partner_services.partnership_set_paused(user=alice, paused=True)
    open_page(page, f"{base_url}/shared")
    expect(main).to_contain_text("Your sharing is paused.")
    expect(main).to_contain_text("Bob sees none of this right now")
    expect(main).to_contain_text("Raised voices")
    snap(page, "shared-paused", width)
    assert Boundary.objects.get(pk=boundary.pk).shared_with_id is not None
    assert SelfCareNote.objects.get(pk=note.pk).shared_with_id is not None


def test_it_says_gently_when_there_is_no_partner_or_the_partnership_ended(
    new_context: NewContext, base_url: str, alice: User, bob: User, carol: User, width: int
) -> None:
    stranger = signed_in(new_context, base_url, "carol@example.com", width)
    open_page(stranger, f"{base_url}/shared")
    expect(stranger.locator("main")).to_contain_text("You have no partner on attune right now")
    expect(stranger.get_by_role("button", name="Stop sharing")).to_have_count(0)

    trigger_services.item_share(item=TriggerFactory.create(owner=alice, title="Noise"), by=alice)
    partner_services.partnership_end(user=bob)
    page = signed_in(new_context, base_url, "alice@example.com", width)
    open_page(page, f"{base_url}/shared")
    expect(page.locator("#partnership-ended")).to_contain_text("has ended")
    expect(page.locator("main")).not_to_contain_text("Noise")
    snap(page, "shared-ended", width)


def test_it_shares_changes_and_deletes_check_ins_on_history(
    new_context: NewContext, base_url: str, alice: User, bob: User, width: int
) -> None:
    older = [CheckInFactory.create(owner=alice, note=f"Day {n}") for n in range(11)]
    newest = CheckInFactory.create(owner=alice, pleasantness=-1, energy=1, note="A long day")
    page = signed_in(new_context, base_url, "alice@example.com", width)
    open_page(page, f"{base_url}/history")
    cards = page.locator("#checkin-list > li")
    expect(cards).to_have_count(10)
    page.get_by_role("button", name="Show more check-ins").click()
    expect(cards).to_have_count(12)
    expect(page.get_by_role("button", name="Show more check-ins")).to_be_hidden()
    expect(page.locator(f"#checkin-{older[0].pk}")).to_contain_text("Day 0")

    card = page.locator(f"#checkin-{newest.pk}")
    switch = card.get_by_role("switch", name="Share with Bob", exact=True)
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    dialog = page.get_by_role("dialog", name="What Bob will see")
    expect(dialog).to_contain_text("Unpleasant, high energy")
    expect(dialog).to_contain_text("A long day")
    snap(page, "history-first-share", width)
    dialog.get_by_role("button", name="Share with Bob").click()
    expect(card.get_by_role("switch")).to_have_attribute("aria-checked", "true")
    expect(card.get_by_role("switch")).to_be_focused()
    expect(card).to_contain_text("Bob can see this check-in")
    assert CheckIn.objects.get(pk=newest.pk).shared_with_id is not None
    snap(page, "history-checkins", width)

    card.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", name="Change this check-in", level=1)).to_be_visible()
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#mood-choice")).to_have_text("Unpleasant, high energy")
    expect(page.get_by_label("A note")).to_have_value("A long day")
    expect(page.locator("#shared-edit")).to_contain_text(
        "Bob sees your changes as soon as you save"
    )
    page.get_by_label("A note").fill("A long day, better now")
    page.get_by_role("button", name="Save the changes").click()
    page.wait_for_url(f"{base_url}/history#checkin-{newest.pk}")
    expect(page.locator("#flash")).to_have_text("Saved. Bob sees the change now.")
    changed = CheckIn.objects.get(pk=newest.pk)
    assert changed.note == "A long day, better now"
    assert changed.shared_with_id is not None
    assert CheckIn.objects.count() == 12

    card = page.locator(f"#checkin-{newest.pk}")
    card.get_by_role("button", name="Delete").click()
    card.get_by_role("button", name="Keep it").click()
    assert CheckIn.objects.filter(pk=newest.pk).exists()
    card.get_by_role("button", name="Delete").click()
    expect(card).to_contain_text("Bob will no longer see it")
    card.get_by_role("button", name="Delete this check-in").click()
    expect(page.locator(f"#checkin-{newest.pk}")).to_have_count(0)
    expect(page.locator("#announcer")).to_have_text("The check-in is deleted.")
    assert not CheckIn.objects.filter(pk=newest.pk).exists()


def test_it_starts_a_new_item_from_an_example_saved_only_on_save(
    new_context: NewContext, base_url: str, alice: User, width: int
) -> None:
    page = signed_in(new_context, base_url, "alice@example.com", width)
    open_page(page, f"{base_url}/mine")
    page.get_by_role("button", name="Add a trigger").click()
    form = page.get_by_role("form", name="A new trigger")
    form.get_by_text("Start from an example").click()
    snap(page, "examples", width)
    form.get_by_role("button", name="Plans changed at the last minute").click()
    expect(form.get_by_label("What sets me off")).to_have_value("Plans changed at the last minute")
    expect(form.get_by_label("What sets me off")).to_be_focused()
    expect(form.get_by_label("What kind of thing it is")).to_have_value("situation")
    expect(form.get_by_label("Listening")).to_be_checked()
    expect(form.get_by_label("Private notes")).to_have_value("")
    assert not Trigger.objects.exists()
    form.get_by_label("What sets me off").fill("Plans changed on the day")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#trigger-list")).to_contain_text("Plans changed on the day")
    assert [t.title for t in Trigger.objects.all()] == ["Plans changed on the day"]

    page.get_by_role("button", name="Add a boundary").click()
    form = page.get_by_role("form", name="A new boundary")
    form.get_by_text("Start from an example").click()
    form.get_by_role("button", name="Time alone after work").click()
    expect(form.get_by_label("My boundary")).to_have_value(
        "I need half an hour to myself when I get home from work."
    )
    form.get_by_role("button", name="Cancel").click()
    assert not Boundary.objects.exists()

    page.get_by_role("button", name="Add a self-care note").click()
    form = page.get_by_role("form", name="A new self-care note")
    form.get_by_text("Start from an example").click()
    form.get_by_role("button", name="Crowded places drain me").click()
    expect(form.get_by_label("drains me")).to_be_checked()
    expect(form.get_by_label("What it is")).to_have_value("Crowded places")
    assert not SelfCareNote.objects.exists()


def test_it_keeps_the_new_screens_free_of_serious_accessibility_problems(
    new_context: NewContext, base_url: str, alice: User, bob: User, axe: str, width: int
) -> None:
    TriggerFactory.create(owner=alice, title="Raised voices")
    trigger_services.item_share(item=BoundaryFactory.create(owner=alice), by=alice)
    checkin_services.checkin_update(
        checkin=CheckInFactory.create(owner=alice), by=alice, fields={"shared": True}
    )
    page = signed_in(new_context, base_url, "alice@example.com", width, bypass_csp=True)
    found: dict[str, list[str]] = {}
    for path in ("/shared", "/history"):
        open_page(page, f"{base_url}{path}")
        found[path] = blocking(axe_violations(page, axe))
    open_page(page, f"{base_url}/mine")
    page.get_by_role("switch", name="Share with Bob").first.click()
    expect(page.get_by_role("dialog", name="What Bob will see")).to_be_visible()
    found["/mine with the preview"] = blocking(axe_violations(page, axe))
    assert found == {path: [] for path in found}


def test_it_still_saves_a_new_check_in_answering_its_reminder(
    new_context: NewContext, base_url: str, alice: User, bob: User, width: int
) -> None:
    prompt = PromptFactory.create(user=alice)
    page = signed_in(new_context, base_url, "alice@example.com", width)
    open_page(page, f"{base_url}/checkin?prompt={prompt.pk}")
    expect(page.get_by_role("heading", name="Check in", level=1)).to_be_visible()
    expect(page.locator("#shared-edit")).to_have_count(0)
    page.locator("#mood-1-0").check()
    page.get_by_label("Me and Bob").check()
    page.get_by_role("button", name="Save my check-in").click()
    page.wait_for_url(f"{base_url}/today")
    saved = CheckIn.objects.get()
    assert saved.prompt_id == prompt.pk and saved.shared_with_id is not None
