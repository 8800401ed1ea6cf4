"""The offline copy (issue 14): what Bob last synced shows on the partner page when
he is offline, marked so; writes are refused in our words; what Alice takes back
while he is away leaves the copy as he reconnects; signing out leaves nothing.

Alice's sharing is done through the services; the pages under test are Bob's, in
real Chromium with its real service worker and IndexedDB. The network goes away
with Playwright's `set_offline`, as it would in a tunnel.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from partners import services as partner_services
from tests.e2e.browser import NewContext, Watch, log_in, open_page
from tests.factories import PASSWORD, UserFactory
from triggers import services as trigger_services
from triggers.models import Boundary, Trigger

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUICK_MS = 250

# What this device keeps: {meta, items: ["type:id", ...], answers: [key, ...]}.
READ_COPY = """async () => {
  const names = (await indexedDB.databases()).map((db) => db.name);
  if (!names.includes("attune-offline")) return null;
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open("attune-offline");
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const get = (store, how) => new Promise((resolve, reject) => {
    const req = how(db.transaction(store).objectStore(store));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const meta = await get("meta", (s) => s.get("state"));
  const items = await get("items", (s) => s.getAll());
  const answers = await get("answers", (s) => s.getAllKeys());
  db.close();
  return { meta: meta || {}, items: items.map((i) => `${i.type}:${i.id}`), answers };
}"""


@pytest.fixture(autouse=True)
def _offline_is_expected(watch: Watch) -> Iterator[None]:
    """Chromium logs each request made while offline as a console error: here that
    is the situation under test, not a problem. Every other error still counts."""
    yield
    watch.problems[:] = [p for p in watch.problems if "net::ERR_INTERNET_DISCONNECTED" not in p]


def a_new_pair() -> tuple[User, User]:
    alice = UserFactory.create(email="alice@example.com", display_name="Alice")
    bob = UserFactory.create(email="bob@example.com", display_name="Bob")
    created = partner_services.invitation_create(inviter=alice)
    partner_services.invitation_accept(token=created.token, user=bob)
    return alice, bob


def shared(model: Any, alice: User, **fields: Any) -> Any:
    item = trigger_services.item_create(model=model, owner=alice, fields=fields)
    return trigger_services.item_share(item=item, by=alice)


def copy_of(page: Page) -> Any:
    return page.evaluate(READ_COPY)


def synced_copy_holds(page: Page, *keys: str) -> None:
    """Wait until the copy is up to date and holds `keys` ("type:id")."""
    page.wait_for_function(
        """async (keys) => {
          const copy = await ("""
        + READ_COPY
        + """)();
          return Boolean(copy && copy.meta.syncedAt && keys.every((k) => copy.items.includes(k)));
        }""",
        arg=list(keys),
        polling=200,
    )


def bob_online_on_partner(new_context: NewContext, base: str) -> tuple[BrowserContext, Page]:
    context = new_context()
    context.add_init_script(f"window.attuneFollowInterval = {QUICK_MS};")
    bob = context.new_page()
    log_in(bob, base, email="bob@example.com")
    open_page(bob, f"{base}/partner")
    bob.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # Opened once more under the worker, which keeps a copy of the page itself.
    open_page(bob, f"{base}/partner")
    return context, bob


def test_it_shows_the_last_synced_partner_items_offline_with_a_calm_banner(
    new_context: NewContext, base_url: str
) -> None:
    alice, _ = a_new_pair()
    voices = shared(Trigger, alice, title="Raised voices", helps="A lower voice.")
    dinner = shared(Boundary, alice, statement="No phones at dinner.")
    context, bob = bob_online_on_partner(new_context, base_url)
    synced_copy_holds(bob, f"partner_trigger:{voices.pk}", f"partner_boundary:{dinner.pk}")
    expect(bob.locator("[data-offline]")).to_have_count(0)

    context.set_offline(True)
    open_page(bob, f"{base_url}/partner")

    banner = bob.locator("[data-offline]")
    expect(banner).to_contain_text("Offline — last updated")
    expect(bob.locator(f"#trigger-{voices.pk}")).to_contain_text("Raised voices")
    expect(bob.locator(f"#trigger-{voices.pk}")).to_contain_text("A lower voice.")
    expect(bob.locator(f"#boundary-{dinner.pk}")).to_contain_text("No phones at dinner.")
    expect(bob.get_by_role("heading", name="Alice's space")).to_be_visible()

    # A write is refused, plainly, and nothing waits to be sent later.
    card = bob.locator(f"#trigger-{voices.pk}")
    card.get_by_text("Ask Alice about this").click()
    card.get_by_label("Your question").fill("When did this start?")
    card.get_by_role("button", name="Ask").click()
    expect(card).to_contain_text(
        "You're offline: this wasn't saved. Try again when you're back online."
    )
    context.set_offline(False)


def test_it_forgets_what_alice_took_back_before_the_copy_shows_anything_again(
    new_context: NewContext, base_url: str
) -> None:
    alice, _ = a_new_pair()
    voices = shared(Trigger, alice, title="Raised voices")
    dinner = shared(Boundary, alice, statement="No phones at dinner.")
    context, bob = bob_online_on_partner(new_context, base_url)
    synced_copy_holds(bob, f"partner_trigger:{voices.pk}", f"partner_boundary:{dinner.pk}")
    context.set_offline(True)
    open_page(bob, f"{base_url}/partner")
    expect(bob.locator(f"#trigger-{voices.pk}")).to_contain_text("Raised voices")
    assert copy_of(bob)["meta"]["offlineSince"]

    # While Bob is away, Alice takes it back.
    trigger_services.item_unshare(item=Trigger.objects.get(pk=voices.pk), by=alice)

    context.set_offline(False)
    # Back online, the feed's deletion leaves the page and the copy at once.
    expect(bob.locator(f"#trigger-{voices.pk}")).to_have_text("Alice stopped sharing this.")
    expect(bob.get_by_text("Raised voices")).to_have_count(0)
    copy = copy_of(bob)
    assert f"partner_trigger:{voices.pk}" not in copy["items"]
    assert f"partner_boundary:{dinner.pk}" in copy["items"]
    # The copy was caught up after the reconnection before it may answer again.
    assert copy["meta"]["syncedAt"] >= copy["meta"]["reconnectedAt"]

    # Offline once more: the copy shows what is still shared, and nothing taken back.
    context.set_offline(True)
    open_page(bob, f"{base_url}/partner")
    expect(bob.locator("[data-offline]")).to_be_visible()
    expect(bob.locator(f"#boundary-{dinner.pk}")).to_contain_text("No phones at dinner.")
    expect(bob.get_by_text("Raised voices")).to_have_count(0)
    context.set_offline(False)


def test_it_answers_nothing_from_the_copy_until_the_feed_is_read_after_a_reconnection(
    new_context: NewContext, base_url: str
) -> None:
    alice, _ = a_new_pair()
    voices = shared(Trigger, alice, title="Raised voices")
    context, bob = bob_online_on_partner(new_context, base_url)
    synced_copy_holds(bob, f"partner_trigger:{voices.pk}")
    context.set_offline(True)
    open_page(bob, f"{base_url}/partner")
    expect(bob.locator("[data-offline]")).to_be_visible()
    # Offline, Bob goes to a page this device never kept (so nothing there reads
    # the feed); back online, one read reaches attune: the copy now waits for the feed.
    bob.goto(f"{base_url}/us")
    expect(bob.get_by_role("heading", name="You're offline")).to_be_visible()
    context.set_offline(False)
    bob.evaluate('import("/static/web/js/lib/api.js").then((m) => m.api.get("me"))')
    bob.wait_for_function(
        "async () => { const c = await (" + READ_COPY + ")(); "
        "return c && c.meta.reconnectedAt && !c.meta.offlineSince; }",
        polling=200,
    )
    trigger_services.item_unshare(item=Trigger.objects.get(pk=voices.pk), by=alice)
    context.set_offline(True)
    bob.goto(f"{base_url}/partner")
    expect(bob.locator("main")).not_to_have_attribute("aria-busy", "true")
    # Not caught up: the page says it could not reach attune, and shows nothing kept.
    expect(bob.get_by_text("We couldn't reach attune just now.").first).to_be_visible()
    expect(bob.get_by_text("Raised voices")).to_have_count(0)
    context.set_offline(False)


def test_it_leaves_no_copy_and_no_cache_after_signing_out(
    new_context: NewContext, base_url: str
) -> None:
    alice, _ = a_new_pair()
    voices = shared(Trigger, alice, title="Raised voices")
    _, bob = bob_online_on_partner(new_context, base_url)
    synced_copy_holds(bob, f"partner_trigger:{voices.pk}")
    assert bob.evaluate("caches.keys()")

    bob.get_by_role("navigation", name="Main").get_by_role("link", name="Log out").click()
    bob.wait_for_url(f"{base_url}/login")
    expect(bob.get_by_text("You are logged out. Take care.")).to_be_visible()

    assert copy_of(bob) is None
    assert bob.evaluate("indexedDB.databases().then((dbs) => dbs.map((db) => db.name))") == []
    assert bob.evaluate("caches.keys()") == []


def test_it_wipes_another_persons_copy_when_someone_else_signs_in(
    new_context: NewContext, base_url: str
) -> None:
    alice, _ = a_new_pair()
    voices = shared(Trigger, alice, title="Raised voices")
    UserFactory.create(email="carol@example.com", display_name="Carol")
    context, bob = bob_online_on_partner(new_context, base_url)
    synced_copy_holds(bob, f"partner_trigger:{voices.pk}")
    # Bob's session ends without signing out (it expired, say); Carol signs in here.
    context.clear_cookies()
    log_in(bob, base_url, email="carol@example.com")
    carol = User.objects.get(email="carol@example.com")
    bob.wait_for_function(
        "async (carol) => { const c = await (" + READ_COPY + ")(); "
        "return c && c.meta.user === carol && c.meta.syncedAt; }",
        arg=str(carol.pk),
        polling=200,
    )
    copy = copy_of(bob)
    assert f"partner_trigger:{voices.pk}" not in copy["items"]
    assert copy["items"] == []


def test_it_opens_each_page_bob_visited_offline_without_trouble(
    new_context: NewContext, base_url: str
) -> None:
    alice, _ = a_new_pair()
    voices = shared(Trigger, alice, title="Raised voices")
    context, bob = bob_online_on_partner(new_context, base_url)
    # (Settings is for changes; its sign-in parts ask allauth, which has no offline copy.)
    pages = ("/today", "/mine", "/checkin", "/history")
    for path in pages:
        open_page(bob, f"{base_url}{path}")
    synced_copy_holds(bob, f"partner_trigger:{voices.pk}")
    context.set_offline(True)
    for path in pages:
        open_page(bob, f"{base_url}{path}")
        expect(bob.locator("[data-offline]")).to_contain_text("Offline — last updated")
        problems = bob.locator(".notice-problem").all_inner_texts()
        assert problems == [], (path, problems)
    context.set_offline(False)


def device_is_empty(page: Page) -> None:
    page.wait_for_function(
        """async () => (await indexedDB.databases()).length === 0
          && (await caches.keys()).length === 0""",
        polling=200,
    )


def test_it_wipes_the_copy_and_caches_when_bob_ends_the_partnership(
    new_context: NewContext, base_url: str
) -> None:
    alice, _ = a_new_pair()
    voices = shared(Trigger, alice, title="Raised voices")
    _, bob = bob_online_on_partner(new_context, base_url)
    synced_copy_holds(bob, f"partner_trigger:{voices.pk}")
    open_page(bob, f"{base_url}/settings")
    bob.get_by_role("button", name="End the partnership with Alice").click()
    dialog = bob.get_by_role("dialog", name="End the partnership with Alice?")
    dialog.get_by_role("button", name="End the partnership").click()
    expect(bob.get_by_text("The partnership has ended.")).to_be_visible()
    device_is_empty(bob)


def test_it_wipes_the_copy_and_caches_when_bob_deletes_his_account(
    new_context: NewContext, base_url: str
) -> None:
    alice, _ = a_new_pair()
    voices = shared(Trigger, alice, title="Raised voices")
    _, bob = bob_online_on_partner(new_context, base_url)
    synced_copy_holds(bob, f"partner_trigger:{voices.pk}")
    open_page(bob, f"{base_url}/settings")
    bob.locator("#delete-password").fill(PASSWORD)
    bob.get_by_role("button", name="Delete my account").click()
    bob.wait_for_url(f"{base_url}/login")
    assert not User.objects.filter(email="bob@example.com").exists()
    device_is_empty(bob)
