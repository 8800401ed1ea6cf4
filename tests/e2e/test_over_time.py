"""Us over time in Chromium (/us): each partner agrees with one switch and sees
whether the other has; once both agree, two small charts and a table show both
people's shared check-ins week by week, at 360 and 1280 px, in light and dark,
axe clean; gentle words when there is nothing yet or no partner."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from partners import services as partners_services
from partners.models import Membership
from tests.conftest import pair
from tests.e2e.browser import NewContext, axe_violations, blocking, open_page, shoot
from tests.factories import PASSWORD, CheckInFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIGN_IN = """async ([email, password]) => {
  await fetch("/_allauth/browser/v1/config");
  const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
  const response = await fetch("/_allauth/browser/v1/auth/login", {
    method: "POST",
    headers: {"Content-Type": "application/json", "X-CSRFToken": token},
    body: JSON.stringify({email, password}),
  });
  return response.status;
}"""
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def person(email: str, name: str) -> User:
    user = UserFactory.create(email=email, display_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def couple(db: Any) -> tuple[User, User]:
    alice = person("alice@example.com", "Alice")
    bob = person("bob@example.com", "Bob")
    pair(alice, bob)
    return alice, bob


def signed_in(new_context: NewContext, base: str, user: User, **options: Any) -> Page:
    context: BrowserContext = new_context(**options)
    page = context.new_page()
    open_page(page, f"{base}/login")
    assert page.evaluate(SIGN_IN, [user.email, PASSWORD]) == 200
    return page


def shared(owner: User, *, days_ago: int, pleasantness: int, energy: int) -> None:
    partnership = Membership.objects.get(user=owner, ended_at=None).partnership
    when = timezone.now() - timedelta(days=days_ago)
    CheckInFactory.create(
        owner=owner,
        created_at=when,
        pleasantness=pleasantness,
        energy=energy,
        shared_with=partnership,
        shared_at=when,
    )


def some_weeks(alice: User, bob: User) -> None:
    for days_ago, p, e in [(1, 2, 1), (9, -1, -2), (9, 1, 0), (30, 0, 1), (60, -2, -1)]:
        shared(alice, days_ago=days_ago, pleasantness=p, energy=e)
    for days_ago, p, e in [(2, 1, -1), (16, 2, 2), (31, -1, 0)]:
        shared(bob, days_ago=days_ago, pleasantness=p, energy=e)
    # Private: never drawn, never counted.
    CheckInFactory.create(owner=bob, created_at=timezone.now() - timedelta(days=2), energy=2)


def agreed(user: User) -> bool:
    return Membership.objects.get(user=user, ended_at=None).over_time_since is not None


def test_it_opens_once_both_agree_and_closes_when_one_stops(
    couple: tuple[User, User], new_context: NewContext, base_url: str
) -> None:
    alice, bob = couple
    some_weeks(alice, bob)
    hers = signed_in(new_context, base_url, alice)
    open_page(hers, f"{base_url}/us")
    switch = hers.get_by_role("switch", name="Look back together with Bob")
    expect(switch).to_have_attribute("aria-checked", "false")
    expect(hers.locator("#partner-agrees")).to_have_text(
        "Neither of you has agreed yet. Bob sees here whether you do."
    )
    expect(hers.locator("#together")).to_be_hidden()

    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(switch).to_be_focused()
    expect(hers.locator("#partner-agrees")).to_contain_text("Bob has not agreed yet")
    expect(hers.locator("#together")).to_be_hidden()
    assert agreed(alice) and not agreed(bob)

    his = signed_in(new_context, base_url, bob)
    open_page(his, f"{base_url}/us")
    expect(his.locator("#partner-agrees")).to_have_text(
        "Alice would like to look back together. It opens if you agree too."
    )
    his.get_by_role("switch", name="Look back together with Alice").click()
    expect(his.locator("#partner-agrees")).to_contain_text("You and Alice both agree")
    expect(his.get_by_role("heading", name="The last twelve weeks")).to_be_visible()
    charts = his.get_by_role("img")
    expect(charts).to_have_count(2)
    expect(
        his.get_by_role("img", name="How pleasant it felt, week by week, for you and Alice")
    ).to_be_visible()
    # Two people in each chart: circles for bob's own weeks, squares for alice's.
    pleasant = his.locator("figure").first
    expect(pleasant.locator("circle")).to_have_count(3)
    expect(pleasant.locator("rect")).to_have_count(4)

    his.get_by_text("The same as a table").click()
    rows = his.locator(".chart-table tbody tr")
    expect(rows).to_have_count(12)
    expect(his.locator(".chart-table thead")).to_contain_text("Alice")
    # Bob's own week, without his private check-in; nothing adds up to a total.
    expect(his.locator(".chart-table")).to_contain_text(
        "1 check-in: pleasantness +1.0, energy \u22121.0"  # a true minus sign
    )
    expect(his.locator(".chart-table")).not_to_contain_text("score")
    expect(his.locator(".chart-table")).not_to_contain_text("streak")

    his.get_by_label("Show").select_option(label="The last year")
    expect(his.get_by_role("heading", name="The last year")).to_be_visible()
    expect(rows).to_have_count(52)

    open_page(hers, f"{base_url}/us")
    expect(hers.get_by_role("img")).to_have_count(2)
    hers.get_by_role("switch", name="Look back together with Bob").click()
    expect(hers.locator("#together")).to_be_hidden()
    assert not agreed(alice)

    open_page(his, f"{base_url}/us")
    expect(his.locator("#together")).to_be_hidden()
    expect(his.locator("#partner-agrees")).to_contain_text("Alice has not agreed yet")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_fits_a_phone_and_a_desktop_and_passes_axe(
    scheme: str, couple: tuple[User, User], new_context: NewContext, base_url: str, axe: str
) -> None:
    alice, bob = couple
    some_weeks(alice, bob)
    for person_ in (alice, bob):
        partners_services.partnership_set_over_time(user=person_, agreed=True)
    page = signed_in(new_context, base_url, alice, bypass_csp=True, color_scheme=scheme)
    open_page(page, f"{base_url}/us")
    page.get_by_text("The same as a table").click()

    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        expect(page.get_by_role("img")).to_have_count(2)
        # Redrawn to the width it has (half of it on a desktop), the table still open.
        page.wait_for_function(
            f"document.querySelector('svg.chart').viewBox.baseVal.width <= {width // 2 + 20}"
            if width > 900
            else f"document.querySelector('svg.chart').viewBox.baseVal.width <= {width}"
        )
        expect(page.locator("details.chart-table")).to_have_attribute("open", "")
        assert page.evaluate(OVERFLOW) <= 0, f"scrolls sideways at {width} px"
        assert blocking(axe_violations(page, axe)) == []
    shoot(page, f"over-time-{scheme}")


def test_it_says_gently_when_there_is_nothing_yet(
    couple: tuple[User, User], new_context: NewContext, base_url: str
) -> None:
    alice, bob = couple
    for person_ in (alice, bob):
        partners_services.partnership_set_over_time(user=person_, agreed=True)
    partners_services.partnership_set_paused(user=bob, paused=True)
    page = signed_in(new_context, base_url, alice)

    open_page(page, f"{base_url}/us")

    expect(page.locator("#weeks")).to_contain_text("Nothing to look back on in these weeks yet")
    expect(page.locator("#weeks")).to_contain_text("Bob has paused their sharing")
    expect(page.locator("#weeks").get_by_role("link", name="Check in")).to_be_visible()
    expect(page.get_by_role("img")).to_have_count(0)


def test_it_tells_someone_without_a_partner_what_it_is_for(
    db: Any, new_context: NewContext, base_url: str
) -> None:
    carol = person("carol@example.com", "Carol")
    page = signed_in(new_context, base_url, carol)

    open_page(page, f"{base_url}/us")

    expect(page.locator("#agreement")).to_contain_text("Us over time is for two")
    expect(page.get_by_role("link", name="Invite someone")).to_have_attribute("href", "/invite")
    expect(page.get_by_role("switch")).to_have_count(0)
