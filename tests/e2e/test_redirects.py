"""After signing in, `?next=` leads only to a page of attune (issue 11, hole 4).

Each hostile `next` is one a browser's URL parser reads as another site (tabs and
newlines dropped, a backslash read as a slash, a scheme-relative address) or as
a script. The browser must stay on our origin, and never even ask another host.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.e2e.browser import NewContext, open_page, sign_up
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The raw query value, as an attacker would write it into a link.
HOSTILE_NEXT = [
    "/%09/example.org",
    "/%0a/example.org",
    "/%0d%0a/example.org",
    "/%5Cexample.org",
    "%5C%5Cexample.org",
    "/%5C/example.org",
    "//example.org",
    "///example.org",
    "https://example.org",
    "https:example.org",
    "%20//example.org",
    "javascript:alert(document.domain)",
    "JaVaScRiPt%3Aalert(1)",
    "data:text/html,hello",
]


class Outside:
    """Every request the browser tries to send to another host, refused."""

    def __init__(self, context: BrowserContext, base: str) -> None:
        self.origin = _origin(base)
        self.requests: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if _origin(url) == self.origin:
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def guest(new_context: NewContext, base_url: str) -> Iterator[tuple[Page, Outside]]:
    context = new_context()
    outside = Outside(context, base_url)
    yield context.new_page(), outside


def log_in_with_next(page: Page, base: str, email: str, raw_next: str) -> None:
    open_page(page, f"{base}/login?next={raw_next}")
    form = page.locator("#login-form")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("raw_next", HOSTILE_NEXT)
def test_it_stays_on_attune_after_logging_in_whatever_next_says(
    guest: tuple[Page, Outside], base_url: str, alice, raw_next: str
) -> None:
    page, outside = guest
    log_in_with_next(page, base_url, alice.email, raw_next)
    page.wait_for_url(f"{base_url}/today")
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    assert _origin(page.url) == _origin(base_url)
    assert outside.requests == []


@pytest.mark.parametrize(
    ("raw_next", "lands_on"),
    [("/mine%3Fx%3D1%23top", "/mine?x=1#top"), ("{base}/history", "/history")],
)
def test_it_still_follows_next_to_a_page_of_attune(
    guest: tuple[Page, Outside], base_url: str, alice, raw_next: str, lands_on: str
) -> None:
    page, outside = guest
    log_in_with_next(page, base_url, alice.email, raw_next.format(base=base_url))
    page.wait_for_url(f"{base_url}{lands_on}")
    assert outside.requests == []


def test_it_stays_on_attune_after_signing_up_whatever_next_says(
    guest: tuple[Page, Outside], base_url: str
) -> None:
    page, outside = guest
    sign_up(
        page, base_url, name="Erin", email="erin@example.com", path="/signup?next=/%09/example.org"
    )
    page.wait_for_url(f"{base_url}/today")
    assert outside.requests == []
