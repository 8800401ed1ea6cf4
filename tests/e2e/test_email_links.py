"""Issue 13 in Chromium: the device's timezone taken at sign-up (through the
emailed code) and offered in Settings when it differs, a searchable zone
picker, email choices, and the reminder email's links pressed signed out."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import User
from checkins import services as checkin_services
from checkins.models import Prompt
from tests.e2e.browser import NewContext, axe_violations, blocking, log_in, open_page, sign_up
from tests.e2e.test_sign_in import code_from_mail
from tests.factories import PromptFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alice(db: Any) -> User:
    alice = UserFactory.create(email="alice@example.com", display_name="Alice")
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    return alice


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _accessible(page: Page, axe: str) -> None:
    assert blocking(axe_violations(page, axe)) == []


def test_it_takes_the_device_zone_at_sign_up_through_the_emailed_code(
    base_url: str, new_context: NewContext, settings: Any
) -> None:
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
    page = new_context(timezone_id="Europe/Berlin").new_page()

    sign_up(page, base_url, name="Robin", email="robin@example.com")
    page.wait_for_url(f"{base_url}/account/verify-email")
    page.get_by_label("Code", exact=True).fill(code_from_mail("robin@example.com"))
    page.get_by_role("button", name="Confirm", exact=True).click()
    page.wait_for_url(f"{base_url}/today")
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")

    robin = User.objects.get(email="robin@example.com")
    assert (robin.display_name, robin.timezone) == ("Robin", "Europe/Berlin")


def test_it_offers_the_device_zone_in_settings_and_searches_zones(
    base_url: str, new_context: NewContext, alice: User, axe: str
) -> None:
    page = new_context(timezone_id="America/New_York", bypass_csp=True).new_page()
    log_in(page, base_url, email=alice.email)
    open_page(page, f"{base_url}/settings")
    zone = page.get_by_label("Your timezone")
    expect(zone).to_have_value("UTC")
    # A searchable field with a list of names, not a select of 400.
    assert zone.evaluate("(el) => el.tagName") == "INPUT"
    assert page.locator("#timezone-names option[value='Europe/Berlin']").count() == 1
    _accessible(page, axe)

    page.get_by_text("This device says America/New_York.").get_by_role(
        "button", name="Use it"
    ).click()
    expect(page.locator("#timezone-device")).to_have_text("Your timezone is now America/New_York.")
    alice.refresh_from_db()
    assert alice.timezone == "America/New_York"

    zone.fill("Asia/Tokyo")
    page.locator("#profile-form").get_by_role("button", name="Save").click()
    expect(page.locator("#timezone-device")).to_contain_text("This device says America/New_York.")
    alice.refresh_from_db()
    assert alice.timezone == "Asia/Tokyo"

    page.get_by_label("Email me my check-in reminders").uncheck()
    page.get_by_role("button", name="Save email choices").click()
    expect(page.locator("#emails-saved")).to_have_text("Saved.")
    alice.refresh_from_db()
    assert (alice.email_reminders, alice.email_partner_activity) == (False, True)


def test_it_skips_a_reminder_from_the_email_signed_out_once(
    base_url: str, new_context: NewContext, alice: User, axe: str
) -> None:
    prompt = PromptFactory.create(user=alice)
    checkin_services.prompts_send(prompt_ids=[str(prompt.pk)])
    (message,) = mail.outbox
    skip = re.search(r"Or skip this one: (\S+)", str(message.body))
    assert skip
    page = new_context(bypass_csp=True).new_page()  # signed out

    open_page(page, base_url + _path(skip.group(1)))
    expect(page.get_by_role("heading", name="Skip this reminder?")).to_be_visible()
    _accessible(page, axe)
    prompt.refresh_from_db()
    assert prompt.status == Prompt.Status.PENDING

    page.get_by_role("button", name="Skip this one").click()
    expect(page.get_by_role("heading", name="Skipped, and that's fine")).to_be_visible()
    prompt.refresh_from_db()
    assert prompt.status == Prompt.Status.SKIPPED

    # The same press again, from the same email.
    open_page(page, base_url + _path(skip.group(1)))
    page.get_by_role("button", name="Skip this one").click()
    expect(page.get_by_role("heading", name=re.compile("already taken care of"))).to_be_visible()
    _accessible(page, axe)

    # And the email's unsubscribe link, signed out.
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    open_page(page, base_url + _path(unsubscribe))
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("heading", name="No more reminder emails")).to_be_visible()
    _accessible(page, axe)
    alice.refresh_from_db()
    assert alice.email_reminders is False
