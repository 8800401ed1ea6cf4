"""The invitation link in a browser, beside the two-person journey: a detour
through logging in keeps the invitation in the tab, and a name attune refuses
never stands between someone and their new account (issue 11, holes 5 and 8)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import User
from partners import services as account_services
from partners.models import Membership
from tests.e2e.browser import NewContext, open_page, sign_up
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_it_keeps_the_invitation_in_the_tab_through_logging_in(
    new_context: NewContext, base_url: str, alice: User, carol: User
) -> None:
    token = account_services.invitation_create(inviter=alice).token
    page = new_context().new_page()
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))

    open_page(page, f"{base_url}/invitation#{token}")
    expect(page.get_by_role("heading", name="Alice invited you to attune")).to_be_visible()
    page.get_by_role("link", name="Log in").click()
    page.wait_for_url(f"{base_url}/login?next=/invitation")
    form = page.locator("#login-form")
    form.get_by_label("Email").fill(carol.email)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/invitation")
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page.get_by_role("heading", name="You are now partners on attune")).to_be_visible()

    assert set(Membership.objects.values_list("user_id", flat=True)) == {alice.pk, carol.pk}
    assert not [url for url in urls if token in url]


def test_it_tells_a_page_without_an_invitation_so_gently(
    new_context: NewContext, base_url: str
) -> None:
    page = new_context().new_page()
    open_page(page, f"{base_url}/invitation")
    expect(page.get_by_role("heading", name="This invitation can't be used")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("open the link from your invitation again")


def test_it_opens_the_account_even_when_the_chosen_name_is_refused(
    new_context: NewContext, base_url: str
) -> None:
    page = new_context().new_page()
    sign_up(page, base_url, name="Visit evil.example", email="erin@example.com")
    page.wait_for_url(f"{base_url}/today")
    expect(page.get_by_role("status").filter(has_text="couldn't keep that name")).to_be_visible()
    assert User.objects.get(email="erin@example.com").display_name == ""
