"""The invitation page in Chromium (issue 13, item 8): an expired, a withdrawn, a used
and an unknown link each say what happened and what to do next; the inviter opening
their own link, and someone who already has a partner, get the right words; open
links on /invite are told apart by when they were made (in the reader's own zone)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from partners import services
from tests.conftest import pair
from tests.e2e.browser import NewContext, open_page
from tests.e2e.test_ending import person, signed_in
from tests.factories import InvitationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alice(db: Any) -> User:
    return person("alice@example.com", "Alice")


@pytest.mark.parametrize(
    ("fields", "said", "next_step"),
    [
        (
            {"expires_at": timezone.now() - timedelta(minutes=1)},
            "This invitation link has expired.",
            "Links last a few days",
        ),
        (
            {"withdrawn_at": timezone.now()},
            "This invitation link was withdrawn by the person who made it.",
            "talk with whoever invited you",
        ),
        (None, "We don't recognise this invitation link.", "opened the whole link"),
    ],
)
def test_it_says_how_a_link_stopped_working(
    new_context: NewContext, base_url: str, alice: User, fields: Any, said: str, next_step: str
) -> None:
    if fields is not None:
        InvitationFactory.create(inviter=alice, token="the-link-token", **fields)
    page = new_context().new_page()
    open_page(page, f"{base_url}/invitation#the-link-token")
    expect(page.get_by_role("heading", name="This invitation can't be used")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(said)
    expect(page.locator("#invite-next")).to_contain_text(next_step)
    expect(page.get_by_text("Alice")).to_have_count(0)


def test_it_tells_the_inviter_the_link_is_their_own(
    new_context: NewContext, base_url: str, alice: User
) -> None:
    token = services.invitation_create(inviter=alice).token
    page = signed_in(new_context, base_url, alice)
    open_page(page, f"{base_url}/invitation#{token}")
    expect(page.get_by_role("heading", name="This is your own invitation link")).to_be_visible()
    expect(page.get_by_role("button", name="Accept the invitation")).to_be_hidden()


def test_it_tells_someone_with_a_partner_what_accepting_would_need(
    new_context: NewContext, base_url: str, alice: User
) -> None:
    bob = person("bob@example.com", "Bob")
    carol = person("carol@example.com", "Carol")
    pair(carol, bob)
    token = services.invitation_create(inviter=alice).token
    page = signed_in(new_context, base_url, bob)
    open_page(page, f"{base_url}/invitation#{token}")
    expect(page.get_by_role("heading", name="Alice invited you to attune")).to_be_visible()
    expect(page.locator("#invite-why")).to_contain_text("You and Carol are partners on attune")
    expect(page.get_by_role("button", name="Accept the invitation")).to_be_hidden()


def test_it_tells_open_links_apart_in_the_readers_zone(
    new_context: NewContext, base_url: str, alice: User
) -> None:
    services.invitation_create(inviter=alice)
    services.invitation_create(inviter=alice, email="bob@example.com")
    page = signed_in(new_context, base_url, alice)
    open_page(page, f"{base_url}/invite")
    lines = page.locator("#invitation-list li")
    expect(lines).to_have_count(2)
    expect(lines.filter(has_text="Link for bob@example.com")).to_have_count(1)
    expect(lines.filter(has_text="Link with no email")).to_have_count(1)
    # The times are the reader's own, and say so (this browser's zone is UTC).
    expect(lines.first).to_contain_text("UTC")
