"""Real-browser tests: Debian's Chromium at /usr/bin/chromium, driven by
Playwright's sync API against pytest-django's live server.

A missing browser fails each test (in its body, so pytest reports FAILED):
these tests never skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, expect, sync_playwright

from tests.e2e.browser import DESKTOP, NewContext, Watch, axe_source

CHROMIUM = Path("/usr/bin/chromium")
# Generous waits: CI machines are busy, and a wait ends as soon as its condition holds.
TIMEOUT_MS = 20_000
expect.set_options(timeout=TIMEOUT_MS)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Chromium:
    """The system browser, launched on first use and shared by the session."""

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def browser(self) -> Browser:
        if self._browser is None:
            if not CHROMIUM.exists():
                pytest.fail(
                    f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
                    "(apt-get install chromium). They fail rather than skip without it.",
                    pytrace=False,
                )
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
        return self._browser

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    # Playwright's sync API keeps an event loop running in this thread, and the
    # tests also read and write the database directly; Django's guard against
    # ORM calls from async code would otherwise refuse them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    launcher = Chromium()
    try:
        yield launcher
    finally:
        launcher.close()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def base_url(live_server, settings) -> str:  # type: ignore[no-untyped-def]
    """The live server's address; invitation links point at it too."""
    settings.SITE_URL = live_server.url
    return str(live_server.url)


@pytest.fixture
def watch() -> Iterator[Watch]:
    """Console errors, page errors, CSP violations and 5xx answers fail the test."""
    watching = Watch()
    yield watching
    watching.assert_clean()


@pytest.fixture
def new_context(chromium: Chromium, watch: Watch) -> Iterator[NewContext]:
    """Browser contexts, one per person, closed after the test.

    Contexts are watched for errors, except those that bypass CSP to let
    axe-core in: an injected script is exactly what the policy refuses.
    """
    contexts: list[BrowserContext] = []

    def _new(**options: Any) -> BrowserContext:
        # A test may set the device's zone (`timezone_id`); UTC otherwise.
        options = {"timezone_id": "UTC", **options}
        context = chromium.browser().new_context(viewport=DESKTOP, locale="en-GB", **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context if options.get("bypass_csp") else watch.attach(context)

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe() -> str:
    return axe_source()
