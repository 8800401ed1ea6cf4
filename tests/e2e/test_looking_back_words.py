"""Looking back together, in attune's words: the consent log says in plain
words when Alice agreed and stopped, and History leads to Us over time."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import User
from partners import services
from tests.e2e.browser import NewContext, log_in, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_it_tells_agreeing_and_stopping_in_the_consent_log_in_plain_words(
    new_context: NewContext, base_url: str, alice: User, bob: User
) -> None:
    services.partnership_set_over_time(user=alice, agreed=True)
    services.partnership_set_over_time(user=alice, agreed=False)
    page = new_context().new_page()
    log_in(page, base_url, email="alice@example.com")
    open_page(page, f"{base_url}/settings")

    log = page.locator("#consent-log")
    expect(log).to_contain_text("You agreed to look back together")
    expect(log).to_contain_text("You stopped looking back together")
    expect(log).not_to_contain_text("over time")


def test_it_leads_from_history_to_us_over_time(
    new_context: NewContext, base_url: str, alice: User, bob: User
) -> None:
    page = new_context().new_page()
    log_in(page, base_url, email="alice@example.com")
    open_page(page, f"{base_url}/history")

    page.get_by_role("link", name="Us over time").click()
    page.wait_for_url(f"{base_url}/us")
    expect(page.get_by_role("heading", name="Us over time", level=1)).to_be_visible()
