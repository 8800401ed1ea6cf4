"""A button busy with its request keeps focus: it says so with aria-disabled
rather than `disabled` (which drops focus to the page's body), and once the
request is done focus moves somewhere that says what happened."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, Route, expect

from accounts.models import User
from partners.models import Invitation
from tests.e2e.browser import NewContext, log_in, open_page
from tests.factories import InvitationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Records, each time a button in the list turns busy, whether it held focus
# then and whether it was really disabled.
WATCH_BUSY = """() => {
  window.busySeen = [];
  new MutationObserver((changes) => {
    for (const change of changes) {
      const button = change.target;
      if (button.getAttribute("aria-disabled") !== "true") continue;
      const focused = document.activeElement === button;
      window.busySeen.push({ focused, disabled: button.disabled });
    }
  }).observe(document.getElementById("invitation-list"), {
    subtree: true, attributes: true, attributeFilter: ["aria-disabled"],
  });
}"""


def refuse_once(route: Route) -> None:
    route.fulfill(
        status=409,
        content_type="application/json",
        body=json.dumps(
            {
                "status": 409,
                "errors": [{"code": "busy", "message": "We could not withdraw it just now."}],
            }
        ),
    )


def press_withdraw(page: Page) -> None:
    withdraw = page.get_by_role("button", name="Withdraw")
    withdraw.focus()
    page.keyboard.press("Enter")


def test_it_keeps_focus_on_withdraw_while_busy_and_then_on_the_withdrawn_link(
    new_context: NewContext, base_url: str, carol: User
) -> None:
    invitation = InvitationFactory.create(inviter=carol, email="dan@example.com")
    page = new_context().new_page()
    log_in(page, base_url, email="carol@example.com")
    open_page(page, f"{base_url}/invite")
    line = page.locator(f"#invitation-{invitation.pk}")
    expect(line).to_contain_text("waiting to be accepted")
    page.evaluate(WATCH_BUSY)

    # Refused: the button keeps focus, is pressable again, and says why.
    page.route(f"**/api/v1/invitations/{invitation.pk}", refuse_once, times=1)
    press_withdraw(page)
    expect(line).to_contain_text("We could not withdraw it just now.")
    withdraw = line.get_by_role("button", name="Withdraw")
    expect(withdraw).to_be_focused()
    expect(withdraw).not_to_have_attribute("aria-disabled", "true")
    assert Invitation.objects.get(pk=invitation.pk).withdrawn_at is None

    # Withdrawn: focus moves to the same link's line, which now says so.
    press_withdraw(page)
    line = page.locator(f"#invitation-{invitation.pk}")
    expect(line).to_contain_text("withdrawn")
    expect(line).to_be_focused()
    expect(line).not_to_contain_text("We could not withdraw it just now.")
    assert Invitation.objects.get(pk=invitation.pk).withdrawn_at is not None
    assert page.evaluate("window.busySeen") == [
        {"focused": True, "disabled": False},
        {"focused": True, "disabled": False},
    ]
