"""Settings' safety parts in Chromium: an authenticator app set up from the page
(the test reads the key from the page and computes the code, as a phone
would), a passkey made and removed with Chromium's virtual authenticator, and
the list of signed-in devices ending another browser's session.

Every change asks for the password again first, in the page's own dialog.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from playwright.sync_api import BrowserContext, Locator, Page, expect

from accounts.models import User
from tests.e2e.browser import (
    SCREENSHOTS,
    WIDTHS,
    NewContext,
    axe_violations,
    blocking,
    open_page,
    with_virtual_authenticator,
)
from tests.factories import PASSWORD, UserFactory
from tests.second_factor import fresh_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alice(db: Any) -> User:
    alice = UserFactory.create(email="alice@example.com", display_name="Alice")
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    return alice


# Signing in from the page, the way its script does (the login page itself is
# tested elsewhere): allauth's browser client, the session cookie and CSRF.
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


def signed_in(new_context: NewContext, base: str, user: User) -> tuple[BrowserContext, Page]:
    context = new_context()
    page = context.new_page()
    open_page(page, f"{base}/login")
    assert page.evaluate(SIGN_IN, [user.email, PASSWORD]) == 200
    return context, page


def confirm_password(page: Page) -> None:
    """The page's "Please confirm it's you" dialog, answered with the password."""
    dialog = page.get_by_role("dialog", name="Please confirm it's you")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Your password").fill(PASSWORD)
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)


