"""Ending the partnership in Chromium (issue 13, item 1): one clear confirmation that
says what ends and what stays; keeping it is one press (or Escape); a quiet ending
sends no email; the other person's app shows the ended state gently, by name, with
the support link."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from partners.models import Membership
from tests.conftest import pair
from tests.e2e.browser import NewContext, axe_violations, blocking, open_page, shoot
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUPPORT = "https://support.example.org/help"

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


def person(email: str, name: str) -> User:
    user = UserFactory.create(email=email, display_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def couple(db: Any, settings: Any) -> tuple[User, User]:
    settings.SUPPORT_URL = SUPPORT
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


def together(bob: User) -> bool:
    return Membership.objects.filter(user=bob, ended_at__isnull=True).exists()


def test_it_asks_once_and_keeps_the_partnership_when_told(
    couple: tuple[User, User], new_context: NewContext, base_url: str
) -> None:
    alice, bob = couple
    page = signed_in(new_context, base_url, alice)
    open_page(page, f"{base_url}/settings")
    end = page.get_by_role("button", name="End the partnership with Bob")

    end.click()
    dialog = page.get_by_role("dialog", name="End the partnership with Bob?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Every share and every thread between you and Bob ends")
    expect(dialog).to_contain_text("Nothing is deleted from either person's own space")
    expect(dialog).to_contain_text("Bob is not emailed")
    expect(dialog).to_contain_text("the only text of yours we send")
    expect(dialog.get_by_role("link", name="support and resources")).to_have_attribute(
        "href", SUPPORT
    )
    dialog.get_by_role("button", name="Keep the partnership").click()
    expect(dialog).to_have_count(0)
    expect(end).to_be_focused()

    end.click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert together(bob)


def test_it_ends_quietly_and_the_other_sees_it_gently(
    couple: tuple[User, User], new_context: NewContext, base_url: str, axe: str
) -> None:
    alice, bob = couple
    bob_page = signed_in(new_context, base_url, bob, bypass_csp=True)
    open_page(bob_page, f"{base_url}/today")  # his app knows her name while paired

    page = signed_in(new_context, base_url, alice, bypass_csp=True)
    open_page(page, f"{base_url}/settings")
    page.get_by_role("button", name="End the partnership with Bob").click()
    dialog = page.get_by_role("dialog", name="End the partnership with Bob?")
    assert blocking(axe_violations(page, axe)) == []
    shoot(page, "ending-dialog")
    dialog.get_by_role("button", name="End the partnership").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_text("The partnership has ended.")).to_be_focused()
    assert not together(bob)
    page.wait_for_timeout(500)  # time enough for an email that should not come
    assert mail.outbox == []

    open_page(bob_page, f"{base_url}/today")
    ended = bob_page.locator("#partnership-ended")
    expect(ended).to_contain_text("Your partnership with Alice has ended.")
    expect(ended).to_contain_text("Nothing was deleted from your own space")
    expect(ended.get_by_role("link", name="support and resources")).to_have_attribute(
        "href", SUPPORT
    )
    assert blocking(axe_violations(bob_page, axe)) == []
    shoot(bob_page, "ending-today")
    open_page(bob_page, f"{base_url}/partner")
    expect(bob_page.locator("#partnership-ended")).to_contain_text(
        "Your partnership with Alice has ended."
    )


def test_it_sends_the_message_written_in_the_dialog(
    couple: tuple[User, User], new_context: NewContext, base_url: str
) -> None:
    alice, _bob = couple
    page = signed_in(new_context, base_url, alice)
    open_page(page, f"{base_url}/settings")
    page.get_by_role("button", name="End the partnership with Bob").click()
    dialog = page.get_by_role("dialog", name="End the partnership with Bob?")
    dialog.get_by_label("A message to Bob").fill("Take good care of yourself.")
    dialog.get_by_role("button", name="End the partnership").click()
    expect(page.get_by_text("The partnership has ended.")).to_be_visible()

    for _ in range(50):  # the live server's thread may still be finishing the request
        if mail.outbox:
            break
        page.wait_for_timeout(100)
    (email,) = mail.outbox
    assert email.to == ["bob@example.com"]
    assert email.subject == "A message from Alice on attune"
    assert "Take good care of yourself." in email.body
