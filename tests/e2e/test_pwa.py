"""The installable app (issue 14): the manifest, its icons and the service worker,
in real Chromium, under the strict CSP."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import NewContext, log_in, open_page
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Chromium
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def alice_signed_in(new_context: NewContext, base: str) -> Page:
    UserFactory.create(email="alice@example.com", display_name="Alice")
    page = new_context().new_page()
    log_in(page, base, email="alice@example.com")
    return page


def wait_for_control(page: Page) -> None:
    """Until the worker is active; then a reload is served through it."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_it_links_a_manifest_that_parses_with_the_right_fields(
    new_context: NewContext, base_url: str
) -> None:
    page = alice_signed_in(new_context, base_url)
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    assert href == "/manifest.webmanifest"
    response = page.request.get(base_url + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "attune"
    assert manifest["short_name"] == "attune"
    assert manifest["start_url"] == "/today"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["id"]
    assert manifest["theme_color"] == manifest["background_color"] == "#faf8f4"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    # Each icon loads, as a PNG of its stated size.
    for icon in manifest["icons"]:
        side = int(icon["sizes"].split("x")[0])
        natural = page.evaluate(
            """(src) => new Promise((resolve, reject) => {
              const img = new Image();
              img.onload = () => resolve([img.naturalWidth, img.naturalHeight]);
              img.onerror = () => reject(new Error(src));
              img.src = src;
            })""",
            icon["src"],
        )
        assert natural == [side, side]
    # Dark mode has its own theme colour.
    dark = page.locator('meta[name="theme-color"][media="(prefers-color-scheme: dark)"]')
    assert dark.get_attribute("content") == "#161514"


def test_it_is_installable_as_chromium_sees_it(
    chromium: Chromium, base_url: str, tmp_path: Path
) -> None:
    # Playwright's usual contexts are incognito, where Chromium installs nothing:
    # a profile on disk is what a person's browser has.
    UserFactory.create(email="alice@example.com", display_name="Alice")
    context = chromium.browser().browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
    )
    try:
        page = context.new_page()
        log_in(page, base_url, email="alice@example.com")
        wait_for_control(page)
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == []
        parsed = cdp.send("Page.getAppManifest")
        assert parsed["errors"] == []
        assert parsed["url"].endswith("/manifest.webmanifest")
    finally:
        context.close()


def test_it_activates_the_worker_which_controls_the_page_after_a_reload(
    new_context: NewContext, base_url: str
) -> None:
    page = alice_signed_in(new_context, base_url)
    open_page(page, f"{base_url}/mine")
    wait_for_control(page)
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == f"{base_url}/"
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == f"{base_url}/sw.js"
    response = page.request.get(f"{base_url}/sw.js")
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.headers["cache-control"] == "no-cache"
    # The app shell is kept; the API's answers never are.
    kept = page.evaluate(
        """async () => {
          const urls = [];
          for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
          }
          return urls;
        }"""
    )
    assert "/static/web/css/attune.css" in kept
    assert "/static/web/js/lib/offline.js" in kept
    assert "/offline" in kept
    assert "/mine" in kept
    assert not [url for url in kept if url.startswith(("/api/", "/_allauth/"))]


def test_it_shows_the_offline_page_for_a_page_never_opened(
    new_context: NewContext, base_url: str
) -> None:
    page = alice_signed_in(new_context, base_url)
    wait_for_control(page)
    page.context.set_offline(True)
    page.goto(f"{base_url}/us")
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    page.context.set_offline(False)
