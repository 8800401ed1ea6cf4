"""Signing up and in, in Chromium: the emailed code under mandatory
verification, the second step with an authenticator app, a passkey (Chromium's
virtual authenticator), a code sent by email when a stranger has spent the
password tries, and the "please confirm it's you" dialog that lets a sensitive
change carry on in place (issue 11)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.e2e.browser import (
    DESKTOP,
    SCREENSHOTS,
    WIDTHS,
    NewContext,
    axe_violations,
    blocking,
    log_in,
    open_page,
    sign_up,
    with_virtual_authenticator,
)
from tests.factories import PASSWORD
from tests.second_factor import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE_LINE = re.compile(r"^ {4}(\S+)\s*$", re.MULTILINE)

# Loads attune's own modules next to the page's module, then runs `body`
# in the background: the test answers the dialogs it opens, then reads
# window.__result (or window.__error) when it is done.
IN_PAGE = """() => {
  const here = document.querySelector('script[type="module"]').src;
  const load = (path) => import(new URL(path, here).href);
  window.__result = undefined;
  window.__error = undefined;
  (async () => { BODY })().then(
    (value) => { window.__result = value === undefined ? true : value; },
    (error) => {
      window.__error = { message: error.message, codes: (error.errors || []).map((e) => e.code) };
    },
  );
}"""


def in_background(page: Page, body: str) -> None:
    page.evaluate(IN_PAGE.replace("BODY", body))


def outcome(page: Page) -> dict[str, Any]:
    page.wait_for_function("() => window.__result !== undefined || window.__error !== undefined")
    return {"result": page.evaluate("window.__result"), "error": page.evaluate("window.__error")}


def code_from_mail(address: str) -> str:
    """The code in the newest email sent to `address`.

    The page's request may still be on its way when the test asks, so this waits
    (a few seconds at most) for an email to arrive.
    """
    deadline = time.monotonic() + 10
    sent = [message for message in mail.outbox if address in message.to]
    while not sent and time.monotonic() < deadline:
        time.sleep(0.05)
        sent = [message for message in mail.outbox if address in message.to]
    assert sent, f"no email to {address}"
    found = CODE_LINE.search(str(sent[-1].body))
    assert found, sent[-1].body
    return found.group(1)


def confirm_its_me(page: Page, password: str = PASSWORD) -> None:
    dialog = page.get_by_role("dialog", name="Please confirm it's you")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Your password")).to_be_focused()
    dialog.get_by_label("Your password").fill(password)
    dialog.get_by_role("button", name="Confirm").click()


def test_it_signs_up_with_the_code_from_the_email(
    base_url: str, new_context: NewContext, settings: Any, alice: User
) -> None:
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
    settings.ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
    page = new_context().new_page()

    sign_up(page, base_url, name="Robin", email="robin@example.com")
    page.wait_for_url(f"{base_url}/account/verify-email")
    first = code_from_mail("robin@example.com")
    # allauth sends at most one code every few minutes; asking sooner is
    # answered kindly, and works once that time has passed.
    page.get_by_role("button", name="Send a new code").click()
    expect(page.get_by_role("alert")).to_contain_text("only a moment ago")
    cache.clear()
    page.get_by_role("button", name="Send a new code").click()
    expect(page.get_by_text("A new code is on its way")).to_be_visible()
    second = code_from_mail("robin@example.com")
    assert second != first

    page.get_by_label("Code", exact=True).fill(second)
    page.get_by_role("button", name="Confirm", exact=True).click()
    page.wait_for_url(f"{base_url}/today")
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    robin = User.objects.get(email="robin@example.com")
    assert EmailAddress.objects.filter(user=robin, email=robin.email, verified=True).exists()
    assert robin.display_name == "Robin"

    # Someone who tries alice's address sees the very same next page; only
    # alice's inbox learns of it.
    stranger = new_context().new_page()
    sign_up(stranger, base_url, name="Who", email="alice@example.com")
    stranger.wait_for_url(f"{base_url}/account/verify-email")
    expect(stranger.get_by_label("Code", exact=True)).to_be_visible()
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1


def test_it_signs_in_with_a_code_from_an_authenticator_app(
    base_url: str, new_context: NewContext, alice: User
) -> None:
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    page = new_context().new_page()

    open_page(page, f"{base_url}/login")
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="One more step")).to_be_focused()
    page.get_by_label("Code", exact=True).fill(
        "000000" if totp_code(secret) != "000000" else "111111"
    )
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Code", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Codes change every 30 seconds")).to_be_visible()
    assert page.url == f"{base_url}/login"

    page.get_by_label("Code", exact=True).fill(totp_code(secret))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/today")

    # No phone to hand: a recovery code does the same, once.
    recovery = RecoveryCodes.activate(alice).get_unused_codes()[0]
    page.get_by_role("link", name="Log out").click()
    page.wait_for_url(f"{base_url}/login")
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code", exact=True).fill(recovery)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/today")
    assert (
        recovery
        not in RecoveryCodes(
            Authenticator.objects.get(user=alice, type=Authenticator.Type.RECOVERY_CODES)
        ).get_unused_codes()
    )


def test_it_signs_in_with_a_passkey(
    base_url: str, new_context: NewContext, settings: Any, alice: User
) -> None:
    context = new_context()
    page = context.new_page()
    with_virtual_authenticator(context, page)
    log_in(page, base_url, email=alice.email)

    # Adding a passkey is a sensitive change: the dialog asks first.
    in_background(
        page,
        """
        const { auth } = await load("../lib/api.js");
        const { createPasskey } = await load("../lib/webauthn.js");
        const options = await auth.request("GET", "account/authenticators/webauthn?passwordless");
        const credential = await createPasskey(options.data.creation_options);
        const added = await auth.request("POST", "account/authenticators/webauthn",
          { body: { name: "My phone", credential } });
        return added.status;
        """,
    )
    confirm_its_me(page)
    assert outcome(page) == {"result": 200, "error": None}
    assert Authenticator.objects.filter(user=alice, type=Authenticator.Type.WEBAUTHN).count() == 1

    page.get_by_role("link", name="Log out").click()
    page.wait_for_url(f"{base_url}/login")
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(f"{base_url}/today")
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")

    # The dialog offers the passkey too, for the next sensitive step.
    in_background(
        page,
        """
        const { auth } = await load("../lib/api.js");
        const codes = await auth.request("GET", "account/authenticators/recovery-codes");
        return codes.status;
        """,
    )
    dialog = page.get_by_role("dialog", name="Please confirm it's you")
    dialog.get_by_role("button", name="Use a passkey instead").click()
    dialog.get_by_role("button", name="Use my passkey").click()
    assert outcome(page) == {"result": 200, "error": None}
    expect(dialog).to_have_count(0)

    # With a passkey on the account, the password alone is not enough: the
    # second step offers the passkey.
    page.get_by_role("link", name="Log out").click()
    page.wait_for_url(f"{base_url}/login")
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="One more step")).to_be_focused()
    expect(page.locator("#mfa-intro")).to_contain_text("one of your recovery codes works too")
    page.get_by_role("button", name="Use my passkey").click()
    page.wait_for_url(f"{base_url}/today")


def test_it_signs_in_with_an_emailed_code_after_a_stranger_spent_the_password_tries(
    base_url: str, new_context: NewContext, alice: User
) -> None:
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(8):
        stranger.post(
            "/_allauth/browser/v1/auth/login",
            {"email": alice.email, "password": f"guess number {attempt}"},
            content_type="application/json",
        )
    page = new_context().new_page()

    open_page(page, f"{base_url}/login")
    page.get_by_role("button", name="Email me a sign-in code").click()
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Email").fill(alice.email)
    page.get_by_role("button", name="Email me a sign-in code").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_focused()

    page.get_by_label("Sign-in code").fill(code_from_mail(alice.email))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/today")


def test_it_points_to_the_emailed_code_when_passwords_are_paused_for_an_address(
    base_url: str, new_context: NewContext, alice: User
) -> None:
    page = new_context().new_page()
    open_page(page, f"{base_url}/login")
    page.get_by_label("Email").fill(alice.email)
    # Five wrong passwords from this network (a flatmate's, or a tired hand's).
    for attempt in range(5):
        page.get_by_label("Password").fill(f"guess number {attempt}")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("You can still get in")
    page.get_by_role("button", name="Email me a sign-in code").click()
    page.get_by_label("Sign-in code").fill(code_from_mail(alice.email))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/today")


def test_it_asks_for_the_password_in_place_then_carries_on(
    base_url: str, new_context: NewContext, alice: User
) -> None:
    page = new_context().new_page()
    log_in(page, base_url, email=alice.email)
    add_email = """
        const { auth } = await load("../lib/api.js");
        const body = { email: "alice.new@example.com" };
        const answer = await auth.request("POST", "account/email", { body });
        return answer.status;
    """
    page.get_by_role("link", name="Settings", exact=True).focus()

    # Escape leaves everything as it was, calmly, and focus goes back.
    in_background(page, add_email)
    dialog = page.get_by_role("dialog", name="Please confirm it's you")
    expect(dialog.get_by_label("Your password")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert outcome(page)["error"]["codes"] == ["reauthentication_cancelled"]
    expect(page.get_by_role("link", name="Settings", exact=True)).to_be_focused()
    assert not EmailAddress.objects.filter(email="alice.new@example.com").exists()

    # A wrong password is said in place; the right one carries on.
    in_background(page, add_email)
    confirm_its_me(page, password="not my password")
    expect(dialog.get_by_label("Your password")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("window.__result === undefined && window.__error === undefined")
    expect(dialog.get_by_text("That isn't your password")).to_be_visible()
    dialog.get_by_label("Your password").fill(PASSWORD)
    dialog.get_by_role("button", name="Confirm").click()
    assert outcome(page) == {"result": 200, "error": None}
    expect(dialog).to_have_count(0)
    assert EmailAddress.objects.filter(user=alice, email="alice.new@example.com").exists()


def look(page: Page, name: str, axe: str, findings: dict[str, list[str]]) -> None:
    """Screenshots at both widths in light and dark, and axe-core at each width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.screenshot(
                path=SCREENSHOTS / f"sign-in-{name}-{width}-{scheme}.png", full_page=True
            )
            if scheme == "light":
                found = blocking(axe_violations(page, axe))
                if found:
                    findings[f"{name}@{width}"] = found
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(DESKTOP)