def shoot_light_and_dark(page: Page, name: str, section: Locator) -> None:
    """The whole page and a close-up of `section`, at each width, light and dark."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.screenshot(path=SCREENSHOTS / f"{name}-{scheme}-{width}.png", full_page=True)
            section.screenshot(path=SCREENSHOTS / f"{name}-{scheme}-{width}-section.png")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_it_sets_up_an_authenticator_app_and_shows_the_recovery_codes_once(
    new_context: NewContext, base_url: str, alice: User
) -> None:
    _, page = signed_in(new_context, base_url, alice)
    open_page(page, f"{base_url}/settings")
    section = page.get_by_role("region", name="Two-step sign-in")
    section.get_by_role("button", name="Set up an authenticator app").click()

    qr = section.get_by_role("img", name=re.compile("QR code for your authenticator app"))
    expect(qr).to_be_visible()
    page.wait_for_function("() => document.querySelector('img.qr').naturalWidth > 0")
    secret = section.locator("#totp-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    shoot_light_and_dark(page, "settings-totp-setup", section)

    section.get_by_label("Code from your app").fill(fresh_code(secret, margin=15))
    section.get_by_role("button", name="Turn on two-step sign-in").click()
    confirm_password(page)

    codes = section.get_by_role("list", name="Your recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    expect(section.get_by_role("link", name="Download them")).to_be_visible()
    expect(section.get_by_text("Two-step sign-in is on. After your password")).to_be_visible()
    assert Authenticator.objects.filter(user=alice, type="totp").exists()
    shoot_light_and_dark(page, "settings-recovery-codes", section)

    section.get_by_role("button", name="I have kept them safe").click()
    expect(codes).to_have_count(0)
    expect(section.get_by_text("You have 10 of 10 recovery codes left.")).to_be_visible()
    # The QR code of a finished setup is gone from the server too.
    assert page.request.get(f"{base_url}/account/totp-qr.svg").status == 404

    section.get_by_role("button", name="Turn off two-step sign-in").click()
    expect(section.get_by_role("button", name="Keep it on")).to_be_focused()
    section.get_by_role("button", name="Yes, turn it off").click()
    expect(section.get_by_role("button", name="Set up an authenticator app")).to_be_visible()
    assert not Authenticator.objects.filter(user=alice, type="totp").exists()


def test_it_adds_a_passkey_with_a_virtual_authenticator_and_removes_it(
    new_context: NewContext, base_url: str, alice: User, settings: Any
) -> None:
    # The live server speaks plain http on localhost, which WebAuthn accepts
    # from the browser; allauth must accept that origin too.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    context, page = signed_in(new_context, base_url, alice)
    with_virtual_authenticator(context, page)
    open_page(page, f"{base_url}/settings")
    section = page.get_by_role("region", name="Passkeys")
    expect(section.get_by_text("No passkeys yet.")).to_be_visible()

    section.get_by_label("A name for the new passkey").fill("My laptop")
    section.get_by_role("button", name="Add a passkey").click()
    confirm_password(page)
    expect(section.get_by_role("listitem").filter(has_text="My laptop")).to_be_visible()
    passkey = Authenticator.objects.get(user=alice, type="webauthn")
    assert passkey.wrap().name == "My laptop"
    assert passkey.wrap().is_passwordless is True
    # The first authenticator brings recovery codes, shown once.
    expect(
        page.get_by_role("list", name="Your recovery codes").get_by_role("listitem")
    ).to_have_count(10)
    page.get_by_role("button", name="I have kept them safe").click()
    shoot_light_and_dark(page, "settings-passkeys", section)

    section.get_by_role("button", name="Rename My laptop").click()
    section.get_by_label("New name").fill("Work laptop")
    section.get_by_role("button", name="Save the name").click()
    expect(section.get_by_role("listitem").filter(has_text="Work laptop")).to_be_visible()

    section.get_by_role("button", name="Remove Work laptop").click()
    expect(section.get_by_text("No passkeys yet.")).to_be_visible()
    assert not Authenticator.objects.filter(user=alice, type="webauthn").exists()


def test_it_lists_both_signed_in_browsers_and_signs_out_the_other(
    new_context: NewContext, base_url: str, alice: User
) -> None:
    _, here = signed_in(new_context, base_url, alice)
    _, there = signed_in(new_context, base_url, alice)
    open_page(here, f"{base_url}/settings")
    section = here.get_by_role("region", name="Where you are signed in")
    devices = section.get_by_role("listitem")
    expect(devices).to_have_count(2)
    expect(devices.filter(has_text="This device")).to_have_count(1)
    expect(devices.first).to_contain_text("Chrome on Linux")
    expect(devices.first).to_contain_text("127.0.0.1")
    shoot_light_and_dark(here, "settings-devices", section)

    section.get_by_role("button", name="Sign out all other devices").click()
    asked = here.get_by_role("dialog", name="Please confirm it's you")
    done = section.get_by_role("status").filter(has_text="The other device is signed out.")
    expect(asked.or_(done)).to_be_visible()
    if asked.is_visible():
        confirm_password(here)
    expect(done).to_be_visible()
    expect(devices).to_have_count(1)

    there.goto(f"{base_url}/today")
    expect(there).to_have_url(re.compile(r"/login\?next=/today$"))


def test_it_moves_the_account_to_a_new_email_address(
    new_context: NewContext, base_url: str, alice: User
) -> None:
    _, page = signed_in(new_context, base_url, alice)
    open_page(page, f"{base_url}/settings")
    section = page.get_by_role("region", name="Email address")
    expect(section.get_by_role("listitem")).to_contain_text("Your main address")

    section.get_by_label("Move to a new email address").fill("alice@new.example")
    section.get_by_role("button", name="Add this address").click()
    confirm_password(page)
    waiting = section.get_by_role("listitem").filter(has_text="alice@new.example")
    expect(waiting).to_contain_text("Waiting for you to confirm it.")
    shoot_light_and_dark(page, "settings-email", section)

    # The link in the email confirms it (its own page is tested elsewhere).
    EmailAddress.objects.filter(email="alice@new.example").update(verified=True)
    open_page(page, f"{base_url}/settings")
    section.get_by_role("button", name="Make this my main address").click()
    expect(page.locator("#profile-email")).to_have_text("alice@new.example")
    section.get_by_role("button", name="Remove alice@example.com").click()
    expect(section.get_by_role("listitem")).to_have_count(1)
    alice.refresh_from_db()
    assert alice.email == "alice@new.example"
    assert list(EmailAddress.objects.filter(user=alice).values_list("email", flat=True)) == [
        "alice@new.example"
    ]


def test_it_changes_the_password_and_says_what_is_wrong_in_plain_words(
    new_context: NewContext, base_url: str, alice: User
) -> None:
    _, page = signed_in(new_context, base_url, alice)
    open_page(page, f"{base_url}/settings")
    form = page.locator("#password-form")
    form.get_by_label("Your current password").fill("not my password")
    form.get_by_label("A new password").fill("a brand new calm phrase")
    form.get_by_role("button", name="Change my password").click()
    expect(form.get_by_text("That isn't your current password.")).to_be_visible()

    form.get_by_label("Your current password").fill(PASSWORD)
    form.get_by_label("A new password").fill("password123")
    form.get_by_role("button", name="Change my password").click()
    expect(form.get_by_text("Many people use that password")).to_be_visible()
    shoot_light_and_dark(page, "settings-password", form)

    form.get_by_label("A new password").fill("a brand new calm phrase")
    form.get_by_role("button", name="Change my password").click()
    expect(form.get_by_role("status")).to_have_text("Your password is changed.")
    alice.refresh_from_db()
    assert alice.check_password("a brand new calm phrase")


def test_it_leaves_axe_nothing_serious_in_any_state_of_two_step_sign_in(
    new_context: NewContext, base_url: str, alice: User, axe: str
) -> None:
    # axe-core is injected, which the strict policy refuses: this context bypasses it.
    context = new_context(bypass_csp=True)
    page = context.new_page()
    open_page(page, f"{base_url}/login")
    assert page.evaluate(SIGN_IN, [alice.email, PASSWORD]) == 200
    open_page(page, f"{base_url}/settings")
    found = {"settings": blocking(axe_violations(page, axe))}

    section = page.get_by_role("region", name="Two-step sign-in")
    section.get_by_role("button", name="Set up an authenticator app").click()
    secret = section.locator("#totp-secret").inner_text().replace(" ", "")
    found["setup"] = blocking(axe_violations(page, axe))

    section.get_by_label("Code from your app").fill(fresh_code(secret, margin=15))
    section.get_by_role("button", name="Turn on two-step sign-in").click()
    confirm_password(page)
    expect(section.get_by_role("button", name="I have kept them safe")).to_be_visible()
    found["recovery codes"] = blocking(axe_violations(page, axe))
    assert found == {"settings": [], "setup": [], "recovery codes": []}


def test_it_confirms_a_new_address_by_the_emailed_code(
    new_context: NewContext, base_url: str, alice: User, settings: Any, mailoutbox: list[Any]
) -> None:
    # attune's default: addresses are confirmed by a code, not a link.
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
    _, page = signed_in(new_context, base_url, alice)
    open_page(page, f"{base_url}/settings")
    section = page.get_by_role("region", name="Email address")
    section.get_by_label("Move to a new email address").fill("alice@new.example")
    section.get_by_role("button", name="Add this address").click()
    confirm_password(page)
    code_field = section.get_by_label("The code we sent to this address")
    expect(code_field).to_be_focused()
    sent = [m for m in mailoutbox if m.to == ["alice@new.example"]]
    assert len(sent) == 1
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", sent[0].body, re.MULTILINE)
    assert code, sent[0].body

    code_field.fill("WRONG1")
    section.get_by_role("button", name="Confirm").click()
    expect(section.get_by_text("That code didn't work.")).to_be_visible()
    code_field.fill(code.group(1))
    section.get_by_role("button", name="Confirm").click()
    row = section.get_by_role("listitem").filter(has_text="alice@new.example")
    expect(row).to_contain_text("Confirmed.")
    assert EmailAddress.objects.get(email="alice@new.example", user=alice).verified
