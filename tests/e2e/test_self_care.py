"""Self-care notes through the pages, in two browsers: Alice writes what restores
her and shares it; Bob reads it on his partner's page, without her private
notes, and asks about it; Alice sees the question."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.browser import NewContext, log_in, open_page, shoot
from triggers.models import Question, SelfCareNote

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PRIVATE = "Only on Sunday evenings, before the week starts"


def test_alice_shares_a_self_care_note_and_bob_asks_about_it(
    new_context: NewContext, base_url: str, alice: User, bob: User
) -> None:
    page = new_context().new_page()
    log_in(page, base_url, email="alice@example.com")
    open_page(page, f"{base_url}/mine")
    expect(page.get_by_role("heading", name="What restores me, what drains me")).to_be_visible()
    page.get_by_role("button", name="Add a self-care note").click()
    form = page.get_by_role("form", name="A new self-care note")
    form.get_by_label("restores me").check()
    form.get_by_label("What it is").fill("A long walk alone")
    form.get_by_label("How you can help").fill("Offer to take the evening chores.")
    form.get_by_label("Private notes").fill(PRIVATE)
    form.get_by_role("button", name="Save").click()

    card = page.locator("#self-care-list li").first
    expect(card.get_by_role("heading", name="A long walk alone")).to_be_visible()
    expect(card.get_by_text("What restores me")).to_be_visible()
    card.get_by_role("switch", name="Share with Bob", exact=True).click()
    page.get_by_role("dialog", name="What Bob will see").get_by_role(
        "button", name="Share with Bob"
    ).click()
    card = page.locator("#self-care-list li").first
    expect(card.get_by_text("Bob can see this (never your private notes)")).to_be_visible()
    note = SelfCareNote.objects.get()
    assert note.shared_with_id is not None and note.notes == PRIVATE
    shoot(page, "self-care-mine")

    other = new_context().new_page()
    log_in(other, base_url, email="bob@example.com")
    open_page(other, f"{base_url}/partner")
    section = other.get_by_role("region", name="What restores them, what drains them")
    theirs = section.locator(f"#self-care-{note.pk}")
    expect(theirs.get_by_role("heading", name="A long walk alone")).to_be_visible()
    expect(theirs.get_by_text("What restores them")).to_be_visible()
    expect(theirs.get_by_text("Offer to take the evening chores.")).to_be_visible()
    assert PRIVATE not in other.content()

    theirs.get_by_role("button", name="I have read and understood this").click()
    theirs = section.locator(f"#self-care-{note.pk}")
    expect(theirs.get_by_text("You read this on")).to_be_visible()
    theirs.get_by_text("Ask Alice about this").click()
    theirs.get_by_label("Your question").fill("Which walk do you like best?")
    theirs.get_by_role("button", name="Ask").click()
    expect(theirs.get_by_text("Which walk do you like best?")).to_be_visible()
    question = Question.objects.get()
    assert (question.item_type, question.item_id) == ("self_care", note.pk)
    shoot(other, "self-care-partner")

    open_page(page, f"{base_url}/partner")
    asked = page.locator(f"#question-{question.pk}")
    expect(asked.get_by_text("Which walk do you like best?")).to_be_visible()
    expect(page.get_by_role("heading", name="A long walk alone")).to_be_visible()
