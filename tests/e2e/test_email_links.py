"""Issue 13 in Chromium: the device's timezone taken at sign-up (through the
emailed code) and offered in Settings when it differs, a searchable zone
picker, email choices, and the reminder email's links pressed signed out: no
request or Referer the browser sends holds a link's token."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import Page, Request, expect

from accounts.models import User
from checkins import links as checkin_links
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


class Sent:
    """Every request URL and Referer a page sends, to check no token is among them."""

    def __init__(self, page: Page) -> None:
        self.seen: list[str] = []
        page.on("request", self._record)

    def _record(self, request: Request) -> None:
        self.seen.append(request.url)
        self.seen.append(request.headers.get("referer", ""))

    def assert_free_of(self, *tokens: str) -> None:
        assert self.seen
        assert not [seen for seen in self.seen for token in tokens if token in seen]


def _sent_reminder(user: User) -> tuple[Prompt, Any]:
    prompt = PromptFactory.create(user=user)
    checkin_services.prompts_send(prompt_ids=[str(prompt.pk)])
    return prompt, mail.outbox[-1]


def _link(message: Any, label: str) -> str:
    found = re.search(rf"{label}: (\S+)", str(message.body))
    assert found
    return str(found.group(1))


def test_it_skips_a_reminder_from_the_email_signed_out_once(
    base_url: str, new_context: NewContext, alice: User, axe: str
) -> None:
    prompt, message = _sent_reminder(alice)
    skip = _link(message, "Or skip this one")
    token = skip.split("#", 1)[1]
    page = new_context(bypass_csp=True).new_page()  # signed out
    sent = Sent(page)

    open_page(page, base_url + _path(skip))
    expect(page.get_by_role("heading", name="Skip this reminder?")).to_be_visible()
    # Out of the address bar, kept only in this tab.
    assert page.url == f"{base_url}/reminder"
    _accessible(page, axe)
    prompt.refresh_from_db()
    assert prompt.status == Prompt.Status.PENDING

    # The email opened twice (a second tab), both ready before either press.
    second = page.context.new_page()
    sent_second = Sent(second)
    open_page(second, base_url + _path(skip))

    page.get_by_role("button", name="Skip this one").click()
    expect(page.get_by_role("heading", name="Skipped, and that's fine")).to_be_visible()
    prompt.refresh_from_db()
    assert prompt.status == Prompt.Status.SKIPPED

    second.get_by_role("button", name="Skip this one").click()
    expect(
        second.get_by_role("heading", name="This reminder was already taken care of")
    ).to_be_visible()
    expect(second.get_by_role("alert")).to_have_text(
        "It has been answered, skipped or snoozed since this email was sent."
    )
    expect(second.locator("#reminder-next")).to_contain_text("Nothing changed now.")
    sent_second.assert_free_of(token)
    # Going on from here sends only the origin as a Referer.
    page.get_by_role("link", name="Go to today").click()
    page.wait_for_url(re.compile(r"/login"))

    # The same link again, from the same email.
    open_page(page, base_url + _path(skip))
    used = "This reminder was already taken care of"
    expect(page.get_by_role("heading", name=used)).to_be_visible()
    expect(page.get_by_role("button")).to_have_count(0)
    _accessible(page, axe)
    sent.assert_free_of(token)


def test_it_snoozes_from_an_old_query_link_and_says_until_when(
    base_url: str, new_context: NewContext, alice: User
) -> None:
    """Links sent before the token moved to the fragment (`?t=`) keep working."""
    prompt, message = _sent_reminder(alice)
    token = _link(message, "Snooze it").split("#", 1)[1]
    page = new_context(timezone_id="Asia/Kolkata").new_page()
    sent = Sent(page)

    open_page(page, f"{base_url}/reminder?t={token}")
    assert page.url == f"{base_url}/reminder"
    page.get_by_role("button", name="Snooze it").click()
    expect(page.get_by_role("heading", name="Snoozed for now")).to_be_visible()

    prompt.refresh_from_db()
    assert prompt.snoozed_until is not None
    local = prompt.snoozed_until.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%H:%M")
    expect(page.locator("#reminder-done")).to_contain_text(f"We'll ask again at {local}.")
    # Only the first request (the page itself) carried the old link's token.
    assert token in sent.seen[0]
    assert not [seen for seen in sent.seen[2:] if token in seen]


def test_it_acts_on_nothing_when_a_link_scanner_follows_the_link(
    base_url: str, new_context: NewContext, alice: User
) -> None:
    prompt, message = _sent_reminder(alice)
    context = new_context()
    for label in ("Snooze it", "Or skip this one"):
        # A scanner fetches the page (and may run its script) but presses nothing.
        context.request.get(_link(message, label).replace("https://attune.test", base_url))
        open_page(context.new_page(), base_url + _path(_link(message, label)))
    prompt.refresh_from_db()
    assert (prompt.status, prompt.snoozed_until) == (Prompt.Status.PENDING, None)


def test_it_says_so_when_the_link_has_run_its_course(
    base_url: str, new_context: NewContext, alice: User, monkeypatch: Any
) -> None:
    prompt, message = _sent_reminder(alice)
    monkeypatch.setattr(checkin_links, "MAX_AGE", timedelta(seconds=-1))
    page = new_context().new_page()

    open_page(page, base_url + _path(_link(message, "Or skip this one")))
    expect(page.get_by_role("heading", name="This link has run its course")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Reminder links work for a few days")
    expect(page.get_by_role("button")).to_have_count(0)
    prompt.refresh_from_db()
    assert prompt.status == Prompt.Status.PENDING


def test_it_unsubscribes_from_the_emails_body_link_signed_out(
    base_url: str, new_context: NewContext, alice: User, axe: str
) -> None:
    _, message = _sent_reminder(alice)
    link = _link(message, "Stop them here")
    token = link.split("#", 1)[1]
    page = new_context(bypass_csp=True).new_page()
    sent = Sent(page)

    open_page(page, base_url + _path(link))
    expect(page.get_by_role("heading", name="Stop reminder emails?")).to_be_visible()
    assert page.url == f"{base_url}/email/unsubscribe"
    _accessible(page, axe)
    alice.refresh_from_db()
    assert alice.email_reminders is True

    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("heading", name="No more reminder emails")).to_be_visible()
    _accessible(page, axe)
    alice.refresh_from_db()
    assert alice.email_reminders is False
    sent.assert_free_of(token)

    # The header's link (RFC 8058) still works for a mail provider: a POST, no cookie.
    alice.email_reminders = True
    alice.save(update_fields=["email_reminders"])
    header = message.extra_headers["List-Unsubscribe"].strip("<>")
    response = new_context().request.post(
        base_url + _path(header), data="List-Unsubscribe=One-Click"
    )
    assert response.ok
    alice.refresh_from_db()
    assert alice.email_reminders is False
