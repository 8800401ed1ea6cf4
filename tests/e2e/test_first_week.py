"""A first week that guides (issue 13): after sign-up, Today shows three steps
(invite, write a first trigger, choose reminders), each done or not from what
is really there; the guide can be hidden, and leaves once all three are done.
And Today's waiting list says three shares as one line with a count.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from checkins import services as checkin_services
from partners import services as partner_services
from tests.e2e.browser import (
    NewContext,
    axe_violations,
    blocking,
    in_scheme,
    log_in,
    open_page,
    shoot,
    shoot_schemes,
    sign_up,
)
from tests.factories import UserFactory
from triggers import services as trigger_services
from triggers.models import Boundary, SelfCareNote, Trigger

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def guide(page: Page) -> Locator:
    return page.get_by_role("region", name="Your first week")


def step(page: Page, name: str) -> Locator:
    return guide(page).locator(f"li[data-step={name}]")


def expect_steps(page: Page, invite: bool, write: bool, remind: bool) -> None:
    for name, done in (("invite", invite), ("write", write), ("remind", remind)):
        expect(step(page, name)).to_have_attribute("data-done", str(done).lower())
        if done:
            expect(step(page, name)).to_contain_text("done")
        else:
            expect(step(page, name).get_by_role("link")).to_be_visible()


def test_it_guides_a_new_person_and_ticks_each_step_as_it_is_done(
    new_context: NewContext, base_url: str, axe: str
) -> None:
    page = new_context(bypass_csp=True).new_page()
    sign_up(page, base_url, name="Alice", email="alice@example.com")
    page.wait_for_url(f"{base_url}/today")
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    expect(guide(page)).to_be_visible()
    expect_steps(page, invite=False, write=False, remind=False)
    expect(step(page, "invite").get_by_role("link", name="Invite your partner")).to_have_attribute(
        "href", "/invite"
    )
    expect(step(page, "write").get_by_role("link", name="Write a first trigger")).to_have_attribute(
        "href", re.compile(r"^/mine#")
    )
    expect(
        step(page, "remind").get_by_role("link", name="Choose when to be reminded")
    ).to_have_attribute("href", re.compile(r"^/settings"))
    shoot_schemes(page, "first-week")
    for scheme in ("light", "dark"):
        in_scheme(page, scheme)
        assert blocking(axe_violations(page, axe)) == []

    # An open invitation counts: the partner may take a while.
    open_page(page, f"{base_url}/invite")
    page.get_by_role("button", name="Create an invitation link").click()
    expect(page.get_by_text("waiting to be accepted")).to_be_visible()
    open_page(page, f"{base_url}/today")
    expect_steps(page, invite=True, write=False, remind=False)
    expect(step(page, "invite")).to_contain_text("Your invitation is waiting to be accepted.")

    alice = User.objects.get(email="alice@example.com")
    trigger_services.item_create(model=Trigger, owner=alice, fields={"title": "Raised voices"})
    open_page(page, f"{base_url}/today")
    expect_steps(page, invite=True, write=True, remind=False)

    checkin_services.schedule_save(
        user=alice, active=True, weekdays=[0, 2, 4], times=["19:00"], timezone_name="UTC"
    )
    open_page(page, f"{base_url}/today")
    # All three done: the guide leaves, and stays gone.
    expect(guide(page)).to_be_hidden()
    checkin_services.schedule_save(
        user=alice, active=False, weekdays=[0], times=["19:00"], timezone_name="UTC"
    )
    open_page(page, f"{base_url}/today")
    expect(guide(page)).to_be_hidden()


def test_it_can_be_hidden_and_stays_hidden(new_context: NewContext, base_url: str) -> None:
    UserFactory.create(email="carol@example.com", display_name="Carol")
    page = new_context().new_page()
    log_in(page, base_url, email="carol@example.com")
    expect(guide(page)).to_be_visible()
    guide(page).get_by_role("button", name="Hide this guide").click()
    expect(guide(page)).to_be_hidden()
    expect(page.locator("#greeting")).to_be_focused()
    page.reload()
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    expect(page.get_by_text("Hello, Carol.", exact=False)).to_be_visible()
    expect(guide(page)).to_be_hidden()


def test_it_counts_every_kind_of_first_item(new_context: NewContext, base_url: str) -> None:
    dana = UserFactory.create(email="dana@example.com", display_name="Dana")
    page = new_context().new_page()
    log_in(page, base_url, email="dana@example.com")
    expect_steps(page, invite=False, write=False, remind=False)
    trigger_services.item_create(
        model=SelfCareNote, owner=dana, fields={"title": "A walk", "effect": "restores"}
    )
    open_page(page, f"{base_url}/today")
    expect_steps(page, invite=False, write=True, remind=False)


def test_three_shares_wait_as_one_line_with_a_count(new_context: NewContext, base_url: str) -> None:
    alice = UserFactory.create(email="alice@example.com", display_name="Alice")
    bob = UserFactory.create(email="bob@example.com", display_name="Bob")
    created = partner_services.invitation_create(inviter=alice)
    partner_services.invitation_accept(token=created.token, user=bob)
    for model, fields in (
        (Trigger, {"title": "Raised voices"}),
        (Trigger, {"title": "Plans changed at the last minute"}),
        (Boundary, {"statement": "No phones at dinner."}),
    ):
        item = trigger_services.item_create(model=model, owner=alice, fields=fields)
        trigger_services.item_share(item=item, by=alice)

    page = new_context().new_page()
    log_in(page, base_url, email="bob@example.com")
    waiting = page.locator("#waiting-list")
    line = waiting.get_by_role("link", name="Alice shared 3 things with you")
    expect(line).to_be_visible()
    expect(waiting.get_by_role("link")).to_have_count(1)
    expect(waiting.get_by_text("Alice shared something with you")).to_have_count(0)
    shoot(page, "today-gathered")
    line.click()
    page.wait_for_url(f"{base_url}/partner")
    expect(page.locator("article", has_text="No phones at dinner.")).to_be_visible()
    # Following the line marked all three read.
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Today"))
    ).to_have_accessible_name("Today")