def test_it_keeps_the_sign_in_screens_clear_and_accessible(
    base_url: str, new_context: NewContext, settings: Any, alice: User, axe: str
) -> None:
    findings: dict[str, list[str]] = {}
    TOTP.activate(alice, generate_totp_secret())
    page = new_context(bypass_csp=True).new_page()

    open_page(page, f"{base_url}/login")
    look(page, "login", axe, findings)
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    look(page, "second-step", axe, findings)

    other = new_context(bypass_csp=True).new_page()
    open_page(other, f"{base_url}/login")
    other.get_by_label("Email").fill("bob@example.com")
    other.get_by_role("button", name="Email me a sign-in code").click()
    expect(other.get_by_role("heading", name="Check your inbox")).to_be_visible()
    look(other, "code", axe, findings)

    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
    sign_up(other, base_url, name="Robin", email="robin@example.com")
    other.wait_for_url(f"{base_url}/account/verify-email")
    expect(other.get_by_label("Code", exact=True)).to_be_visible()
    look(other, "verify-email", axe, findings)

    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    carol = new_context(bypass_csp=True).new_page()
    carol_user = User.objects.create_user(email="carol@example.com", password=PASSWORD)
    secret = generate_totp_secret()
    TOTP.activate(carol_user, secret)
    open_page(carol, f"{base_url}/login")
    carol.get_by_label("Email").fill(carol_user.email)
    carol.get_by_label("Password").fill(PASSWORD)
    carol.get_by_role("button", name="Log in").click()
    carol.get_by_label("Code", exact=True).fill(totp_code(secret))
    carol.get_by_role("button", name="Sign in").click()
    carol.wait_for_url(f"{base_url}/today")
    expect(carol.locator("main")).not_to_have_attribute("aria-busy", "true")
    in_background(
        carol,
        """
        const { auth } = await load("../lib/api.js");
        await auth.request("POST", "account/email", { body: { email: "carol.new@example.com" } });
        """,
    )
    dialog = carol.get_by_role("dialog", name="Please confirm it's you")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Your password").fill("not quite")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_label("Your password")).to_have_attribute("aria-invalid", "true")
    look(carol, "reauthenticate", axe, findings)
    dialog.get_by_role("button", name="Use a code from your authenticator app instead").click()
    expect(dialog.get_by_label("Code from your authenticator app")).to_be_focused()
    look(carol, "reauthenticate-code", axe, findings)

    assert findings == {}
